"""Plan API: plans, versions, clauses and assignments (read-only, restricted) and the two-step import."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from anze.audit.context import set_source
from anze.org.models import Region
from anze.plans import services
from anze.plans.api.serializers import (
    ClauseAssignmentSerializer,
    ClauseSerializer,
    PlanErrorSerializer,
    PlanImportSerializer,
    PlanSerializer,
    PlanUploadSerializer,
    PlanVersionSerializer,
)
from anze.plans.filtersets import (
    ClauseAssignmentFilterSet,
    ClauseFilterSet,
    PlanFilterSet,
    PlanVersionFilterSet,
)
from anze.plans.models import Clause, ClauseAssignment, Plan, PlanImport, PlanVersion
from anze.plans.parsing.errors import PlanParseError


class _Restricted:
    """Looks objects up by public id inside the caller's scope."""

    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    permission_action = "view"

    def restricted(self, queryset):
        return queryset.restrict(self.request.user, "view")


@extend_schema_view(
    list=extend_schema(summary="List plans", tags=["plans"]),
    retrieve=extend_schema(summary="Retrieve a plan", tags=["plans"]),
)
class PlanViewSet(_Restricted, viewsets.ReadOnlyModelViewSet):
    """责任方案。"""

    serializer_class = PlanSerializer
    filterset_class = PlanFilterSet

    def get_queryset(self):
        return self.restricted(Plan.objects.select_related("region", "current_version")).order_by(
            "-issued_on", "id"
        )


@extend_schema_view(
    list=extend_schema(summary="List plan versions", tags=["plans"]),
    retrieve=extend_schema(summary="Retrieve a plan version with its diff", tags=["plans"]),
)
class PlanVersionViewSet(_Restricted, viewsets.ReadOnlyModelViewSet):
    """方案版本。"""

    serializer_class = PlanVersionSerializer
    filterset_class = PlanVersionFilterSet

    def get_queryset(self):
        return self.restricted(
            PlanVersion.objects.select_related("plan", "document", "imported_by")
        ).order_by("plan_id", "-number")


_ASSIGNMENTS = ClauseAssignment.objects.select_related("person", "unit", "group", "clause", "version__plan")


@extend_schema_view(
    list=extend_schema(summary="List clauses with their assignments and duties", tags=["plans"]),
    retrieve=extend_schema(summary="Retrieve a clause", tags=["plans"]),
)
class ClauseViewSet(_Restricted, viewsets.ReadOnlyModelViewSet):
    """条款（含分工与建议职责）。"""

    serializer_class = ClauseSerializer
    filterset_class = ClauseFilterSet

    def get_queryset(self):
        return (
            self.restricted(Clause.objects.select_related("version__plan", "task__section"))
            .prefetch_related(Prefetch("assignments", queryset=_ASSIGNMENTS), "duties")
            .order_by("version_id", "task__order", "order")
        )


@extend_schema_view(
    list=extend_schema(summary="List assignments (filter by unit, person, role, status)", tags=["plans"]),
    retrieve=extend_schema(summary="Retrieve an assignment", tags=["plans"]),
)
class ClauseAssignmentViewSet(_Restricted, viewsets.ReadOnlyModelViewSet):
    """分工。"""

    serializer_class = ClauseAssignmentSerializer
    filterset_class = ClauseAssignmentFilterSet

    def get_queryset(self):
        return self.restricted(_ASSIGNMENTS).order_by(
            "version_id", "clause_id", "role", "position", "via_group"
        )


def _error(detail: str, code: str, http_status: int = status.HTTP_400_BAD_REQUEST) -> Response:
    return Response({"detail": detail, "code": code}, status=http_status)


@extend_schema_view(
    list=extend_schema(summary="List plan imports", tags=["plans"]),
    retrieve=extend_schema(summary="Retrieve a plan import (the preview)", tags=["plans"]),
)
class PlanImportViewSet(
    _Restricted,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """方案导入：上传 → 预览 → 确认或取消。"""

    serializer_class = PlanImportSerializer
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self):
        return self.restricted(
            PlanImport.objects.select_related("region", "document", "plan", "version")
        ).order_by("-created_at")

    def _check_importer(self, region: Region | None = None) -> None:
        if not services.can_import(self.request.user, region):
            raise PermissionDenied("only the safety committee office imports plans")

    @extend_schema(
        summary="Upload a plan document and get the preview",
        description="Parses the file and keeps it as a pending import; nothing becomes a plan until confirmed.",
        request={"multipart/form-data": PlanUploadSerializer},
        responses={
            201: PlanImportSerializer,
            400: OpenApiResponse(
                PlanErrorSerializer, description="the parser's code: empty_file, binary_file, …"
            ),
            409: OpenApiResponse(PlanErrorSerializer, description="already_imported"),
        },
    )
    def create(self, request: Request, *args, **kwargs) -> Response:
        set_source("api")
        self._check_importer()
        upload = PlanUploadSerializer(data=request.data)
        if not upload.is_valid():
            file_errors = upload.errors.get("file") or []
            code = getattr(file_errors[0], "code", "invalid") if file_errors else "invalid"
            detail = str(file_errors[0]) if file_errors else str(upload.errors)
            return _error(detail, code)
        code = upload.validated_data.get("region")
        region = (
            Region.objects.filter(code=code).first() if code else services.default_import_region(request.user)
        )
        if region is None:
            return _error("unknown region", "unknown_region")
        self._check_importer(region)
        file = upload.validated_data["file"]
        try:
            parsed = services.parse_document(file.read(), file.name)
            staged = services.stage_import(parsed, actor=request.user, region=region)
        except PlanParseError as exc:
            return _error(exc.message_zh, exc.code)
        except services.DocumentAlreadyImported as exc:
            return _error(str(exc), exc.code, status.HTTP_409_CONFLICT)
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        return Response(PlanImportSerializer(staged).data, status=status.HTTP_201_CREATED)

    def _decide(self, decide) -> Response:
        staged = self.get_object()
        self._check_importer(staged.region)
        try:
            decide(staged, actor=self.request.user)
        except services.DocumentAlreadyImported as exc:
            return _error(str(exc), exc.code, status.HTTP_409_CONFLICT)
        except DjangoValidationError as exc:
            return _error(" ".join(exc.messages), exc.code or "invalid", status.HTTP_409_CONFLICT)
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        staged.refresh_from_db()
        return Response(PlanImportSerializer(staged).data)

    @extend_schema(
        summary="Confirm a pending import: it becomes a plan version",
        request=None,
        responses={200: PlanImportSerializer, 409: PlanErrorSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=[FormParser, MultiPartParser])
    def confirm(self, request: Request, id: str | None = None) -> Response:
        set_source("api")
        return self._decide(services.confirm_import)

    @extend_schema(
        summary="Cancel a pending import",
        request=None,
        responses={200: PlanImportSerializer, 409: PlanErrorSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=[FormParser, MultiPartParser])
    def cancel(self, request: Request, id: str | None = None) -> Response:
        set_source("api")
        return self._decide(services.cancel_import)
