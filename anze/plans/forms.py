"""Forms of the plans app: the upload, the matrix filters and mapping an unresolved name."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from anze.org.choices import UnitKind
from anze.org.models import Person, Region, Unit, UnitGroup
from anze.plans.importing import max_upload_bytes, too_large_error
from anze.plans.models import Plan, Section
from anze.plans.services import import_regions

ACCEPTED_EXTENSIONS = ".txt,.docx,.pdf"


class PlanUploadForm(forms.Form):
    """上传方案 — a document and the region whose plan it is."""

    file = forms.FileField(
        allow_empty_file=True,
        label=_("方案文件"),
        help_text=_("支持 .txt、.docx 和带文字层的 .pdf"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_EXTENSIONS, "class": "form-control"}),
    )
    region = forms.ModelChoiceField(
        queryset=Region.objects.none(),
        label=_("所属区划"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        regions = import_regions(user).filter(is_active=True).order_by("path")
        self.fields["region"].queryset = regions
        first = regions.first()
        if first is not None:
            self.fields["region"].initial = first.pk
        limit_mb = max_upload_bytes() // (1024 * 1024)
        self.fields["file"].help_text = _("支持 .txt、.docx 和带文字层的 .pdf，不超过 %(mb)s MB") % {
            "mb": limit_mb
        }

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > max_upload_bytes():
            error = too_large_error(upload.size)
            raise forms.ValidationError(error.message_zh, code=error.code)
        return upload


class MatrixFilterForm(forms.Form):
    """The matrix filters: plan, section, unit kind, region (all optional, kept in the URL)."""

    plan = forms.ModelChoiceField(
        queryset=Plan.objects.none(),
        required=False,
        label=_("方案"),
        to_field_name="public_id",
        empty_label=_("全部"),
    )
    section = forms.ModelChoiceField(
        queryset=Section.objects.none(),
        required=False,
        label=_("部分"),
        to_field_name="public_id",
        empty_label=_("全部"),
    )
    unit_kind = forms.ChoiceField(
        choices=[("", _("全部"))] + list(UnitKind.choices), required=False, label=_("单位类型")
    )
    region = forms.ModelChoiceField(
        queryset=Region.objects.none(),
        required=False,
        label=_("单位所在区划"),
        to_field_name="code",
        empty_label=_("全部"),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"
        plans = Plan.objects.restrict(user, "view").filter(current_version__isnull=False)
        self.fields["plan"].queryset = plans
        self.fields["section"].queryset = (
            Section.objects.restrict(user, "view")
            .filter(version__current_of__isnull=False)
            .select_related("version__plan")
        )
        self.fields["region"].queryset = Region.objects.restrict(user, "view").filter(is_active=True)


class MapNameForm(forms.Form):
    """对应名称 — choose the unit, unit group or person an unresolved name means."""

    unit = forms.ModelChoiceField(
        queryset=Unit.objects.none(), required=False, label=_("单位"), to_field_name="public_id"
    )
    group = forms.ModelChoiceField(
        queryset=UnitGroup.objects.none(), required=False, label=_("单位集合"), to_field_name="public_id"
    )
    person = forms.ModelChoiceField(
        queryset=Person.objects.none(), required=False, label=_("人员"), to_field_name="public_id"
    )

    def __init__(self, *args: Any, user: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if kind == "person":
            del self.fields["unit"], self.fields["group"]
            self.fields["person"].queryset = Person.objects.restrict(user, "view").filter(is_active=True)
        else:
            del self.fields["person"]
            self.fields["unit"].queryset = Unit.objects.restrict(user, "view").filter(is_active=True)
            self.fields["group"].queryset = UnitGroup.objects.restrict(user, "view").filter(is_active=True)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"

    def clean(self):
        data = super().clean()
        chosen = [name for name in ("unit", "group", "person") if data.get(name)]
        if len(chosen) != 1:
            raise forms.ValidationError(_("请选择且只选择一项。"), code="one_target")
        return data
