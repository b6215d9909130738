"""What the emergency pages share: scoped choices for forms, and running a service from a POST."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from anze.core.restrict import scope_q
from anze.emergency.errors import EmergencyError
from anze.org.models import Region, Unit


def may(user: Any, model, action: str) -> bool:
    return scope_q(model, user, action) is not None


def may_open_overview(user: Any) -> bool:
    """The overview's cards link to teams, stock, incidents, drills and minimum levels: only for those who may
    open all of them (an enterprise keeps its own team and stock from the lists instead)."""
    from anze.emergency.models import GovernmentDrill, Incident, MinimumLevel, RescueTeam, StockBatch

    return all(
        may(user, model, "view")
        for model in (RescueTeam, StockBatch, Incident, GovernmentDrill, MinimumLevel)
    )


def regions_for(user: Any):
    """The regions a user may place records in: under the regions of the user's assignments."""
    regions = Region.objects.filter(is_active=True).order_by("path")
    if user.is_superuser:
        return regions
    q = Q(pk__in=[])
    for assignment in user.active_assignments():
        if assignment.region_id:
            q |= Q(path__startswith=assignment.region.path)
    return regions.filter(q)


def units_for(user: Any):
    return (
        Unit.objects.restrict(user, "view")
        .filter(is_active=True)
        .order_by("region__path", "sort_order", "name")
    )


def run(request: HttpRequest, back: Any, action: Callable[[], Any], success: str) -> HttpResponse:
    """Call a service; its refusal is shown on the page it came from, with nothing changed."""
    try:
        action()
    except EmergencyError as exc:
        messages.error(request, exc.message_zh)
    except PermissionDenied:
        raise Http404 from None
    else:
        messages.success(request, success)
    return redirect(back)


def form_errors(request: HttpRequest, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}：{error}" if label else error)


def visible_occurrences(user: Any, ids) -> frozenset[int]:
    """Which of these work items the user may open (a link only to those; others are shown as text)."""
    from anze.duties.models import Occurrence

    return frozenset(
        Occurrence.objects.restrict(user, "view").filter(pk__in=ids).values_list("pk", flat=True)
    )


def visible_ids(user: Any, model, ids) -> frozenset[int]:
    """Which of these records the user may open (pages link only to those)."""
    return frozenset(model.objects.restrict(user, "view").filter(pk__in=ids).values_list("pk", flat=True))


def is_uuid(value: str) -> bool:
    """Whether a posted reference is a public id at all (anything else is a missing record)."""
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
