"""Pages of the supplies reserve: depots with their stock and ledger, batches, minimum levels."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count, F, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from anze.core.params import BadQueryParameter
from anze.core.permissions import declare
from anze.core.restrict import get_restricted_or_404
from anze.emergency import services
from anze.emergency.choices import AllocationStatus
from anze.emergency.errors import EmergencyError
from anze.emergency.filtersets import BatchFilterSet, DepotFilterSet
from anze.emergency.forms import DepotForm, DispatchForm, ReceiveForm
from anze.emergency.models import Allocation, Depot, Incident, MinimumLevel, StockBatch, StockMove, SupplyItem
from anze.emergency.services.alerts import usable_stock
from anze.emergency.tables import BatchTable, DepotTable
from anze.emergency.views_common import form_errors, is_uuid, may, regions_for, run, units_for, visible_ids
from anze.enterprises.models import Enterprise


class DepotListView(LoginRequiredMixin, SingleTableMixin, FilterView):
    """储备库."""

    permission_action = "view"
    table_class = DepotTable
    filterset_class = DepotFilterSet
    template_name = "emergency/depot_list.html"
    table_pagination = {"per_page": 25}

    def get_queryset(self):
        return (
            Depot.objects.restrict(self.request.user, "view")
            .select_related("region", "owner_unit")
            .annotate(batch_count=Count("batches", filter=Q(batches__on_hand__gt=0)))
            .order_by("region__path", "name")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["may_add"] = may(self.request.user, Depot, "add")
        return context


@declare("add")
@login_required
def depot_create(request: HttpRequest) -> HttpResponse:
    """登记储备库."""
    user = request.user
    if not may(user, Depot, "add"):
        raise Http404
    form = DepotForm(request.POST if request.method == "POST" else None)
    form.fields["region"].queryset = regions_for(user)
    form.fields["owner_unit"].queryset = units_for(user)
    form.fields["enterprise"].queryset = Enterprise.objects.restrict(user, "view").order_by("name")
    if request.method == "POST" and form.is_valid():
        try:
            depot = services.create_depot(
                actor=user, **{k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
            )
        except EmergencyError as exc:
            form.add_error(None, exc.message_zh)
        else:
            messages.success(request, _("已登记储备库。"))
            return redirect(depot)
    return render(request, "emergency/form_page.html", {"form": form, "heading": _("登记储备库"),
                                                        "back": reverse("emergency:depot_list")})  # fmt: skip


@declare("view")
@login_required
def depot_detail(request: HttpRequest, public_id) -> HttpResponse:
    """One depot: stock by item and batch, and the last lines of its ledger."""
    user = request.user
    depot = get_restricted_or_404(Depot.objects.select_related("region", "owner_unit", "enterprise"), user, "view",
                                  public_id=public_id)  # fmt: skip
    today = timezone.localdate()
    batches = list(
        depot.batches.select_related("item").filter(on_hand__gt=0).order_by("item__code", "expires_on")
    )
    for batch in batches:
        batch.expired = bool(batch.expires_on and batch.expires_on < today)
    moves = (
        StockMove.objects.filter(batch__depot=depot)
        .select_related("batch__item", "allocation__request__incident")
        .order_by("-moved_at", "-id")[:30]
    )
    moves = list(moves)
    may_change = Depot.objects.restrict(user, "change").filter(pk=depot.pk).exists()
    incidents = [m.allocation.request.incident_id for m in moves if m.allocation_id]
    context = {"depot": depot, "batches": batches, "moves": moves, "may_change": may_change,
               "visible_incidents": visible_ids(user, Incident, incidents)}  # fmt: skip
    if may_change:
        # What waits to be loaded here, by incident: the depot's own unit dispatches it (it may not lead, or even
        # see, the incident).
        waiting: dict[Any, list[Allocation]] = {}
        for allocation in (
            Allocation.objects.restrict(user, "change")
            .filter(batch__depot=depot, status=AllocationStatus.ALLOCATED)
            .select_related("batch__item", "request__incident")
            .order_by("allocated_at", "id")
        ):
            waiting.setdefault(allocation.request.incident, []).append(allocation)
        context["waiting"] = list(waiting.items())
        context["visible_incidents"] = context["visible_incidents"] | visible_ids(
            user, Incident, [i.pk for i in waiting]
        )
        context["dispatch_form"] = DispatchForm(initial={"departed_at": timezone.now()})
        form = ReceiveForm(initial={"received_on": today})
        form.fields["item"].queryset = SupplyItem.objects.order_by("category", "code")
        context["receive_form"] = form
    return render(request, "emergency/depot_detail.html", context)


@declare("change")
@login_required
@require_POST
def depot_receive(request: HttpRequest, public_id) -> HttpResponse:
    """入库."""
    user = request.user
    depot = get_restricted_or_404(Depot.objects.all(), user, "change", public_id=public_id)
    form = ReceiveForm(request.POST)
    form.fields["item"].queryset = SupplyItem.objects.all()
    back = depot.get_absolute_url()
    if not form.is_valid():
        form_errors(request, form)
        return redirect(back)
    data = form.cleaned_data
    return run(request, back, lambda: services.receive_stock(actor=user, depot=depot, **data), _("已入库。"))


@declare("change")
@login_required
@require_POST
def depot_dispatch(request: HttpRequest, public_id) -> HttpResponse:
    """出库发车 from the depot's page: the chosen allocations of one incident leave on one vehicle."""
    user = request.user
    depot = get_restricted_or_404(Depot.objects.all(), user, "change", public_id=public_id)
    back = depot.get_absolute_url()
    form = DispatchForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect(back)
    chosen = list(
        Allocation.objects.restrict(user, "change").filter(
            batch__depot=depot, public_id__in=[v for v in request.POST.getlist("allocation") if is_uuid(v)]
        )
    )
    return run(request, back, lambda: services.dispatch(actor=user, allocations=chosen, **form.cleaned_data),
               _("已出库发车。"))  # fmt: skip


class BatchListView(LoginRequiredMixin, SingleTableMixin, FilterView):
    """物资批次 — stock across depots: the lists the alerts and the overview count."""

    permission_action = "view"
    table_class = BatchTable
    filterset_class = BatchFilterSet
    template_name = "emergency/batch_list.html"
    table_pagination = {"per_page": 50}

    def get_queryset(self):
        return (
            StockBatch.objects.restrict(self.request.user, "view")
            .select_related("item", "depot")
            .order_by("item__code", "expires_on", "pk")
        )


@declare("view")
@login_required
def minimum_list(request: HttpRequest) -> HttpResponse:
    """最低储备: each jurisdiction's minimum per item against its usable stock (not expired)."""
    user = request.user
    if not may(user, MinimumLevel, "view"):
        raise Http404
    levels = (
        MinimumLevel.objects.restrict(user, "view")
        .select_related("region", "item", "unit")
        .annotate(stock=usable_stock(timezone.localdate()))
        .order_by("region__path", "item__code")
    )
    state = request.GET.get("state", "")
    if state == "below":
        levels = levels.filter(stock__lt=F("minimum"))
    elif state:
        raise BadQueryParameter("state", _("below"))
    return render(request, "emergency/minimum_list.html", {"levels": levels[:500], "state": state})
