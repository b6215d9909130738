"""方案修订 pages: duties flagged by a revised plan, the clause comparison beside each, and the decision."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anze.core.permissions import declare
from anze.core.restrict import get_restricted_or_404
from anze.duties import revision as revisions
from anze.duties.choices import RevisionDecision, badge
from anze.duties.errors import DutyError
from anze.duties.forms_revision import RevisionRetireForm, RevisionUpdateForm
from anze.duties.models import DutyRevision, Occurrence
from anze.plans.comparison import cadence_words, compare_clause

_RELATED = ("duty__clause__task", "version__plan", "old_clause", "new_clause", "new_suggestion", "decided_by")


def awaiting_carry_over(user: Any) -> list[dict[str, Any]]:
    """Current plan versions whose earlier duties have not yet been lined up with them (核对方案修订)."""
    from anze.plans.models import PlanVersion

    result = []
    for version in (
        PlanVersion.objects.restrict(user, "change").filter(current_of__isnull=False).select_related("plan")
    ):
        count = revisions.awaiting_duties(version).count()
        if count:
            result.append({"version": version, "duties": count})
    return result


def _rule_words(rule: Any) -> str:
    if rule is None:
        return "—"
    if rule.rrule:
        return cadence_words(rule.rrule, rule.times_per_period)
    if rule.deadline:
        return _("%(date)s 前完成") % {"date": rule.deadline.strftime("%Y-%m-%d")}
    return "—"


def _entry(revision: DutyRevision, today: Any) -> dict[str, Any]:
    suggestion = revision.new_suggestion
    return {
        "revision": revision,
        "badge": badge(revision.decision),
        "comparison": compare_clause(revision.diff or {"change": "removed"}),
        "rule_now": _rule_words(revision.duty.rule_on(today)),
        "rule_new": cadence_words(suggestion.rrule, suggestion.count) if suggestion else None,
        "can_update": revision.new_clause_id is not None,
    }


@declare("view")
@login_required
def revision_list(request: HttpRequest) -> HttpResponse:
    """方案已修订 — each flagged duty with its clause comparison; the office keeps, updates or retires it."""
    today = timezone.localdate()
    scoped = DutyRevision.objects.restrict(request.user, "view")
    counts = scoped.aggregate(
        **{state.value: Count("pk", filter=Q(decision=state)) for state in RevisionDecision}
    )
    shown = request.GET.get("decision") or RevisionDecision.PENDING.value
    if shown not in RevisionDecision.values:
        shown = RevisionDecision.PENDING.value
    rows = (
        scoped.filter(decision=shown)
        .select_related(*_RELATED)
        .prefetch_related("duty__rules")
        .order_by("-version__imported_at", "old_clause__task__order", "old_clause__order", "pk")[:200]
    )
    base = reverse("duties:revision_list")
    cards = [
        {"label": state.label, "value": counts[state.value], "url": f"{base}?decision={state.value}"}
        for state in RevisionDecision
    ]
    return render(
        request,
        "duties/revision_list.html",
        {
            "cards": cards,
            "shown": RevisionDecision(shown),
            "entries": [_entry(r, today) for r in rows],
            "awaiting": awaiting_carry_over(request.user),
            "retire_form": RevisionRetireForm(initial={"effective_from": today}),
        },
    )


@declare("change")
@login_required
@require_POST
def revision_carry_over(request: HttpRequest, public_id: str) -> HttpResponse:
    """核对方案修订 — line the plan's earlier duties up with its current version."""
    from anze.plans.models import PlanVersion

    version = get_restricted_or_404(
        PlanVersion.objects.select_related("plan"), request.user, "change", public_id=public_id
    )
    result = revisions.carry_over(version, actor=request.user)
    messages.success(
        request,
        _("未变条款的 %(kept)s 条职责已转入新版本；%(flagged)s 条职责所依据的条款已修订，请逐条处理。")
        % {"kept": result.relinked, "flagged": result.flagged},
    )
    return redirect("duties:revision_list")


def _revision(request: HttpRequest, public_id: str) -> DutyRevision:
    return get_restricted_or_404(
        DutyRevision.objects.select_related(*_RELATED), request.user, "change", public_id=public_id
    )


@declare("change")
@login_required
@require_POST
def revision_keep(request: HttpRequest, public_id: str) -> HttpResponse:
    """保留 — the duty goes on as confirmed."""
    revision = _revision(request, public_id)
    try:
        revisions.keep_duty(revision, actor=request.user)
    except DutyError as exc:
        messages.error(request, exc.message_zh)
    else:
        messages.success(request, _("已保留原职责。"))
    return redirect("duties:revision_list")


@declare("change")
@login_required
@require_POST
def revision_retire(request: HttpRequest, public_id: str) -> HttpResponse:
    """停用 — no more items from the date; untouched ones from then on are withdrawn."""
    revision = _revision(request, public_id)
    form = RevisionRetireForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写有效的停用日期。"))
        return redirect("duties:revision_list")
    try:
        revisions.retire_from_revision(
            revision, actor=request.user, effective_from=form.cleaned_data["effective_from"]
        )
    except DutyError as exc:
        messages.error(request, exc.message_zh)
    else:
        messages.success(request, _("职责已停用，此后未办理的事项已撤回。"))
    return redirect("duties:revision_list")


@declare("change")
@login_required
def revision_update(request: HttpRequest, public_id: str) -> HttpResponse:
    """按修订更新 — pick the effective date; the page says how many items it makes and how many are overdue."""
    revision = _revision(request, public_id)
    today = timezone.localdate()
    data = request.POST if request.method == "POST" else None
    form = RevisionUpdateForm(data)
    status = 200
    coming = withdrawn = None
    effective = form.cleaned_data["effective_from"] if form.is_valid() else today
    if revision.new_clause_id is not None and revision.state.can_decide():
        coming = revisions.update_forecast(revision, effective_from=effective, today=today)
        withdrawn = Occurrence.objects.filter(
            duty=revision.duty,
            period_start__gte=revisions.withdrawal_start(revision.duty, effective),
            touched=False,
        ).count()
    if request.method == "POST" and form.is_valid() and not request.POST.get("preview"):
        try:
            revisions.update_from_revision(
                revision,
                actor=request.user,
                effective_from=effective,
                allow_overdue=form.cleaned_data["allow_overdue"],
            )
        except DutyError as exc:
            field = {"overdue_needs_choice": "allow_overdue", "effective_before_start": "effective_from"}.get(
                exc.code
            )
            form.add_error(field, exc.message_zh)
            status = 400
        else:
            messages.success(request, _("职责已按修订更新，自 %(date)s 起生效。") % {"date": effective})
            return redirect(revision.duty.get_absolute_url())
    elif request.method == "POST" and not form.is_valid():
        status = 400
    return render(
        request,
        "duties/revision_update.html",
        {
            **_entry(revision, today),
            "form": form,
            "forecast": coming,
            "withdrawn": withdrawn,
            "effective": effective,
            "new_values": revisions.revised_values(revision),
        },
        status=status,
    )
