"""The responsibility matrix page and its .xlsx export (exactly what the page shows)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from anze.audit.services import record_standalone
from anze.core.permissions import declare
from anze.core.replica import reads_from_replica
from anze.plans.forms import MatrixFilterForm
from anze.plans.matrix import Matrix, build_matrix, matrix_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _matrix(request: HttpRequest) -> tuple[MatrixFilterForm, Matrix]:
    form = MatrixFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    matrix = build_matrix(
        request.user,
        plan=filters.get("plan"),
        section=filters.get("section"),
        unit_kind=filters.get("unit_kind") or "",
        region=filters.get("region"),
    )
    return form, matrix


@declare("view")
@login_required
def matrix(request: HttpRequest) -> HttpResponse:
    """责任矩阵 — which unit leads, answers for or supports each task of the current plans."""
    form, result = _matrix(request)
    query = request.GET.urlencode()
    return render(request, "plans/matrix.html", {"form": form, "matrix": result, "query": query})


@declare("view")
@login_required
@reads_from_replica
def matrix_export(request: HttpRequest) -> HttpResponse:
    _form, result = _matrix(request)
    content = matrix_xlsx(result, title=_("责任矩阵"))
    record_standalone(
        "plans.matrix.export",
        actor=request.user,
        reason=f"xlsx; {len(result.rows)} rows, {len(result.units)} units; filters: {request.GET.urlencode()[:400]}",
    )
    response = HttpResponse(content, content_type=XLSX)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="matrix-{stamp}.xlsx"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
