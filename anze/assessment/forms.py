"""Forms of assessment: labels in Chinese; the services check the rules and say what is wrong."""

from __future__ import annotations

import json

from django import forms
from django.utils.translation import gettext_lazy as _

from anze.assessment.choices import AccidentGradeFloor, BodyKind, ScoringMethod, VetoCondition, VetoOutcome
from anze.duties.evidence import max_bytes, max_files
from anze.duties.forms import MultipleFileField


class EntryForm(forms.Form):
    item = forms.ModelChoiceField(queryset=None, label=_("考核项目"), to_field_name="public_id")
    score = forms.DecimalField(label=_("自评分"), min_value=0, max_digits=6, decimal_places=2)
    note = forms.CharField(label=_("自评说明"), widget=forms.Textarea(attrs={"rows": 3}))
    files = MultipleFileField(
        label=_("佐证材料"),
        required=False,
        help_text=_("PDF、图片、Word、Excel 或纯文本，按内容识别类型；单个不超过 %(mb)s MB，最多 %(n)s 个。")
        % {"mb": max_bytes() // 1048576, "n": max_files()},
    )

    def __init__(self, *args, items=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items


class SelfAssessmentForm(forms.Form):
    note = forms.CharField(
        label=_("自评总结"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class ReviewForm(forms.Form):
    accept = forms.TypedChoiceField(
        label=_("审核意见"), choices=[("1", _("通过")), ("0", _("退回"))], coerce=lambda v: v == "1"
    )
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AppealForm(forms.Form):
    item = forms.ModelChoiceField(
        queryset=None,
        label=_("申诉项目"),
        required=False,
        to_field_name="public_id",
        empty_label=_("（整体结果）"),
    )
    reason = forms.CharField(label=_("申诉理由及依据"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, items=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items


class DecideAppealForm(forms.Form):
    upheld = forms.TypedChoiceField(
        label=_("裁定"), choices=[("1", _("申诉成立")), ("0", _("申诉不成立"))], coerce=lambda v: v == "1"
    )
    decision = forms.CharField(label=_("裁定意见"), widget=forms.Textarea(attrs={"rows": 3}))
    adjusted_score = forms.DecimalField(
        label=_("改定该项分数"), required=False, min_value=0, max_digits=6, decimal_places=2
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("更正理由"), widget=forms.Textarea(attrs={"rows": 2}))


class AwardForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("荣誉名称"), max_length=200)
    unit = forms.ModelChoiceField(queryset=None, label=_("单位"), required=False, to_field_name="public_id")
    person = forms.ModelChoiceField(queryset=None, label=_("个人"), required=False, to_field_name="public_id")

    def __init__(self, *args, units=None, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["person"].queryset = people


# -- writing a scheme: the services check the rules and name the field that is wrong -----------------------------


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SchemeForm(forms.Form):
    region = forms.ModelChoiceField(queryset=None, label=_("区划"), to_field_name="public_id")
    year = forms.IntegerField(label=_("考核年度"), min_value=2000, max_value=2100)
    name = forms.CharField(label=_("名称"), max_length=200)
    basis = forms.CharField(label=_("依据文件"), max_length=300, required=False)
    pass_score = forms.DecimalField(
        label=_("合格分"), min_value=0, max_digits=6, decimal_places=2, initial=60
    )
    excellent_score = forms.DecimalField(
        label=_("优秀分"), required=False, min_value=0, max_digits=6, decimal_places=2
    )
    appeal_days = forms.IntegerField(label=_("申诉期限（日）"), min_value=1, max_value=365, initial=7)
    veto_rule_set = forms.ModelChoiceField(
        queryset=None,
        label=_("一票否决规则"),
        required=False,
        to_field_name="public_id",
        empty_label=_("（暂不设置，可在方案页新建）"),
    )

    def __init__(self, *args, regions=None, rule_sets=None, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["veto_rule_set"].queryset = rule_sets
        if editing:  # a scheme's region and year are what it is; a new version or scheme changes them
            del self.fields["region"], self.fields["year"]
        else:
            self.fields["region"].queryset = regions


class BodyForm(forms.Form):
    kind = forms.ChoiceField(label=_("对象类型"), choices=BodyKind.choices)
    unit = forms.ModelChoiceField(queryset=None, label=_("被考核单位"), to_field_name="public_id")
    enterprise = forms.ModelChoiceField(
        queryset=None,
        label=_("企业档案"),
        required=False,
        to_field_name="public_id",
        help_text=_("市属国有企业填写，用于统计其事故"),
    )
    committee = forms.ModelChoiceField(
        queryset=None,
        label=_("专业委员会"),
        required=False,
        to_field_name="public_id",
        help_text=_("专业委员会填写"),
    )
    order = forms.IntegerField(label=_("排序"), min_value=0, initial=0, required=False)

    def __init__(self, *args, units=None, enterprises=None, committees=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["enterprise"].queryset = enterprises
        self.fields["committee"].queryset = committees


class ItemForm(forms.Form):
    key = forms.CharField(label=_("编号"), max_length=20)
    title = forms.CharField(label=_("考核内容"), max_length=200)
    points = forms.DecimalField(label=_("分值"), max_digits=6, decimal_places=2)
    method = forms.ChoiceField(label=_("计分方法"), choices=ScoringMethod.choices)
    fact = forms.ChoiceField(label=_("数据来源"), required=False, help_text=_("填报评分的项目不需要"))
    target = forms.DecimalField(
        label=_("满分线（%）"), required=False, max_digits=6, decimal_places=2, help_text=_("按比率计分")
    )
    floor = forms.DecimalField(
        label=_("零分线（%）"), required=False, max_digits=6, decimal_places=2, help_text=_("按比率计分")
    )
    bands = forms.CharField(
        label=_("分档"),
        required=False,
        help_text=_("分档计分：[[下限, 得分], …]，如 [[95, 10], [90, 8]]"),
    )
    per = forms.DecimalField(
        label=_("每次分值"), required=False, max_digits=6, decimal_places=2, help_text=_("按次扣分或加分")
    )
    cap = forms.DecimalField(
        label=_("扣分上限"), required=False, max_digits=6, decimal_places=2, help_text=_("按次扣分，扣完为止")
    )
    pass_mark = forms.DecimalField(
        label=_("及格分"), required=False, max_digits=6, decimal_places=2, help_text=_("低于此分为不及格项目")
    )
    kinds = forms.MultipleChoiceField(
        label=_("适用对象"),
        required=False,
        choices=BodyKind.choices,
        # A multiple select, not checkboxes: the shared form template draws a checkbox input as one box.
        widget=forms.SelectMultiple(attrs={"size": 4}),
        help_text=_("可多选（按住Ctrl）；不选即适用于全部对象"),
    )
    criteria = forms.CharField(label=_("评分标准"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        from anze.assessment import facts

        super().__init__(*args, **kwargs)
        self.fields["fact"].choices = [("", "—"), *facts.choices()]

    def clean_bands(self):
        text = (self.cleaned_data.get("bands") or "").strip()
        if not text:
            return []
        try:
            value = json.loads(text)
        except ValueError:
            raise forms.ValidationError(_("分档须写成 [[下限, 得分], …]，如 [[95, 10], [90, 8]]。")) from None
        if not isinstance(value, list) or not all(isinstance(p, list) and len(p) == 2 for p in value):
            raise forms.ValidationError(_("分档须写成 [[下限, 得分], …]，如 [[95, 10], [90, 8]]。"))
        return value


class RuleSetForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=200)
    basis = forms.CharField(label=_("依据文件"), max_length=300, required=False)
    window_start = forms.DateField(label=_("统计期起"), widget=_date_input())
    window_end = forms.DateField(label=_("统计期止"), widget=_date_input())


class RuleForm(forms.Form):
    key = forms.CharField(label=_("编号"), max_length=20)
    title = forms.CharField(label=_("情形"), max_length=200)
    condition = forms.ChoiceField(label=_("条件"), choices=VetoCondition.choices)
    grade = forms.ChoiceField(
        label=_("事故等级"), choices=AccidentGradeFloor.choices, help_text=_("事故及瞒报谎报条件适用")
    )
    at_least = forms.IntegerField(label=_("达到数量"), min_value=1, initial=1)
    kinds = forms.MultipleChoiceField(
        label=_("适用对象"),
        required=False,
        choices=BodyKind.choices,
        # A multiple select, not checkboxes: the shared form template draws a checkbox input as one box.
        widget=forms.SelectMultiple(attrs={"size": 4}),
        help_text=_("可多选（按住Ctrl）；不选即适用于全部对象"),
    )
    outcome = forms.ChoiceField(
        label=_("结果"), choices=[c for c in VetoOutcome.choices if c[0] != VetoOutcome.NONE]
    )


class ReviseForm(forms.Form):
    reason = forms.CharField(label=_("修订理由"), widget=forms.Textarea(attrs={"rows": 3}))
