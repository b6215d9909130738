"""Pages of incidents: the list, the handling page (request → allocation → dispatch → receipt → settlement,
teams sent) and the live timeline (htmx polling)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from anze.core.permissions import declare
from anze.core.restrict import get_restricted_or_404
from anze.emergency import services, timeline
from anze.emergency.choices import AllocationStatus, IncidentStatus
from anze.emergency.errors import EmergencyError
from anze.emergency.filtersets import IncidentFilterSet
from anze.emergency.forms import (
    DispatchForm,
    IncidentForm,
    ReceiptForm,
    RequestForm,
    SendTeamForm,
    SettleForm,
    TimeForm,
)
from anze.emergency.models import (
    Allocation,
    Dispatch,
    Incident,
    RescueTeam,
    SupplyItem,
    SupplyRequest,
    TeamDeployment,
)
from anze.emergency.tables import IncidentTable
from anze.emergency.views_common import form_errors, is_uuid, may, regions_for, run, units_for, visible_ids

POLL_SECONDS = 15


class IncidentListView(LoginRequiredMixin, SingleTableMixin, FilterView):
    """突发事件."""

    permission_action = "view"
    table_class = IncidentTable
    filterset_class = IncidentFilterSet
    template_name = "emergency/incident_list.html"
    table_pagination = {"per_page": 25}

    def get_queryset(self):
        return (
            Incident.objects.restrict(self.request.user, "view")
            .select_related("region")
            .order_by("-occurred_at")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["may_add"] = may(self.request.user, Incident, "add")
        return context


@declare("add")
@login_required
def incident_create(request: HttpRequest) -> HttpResponse:
    """登记突发事件."""
    user = request.user
    if not may(user, Incident, "add"):
        raise Http404
    form = IncidentForm(
        request.POST if request.method == "POST" else None, initial={"occurred_at": timezone.now()}
    )
    form.fields["region"].queryset = regions_for(user)
    form.fields["lead_unit"].queryset = units_for(user)
    if request.method == "POST" and form.is_valid():
        try:
            incident = services.open_incident(actor=user, **form.cleaned_data)
        except EmergencyError as exc:
            form.add_error(None, exc.message_zh)
        else:
            messages.success(request, _("已登记事件。"))
            return redirect(incident)
    return render(request, "emergency/form_page.html", {"form": form, "heading": _("登记突发事件"),
                                                        "back": reverse("emergency:incident_list")})  # fmt: skip


def _incident(request: HttpRequest, public_id, action: str = "view") -> Incident:
    return get_restricted_or_404(Incident.objects.select_related("region", "lead_unit"), request.user, action,
                                 public_id=public_id)  # fmt: skip


@declare("view")
@login_required
def incident_detail(request: HttpRequest, public_id) -> HttpResponse:
    """Handling an incident: each request with its suggestion, allocations grouped by depot for dispatch,
    vehicles on the road, settlements, and the nearest teams."""
    user = request.user
    incident = _incident(request, public_id)
    may_change = Incident.objects.restrict(user, "change").filter(pk=incident.pk).exists()
    is_open = incident.status == IncidentStatus.OPEN
    now = timezone.now()
    requests = list(
        SupplyRequest.objects.filter(incident=incident)
        .select_related("item", "incident")
        .order_by("requested_at")
    )
    allocations = list(
        Allocation.objects.filter(request__incident=incident)
        .select_related("batch__depot", "batch__item", "dispatch")
        .order_by("allocated_at", "id")
    )
    given = defaultdict(int)
    for allocation in allocations:
        if allocation.status != AllocationStatus.CANCELLED:
            given[allocation.request_id] += allocation.quantity
    for supply_request in requests:
        supply_request.covered = given[supply_request.pk]
        supply_request.missing = supply_request.quantity - supply_request.covered
        if may_change and is_open and supply_request.missing > 0:
            suggestion, batches = services.suggestion_for(supply_request, actor=user)
            supply_request.suggestion = [(batches[line.batch_id], line) for line in suggestion.lines]
            supply_request.shortfall = suggestion.shortfall
    waiting: dict[Any, list[Allocation]] = defaultdict(list)
    for allocation in allocations:
        if allocation.status == AllocationStatus.ALLOCATED:
            waiting[allocation.batch.depot].append(allocation)
    context: dict[str, Any] = {
        "incident": incident,
        "requests": requests,
        "allocations": allocations,
        "waiting": [(depot, rows) for depot, rows in waiting.items()],
        "dispatches": Dispatch.objects.filter(incident=incident)
        .select_related("depot")
        .order_by("departed_at"),
        "deployments": TeamDeployment.objects.filter(incident=incident)
        .select_related("team")
        .order_by("sent_at"),
        "visible_teams": visible_ids(
            user, RescueTeam, TeamDeployment.objects.filter(incident=incident).values("team_id")
        ),
        "may_change": may_change and is_open,
        "may_settle": may_change,
    }
    if may_change and is_open:
        request_form = RequestForm()
        request_form.fields["item"].queryset = SupplyItem.objects.order_by("category", "code")
        send_form = SendTeamForm(initial={"sent_at": now})
        nearest = services.nearest_teams(incident)
        send_form.fields["team"].queryset = RescueTeam.objects.filter(pk__in=[t.pk for t, _d in nearest])
        context.update(
            request_form=request_form,
            send_form=send_form,
            nearest=nearest,
            dispatch_form=DispatchForm(initial={"departed_at": now}),
            receipt_form=ReceiptForm(initial={"received_at": now}),
            time_form=TimeForm(initial={"at": now}),
        )
    return render(request, "emergency/incident_detail.html", context)


@declare("view")
@login_required
def incident_timeline(request: HttpRequest, public_id) -> HttpResponse:
    """The incident's timeline, refreshed every few seconds (htmx polls the feed below)."""
    incident = _incident(request, public_id)
    return render(request, "emergency/incident_timeline.html", {
        "incident": incident, "events": timeline.events(incident), "poll": POLL_SECONDS, "now": timezone.now(),
    })  # fmt: skip


@declare("view")
@login_required
def incident_timeline_feed(request: HttpRequest, public_id) -> HttpResponse:
    """The timeline's list alone, for htmx to swap in."""
    incident = _incident(request, public_id)
    return render(request, "emergency/_timeline.html", {
        "incident": incident, "events": timeline.events(incident), "poll": POLL_SECONDS, "now": timezone.now(),
    })  # fmt: skip


@declare("change")
@login_required
@require_POST
def incident_action(request: HttpRequest, public_id, action: str) -> HttpResponse:
    """The handling forms: request, allocate (the suggestion), dispatch, arrive, receive, settle, cancel, send a
    team, team arrived or back, close."""
    user = request.user
    incident = _incident(request, public_id, "view")
    back = incident.get_absolute_url()
    post = request.POST
    ref = post.get("ref", "")

    def one(model, **lookup):
        if not is_uuid(ref):
            raise Http404
        return get_restricted_or_404(model.objects.all(), user, "view", public_id=ref, **lookup)

    if action == "request":
        form = RequestForm(post)
        form.fields["item"].queryset = SupplyItem.objects.all()
        if not form.is_valid():
            form_errors(request, form)
            return redirect(back)
        return run(request, back, lambda: services.request_supplies(actor=user, incident=incident,
                                                                    **form.cleaned_data), _("已登记需求。"))  # fmt: skip
    if action == "allocate":
        supply_request = one(SupplyRequest, incident=incident)
        return run(request, back, lambda: services.allocate(actor=user, request=supply_request),
                   _("已按建议调拨（最近的储备库优先）。"))  # fmt: skip
    if action == "dispatch":
        form = DispatchForm(post)
        if not form.is_valid():
            form_errors(request, form)
            return redirect(back)
        chosen = list(Allocation.objects.restrict(user, "change").filter(
            public_id__in=[v for v in post.getlist("allocation") if is_uuid(v)], request__incident=incident
        ))  # fmt: skip
        return run(request, back, lambda: services.dispatch(actor=user, allocations=chosen, **form.cleaned_data),
                   _("已出库发车。"))  # fmt: skip
    if action in ("arrive", "receive"):
        trip = one(Dispatch, incident=incident)
        if action == "arrive":
            form = TimeForm(post)
            if not form.is_valid():
                form_errors(request, form)
                return redirect(back)
            return run(request, back, lambda: services.mark_arrived(actor=user, trip=trip,
                                                                    arrived_at=form.cleaned_data["at"]),
                       _("已登记到达。"))  # fmt: skip
        form = ReceiptForm(post)
        if not form.is_valid():
            form_errors(request, form)
            return redirect(back)
        return run(
            request, back, lambda: services.receive(actor=user, trip=trip, **form.cleaned_data), _("已签收。")
        )
    if action in ("settle", "cancel"):
        allocation = one(Allocation, request__incident=incident)
        if action == "cancel":
            return run(request, back, lambda: services.cancel_allocation(actor=user, allocation=allocation),
                       _("已取消调拨。"))  # fmt: skip
        form = SettleForm(post)
        if not form.is_valid():
            form_errors(request, form)
            return redirect(back)
        return run(request, back, lambda: services.settle(actor=user, allocation=allocation, **form.cleaned_data),
                   _("已核销。"))  # fmt: skip
    if action == "send":
        form = SendTeamForm(post)
        form.fields["team"].queryset = RescueTeam.objects.all()
        if not form.is_valid():
            form_errors(request, form)
            return redirect(back)
        return run(request, back, lambda: services.send_team(actor=user, incident=incident, **form.cleaned_data),
                   _("已派出队伍。"))  # fmt: skip
    if action in ("team-arrive", "team-return"):
        deployment = one(TeamDeployment, incident=incident)
        form = TimeForm(post)
        if not form.is_valid():
            form_errors(request, form)
            return redirect(back)
        at = form.cleaned_data["at"]
        if action == "team-arrive":
            return run(request, back, lambda: services.team_arrived(actor=user, deployment=deployment, arrived_at=at),
                       _("已登记到场。"))  # fmt: skip
        return run(request, back, lambda: services.team_returned(actor=user, deployment=deployment, returned_at=at),
                   _("已登记归队。"))  # fmt: skip
    if action == "close":
        return run(
            request,
            back,
            lambda: services.close_incident(actor=user, incident=incident),
            _("事件处置已结束。"),
        )
    raise Http404
