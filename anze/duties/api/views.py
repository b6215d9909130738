"""Duties API: duties (read, confirm), occurrences (read, report with multipart upload, review), reports."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from anze.audit.context import set_source
from anze.duties import services
from anze.duties.api.serializers import (
    DutyConfirmSerializer,
    DutyErrorSerializer,
    DutySerializer,
    OccurrenceSerializer,
    ReportSerializer,
    ReviewActionSerializer,
    SubmitReportSerializer,
)
from anze.duties.errors import DutyError, NotAllowedError
from anze.duties.evidence import EvidenceError, read_uploads
from anze.duties.filtersets import DutyFilterSet, OccurrenceFilterSet
from anze.duties.models import Duty, DutyRule, Evidence, Occurrence, Report


def _error(exc: DutyError | EvidenceError) -> Response:
    if isinstance(exc, NotAllowedError):
        raise PermissionDenied(exc.message_zh)
    http_status = getattr(exc, "http_status", status.HTTP_400_BAD_REQUEST)
    return Response({"detail": exc.message_zh, "code": exc.code}, status=http_status)


class _Restricted:
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    permission_action = "view"


_ERRORS = {400: DutyErrorSerializer, 403: DutyErrorSerializer, 409: DutyErrorSerializer}


@extend_schema_view(
    list=extend_schema(summary="List duties", tags=["duties"]),
    retrieve=extend_schema(summary="Retrieve a duty with its rule versions", tags=["duties"]),
)
class DutyViewSet(_Restricted, viewsets.ReadOnlyModelViewSet):
    """职责。"""

    serializer_class = DutySerializer
    filterset_class = DutyFilterSet

    def get_queryset(self):
        # Confirming needs the right to change the duty: an outsider's request answers 404 before its body
        # is read, like the page's.
        action = "change" if self.action == "confirm" else "view"
        return (
            Duty.objects.restrict(self.request.user, action)
            .select_related("clause", "subject_unit", "subject_group", "subject_person")
            .prefetch_related(Prefetch("rules", DutyRule.objects.order_by("effective_from")))
            .order_by("id")
        )

    @extend_schema(
        summary="Confirm a suggested duty (optionally edited)",
        request=DutyConfirmSerializer,
        responses={200: DutySerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"], parser_classes=[JSONParser, FormParser, MultiPartParser])
    def confirm(self, request: Request, id: str | None = None) -> Response:
        set_source("api")
        duty = self.get_object()
        body = DutyConfirmSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        version = data.pop("version")
        try:
            services.confirm_duty(duty, actor=request.user, expected_version=version, **data)
        except DutyError as exc:
            return _error(exc)
        return Response(DutySerializer(self.get_queryset().get(pk=duty.pk)).data)


@extend_schema_view(
    list=extend_schema(
        summary="List occurrences (filter by year, state, task, unit, county, leader)", tags=["duties"]
    ),
    retrieve=extend_schema(summary="Retrieve an occurrence", tags=["duties"]),
)
class OccurrenceViewSet(_Restricted, viewsets.ReadOnlyModelViewSet):
    """办理事项：报送（multipart 上传佐证材料）、审核通过、退回、领导签批。"""

    serializer_class = OccurrenceSerializer
    filterset_class = OccurrenceFilterSet

    def get_queryset(self):
        return (
            Occurrence.objects.restrict(self.request.user, "view")
            .select_related("duty", "unit", "committee")
            .order_by("due_on", "id")
        )

    @extend_schema(
        summary="Report on an occurrence (or report again after a return) with evidence files",
        request={"multipart/form-data": SubmitReportSerializer},
        responses={201: ReportSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def report(self, request: Request, id: str | None = None) -> Response:
        set_source("api")
        occurrence = self.get_object()
        data = {
            "text": request.data.get("text", ""),
            "evidence_on": request.data.get("evidence_on"),
            "files": request.FILES.getlist("files"),
        }
        if request.data.get("version"):
            data["version"] = request.data.get("version")
        body = SubmitReportSerializer(data=data)
        if not body.is_valid():
            return Response(
                {"detail": str(body.errors), "code": "invalid", "errors": body.errors},
                status=status.HTTP_400_BAD_REQUEST,
            )
        try:
            files = read_uploads(body.validated_data["files"])
            report = services.submit_report(
                occurrence,
                actor=request.user,
                text=body.validated_data["text"],
                evidence_on=body.validated_data["evidence_on"],
                files=files,
                expected_version=body.validated_data.get("version"),
            )
        except (DutyError, EvidenceError) as exc:
            return _error(exc)
        return Response(ReportSerializer(report).data, status=status.HTTP_201_CREATED)

    def _review(self, request: Request, service) -> Response:
        set_source("api")
        occurrence = self.get_object()
        body = ReviewActionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            service(
                occurrence,
                actor=request.user,
                expected_version=body.validated_data["version"],
                reason=body.validated_data["reason"],
            )
        except DutyError as exc:
            return _error(exc)
        occurrence.refresh_from_db()
        return Response(OccurrenceSerializer(occurrence).data)

    @extend_schema(
        summary="Accept the latest report",
        request=ReviewActionSerializer,
        responses={200: OccurrenceSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"], parser_classes=[JSONParser, FormParser, MultiPartParser])
    def accept(self, request: Request, id: str | None = None) -> Response:
        return self._review(request, services.accept_report)

    @extend_schema(
        summary="Return the latest report with a reason",
        request=ReviewActionSerializer,
        responses={200: OccurrenceSerializer, **_ERRORS},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="return",
        parser_classes=[JSONParser, FormParser, MultiPartParser],
    )
    def return_report(self, request: Request, id: str | None = None) -> Response:
        return self._review(request, services.return_report)

    @extend_schema(
        summary="A leader signs off an accepted occurrence",
        request=ReviewActionSerializer,
        responses={200: OccurrenceSerializer, **_ERRORS},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="sign-off",
        parser_classes=[JSONParser, FormParser, MultiPartParser],
    )
    def sign_off(self, request: Request, id: str | None = None) -> Response:
        return self._review(request, services.sign_off)


@extend_schema_view(
    list=extend_schema(summary="List reports", tags=["duties"]),
    retrieve=extend_schema(summary="Retrieve a report with its evidence", tags=["duties"]),
)
class ReportViewSet(_Restricted, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """进展报告（含佐证材料）。"""

    serializer_class = ReportSerializer

    def get_queryset(self):
        return (
            Report.objects.restrict(self.request.user, "view")
            .select_related("occurrence", "submitted_by")
            .prefetch_related(Prefetch("evidence", Evidence.objects.order_by("id")))
            .order_by("id")
        )
