"""Organization pages: lists, details and edits of regions, units, groups, people and committees."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from anze.core.permissions import declare
from anze.core.restrict import get_restricted_or_404
from anze.org import services
from anze.org.choices import CommitteeKind, RegionLevel, UnitKind, badge
from anze.org.filtersets import (
    CommitteeFilterSet,
    PersonFilterSet,
    RegionFilterSet,
    UnitFilterSet,
    UnitGroupFilterSet,
)
from anze.org.forms import (
    AppointForm,
    CommitteeForm,
    PersonForm,
    RegionForm,
    UnitForm,
    UnitGroupForm,
    UnitsForm,
)
from anze.org.generic import ObjectDetailView, ObjectListView, ServiceFormView, record_service_refusal
from anze.org.models import Committee, CommitteeLeader, Person, PostHolding, Region, Unit, UnitGroup
from anze.org.tables import CommitteeTable, PersonTable, RegionTable, UnitGroupTable, UnitTable


def _count_cards(
    queryset: QuerySet, field: str, choices: Any, url_name: str, limit: int = 5
) -> list[dict[str, Any]]:
    """The total and the largest values of `field`, each linking to the filtered list (one query)."""
    counts = dict(queryset.order_by().values_list(field).annotate(n=Count("pk")))
    url = reverse(url_name)
    labels = dict(choices)
    cards = [{"label": _("合计"), "value": sum(counts.values()), "url": url}]
    # The largest categories only: a wall of cards answers no question at a glance.
    for value, count in sorted(counts.items(), key=lambda item: -item[1])[:limit]:
        tone = badge(value)
        cards.append(
            {
                "label": labels.get(value, value),
                "value": count,
                "url": f"{url}?{field}={value}",
                "tone": tone if tone != "secondary" else "",
            }
        )
    return cards


# ---------------------------------------------------------------------------------------------- regions


class RegionListView(ObjectListView):
    model = Region
    table_class = RegionTable
    filterset_class = RegionFilterSet
    title = gettext_lazy("行政区划")
    add_url_name = "org:region_create"

    def base_queryset(self) -> QuerySet:
        return Region.objects.select_related("parent").annotate(
            unit_count=Count("units", filter=Q(units__is_active=True))
        )

    def cards(self, queryset: QuerySet) -> list[dict[str, Any]]:
        return _count_cards(queryset, "level", RegionLevel.choices, "org:region_list")


class RegionDetailView(ObjectDetailView):
    model = Region
    template_name = "org/region_detail.html"
    edit_url_name = "org:region_update"

    def base_queryset(self) -> QuerySet:
        return Region.objects.select_related("parent")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        region = self.object
        user = self.request.user
        context["children"] = region.children.restrict(user, "view").annotate(
            unit_count=Count("units", filter=Q(units__is_active=True))
        )
        units = Unit.objects.restrict(user, "view").filter(region=region, is_active=True)
        context["units"] = units
        context["unit_cards"] = _count_cards(
            Unit.objects.restrict(user, "view").filter(region__path__startswith=region.path, is_active=True),
            "kind",
            UnitKind.choices,
            "org:unit_list",
        )
        context["units_url"] = f"{reverse('org:unit_list')}?region={region.public_id}"
        context["level_badge"] = badge(region.level)
        return context


class RegionCreateView(ServiceFormView):
    permission_action = "add"
    model = Region
    form_class = RegionForm
    title = gettext_lazy("新增行政区划")

    def save(self, form: RegionForm) -> Region:
        return services.create_region(actor=self.request.user, **form.changes())


class RegionUpdateView(ServiceFormView):
    model = Region
    form_class = RegionForm
    title = gettext_lazy("修改行政区划")

    def save(self, form: RegionForm) -> Region:
        changes = form.changes()
        changes.pop("parent", None)
        return services.update_region(actor=self.request.user, region=self.object, **changes)


# ---------------------------------------------------------------------------------------------- units


class UnitListView(ObjectListView):
    model = Unit
    table_class = UnitTable
    filterset_class = UnitFilterSet
    title = gettext_lazy("单位")
    add_url_name = "org:unit_create"

    def base_queryset(self) -> QuerySet:
        return Unit.objects.select_related("region", "parent").prefetch_related("aliases")

    def cards(self, queryset: QuerySet) -> list[dict[str, Any]]:
        return _count_cards(queryset, "kind", UnitKind.choices, "org:unit_list")


class UnitDetailView(ObjectDetailView):
    model = Unit
    template_name = "org/unit_detail.html"
    edit_url_name = "org:unit_update"

    def base_queryset(self) -> QuerySet:
        return Unit.objects.select_related("region", "parent")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        unit, user = self.object, self.request.user
        context["aliases"] = unit.aliases.all()
        context["children"] = unit.children.restrict(user, "view")
        context["groups"] = UnitGroup.objects.restrict(user, "view").filter(memberships__unit=unit)
        context["committees"] = Committee.objects.restrict(user, "view").filter(memberships__unit=unit)
        context["offices"] = Committee.objects.restrict(user, "view").filter(office_unit=unit)
        context["holdings"] = (
            PostHolding.objects.restrict(user, "view")
            .filter(post__unit=unit, ended_on__isnull=True)
            .select_related("post", "person")
            .order_by("post__sort_order", "post__title")
        )
        return context


class UnitCreateView(ServiceFormView):
    permission_action = "add"
    model = Unit
    form_class = UnitForm
    title = gettext_lazy("新增单位")

    def save(self, form: UnitForm) -> Unit:
        return services.create_unit(
            actor=self.request.user, aliases=form.cleaned_data["aliases"], **form.changes()
        )


class UnitUpdateView(ServiceFormView):
    model = Unit
    form_class = UnitForm
    title = gettext_lazy("修改单位")

    def save(self, form: UnitForm) -> Unit:
        return services.update_unit(
            actor=self.request.user, unit=self.object, aliases=form.cleaned_data["aliases"], **form.changes()
        )


def _run(request: HttpRequest, done: str, call: Any) -> None:
    """Call a service from a POST action and report the outcome as a message."""
    try:
        call()
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    except PermissionDenied as error:
        record_service_refusal(request, error)
        messages.error(request, str(error))
    else:
        messages.success(request, done)


@declare("change")
@login_required
@require_POST
def unit_deactivate(request: HttpRequest, public_id: str) -> HttpResponse:
    unit = get_restricted_or_404(Unit.objects.all(), request.user, "change", public_id=public_id)
    _run(
        request,
        _("单位已停用。"),
        lambda: services.deactivate_unit(
            actor=request.user, unit=unit, reason=request.POST.get("reason", "")[:500]
        ),
    )
    return HttpResponseRedirect(unit.get_absolute_url())


# ---------------------------------------------------------------------------------------------- groups


class UnitGroupListView(ObjectListView):
    model = UnitGroup
    table_class = UnitGroupTable
    filterset_class = UnitGroupFilterSet
    title = gettext_lazy("单位集合")
    add_url_name = "org:unitgroup_create"

    def base_queryset(self) -> QuerySet:
        return UnitGroup.objects.select_related("region", "committee").annotate(
            member_count=Count("memberships")
        )


class UnitGroupDetailView(ObjectDetailView):
    model = UnitGroup
    template_name = "org/unitgroup_detail.html"
    edit_url_name = "org:unitgroup_update"

    def base_queryset(self) -> QuerySet:
        return UnitGroup.objects.select_related("region", "committee")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        group, user = self.object, self.request.user
        context["members"] = group.members().restrict(user, "view").select_related("region")
        context["hidden_members"] = group.members().count() - context["members"].count()
        context["units_form"] = (
            UnitsForm(user=user) if context["can_change"] and group.rule == "explicit" else None
        )
        return context


class UnitGroupCreateView(ServiceFormView):
    permission_action = "add"
    model = UnitGroup
    form_class = UnitGroupForm
    title = gettext_lazy("新增单位集合")

    def save(self, form: UnitGroupForm) -> UnitGroup:
        return services.create_unit_group(actor=self.request.user, **form.changes())


class UnitGroupUpdateView(ServiceFormView):
    model = UnitGroup
    form_class = UnitGroupForm
    title = gettext_lazy("修改单位集合")

    def save(self, form: UnitGroupForm) -> UnitGroup:
        return services.update_unit_group(actor=self.request.user, group=self.object, **form.changes())


def _members_action(request: HttpRequest, model: Any, public_id: str, add: Any, remove: Any, key: str) -> Any:
    obj = get_restricted_or_404(model.objects.all(), request.user, "change", public_id=public_id)
    form = UnitsForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, _("请选择单位。"))
    elif request.POST.get("operation") == "remove":
        _run(
            request,
            _("已移除。"),
            lambda: remove(actor=request.user, units=form.cleaned_data["units"], **{key: obj}),
        )
    else:
        _run(
            request,
            _("已添加。"),
            lambda: add(actor=request.user, units=form.cleaned_data["units"], **{key: obj}),
        )
    return HttpResponseRedirect(obj.get_absolute_url())


@declare("change")
@login_required
@require_POST
def unitgroup_members(request: HttpRequest, public_id: str) -> HttpResponse:
    return _members_action(
        request, UnitGroup, public_id, services.add_group_members, services.remove_group_members, "group"
    )


# ---------------------------------------------------------------------------------------------- people


def _current_holdings() -> Prefetch:
    return Prefetch(
        "holdings",
        queryset=PostHolding.objects.filter(ended_on__isnull=True).select_related("post__unit"),
        to_attr="current_holdings",
    )


class PersonListView(ObjectListView):
    model = Person
    table_class = PersonTable
    filterset_class = PersonFilterSet
    title = gettext_lazy("人员与职务")
    add_url_name = "org:person_create"

    def base_queryset(self) -> QuerySet:
        return Person.objects.select_related("region").prefetch_related(_current_holdings())

    def cards(self, queryset: QuerySet) -> list[dict[str, Any]]:
        totals = queryset.order_by().aggregate(
            total=Count("pk", distinct=True),
            holding=Count("pk", distinct=True, filter=Q(holdings__ended_on__isnull=True)),
        )
        url = reverse("org:person_list")
        return [
            {"label": _("人员"), "value": totals["total"], "url": url},
            {
                "label": _("现有任职"),
                "value": totals["holding"],
                "url": f"{url}?holds_post=true",
                "tone": "info",
            },
        ]


class PersonDetailView(ObjectDetailView):
    model = Person
    template_name = "org/person_detail.html"
    edit_url_name = "org:person_update"

    def base_queryset(self) -> QuerySet:
        return Person.objects.select_related("region")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        person, user = self.object, self.request.user
        context["holdings"] = (
            PostHolding.objects.restrict(user, "view")
            .filter(person=person)
            .select_related("post__unit")
            .order_by("-started_on")
        )
        context["committee_roles"] = CommitteeLeader.objects.filter(
            person=person, committee__in=Committee.objects.restrict(user, "view")
        ).select_related("committee")
        context["appoint_form"] = AppointForm(user=user) if context["can_change"] else None
        return context


class PersonCreateView(ServiceFormView):
    permission_action = "add"
    model = Person
    form_class = PersonForm
    title = gettext_lazy("新增人员")

    def save(self, form: PersonForm) -> Person:
        return services.create_person(actor=self.request.user, **form.changes())


class PersonUpdateView(ServiceFormView):
    model = Person
    form_class = PersonForm
    title = gettext_lazy("修改人员")

    def save(self, form: PersonForm) -> Person:
        return services.update_person(actor=self.request.user, person=self.object, **form.changes())


@declare("change")
@login_required
@require_POST
def person_appoint(request: HttpRequest, public_id: str) -> HttpResponse:
    person = get_restricted_or_404(Person.objects.all(), request.user, "change", public_id=public_id)
    form = AppointForm(request.POST, user=request.user)
    if form.is_valid():
        _run(
            request,
            _("任职已登记。"),
            lambda: services.appoint(
                actor=request.user,
                post=form.cleaned_data["post"],
                person=person,
                started_on=form.cleaned_data["started_on"],
            ),
        )
    else:
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
    return HttpResponseRedirect(person.get_absolute_url())


# ---------------------------------------------------------------------------------------------- committees


class CommitteeListView(ObjectListView):
    model = Committee
    table_class = CommitteeTable
    filterset_class = CommitteeFilterSet
    title = gettext_lazy("委员会")
    add_url_name = "org:committee_create"

    def base_queryset(self) -> QuerySet:
        return (
            Committee.objects.select_related("parent", "office_unit")
            .prefetch_related(Prefetch("leaders", queryset=CommitteeLeader.objects.select_related("person")))
            .annotate(member_count=Count("memberships", distinct=True))
        )

    def cards(self, queryset: QuerySet) -> list[dict[str, Any]]:
        return _count_cards(queryset, "kind", CommitteeKind.choices, "org:committee_list")


class CommitteeDetailView(ObjectDetailView):
    model = Committee
    template_name = "org/committee_detail.html"
    edit_url_name = "org:committee_update"

    def base_queryset(self) -> QuerySet:
        return Committee.objects.select_related("region", "parent", "office_unit")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        committee, user = self.object, self.request.user
        context["leaders"] = committee.leaders.select_related("person")
        context["memberships"] = committee.memberships.filter(
            unit__in=Unit.objects.restrict(user, "view")
        ).select_related("unit__region")
        context["specialized"] = (
            committee.specialized_committees.restrict(user, "view")
            .select_related("office_unit")
            .annotate(member_count=Count("memberships"))
        )
        context["units_form"] = UnitsForm(user=user) if context["can_change"] else None
        return context


class CommitteeCreateView(ServiceFormView):
    permission_action = "add"
    model = Committee
    form_class = CommitteeForm
    title = gettext_lazy("新增委员会")

    def save(self, form: CommitteeForm) -> Committee:
        return services.create_committee(actor=self.request.user, **form.changes())


class CommitteeUpdateView(ServiceFormView):
    model = Committee
    form_class = CommitteeForm
    title = gettext_lazy("修改委员会")

    def save(self, form: CommitteeForm) -> Committee:
        changes = {k: v for k, v in form.changes().items() if k not in ("kind", "region")}
        return services.update_committee(actor=self.request.user, committee=self.object, **changes)


@declare("change")
@login_required
@require_POST
def committee_members(request: HttpRequest, public_id: str) -> HttpResponse:
    return _members_action(
        request,
        Committee,
        public_id,
        services.add_committee_members,
        services.remove_committee_members,
        "committee",
    )


@declare("view")
@login_required
def unit_suggest(request: HttpRequest) -> HttpResponse:
    """Fuzzy matches for a name, limited to units the user may view (for pickers and the plan importer)."""
    name = request.GET.get("q", "")[:100]
    candidates = services.suggest_units(name, limit=20)
    visible = set(
        Unit.objects.restrict(request.user, "view")
        .filter(pk__in=[s.unit.pk for s in candidates])
        .values_list("pk", flat=True)
    )
    suggestions = [s for s in candidates if s.unit.pk in visible][:5]
    return render(request, "org/_unit_suggestions.html", {"suggestions": suggestions, "query": name})
