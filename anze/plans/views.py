"""Plan pages: the list, a plan with its clauses, versions with diffs, the source document, and who does what."""

from __future__ import annotations

import io
from collections import defaultdict
from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from anze.core import registry
from anze.core.permissions import declare
from anze.core.restrict import get_restricted_or_404
from anze.org.models import Person, Unit
from anze.plans.choices import LEADER_ROLES, UNIT_ROLES, AssignmentRole, AssignmentStatus
from anze.plans.filtersets import PlanFilterSet
from anze.plans.importing import plan_counts, sm3_hex
from anze.plans.models import Clause, ClauseAssignment, ClauseDuty, Plan, PlanVersion, Section, Task
from anze.plans.services import can_import
from anze.plans.tables import PlanTable


class PlanListView(LoginRequiredMixin, SingleTableMixin, FilterView):
    """方案列表 — every plan the user may see, with its current version and open names."""

    permission_action = "view"
    table_class = PlanTable
    filterset_class = PlanFilterSet
    template_name = "plans/plan_list.html"
    table_pagination = {"per_page": 25}  # bad ?page= values fall back to a valid page

    def get_queryset(self):
        return (
            Plan.objects.restrict(self.request.user, "view")
            .select_related("region", "current_version")
            .annotate(
                clause_count=Count("current_version__clauses", distinct=True),
                unresolved_count=Count(
                    "current_version__assignments__raw_name",
                    filter=Q(current_version__assignments__status=AssignmentStatus.UNRESOLVED),
                    distinct=True,
                ),
            )
            .order_by("-issued_on", "title")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_import"] = can_import(self.request.user)
        return context


def can_change_plan(user: Any, plan: Plan) -> bool:
    return Plan.objects.restrict(user, "change").filter(pk=plan.pk).exists()


def version_tree(version: PlanVersion) -> list[dict[str, Any]]:
    """Sections → tasks → clauses with their leaders, units (groups with members) and duties; five queries."""
    assignments = ClauseAssignment.objects.select_related("person", "unit", "group").order_by(
        "role", "position", "via_group", "unit__sort_order", "unit__name"
    )
    clauses = (
        Clause.objects.filter(version=version)
        .prefetch_related(
            Prefetch("assignments", queryset=assignments), Prefetch("duties", ClauseDuty.objects.all())
        )
        .order_by("task__order", "order")
    )
    by_task: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for clause in clauses:
        by_task[clause.task_id].append({"clause": clause, "roles": clause_roles(clause.assignments.all())})
    tasks_by_section: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for task in Task.objects.filter(version=version).order_by("order"):
        tasks_by_section[task.section_id].append({"task": task, "clauses": by_task.get(task.pk, [])})
    return [
        {"section": section, "tasks": tasks_by_section.get(section.pk, [])}
        for section in Section.objects.filter(version=version).order_by("order")
    ]


def clause_roles(assignments: Any) -> list[dict[str, Any]]:
    """A clause's names by role, each group carrying its member units."""
    members: dict[tuple[str, int], list[ClauseAssignment]] = defaultdict(list)
    named: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in assignments:
        if row.via_group:
            members[(row.role, row.position)].append(row)
        else:
            named[row.role].append({"assignment": row, "members": members[(row.role, row.position)]})
    return [
        {"role": role, "label": role.label, "items": named[role]}
        for role in (*LEADER_ROLES, *UNIT_ROLES)
        if named.get(role)
    ]


@declare("view")
@login_required
@require_safe
def plan_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    """方案详情 — the current (or a chosen) version: sections, tasks, clauses, names, deadlines, duties, and
    the compliance indicators (企业合规指标) of the rules derived from each clause, within the reader's scope."""
    plan = get_restricted_or_404(
        Plan.objects.select_related("region", "current_version"), request.user, "view", public_id=public_id
    )
    versions = list(plan.versions.order_by("-number"))
    version = plan.current_version
    if request.GET.get("version"):
        version = next((v for v in versions if str(v.number) == request.GET["version"]), None)
        if version is None:
            raise Http404(_("没有该版本。"))
    if version is None:
        raise Http404(_("该方案还没有版本。"))
    unresolved = list(
        version.assignments.filter(status=AssignmentStatus.UNRESOLVED)
        .values("raw_name", "role")
        .annotate(clauses=Count("clause", distinct=True))
        .order_by("raw_name")
    )
    counts = plan_counts(version.parsed)
    tree = version_tree(version)
    indicators = registry.indicators_for_clauses(
        request.user, Clause.objects.filter(version=version).values("pk")
    )
    for block in tree:
        for task in block["tasks"]:
            for entry in task["clauses"]:
                entry["indicators"] = indicators.get(entry["clause"].pk, [])
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "version": version,
            "versions": versions,
            "tree": tree,
            "counts": counts,
            "unresolved": unresolved,
            "unresolved_names": {row["raw_name"] for row in unresolved},
            "can_change": can_change_plan(request.user, plan),
            "is_current": version.pk == plan.current_version_id,
        },
    )


@declare("view")
@login_required
@require_safe
def version_list(request: HttpRequest, public_id: str) -> HttpResponse:
    """版本记录 — every imported version of a plan with its diff to the one before."""
    plan = get_restricted_or_404(Plan.objects.all(), request.user, "view", public_id=public_id)
    versions = plan.versions.select_related("document", "imported_by").order_by("-number")
    return render(request, "plans/version_list.html", {"plan": plan, "versions": versions})


@declare("view")
@login_required
@require_safe
def version_document(request: HttpRequest, public_id: str) -> HttpResponse:
    """原始文件下载 — always as an attachment, checked against its SM3 digest first."""
    version = get_restricted_or_404(
        PlanVersion.objects.select_related("document"), request.user, "view", public_id=public_id
    )
    return document_response(request, version.document)


def document_response(request: HttpRequest, document: Any) -> HttpResponse:
    with document.file.open("rb") as handle:
        content = handle.read()
    if sm3_hex(content) != document.sm3:
        from anze.core.views import _error

        return _error(
            request,
            500,
            _("文件校验失败"),
            _("存储的原始文件与导入时的摘要不一致，已拒绝下载。请联系管理员。"),
        )
    response = FileResponse(
        io.BytesIO(content),
        as_attachment=True,
        filename=document.original_filename,
        content_type=document.media_type.split(";")[0] or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Length"] = str(len(content))
    return response


def _responsibilities(rows: Any) -> list[dict[str, Any]]:
    by_role: dict[str, list[ClauseAssignment]] = defaultdict(list)
    for row in rows:
        by_role[row.role].append(row)
    return [
        {"role": role, "label": role.label, "rows": by_role[role]}
        for role in AssignmentRole
        if by_role.get(role)
    ]


_RESPONSIBILITY_RELATED = ("clause__task__section", "version__plan", "group")


@declare("view")
@login_required
@require_safe
def unit_responsibilities(request: HttpRequest, public_id: str) -> HttpResponse:
    """单位职责 — the clauses of current plans a unit answers for, directly or through a unit group."""
    unit = get_restricted_or_404(
        Unit.objects.select_related("region"), request.user, "view", public_id=public_id
    )
    rows = (
        ClauseAssignment.objects.restrict(request.user, "view")
        .filter(unit=unit, version__current_of__isnull=False)
        .select_related(*_RESPONSIBILITY_RELATED)
        .order_by("version__plan__title", "clause__task__order", "clause__order", "via_group")
    )
    rows = _first_per_clause_role(rows)
    return render(
        request,
        "plans/unit_responsibilities.html",
        {"unit": unit, "groups": _responsibilities(rows), "total": len({r.clause_id for r in rows})},
    )


def _first_per_clause_role(rows: Any) -> list[ClauseAssignment]:
    """One row per clause and role: named directly wins over through a group."""
    seen: set[tuple[int, str]] = set()
    result = []
    for row in rows:
        if (row.clause_id, row.role) in seen:
            continue
        seen.add((row.clause_id, row.role))
        result.append(row)
    return result


@declare("view")
@login_required
@require_safe
def person_clauses(request: HttpRequest, public_id: str) -> HttpResponse:
    """领导分工 — the clauses of current plans a leader leads or shares."""
    person = get_restricted_or_404(
        Person.objects.select_related("region"), request.user, "view", public_id=public_id
    )
    rows = (
        ClauseAssignment.objects.restrict(request.user, "view")
        .filter(person=person, version__current_of__isnull=False)
        .select_related(*_RESPONSIBILITY_RELATED)
        .order_by("version__plan__title", "clause__task__order", "clause__order")
    )
    rows = list(rows)
    return render(
        request,
        "plans/person_clauses.html",
        {"person": person, "groups": _responsibilities(rows), "total": len({r.clause_id for r in rows})},
    )
