"""Edit forms. Every choice list is restricted to what the user may use; saving goes through services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from anze.org.models import Committee, Person, Post, Region, Unit, UnitGroup


def _placeable_regions(user: Any, current: Region | None = None, model: type = Region) -> QuerySet:
    """Regions where the user may place `model` records (the model's own role table), plus the record's
    current region."""
    from anze.org.services._common import placeable_regions_q

    where = placeable_regions_q(user, "add", model)
    allowed = where if where is not None else Q(pk__in=[])
    if current is not None:
        allowed |= Q(pk=current.pk)
    return Region.objects.filter(allowed, is_active=True)


def _choice(queryset: QuerySet, label: str, required: bool = True) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=queryset,
        to_field_name="public_id",
        label=label,
        required=required,
        widget=forms.Select(attrs={"class": "form-select"}),
    )


def _lines(value: list[str] | None) -> str:
    return "\n".join(value or [])


class _StyledModelForm(forms.ModelForm):
    """Bootstrap classes on every widget; the requesting user is kept for restricting choices."""

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)
        instance = self.instance if self.instance.pk else None
        self.restrict_fields(instance)
        for name, field in self.fields.items():
            widget = field.widget
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs.setdefault("class", css)
            if isinstance(field, forms.ModelChoiceField):
                field.empty_label = _("请选择")
            elif isinstance(field, forms.ChoiceField) and field.choices and field.choices[0][0] == "":
                field.choices = [("", _("请选择")), *field.choices[1:]]
            # Related choices are keyed by public_id, so the initial value is the object, not its pk.
            if instance is not None and isinstance(field, forms.ModelChoiceField):
                self.initial[name] = getattr(instance, name, None)

    def restrict_fields(self, instance: Any) -> None:
        """Narrow the choice fields to what the user may use (subclasses)."""

    def changes(self) -> dict[str, Any]:
        """The cleaned values of the model fields this form edits."""
        return {name: self.cleaned_data[name] for name in self._meta.fields if name in self.cleaned_data}


class RegionForm(_StyledModelForm):
    """行政区划."""

    class Meta:
        model = Region
        fields = ["code", "name", "short_name", "level", "parent", "sort_order"]

    def restrict_fields(self, instance: Any) -> None:
        self.fields["parent"] = _choice(
            _placeable_regions(self.user, instance.parent if instance else None), _("上级"), required=False
        )
        if instance is not None:
            # Moving a region would move its whole subtree; that is not an edit but a reorganization.
            self.fields["parent"].disabled = True


class UnitForm(_StyledModelForm):
    """单位, with its aliases one per line."""

    aliases = forms.CharField(
        label=_("别称"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("文件中使用的其他名称，每行一个，例如“市应急局”。"),
    )

    class Meta:
        model = Unit
        fields = ["name", "short_name", "kind", "region", "parent", "phone", "address", "sort_order"]

    def restrict_fields(self, instance: Any) -> None:
        self.fields["region"] = _choice(
            _placeable_regions(self.user, instance.region if instance else None, Unit), _("所属区划")
        )
        parents = Unit.objects.restrict(self.user, "view").filter(is_active=True).select_related("region")
        if instance is not None:
            parents = parents.exclude(pk=instance.pk)
            self.initial["aliases"] = _lines(list(instance.aliases.values_list("name", flat=True)))
        self.fields["parent"] = _choice(parents, _("上级单位"), required=False)

    def clean_aliases(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["aliases"].splitlines() if line.strip()]


class UnitGroupForm(_StyledModelForm):
    """单位集合."""

    aliases = forms.CharField(
        label=_("别称"), required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text=_("每行一个。")
    )

    class Meta:
        model = UnitGroup
        fields = ["name", "aliases", "description", "rule", "committee", "region"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def restrict_fields(self, instance: Any) -> None:
        self.fields["region"] = _choice(
            _placeable_regions(self.user, instance.region if instance else None, UnitGroup), _("适用区划")
        )
        self.fields["committee"] = _choice(
            Committee.objects.restrict(self.user, "view").filter(is_active=True),
            _("所依据的委员会"),
            required=False,
        )
        if instance is not None:
            self.initial["aliases"] = _lines(instance.aliases)

    def clean_aliases(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["aliases"].splitlines() if line.strip()]


class PersonForm(_StyledModelForm):
    """人员."""

    class Meta:
        model = Person
        fields = ["name", "region", "note"]

    def restrict_fields(self, instance: Any) -> None:
        self.fields["region"] = _choice(
            _placeable_regions(self.user, instance.region if instance else None, Person), _("所属区划")
        )


class CommitteeForm(_StyledModelForm):
    """委员会."""

    class Meta:
        model = Committee
        fields = ["name", "short_name", "kind", "region", "parent", "office_unit"]

    def restrict_fields(self, instance: Any) -> None:
        self.fields["region"] = _choice(
            _placeable_regions(self.user, instance.region if instance else None, Committee), _("区划")
        )
        self.fields["parent"] = _choice(
            Committee.objects.restrict(self.user, "view").filter(is_active=True, parent__isnull=True),
            _("所属安委会"),
            required=False,
        )
        self.fields["office_unit"] = _choice(
            Unit.objects.restrict(self.user, "view").filter(is_active=True),
            _("办公室所在单位"),
            required=False,
        )
        if instance is not None:
            self.fields["kind"].disabled = True
            self.fields["region"].disabled = True


class UnitsForm(forms.Form):
    """Units to add to or remove from a group or committee."""

    units = forms.ModelMultipleChoiceField(
        queryset=Unit.objects.none(),
        to_field_name="public_id",
        label=_("单位"),
        widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 10}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = Unit.objects.restrict(user, "view").filter(is_active=True)


class AppointForm(forms.Form):
    """任职: who takes a post, from when."""

    post = forms.ModelChoiceField(
        queryset=Post.objects.none(),
        to_field_name="public_id",
        label=_("职务"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    started_on = forms.DateField(
        label=_("任职日期"), widget=forms.DateInput(attrs={"type": "date", "class": "form-control"})
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["post"].queryset = (
            Post.objects.restrict(user, "change").filter(is_active=True).select_related("unit")
        )
        self.fields["post"].label_from_instance = lambda post: f"{post.unit} · {post}"
