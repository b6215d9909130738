"""Plan cascade pages (上下贯通): link a lower plan's clauses to the upper plan's clauses they implement."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from anze.core.permissions import declare
from anze.core.restrict import get_restricted_or_404
from anze.plans import cascade
from anze.plans.models import Clause, ClauseLink, Plan


def _upper_choices(request: HttpRequest, lower: Plan) -> list[Plan]:
    plans = (
        Plan.objects.restrict(request.user, "view")
        .filter(current_version__isnull=False)
        .exclude(pk=lower.pk)
        .select_related("region")
    )
    # Plans of the regions above come first: a county's city, then its province.
    above = [
        p for p in plans if lower.region.path.startswith(p.region.path) and p.region_id != lower.region_id
    ]
    return sorted(above, key=lambda p: -len(p.region.path)) + [p for p in plans if p not in above]


def _back(lower: Plan, upper_id: str) -> str:
    return reverse("plans:plan_cascade", args=[lower.public_id]) + (f"?upper={upper_id}" if upper_id else "")


@declare("view")
@login_required
@require_safe
def plan_cascade(request: HttpRequest, public_id: str) -> HttpResponse:
    """上下贯通 — which upper clause each clause implements; upper clauses with no counterpart and vice versa."""
    lower = get_restricted_or_404(
        Plan.objects.select_related("region"), request.user, "view", public_id=public_id
    )
    choices = _upper_choices(request, lower)
    wanted = request.GET.get("upper")
    upper = next((p for p in choices if str(p.public_id) == wanted), None) if wanted else None
    if upper is None and not wanted and choices and lower.region.path.startswith(choices[0].region.path):
        upper = choices[0]
    can_change = Plan.objects.restrict(request.user, "change").filter(pk=lower.pk).exists()
    context = {
        "plan": lower,
        "upper": upper,
        "choices": choices,
        "report": cascade.cascade_report(lower, upper) if upper else None,
        "can_change": can_change,
    }
    return render(request, "plans/plan_cascade.html", context)


@declare("change")
@login_required
@require_POST
def cascade_link(request: HttpRequest, public_id: str) -> HttpResponse:
    """确认贯通 — the office confirms a suggested (or chosen) upper clause for a lower clause."""
    lower_plan = get_restricted_or_404(Plan.objects.all(), request.user, "change", public_id=public_id)
    lower = get_restricted_or_404(
        Clause.objects.select_related("version__plan"),
        request.user,
        "view",
        public_id=request.POST.get("lower"),
        version__plan=lower_plan,
    )
    upper = get_restricted_or_404(
        Clause.objects.select_related("version__plan"),
        request.user,
        "view",
        public_id=request.POST.get("upper"),
    )
    try:
        cascade.link_clauses(lower=lower, upper=upper, actor=request.user)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(
            request, _("已确认：条款 %(a)s 承接上级条款 %(b)s。") % {"a": lower.key, "b": upper.key}
        )
    return redirect(_back(lower_plan, str(upper.version.plan.public_id)))


@declare("change")
@login_required
@require_POST
def cascade_unlink(request: HttpRequest, public_id: str) -> HttpResponse:
    """撤销贯通 — remove a confirmed link."""
    lower_plan = get_restricted_or_404(Plan.objects.all(), request.user, "change", public_id=public_id)
    link = get_restricted_or_404(
        ClauseLink.objects.select_related("upper__version__plan"),
        request.user,
        "view",
        public_id=request.POST.get("link"),
        lower__version__plan=lower_plan,
    )
    upper_id = str(link.upper.version.plan.public_id)
    cascade.unlink_clauses(link, actor=request.user)
    messages.info(request, _("已撤销该关联。"))
    return redirect(_back(lower_plan, upper_id))
