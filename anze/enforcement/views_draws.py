"""Pages of inspection plans and the verifiable draw: the department's plan and draws, and the public pages
that show the commitments, reveal the seed after the draw and reproduce the selection."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anze.core.permissions import PUBLIC, declare
from anze.core.restrict import get_restricted_or_404, scope_q
from anze.enforcement import errors, forms, services
from anze.enforcement.models import Draw, DrawSelection, InspectionPlan, Inspector

PUBLIC_PAGE = 100


def _plans(user: Any):
    return (
        InspectionPlan.objects.restrict(user, "view")
        .select_related("department")
        .annotate(sector_count=Count("sectors", distinct=True), draw_count=Count("draws", distinct=True))
        .order_by("-year", "title")
    )


@declare("view")
@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    """年度监督检查计划 — the plans in scope with their sectors and draws."""
    return render(
        request,
        "enforcement/plan_list.html",
        {
            "plans": _plans(request.user),
            "may_add": scope_q(InspectionPlan, request.user, "add") is not None,
            "export_url": reverse("enforcement:plan_export"),
        },
    )


@declare("view")
@login_required
def plan_export(request: HttpRequest) -> HttpResponse:
    """年度监督检查计划 .xlsx: the plans of the list, within the user's scope."""
    from anze.enforcement.exports import PLAN_HEADER, plan_rows, xlsx_response

    return xlsx_response("年度监督检查计划", "plans.xlsx", PLAN_HEADER, plan_rows(_plans(request.user)))


@declare("view")
@login_required
def plan_detail(request: HttpRequest, public_id) -> HttpResponse:
    """One plan: 重点检查, the 双随机 shares, the item list, the draws and their commitments."""
    plan = get_restricted_or_404(
        InspectionPlan.objects.select_related("department", "region"),
        request.user,
        "view",
        public_id=public_id,
    )
    may_change = InspectionPlan.objects.restrict(request.user, "change").filter(pk=plan.pk).exists()
    context: dict[str, Any] = {
        "plan": plan,
        "status": plan.status_choice,
        "keys": plan.key_inspections.select_related("enterprise").order_by("enterprise__name"),
        "sectors": plan.sectors.order_by("name"),
        "items": plan.items.all(),
        "draws": plan.draws.select_related("sector").order_by("sector__name", "round", "committed_at"),
        "may_change": may_change,
    }
    if may_change and plan.status_choice.can_commit_draw():
        context["commit_form"] = forms.CommitDrawForm(
            sectors=plan.sectors.all(), departments=_departments(request.user)
        )
    return render(request, "enforcement/plan_detail.html", context)


def _departments(user: Any):
    from anze.org.models import Unit

    return (
        Unit.objects.restrict(user, "view")
        .filter(pk__in=Inspector.objects.filter(is_active=True).values("department_id"))
        .order_by("name")
    )


@declare("change")
@login_required
@require_POST
def plan_approve(request: HttpRequest, public_id) -> HttpResponse:
    plan = get_restricted_or_404(InspectionPlan.objects, request.user, "change", public_id=public_id)
    try:
        services.approve_plan(actor=request.user, plan=plan)
    except errors.EnforcementError as exc:
        messages.error(request, exc.message_zh)
    else:
        messages.success(request, _("计划已批准。"))
    return redirect(plan)


@declare("change")
@login_required
@require_POST
def draw_commit(request: HttpRequest, public_id) -> HttpResponse:
    """公布承诺 for one sector and round."""
    plan = get_restricted_or_404(InspectionPlan.objects, request.user, "change", public_id=public_id)
    form = forms.CommitDrawForm(
        request.POST, sectors=plan.sectors.all(), departments=_departments(request.user)
    )
    if not form.is_valid():
        messages.error(request, _("请检查抽取设置：") + "；".join(" ".join(v) for v in form.errors.values()))
        return redirect(plan)
    data = form.cleaned_data
    try:
        row = services.commit_draw(
            actor=request.user,
            plan=plan,
            sector=data["sector"],
            round=data["round"],
            departments=list(data["departments"]) or None,
            joint=data["joint"],
            remote=data["remote"],
        )
    except errors.EnforcementError as exc:
        messages.error(request, exc.message_zh)
        return redirect(plan)
    messages.success(request, _("已冻结名单并公布承诺摘要。"))
    return redirect(row)


@declare("view")
@login_required
def draw_detail(request: HttpRequest, public_id) -> HttpResponse:
    """One draw for the department: the commitment, then the selections with their inspectors."""
    row = get_restricted_or_404(
        Draw.objects.select_related("plan", "sector", "supersedes"), request.user, "view", public_id=public_id
    )
    selections = (
        DrawSelection.objects.filter(draw=row)
        .select_related("enterprise")
        .prefetch_related(Prefetch("inspectors", queryset=Inspector.objects.order_by("certificate")))
        .order_by("order")[:500]
    )
    return render(
        request,
        "enforcement/draw_detail.html",
        {
            "draw": row,
            "status": row.status_choice,
            "selections": selections,
            "may_change": Draw.objects.restrict(request.user, "change").filter(pk=row.pk).exists(),
            "rerun_form": forms.RerunForm(),
            "superseded_by": Draw.objects.filter(supersedes=row).first(),
        },
    )


@declare("change")
@login_required
@require_POST
def draw_action(request: HttpRequest, public_id, action: str) -> HttpResponse:
    """抽取 or 重抽 (with a reason, which is published)."""
    row = get_restricted_or_404(Draw.objects, request.user, "change", public_id=public_id)
    try:
        if action == "draw":
            row = services.perform_draw(actor=request.user, draw=row)
            messages.success(request, _("已抽取，种子已公开。"))
        elif action == "rerun":
            form = forms.RerunForm(request.POST)
            if not form.is_valid():
                raise errors.EnforcementError("重抽必须写明理由，理由会公开。", "reason_required")
            row = services.rerun_draw(actor=request.user, draw=row, reason=form.cleaned_data["reason"])
            messages.success(request, _("已作废原抽取并公布新的承诺。"))
        else:
            raise Http404
    except errors.EnforcementError as exc:
        messages.error(request, exc.message_zh)
    return redirect(row)


# -- public ----------------------------------------------------------------------------------------------------


@declare(PUBLIC)
def public_draw_list(request: HttpRequest) -> HttpResponse:
    """双随机 draws, public: every commitment as soon as it is made, superseded ones included."""
    draws = Draw.objects.select_related("plan", "sector").order_by("-committed_at")[:PUBLIC_PAGE]
    return render(request, "enforcement/public_draw_list.html", {"draws": draws})


def _public_draw(public_id) -> Draw:
    row = (
        Draw.objects.select_related("plan", "sector", "plan__department", "supersedes")
        .filter(public_id=public_id)
        .first()
    )
    if row is None:
        raise Http404
    return row


@declare(PUBLIC)
def public_draw(request: HttpRequest, public_id) -> HttpResponse:
    """One draw, public: the digests; after the draw the seed, the result and its reproduction."""
    row = _public_draw(public_id)
    context: dict[str, Any] = {
        "draw": row,
        "status": row.status_choice,
        "superseded_by": Draw.objects.filter(supersedes=row).first(),
    }
    if row.drawn_at:
        check = services.verify_draw(row)
        context["check"] = check
        codes = [s[0] for s in row.result["selections"]]
        from anze.enterprises.models import Enterprise

        names = dict(
            Enterprise.objects.filter(credit_code__in=codes[:PUBLIC_PAGE]).values_list("credit_code", "name")
        )
        context["selections"] = [
            {"code": code, "name": names.get(code, ""), "inspectors": inspectors}
            for code, inspectors in row.result["selections"][:PUBLIC_PAGE]
        ]
        context["selection_count"] = len(row.result["selections"])
    return render(request, "enforcement/public_draw.html", context)


@declare(PUBLIC)
def public_draw_file(request: HttpRequest, public_id, name: str) -> HttpResponse:
    """The published files: the snapshot (from the commitment on) and the result (after the draw)."""
    import json

    row = _public_draw(public_id)
    if name == "snapshot":
        body = row.snapshot.encode("utf-8")
    elif name == "result" and row.drawn_at:
        body = json.dumps(row.result, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode(
            "utf-8"
        )
    else:
        raise Http404
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="draw-{row.public_id}-{name}.json"'
    return response
