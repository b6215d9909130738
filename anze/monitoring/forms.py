"""Forms of the monitoring pages. Saving goes through services; these only parse input."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.forms import formset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anze.monitoring import hazards
from anze.monitoring.choices import UnitKind
from anze.prevention.choices import HiddenDangerGrade

# The chart's ranges, in hours (raw readings up to a day, hourly minimum/average/maximum beyond).
CHART_RANGES = [
    (1, _("近1小时")),
    (6, _("近6小时")),
    (24, _("近24小时")),
    (168, _("近7天")),
    (720, _("近30天")),
]
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


# -- major hazards ------------------------------------------------------------------------------------------


class SubstanceForm(forms.Form):
    """One 危险化学品 of a unit: its name (表1) or class (表2) and the design maximum quantity."""

    name = forms.CharField(label=_("品名"), max_length=100, required=False)
    hazard_class = forms.CharField(
        label=_("危险性类别"), max_length=8, required=False, help_text=_("表1未列名时填写，如 W5.3")
    )
    quantity_t = forms.DecimalField(
        label=_("设计最大量(吨)"), max_digits=14, decimal_places=3, min_value=Decimal("0.001"), required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("name") and data.get("quantity_t") is None:
            self.add_error("quantity_t", _("请填写“%(name)s”的设计最大量。") % {"name": data["name"]})
        if data.get("quantity_t") is not None and not data.get("name"):
            self.add_error("name", _("请填写品名。"))
        return data


SubstanceFormSet = formset_factory(SubstanceForm, extra=4, max_num=30)


def substances_of(formset: Any) -> list[hazards.Substance]:
    """The filled rows of a valid substance formset."""
    return [
        hazards.Substance(row["name"].strip(), row["quantity_t"], (row.get("hazard_class") or "").strip())
        for row in formset.cleaned_data
        if row and row.get("name")
    ]


class HazardForm(forms.Form):
    """登记重大危险源: the unit, its evaluation and its 包保责任人 (the substances come in a formset)."""

    enterprise = forms.ModelChoiceField(label=_("企业"), queryset=None)
    name = forms.CharField(label=_("单元名称"), max_length=200, help_text=_("如“液氨罐区”“1号生产装置”"))
    unit_kind = forms.ChoiceField(label=_("单元类型"), choices=UnitKind.choices)
    people_exposed = forms.IntegerField(
        label=_("500米内暴露人数"), min_value=0, help_text=_("厂区边界向外500米范围内常住人口数，用于确定 α")
    )
    assessed_on = forms.DateField(
        label=_("辨识评估日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("安全评估报告（或安全评价报告）完成的日期，备案期限从此日起算"),
    )
    main_responsible = forms.CharField(label=_("主要负责人"), max_length=50)
    technical_responsible = forms.CharField(label=_("技术负责人"), max_length=50)
    operating_responsible = forms.CharField(label=_("操作负责人"), max_length=50)

    def __init__(self, *args: Any, enterprises: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises
        if enterprises.count() == 1:
            self.fields["enterprise"].initial = enterprises.first()

    def clean_assessed_on(self):
        day = self.cleaned_data["assessed_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("辨识评估日期晚于今天，请填写评估报告完成的日期。"))
        return day


class FilingForm(forms.Form):
    """备案: the date the county department accepted the filing, and which department."""

    filed_on = forms.DateField(label=_("备案日期"), widget=forms.DateInput(attrs={"type": "date"}))
    authority = forms.CharField(label=_("备案机关"), max_length=100, help_text=_("所在地县级应急管理部门"))


class ReassessForm(forms.Form):
    """重新评估: the new evaluation's date and exposure (the substances come in a formset)."""

    assessed_on = forms.DateField(label=_("本次评估日期"), widget=forms.DateInput(attrs={"type": "date"}))
    people_exposed = forms.IntegerField(label=_("500米内暴露人数"), min_value=0)
