"""Forms of the monitoring pages. Saving goes through services; these only parse input."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from anze.prevention.choices import HiddenDangerGrade

# The chart's ranges, in hours (raw readings up to a day, hourly minimum/average/maximum beyond).
CHART_RANGES = [(1, _("近1小时")), (6, _("近6小时")), (24, _("近24小时")), (168, _("近7天")), (720, _("近30天"))]
RAW_UP_TO_HOURS = 24


class ChartRangeForm(forms.Form):
    """The chart's time range."""

    hours = forms.TypedChoiceField(choices=CHART_RANGES, coerce=int, initial=6, label=_("时间范围"))


class HandleForm(forms.Form):
    """处置报警: what caused it and what was done; optionally a hidden danger is opened."""

    note = forms.CharField(
        label=_("处置说明"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        help_text=_("写明报警原因和采取的措施。"),
    )
    reveals_hazard = forms.BooleanField(label=_("报警暴露了事故隐患，登记隐患"), required=False)
    hazard_grade = forms.ChoiceField(
        label=_("隐患等级"),
        choices=HiddenDangerGrade.choices,
        initial=HiddenDangerGrade.GENERAL,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
