"""Forms of assessment: labels in Chinese; the services check the rules and say what is wrong."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class EntryForm(forms.Form):
    item = forms.ModelChoiceField(queryset=None, label=_("考核项目"), to_field_name="public_id")
    score = forms.DecimalField(label=_("自评分"), min_value=0, max_digits=6, decimal_places=2)
    note = forms.CharField(label=_("自评说明"), widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.FileField(label=_("佐证材料"), required=False)

    def __init__(self, *args, items=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items


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
