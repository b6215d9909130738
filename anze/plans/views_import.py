"""Importing a plan on the web: upload → preview (counts, open names, diff) → confirm or cancel; mapping names."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Min
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anze.audit.services import record_standalone
from anze.core.permissions import declare
from anze.core.restrict import get_restricted_or_404
from anze.plans import import_review, services
from anze.plans.choices import LEADER_ROLES, AssignmentStatus, ImportStatus
from anze.plans.forms import MapNameForm, PlanUploadForm
from anze.plans.importing import plan_counts
from anze.plans.models import ClauseAssignment, Plan, PlanImport
from anze.plans.parsing.errors import PlanParseError
from anze.plans.resolution import suggest
from anze.plans.views import document_response


def _require_importer(request: HttpRequest) -> None:
    if not services.can_import(request.user):
        record_standalone(
            "access.denied",
            actor=request.user,
            obj=("plans.planimport", "", ""),
            success=False,
            reason="add plans: no role grants it",
        )
        raise PermissionDenied(_("只有安委会办公室可以导入责任方案。"))


@declare("add")
@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    """导入方案 — upload a document; a good one is kept for preview, a bad one gets the parser's message."""
    _require_importer(request)
    form = PlanUploadForm(request.POST or None, request.FILES or None, user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            region = form.cleaned_data["region"]
            try:
                parsed = services.parse_document(upload.read(), upload.name)
                staged = services.stage_import(parsed, actor=request.user, region=region)
            except PlanParseError as exc:
                form.add_error("file", ValidationError(exc.message_zh, code=exc.code))
            except services.DocumentAlreadyImported as exc:
                messages.info(request, str(exc))
                if not exc.visible:
                    return redirect("plans:import_upload")
                return redirect("plans:plan_detail", public_id=exc.version.plan.public_id)
            else:
                return redirect("plans:import_preview", public_id=staged.public_id)
        status = 400
    pending = PlanImport.objects.restrict(request.user, "view").filter(status=ImportStatus.PENDING)[:20]
    return render(request, "plans/import_upload.html", {"form": form, "pending": pending}, status=status)


def _staged(request: HttpRequest, public_id: str, action: str) -> PlanImport:
    return get_restricted_or_404(
        PlanImport.objects.select_related("document", "region", "plan", "version__plan", "created_by"),
        request.user,
        action,
        public_id=public_id,
    )


@declare("view")
@login_required
def import_preview(request: HttpRequest, public_id: str) -> HttpResponse:
    """导入预览 — what the document will become: counts, the parsed tree, open names and the diff."""
    staged = _staged(request, public_id, "view")
    return render(
        request,
        "plans/import_preview.html",
        {
            "staged": staged,
            "counts": plan_counts(staged.parsed),
            "names": staged.names or {},
            "diff": staged.diff,
            "review": import_review.review_items(staged),
            "can_decide": ImportStatus(staged.status).can_confirm()
            and services.can_import(request.user, staged.region),
        },
    )


@declare("add")
@login_required
@require_POST
def import_alias(request: HttpRequest, public_id: str) -> HttpResponse:
    """确认别称 — one click on a suggested match records the document's name as an alias of it."""
    staged = _staged(request, public_id, "add")
    name = (request.POST.get("name") or "").strip()
    try:
        target = import_review.confirm_alias(
            staged,
            raw_name=name,
            kind=request.POST.get("kind") or "",
            target=(request.POST.get("target") or "").strip(),
            actor=request.user,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("已将“%(name)s”记为%(target)s的别称。") % {"name": name, "target": target}
        )
    return redirect(reverse("plans:import_preview", args=[staged.public_id]) + "#names")


@declare("add")
@login_required
@require_POST
def import_correct(request: HttpRequest, public_id: str) -> HttpResponse:
    """更正分工 — the office fixes who is assigned to an unsure clause before confirming."""
    staged = _staged(request, public_id, "add")
    key = (request.POST.get("key") or "").strip()
    values = {
        role: import_review.split_names(request.POST.get(role, "")) for role in import_review.ROLE_FIELDS
    }
    try:
        import_review.correct_clause(staged, key=key, values=values, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已更正条款 %(key)s 的分工。") % {"key": key})
    return redirect(reverse("plans:import_preview", args=[staged.public_id]) + "#review")


@declare("add")
@login_required
@require_POST
def import_confirm(request: HttpRequest, public_id: str) -> HttpResponse:
    staged = _staged(request, public_id, "add")
    try:
        result = services.confirm_import(staged, actor=request.user)
    except services.DocumentAlreadyImported as exc:
        messages.info(request, str(exc))
        if not exc.visible:
            return redirect("plans:import_preview", public_id=staged.public_id)
        return redirect("plans:plan_detail", public_id=exc.version.plan.public_id)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("plans:import_preview", public_id=staged.public_id)
    messages.success(
        request, _("已导入《%(plan)s》第 %(n)s 版。") % {"plan": result.plan, "n": result.version.number}
    )
    return redirect("plans:plan_detail", public_id=result.plan.public_id)


@declare("add")
@login_required
@require_POST
def import_cancel(request: HttpRequest, public_id: str) -> HttpResponse:
    staged = _staged(request, public_id, "add")
    try:
        services.cancel_import(staged, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("plans:import_preview", public_id=staged.public_id)
    messages.info(request, _("已取消导入。"))
    return redirect("plans:import_upload")


@declare("view")
@login_required
def import_document(request: HttpRequest, public_id: str) -> HttpResponse:
    """The uploaded file of a pending import, for the reviewer to compare with the preview."""
    staged = _staged(request, public_id, "view")
    return document_response(request, staged.document)


@declare("view")
@login_required
def unresolved_list(request: HttpRequest) -> HttpResponse:
    """未对应名称 — names in current plans matched to no person, unit or group, for the office to map."""
    rows = (
        ClauseAssignment.objects.restrict(request.user, "view")
        .filter(status=AssignmentStatus.UNRESOLVED, version__current_of__isnull=False)
        .values("version__plan__public_id", "version__plan__title", "raw_name")
        .annotate(clauses=Count("clause", distinct=True), role=Min("role"))
        .order_by("version__plan__title", "raw_name")
    )
    changeable = set(Plan.objects.restrict(request.user, "change").values_list("public_id", flat=True))
    items = [
        {
            **row,
            "can_map": row["version__plan__public_id"] in changeable,
            "is_leader": row["role"] in LEADER_ROLES,
        }
        for row in rows
    ]
    return render(request, "plans/unresolved_list.html", {"items": items})


@declare("change")
@login_required
def map_name(request: HttpRequest, public_id: str) -> HttpResponse:
    """对应名称 — map an unresolved name of a plan to a unit, unit group or person; later imports reuse it."""
    plan = get_restricted_or_404(Plan.objects.all(), request.user, "change", public_id=public_id)
    raw_name = (request.POST.get("name") or request.GET.get("name") or "").strip()
    rows = ClauseAssignment.objects.filter(
        version__plan=plan, raw_name=raw_name, status=AssignmentStatus.UNRESOLVED
    ).select_related("clause", "version")
    roles = set(rows.values_list("role", flat=True))
    if not raw_name or not roles:
        messages.info(request, _("该名称已对应或不存在。"))
        return redirect("plans:plan_detail", public_id=plan.public_id)
    kind = "person" if roles <= set(LEADER_ROLES) else "unit"
    form = MapNameForm(request.POST or None, user=request.user, kind=kind)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                count = services.map_name(
                    plan,
                    raw_name,
                    actor=request.user,
                    unit=form.cleaned_data.get("unit"),
                    group=form.cleaned_data.get("group"),
                    person=form.cleaned_data.get("person"),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request, _("已将“%(name)s”对应到 %(n)s 处。") % {"name": raw_name, "n": count}
                )
                return redirect(reverse("plans:plan_detail", args=[plan.public_id]))
        status = 400
    context: dict[str, Any] = {
        "plan": plan,
        "raw_name": raw_name,
        "kind": kind,
        "form": form,
        "clauses": sorted({row.clause for row in rows}, key=lambda c: (c.version_id, c.key)),
        "suggestions": suggest(raw_name, leader=kind == "person", region=plan.region),
    }
    return render(request, "plans/map_name.html", context, status=status)
