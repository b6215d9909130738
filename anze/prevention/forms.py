"""Forms of the prevention pages. Saving goes through services; these only parse input."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from anze.prevention.choices import HiddenDangerGrade, HiddenDangerSource, HiddenDangerStatus, PhotoStage
from anze.prevention.models import HiddenDanger, RectificationPlan, RiskPoint


def _date() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")


class _Bootstrap:
    def _style(self) -> None:
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            elif not isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-control")


class RiskPointForm(_Bootstrap, forms.ModelForm):
    """登记/复评风险点."""

    class Meta:
        model = RiskPoint
        fields = [
            "enterprise",
            "name",
            "place",
            "activity",
            "hazard_factors",
            "controls",
            "responsible_person",
            "method",
            "lec_likelihood",
            "lec_exposure",
            "lec_consequence",
            "ls_likelihood",
            "ls_severity",
            "control_level",
            "assessed_on",
            "reassess_on",
        ]
        widgets = {
            "assessed_on": _date(),
            "reassess_on": _date(),
            "hazard_factors": forms.Textarea(attrs={"rows": 2}),
            "controls": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, enterprises=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if enterprises is not None:
            self.fields["enterprise"].queryset = enterprises
        self._style()

    def clean(self):
        data = super().clean()
        method = data.get("method")
        needed = (
            ("lec_likelihood", "lec_exposure", "lec_consequence")
            if method == "lec"
            else ("ls_likelihood", "ls_severity")
        )
        for name in needed:
            if not data.get(name):
                self.add_error(name, _("按所选评价方法必须填写。"))
        return data


class HiddenDangerForm(_Bootstrap, forms.ModelForm):
    """登记隐患."""

    photos = forms.FileField(
        label=_("现场照片"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )

    class Meta:
        model = HiddenDanger
        fields = [
            "enterprise",
            "source",
            "grade",
            "title",
            "description",
            "place",
            "responsible_person",
            "found_on",
            "deadline",
        ]
        widgets = {"found_on": _date(), "deadline": _date(), "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, enterprises=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if enterprises is not None:
            self.fields["enterprise"].queryset = enterprises
        self._style()

    def clean(self):
        data = super().clean()
        if data.get("found_on") and data.get("deadline") and data["deadline"] < data["found_on"]:
            self.add_error("deadline", _("整改期限不能早于发现日期。"))
        return data


class HiddenDangerFilterForm(_Bootstrap, forms.Form):
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", "全部状态"), *HiddenDangerStatus.choices]
    )
    grade = forms.ChoiceField(
        label=_("等级"), required=False, choices=[("", "全部等级"), *HiddenDangerGrade.choices]
    )
    source = forms.ChoiceField(
        label=_("来源"), required=False, choices=[("", "全部来源"), *HiddenDangerSource.choices]
    )
    open = forms.BooleanField(label=_("仅未销号"), required=False)
    overdue = forms.BooleanField(label=_("仅逾期"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()


class PlanForm(_Bootstrap, forms.ModelForm):
    """重大隐患治理方案（六落实）."""

    class Meta:
        model = RectificationPlan
        fields = list(RectificationPlan.ELEMENTS)
        widgets = {name: forms.Textarea(attrs={"rows": 2}) for name in RectificationPlan.ELEMENTS}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()


class PhotoForm(_Bootstrap, forms.Form):
    stage = forms.ChoiceField(label=_("阶段"), choices=PhotoStage.choices)
    photo = forms.FileField(
        label=_("照片"), widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()


class NoteForm(_Bootstrap, forms.Form):
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()
