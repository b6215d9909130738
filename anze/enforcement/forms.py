"""Forms of the enforcement pages: labels in Chinese, errors next to the field."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from anze.enforcement.choices import AccidentType, MisreportKind, ReportLevel

_DT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
_D = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CountsMixin(forms.Form):
    deaths = forms.IntegerField(label=_("死亡人数"), min_value=0, initial=0)
    missing = forms.IntegerField(label=_("失踪人数"), min_value=0, initial=0)
    serious_injuries = forms.IntegerField(label=_("重伤人数（含急性工业中毒）"), min_value=0, initial=0)
    direct_loss = forms.DecimalField(
        label=_("直接经济损失（万元）"), min_value=Decimal(0), max_digits=12, decimal_places=2, initial=0
    )


class AccidentForm(CountsMixin):
    """事故报告 (493号令 art. 12)."""

    title = forms.CharField(label=_("事故名称"), max_length=200)
    occurred_at = forms.DateTimeField(label=_("发生时间"), widget=_DT)
    received_at = forms.DateTimeField(
        label=_("县级接报时间"), widget=_DT, required=False, help_text=_("空表示现在")
    )
    place = forms.CharField(label=_("发生地点"), max_length=200)
    accident_type = forms.ChoiceField(label=_("事故类型"), choices=AccidentType.choices)
    enterprise = forms.ModelChoiceField(
        label=_("事故单位（企业）"), queryset=None, required=False, to_field_name="public_id"
    )
    unit_name = forms.CharField(
        label=_("事故单位名称"),
        max_length=200,
        required=False,
        help_text=_("不在企业名录中的单位请填写名称并选择县区"),
    )
    county = forms.ModelChoiceField(label=_("县区"), queryset=None, required=False, to_field_name="code")
    description = forms.CharField(
        label=_("事故简要经过"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    measures = forms.CharField(
        label=_("已经采取的措施"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    field_order = [
        "title",
        "occurred_at",
        "received_at",
        "place",
        "accident_type",
        "enterprise",
        "unit_name",
        "county",
        "deaths",
        "missing",
        "serious_injuries",
        "direct_loss",
        "description",
        "measures",
    ]

    def __init__(self, *args, enterprises, counties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises
        self.fields["county"].queryset = counties

    def clean(self):
        data = super().clean()
        if not data.get("enterprise") and not (data.get("unit_name") and data.get("county")):
            raise forms.ValidationError(_("请选择事故单位（企业），或填写单位名称并选择县区。"))
        return data


class FollowUpForm(CountsMixin):
    """事故补报。"""

    reported_at = forms.DateTimeField(label=_("补报时间"), widget=_DT)
    note = forms.CharField(label=_("补报说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ReachLevelForm(forms.Form):
    level = forms.TypedChoiceField(label=_("接报层级"), choices=ReportLevel.choices, coerce=int)
    reached_at = forms.DateTimeField(label=_("接报时间"), widget=_DT)


class InvestigationForm(forms.Form):
    lead_unit = forms.ModelChoiceField(label=_("调查组牵头单位"), queryset=None, to_field_name="public_id")
    opened_on = forms.DateField(label=_("成立日期"), widget=_D)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = units


class ExtensionForm(forms.Form):
    days = forms.IntegerField(label=_("延长天数"), min_value=1, max_value=60)
    reason = forms.CharField(label=_("延期理由"), max_length=300)


class DateForm(forms.Form):
    on = forms.DateField(label=_("日期"), widget=_D)


class EvaluationForm(forms.Form):
    on = forms.DateField(label=_("完成日期"), widget=_D)
    note = forms.CharField(label=_("评估结论"), max_length=300)


class MisreportForm(forms.Form):
    kind = forms.ChoiceField(label=_("情形"), choices=MisreportKind.choices)
    found_on = forms.DateField(label=_("认定日期"), widget=_D)
    description = forms.CharField(label=_("事实"), widget=forms.Textarea(attrs={"rows": 2}))


class CommitDrawForm(forms.Form):
    """公布承诺: which sector and round, whose inspectors, 联合执法 / 异地执法."""

    sector = forms.ModelChoiceField(label=_("抽查领域"), queryset=None, to_field_name="public_id")
    round = forms.IntegerField(label=_("轮次"), min_value=1, initial=1)
    departments = forms.ModelMultipleChoiceField(
        label=_("参与部门"),
        queryset=None,
        required=False,
        to_field_name="public_id",
        help_text=_("空表示本部门；联合执法请选择两个以上部门"),
    )
    joint = forms.BooleanField(label=_("联合执法（每个部门至少一人）"), required=False)
    remote = forms.BooleanField(label=_("异地执法（不抽取企业所在县区的执法人员）"), required=False)

    def __init__(self, *args, sectors, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].queryset = sectors
        self.fields["departments"].queryset = departments


class RerunForm(forms.Form):
    reason = forms.CharField(label=_("重抽理由（公开）"), max_length=300)
