"""Forms of the enterprise pages: the registry entry, each kind of record, rules and the import upload."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from anze.enterprises.choices import HighRiskCategory
from anze.enterprises.conditions import validate as validate_condition
from anze.enterprises.models import (
    CommitteeMeeting,
    Drill,
    EmergencyPlan,
    Enterprise,
    Industry,
    InsurancePolicy,
    PlantArea,
    RescueArrangement,
    Rule,
    SafetyCommittee,
    SafetyPerson,
)
from anze.org.choices import RegionLevel
from anze.org.models import Region

_DATE = {"type": "date"}


def _style(form: forms.BaseForm) -> None:
    """Bootstrap classes on every widget (forms stay plain Django)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.CheckboxSelectMultiple):
            continue
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


class EnterpriseForm(forms.ModelForm):
    """登记或修改企业."""

    categories = forms.MultipleChoiceField(
        label=_("高危类别"),
        choices=HighRiskCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("留空时新登记企业按行业默认类别。"),
    )

    class Meta:
        model = Enterprise
        fields = [
            "name", "credit_code", "region", "address", "industry", "categories", "employee_count",
            "is_crowded_place", "in_chemical_park", "has_major_hazard", "legal_representative",
            "actual_controller", "principal", "status",
        ]  # fmt: skip

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        regions = Region.objects.restrict(user, "view") if user is not None else Region.objects.none()
        self.fields["region"].queryset = regions.filter(
            level__in=[RegionLevel.COUNTY, RegionLevel.ZONE, RegionLevel.TOWN]
        )
        self.fields["industry"].queryset = Industry.objects.order_by("code")
        if self.instance.pk:
            self.initial["categories"] = self.instance.category_list
        _style(self)

    def clean_credit_code(self) -> str:
        from django.core.exceptions import ValidationError

        from anze.enterprises.services import clean_credit_code

        try:
            return clean_credit_code(self.cleaned_data["credit_code"])
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from None

    def _post_clean(self) -> None:
        # The service validates the whole entry (county, uniqueness) and writes it; categories are a list here.
        pass


def _record_form(model_class: type, field_names: list[str], dates: list[str]) -> type[forms.ModelForm]:
    date_widgets = {name: forms.DateInput(attrs=_DATE, format="%Y-%m-%d") for name in dates}

    class RecordForm(forms.ModelForm):
        class Meta:
            model = model_class
            fields = field_names
            # Inside Meta: the form's fields are built when the class is made, so widgets set later are ignored.
            widgets = date_widgets

        def __init__(self, *args: Any, enterprise: Enterprise | None = None, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            if "plant_area" in self.fields:
                self.fields["plant_area"].queryset = PlantArea.objects.filter(enterprise=enterprise)
            _style(self)

        def _post_clean(self) -> None:
            pass  # the service runs full_clean with the enterprise set

    RecordForm.__name__ = f"{model_class.__name__}Form"
    return RecordForm


# kind (in the URL) → (model, form); the same registry drives the add, edit and delete pages.
RECORD_KINDS: dict[str, tuple[type, type[forms.ModelForm]]] = {
    "plant-area": (PlantArea, _record_form(PlantArea, ["name"], [])),
    "safety-person": (
        SafetyPerson,
        _record_form(
            SafetyPerson,
            ["role", "name", "certificate", "started_on", "ended_on"],
            ["started_on", "ended_on"],
        ),
    ),
    "committee": (
        SafetyCommittee,
        _record_form(
            SafetyCommittee, ["established_on", "chair", "dissolved_on"], ["established_on", "dissolved_on"]
        ),
    ),
    "meeting": (
        CommitteeMeeting,
        _record_form(CommitteeMeeting, ["held_on", "topic", "minutes"], ["held_on"]),
    ),
    "insurance": (
        InsurancePolicy,
        _record_form(
            InsurancePolicy,
            ["insurer", "policy_number", "starts_on", "ends_on", "persons_covered", "cover_per_person"],
            ["starts_on", "ends_on"],
        ),
    ),
    "emergency-plan": (
        EmergencyPlan,
        _record_form(
            EmergencyPlan,
            ["kind", "title", "version", "published_on", "filed_on", "filing_authority", "is_current"],
            ["published_on", "filed_on"],
        ),
    ),
    "drill": (
        Drill,
        _record_form(Drill, ["held_on", "kind", "plant_area", "participants", "report"], ["held_on"]),
    ),
    "rescue": (
        RescueArrangement,
        _record_form(
            RescueArrangement, ["kind", "name", "valid_from", "valid_until"], ["valid_from", "valid_until"]
        ),
    ),
}


class RuleForm(forms.ModelForm):
    """修改规则 (draft rule sets only): condition and parameters as JSON, severity, clause reference."""

    condition = forms.CharField(
        label=_("适用条件（JSON）"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    params = forms.CharField(
        label=_("参数（JSON）"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    class Meta:
        model = Rule
        fields = ["title", "severity", "condition", "params", "clause_ref", "task_number"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["condition"] = json.dumps(self.instance.condition, ensure_ascii=False, indent=1)
            self.initial["params"] = json.dumps(self.instance.params, ensure_ascii=False)
        _style(self)

    def _json(self, name: str) -> dict:
        text = (self.cleaned_data.get(name) or "").strip() or "{}"
        try:
            value = json.loads(text)
        except json.JSONDecodeError as error:
            raise forms.ValidationError(_("JSON 格式错误：%(e)s") % {"e": error}) from None
        if not isinstance(value, dict):
            raise forms.ValidationError(_("须为 JSON 对象。"))
        return value

    def clean_condition(self) -> dict:
        value = self._json("condition")
        problems = validate_condition(value)
        if problems:
            raise forms.ValidationError(problems)
        return value

    def clean_params(self) -> dict:
        return self._json("params")

    def _post_clean(self) -> None:
        pass


class NewVersionForm(forms.Form):
    effective_from = forms.DateField(
        label=_("生效日期"), widget=forms.DateInput(attrs={"type": "date", "class": "form-control"})
    )


class ImportForm(forms.Form):
    """企业导入: an .xlsx or .csv file laid out as the template."""

    file = forms.FileField(
        label=_("文件（.xlsx 或 .csv）"),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx,.csv"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("只接受 .xlsx 或 .csv 文件。"))
        if upload.size > 20 * 1024 * 1024:
            raise forms.ValidationError(_("文件不能超过 20 MB。"))
        return upload
