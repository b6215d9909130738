"""暂缓督办的批次: batches the brake holds, and recent batches the office may withdraw as a whole."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anze.core.permissions import declare
from anze.core.restrict import get_restricted_or_404
from anze.duties.choices import OPEN_STATUSES, DutyStatus
from anze.duties.models import Duty, DutyRule, Occurrence
from anze.supervision import brake
from anze.supervision.choices import OPEN_CASE_STATUSES
from anze.supervision.errors import SupervisionError
from anze.supervision.models import BatchHold, Case

RECENT_DAYS = 30


def _batch_rows(user: Any, today: dt.date) -> list[dict[str, Any]]:
    """Batches confirmed in the last 30 days: items, already overdue, open cases, and any hold."""
    since = timezone.now() - dt.timedelta(days=RECENT_DAYS)
    rules = (
        DutyRule.objects.filter(
            duty__in=Duty.objects.restrict(user, "change"), duty__status=DutyStatus.CONFIRMED
        )
        .filter(Q(created_at__gte=since) | Q(duty__confirmed_at__gte=since))
        .select_related("duty")
        .annotate(
            items=Count("occurrences"),
            overdue=Count(
                "occurrences", filter=Q(occurrences__status__in=OPEN_STATUSES, occurrences__due_on__lt=today)
            ),
        )
        .order_by("-duty__confirmed_at", "-pk")[:50]
    )
    occurrence_type = ContentType.objects.get_for_model(Occurrence)
    holds = {h.rule_id: h for h in BatchHold.objects.filter(rule__in=[r.pk for r in rules])}
    rows = []
    for rule in rules:
        cases = Case.objects.filter(
            content_type=occurrence_type,
            object_id__in=Occurrence.objects.filter(rule=rule).values("id"),
            status__in=OPEN_CASE_STATUSES,
        ).count()
        rows.append({"rule": rule, "cases": cases, "hold": holds.get(rule.pk)})
    return rows


@declare("view")
@login_required
def batch_list(request: HttpRequest) -> HttpResponse:
    """暂缓督办的批次 — held batches first (release or withdraw), then recent ones with their counts."""
    today = timezone.localdate()
    held = brake.held_batches(request.user).select_related("duty", "rule").order_by("-held_at")
    return render(
        request,
        "supervision/batch_list.html",
        {"held": held, "recent": _batch_rows(request.user, today), "bound": brake.case_brake()},
    )


@declare("change")
@login_required
@require_POST
def batch_release(request: HttpRequest, public_id: str) -> HttpResponse:
    """放行 — the office confirms a held batch; the next run opens its cases."""
    hold = get_restricted_or_404(BatchHold.objects.all(), request.user, "change", public_id=public_id)
    try:
        brake.release_batch(hold, actor=request.user, reason=(request.POST.get("reason") or "").strip())
    except SupervisionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已放行，下次运行时将对该批次立案督办。"))
    return redirect("supervision:batch_list")


@declare("change")
@login_required
@require_POST
def batch_withdraw(request: HttpRequest, public_id: str) -> HttpResponse:
    """整批撤回 — a batch made by mistake: its untouched items and open cases go in one step."""
    rule = get_restricted_or_404(
        DutyRule.objects.select_related("duty"), request.user, "change", public_id=public_id
    )
    try:
        result = brake.withdraw_batch(rule, actor=request.user, reason=request.POST.get("reason") or "")
    except SupervisionError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("已整批撤回：撤回办理事项 %(items)s 项，撤销督办案件 %(cases)s 件；该职责已退回待确认。")
            % {"items": result["items_withdrawn"], "cases": result["cases_cancelled"]},
        )
    return redirect("supervision:batch_list")
