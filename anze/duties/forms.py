"""Forms of the duties pages. Saving goes through services; these only parse input."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anze.duties.choices import DutyKind, EventUnit, RollRule, SubjectKind
from anze.duties.evidence import max_bytes, max_files
from anze.duties.recurrence import MAX_YEARS
from anze.duties.schedule_choices import ChoiceError, DueOn, Frequency, ScheduleChoice, from_rule, to_rule
from anze.org.models import Person, Unit, UnitGroup


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; each is checked by its content in the service."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"class": "form-control", "multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")


class ReportForm(forms.Form):
    """报送进展：情况说明、工作完成日期、佐证材料。"""

    text = forms.CharField(
        label=_("进展情况"), widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"})
    )
    evidence_on = forms.DateField(
        label=_("工作完成日期"),
        widget=_date_widget(),
        help_text=_(
            "会议召开、检查开展等的实际日期（不是上传日期）；晚于本周期也照实填写。"
            "是否逾期按系统收到报告的时间判断，与此日期无关。"
        ),
    )
    files = MultipleFileField(
        label=_("佐证材料"),
        required=True,
        help_text=_("PDF、图片、Word、Excel 或纯文本，按内容识别类型；单个不超过 %(mb)s MB，最多 %(n)s 个。")
        % {"mb": max_bytes() // 1048576, "n": max_files()},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean_evidence_on(self):
        value = self.cleaned_data["evidence_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("工作完成日期不能晚于今天。"))
        return value


class ReviewForm(forms.Form):
    """审核：通过、退回（须说明理由）或领导签批。"""

    decision = forms.ChoiceField(
        choices=[("accept", _("通过")), ("return", _("退回")), ("sign_off", _("签批"))]
    )
    reason = forms.CharField(
        label=_("意见"), required=False, widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("退回须说明理由。"))
        return data


def _model_choice(queryset: Any, label: str) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=queryset,
        to_field_name="public_id",
        label=label,
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
        empty_label=_("请选择"),
    )


SCHEDULE_CHOICES = [
    (Frequency.MONTHLY.value, _("每月")),
    (Frequency.QUARTERLY.value, _("每季度")),
    (Frequency.HALF_YEARLY.value, _("每半年")),
    (Frequency.YEARLY.value, _("每年")),
    (Frequency.YEARS.value, _("每N年")),
    (Frequency.EVENT.value, _("事件发生后N日内")),
    (Frequency.CUSTOM.value, _("自定义规则（RFC 5545）")),
]
DUE_CHOICES = [
    (DueOn.PERIOD_END.value, _("周期最后一天")),
    (DueOn.LAST_WORKDAY.value, _("周期最后一个工作日")),
    (DueOn.DAY.value, _("指定日期")),
]


class DutyConfirmForm(forms.Form):
    """确认职责：核对解析建议，修改后确认。"""

    title = forms.CharField(
        label=_("职责内容"), max_length=500, widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"})
    )
    kind = forms.ChoiceField(
        label=_("类型"), choices=DutyKind.choices, widget=forms.Select(attrs={"class": "form-select"})
    )
    subject_kind = forms.ChoiceField(
        label=_("主体类型"), choices=SubjectKind.choices, widget=forms.Select(attrs={"class": "form-select"})
    )
    subject_unit = _model_choice(Unit.objects.filter(is_active=True), _("主体单位"))
    subject_group = _model_choice(UnitGroup.objects.filter(is_active=True), _("主体单位集合"))
    subject_person = _model_choice(Person.objects.filter(is_active=True), _("主体领导"))
    coverage_groups = forms.ModelMultipleChoiceField(
        queryset=UnitGroup.objects.filter(is_active=True),
        to_field_name="public_id",
        required=False,
        label=_("覆盖对象"),
        widget=forms.SelectMultiple(attrs={"class": "form-select"}),
    )
    evidence_required = forms.CharField(
        label=_("佐证材料要求"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )
    start_on = forms.DateField(label=_("开始日期"), widget=_date_widget())
    needs_sign_off = forms.BooleanField(label=_("需领导签批"), required=False)
    rrule = forms.CharField(
        label=_("重复规则（RFC 5545）"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": "FREQ=MONTHLY;INTERVAL=3"}),
    )
    times_per_period = forms.IntegerField(
        label=_("每周期至少次数"),
        min_value=1,
        initial=1,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )
    deadline = forms.DateField(label=_("完成期限"), required=False, widget=_date_widget())
    event_within = forms.IntegerField(
        label=_("事件后期限"),
        required=False,
        min_value=0,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )
    event_unit = forms.ChoiceField(
        label=_("期限单位"),
        required=False,
        choices=[("", "—"), *EventUnit.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    cycle_years = forms.IntegerField(
        label=_("覆盖周期（年）"),
        required=False,
        min_value=1,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )
    roll = forms.ChoiceField(
        label=_("节假日调整"), choices=RollRule.choices, widget=forms.Select(attrs={"class": "form-select"})
    )
    allow_overdue = forms.BooleanField(
        label=_("同时生成已逾期的事项"),
        required=False,
        help_text=_("开始日期早于今天时，以往周期的事项会立即生成并随即催办、督办；确需补记才勾选。"),
    )
    schedule = forms.ChoiceField(
        label=_("周期"),
        required=False,  # without a choice the rule text is used as typed
        choices=SCHEDULE_CHOICES,
        initial=Frequency.QUARTERLY,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    every_years = forms.IntegerField(
        label=_("每几年"),
        required=False,
        min_value=2,
        max_value=MAX_YEARS,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )
    due_on_kind = forms.ChoiceField(
        label=_("截止日"),
        required=False,
        choices=DUE_CHOICES,
        initial=DueOn.PERIOD_END,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    due_month = forms.TypedChoiceField(
        label=_("截止月份"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—"), *[(m, _("%(m)s月") % {"m": m}) for m in range(1, 13)]],
        widget=forms.Select(attrs={"class": "form-select"}),
        help_text=_("按年的职责：截止日所在的月份（每N年的，在周期的最后一年）。"),
    )
    due_day = forms.IntegerField(
        label=_("截止日期（几日）"),
        required=False,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
        help_text=_("每期最后一个月的几日前完成（按月的 1–28 日；按年的为所选月份的日期）。"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    RULE_FIELDS = (
        "rrule",
        "times_per_period",
        "deadline",
        "event_within",
        "event_unit",
        "cycle_years",
        "roll",
    )
    CHOICE_FIELDS = ("schedule", "every_years", "due_on_kind", "due_month", "due_day")

    def __init__(self, *args: Any, duty: Any = None, **kwargs: Any) -> None:
        if duty is not None and not kwargs.get("initial") and not args:
            rule = duty.rules.order_by("effective_from").first()
            initial = {
                f: getattr(duty, f)
                for f in ("title", "kind", "subject_kind", "evidence_required", "start_on", "needs_sign_off")
            }
            initial |= {
                "subject_unit": duty.subject_unit,
                "subject_group": duty.subject_group,
                "subject_person": duty.subject_person,
                "coverage_groups": list(duty.coverage_groups.all()),
                "version": duty.version,
            }
            if rule:
                initial |= {f: getattr(rule, f) for f in self.RULE_FIELDS}
                initial |= _choice_initial(
                    from_rule(rule.rrule, rule.roll, rule.event_within, rule.event_unit)
                )
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.fields["rrule"].label = _("自定义规则（RFC 5545）")
        self.fields["rrule"].help_text = _(
            "只在“周期”选“自定义规则”时使用，例如 FREQ=MONTHLY;INTERVAL=2（每两个月）。"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind = data.get("kind")
        if kind == DutyKind.DEADLINE or not kind:
            return data
        if kind == DutyKind.EVENT:
            choice = ScheduleChoice(
                Frequency.EVENT,
                event_within=data.get("event_within"),
                event_unit=data.get("event_unit") or "",
                roll=data.get("roll") or RollRule.FOLLOWING,
            )
        elif data.get("schedule") == Frequency.EVENT:
            self.add_error("schedule", _("事件触发的职责请把“类型”选为“事件触发”。"))
            return data
        elif not data.get("schedule"):
            return data
        else:
            choice = ScheduleChoice(
                Frequency(data["schedule"]),
                years=data.get("every_years"),
                due=DueOn(data.get("due_on_kind") or DueOn.PERIOD_END),
                day=data.get("due_day"),
                month=data.get("due_month"),
                roll=data.get("roll") or RollRule.FOLLOWING,
                rrule=data.get("rrule") or "",
            )
        try:
            fields = to_rule(choice)
        except ChoiceError as exc:
            self.add_error(exc.field if exc.field in self.fields else None, exc.message_zh)
            return data
        data["rrule"], data["roll"] = fields.rrule, fields.roll
        if fields.is_event:
            data["event_within"], data["event_unit"] = fields.event_within, fields.event_unit
        return data

    def changes(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        for name in self.CHOICE_FIELDS:
            data.pop(name, None)
        data["event_unit"] = data.get("event_unit") or ""
        data["rrule"] = (data.get("rrule") or "").strip().upper()
        return data


def _choice_initial(choice: ScheduleChoice) -> dict[str, Any]:
    return {
        "schedule": choice.frequency.value,
        "every_years": choice.years,
        "due_on_kind": choice.due.value,
        "due_day": choice.day,
        "due_month": choice.month,
    }


class CoverageVisitForm(forms.Form):
    visited_on = forms.DateField(label=_("巡查日期"), widget=_date_widget())
    note = forms.CharField(
        label=_("说明"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )


class HolidayArrangementForm(forms.Form):
    """节假日安排：通知文号、逐行填写的放假和调休上班日期，或导入文件（txt、csv、xlsx）。"""

    MAX_BYTES = 1024 * 1024

    notice = forms.CharField(
        label=_("通知文号或标题"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": "国办发明电〔2026〕X号"}),
    )
    days = forms.CharField(
        label=_("放假和调休上班日期"),
        required=False,
        widget=forms.Textarea(attrs={"class": "form-control font-monospace", "rows": 10}),
        help_text=_(
            "每行一项：日期或日期区间、“休”或“班”、节日名称，例如 <code>2027-02-06~2027-02-13 休 春节</code>、"
            "<code>2027-01-31 班 春节</code>。以 # 开头的是注释。"
        ),
    )
    file = forms.FileField(
        label=_("或导入文件"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".txt,.csv,.xlsx"}),
        help_text=_(
            "文本、CSV 或 xlsx，三列：日期、类型（休/班）、节日；有无表头均可。导入的文件优先于上面的文本。"
        ),
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, year: int, **kwargs: Any) -> None:
        self.year = year
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        from anze.duties.holiday_format import ArrangementFormatError, parse_arrangement, read_rows

        cleaned = super().clean()
        upload = cleaned.get("file")
        text = cleaned.get("days") or ""
        field = "file" if upload else "days"
        try:
            if upload:
                if upload.size > self.MAX_BYTES:
                    raise ArrangementFormatError([(0, _("文件超过 1 MB，不像是一年的节假日安排。"))])
                rows = read_rows(upload.read(), upload.name)
            elif text.strip():
                rows = read_rows(text.encode("utf-8"), "")
            else:
                self.add_error("days", _("请逐行填写放假和调休上班日期，或导入文件。"))
                return cleaned
            cleaned["parsed"] = parse_arrangement(rows, year=self.year)
        except ArrangementFormatError as exc:
            for line, message in exc.errors:
                self.add_error(
                    field,
                    _("第 %(line)s 行：%(message)s") % {"line": line, "message": message}
                    if line
                    else message,
                )
        cleaned["source_name"] = upload.name if upload else ""
        return cleaned
