"""Downloads of a year's results: .xlsx and the .docx report, exactly the results the user may see."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from anze.assessment import exports, services
from anze.assessment.choices import RunStatus
from anze.assessment.models import BodyResult, Run
from anze.core.permissions import declare
from anze.core.replica import reads_from_replica
from anze.core.restrict import get_restricted_or_404


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


def _results(request: HttpRequest, run: Run) -> list[BodyResult]:
    return list(
        BodyResult.objects.restrict(request.user, "view").filter(run=run).select_related("body__unit", "body__committee").order_by("rank", "id")
    )  # fmt: skip


@declare("view")
@login_required
@reads_from_replica
def run_xlsx(request: HttpRequest, public_id) -> HttpResponse:
    run = get_restricted_or_404(
        services.readable(Run.objects.select_related("scheme"), request.user),
        request.user,
        "view",
        public_id=public_id,
    )
    content = exports.results_xlsx(run, _results(request, run))
    return _download(content, exports.XLSX_TYPE, f"assessment-{run.scheme.year}-v{run.number}.xlsx")


@declare("view")
@login_required
@reads_from_replica
def run_docx(request: HttpRequest, public_id) -> HttpResponse:
    run = get_restricted_or_404(
        services.readable(Run.objects.select_related("scheme"), request.user),
        request.user,
        "view",
        public_id=public_id,
    )
    issuer = (
        "临沂市安全生产委员会办公室"
        if run.scheme.region.code.startswith("3713")
        else f"{run.scheme.region}安全生产委员会办公室"
    )
    on = timezone.localtime(run.published_at).date() if run.published_at else timezone.localdate()
    content = exports.results_docx(run, _results(request, run), issuer=issuer, on=on)
    return _download(content, exports.DOCX_TYPE, f"assessment-{run.scheme.year}-v{run.number}.docx")  # fmt: skip


@declare("view")
@login_required
@reads_from_replica
def vetoed_xlsx(request: HttpRequest) -> HttpResponse:
    """一票否决及黄牌名单 of every published year in scope, for the personnel office."""
    rows = list(
        BodyResult.objects.restrict(request.user, "view")
        .filter(run__status=RunStatus.PUBLISHED, outcome__in=["veto", "yellow"])
        .select_related("body__unit", "body__committee", "run__scheme")
        .order_by("-run__scheme__year", "outcome", "rank")
    )
    return _download(exports.vetoed_xlsx(rows), exports.XLSX_TYPE, "vetoed.xlsx")
