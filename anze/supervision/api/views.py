"""Supervision API: cases (read, ask for an extension), extension decisions, circulars, the inbox."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from anze.audit.context import set_source
from anze.supervision import services
from anze.supervision.api.serializers import (
    AssignSerializer,
    CaseSerializer,
    CircularSerializer,
    ExtensionAskSerializer,
    ExtensionDecisionSerializer,
    ExtensionRequestSerializer,
    NotificationSerializer,
    SupervisionErrorSerializer,
)
from anze.supervision.errors import SupervisionError
from anze.supervision.filtersets import CaseFilterSet, CircularFilterSet, ExtensionRequestFilterSet
from anze.supervision.models import Case, Circular, ExtensionRequest, Notification


def _error(exc: SupervisionError) -> Response:
    code = status.HTTP_403_FORBIDDEN if exc.code == "forbidden" else status.HTTP_409_CONFLICT
    return Response({"detail": exc.message, "code": exc.code}, status=code)


class _Restricted:
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    permission_action = "view"


@extend_schema_view(list=extend_schema(tags=["supervision"]), retrieve=extend_schema(tags=["supervision"]))
class CaseViewSet(_Restricted, viewsets.ReadOnlyModelViewSet):
    """督办案件。"""

    serializer_class = CaseSerializer
    filterset_class = CaseFilterSet

    def get_queryset(self):
        return (
            Case.objects.restrict(self.request.user, "view").select_related("unit", "clause").order_by("id")
        )

    @extend_schema(
        tags=["supervision"],
        request=ExtensionAskSerializer,
        responses={
            201: ExtensionRequestSerializer,
            403: SupervisionErrorSerializer,
            409: SupervisionErrorSerializer,
        },
    )
    @action(detail=True, methods=["post"])
    def extension(self, request: Request, id: str | None = None) -> Response:
        set_source("api")
        case = self.get_object()
        body = ExtensionAskSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            extension = services.request_extension(case, actor=request.user, **body.validated_data)
        except SupervisionError as exc:
            return _error(exc)
        return Response(ExtensionRequestSerializer(extension).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        tags=["supervision"],
        summary="交办: start 督办 by hand on one or more occurrences, with the reason",
        request=AssignSerializer,
        responses={
            201: CaseSerializer(many=True),
            400: SupervisionErrorSerializer,
            403: SupervisionErrorSerializer,
            404: SupervisionErrorSerializer,
            409: SupervisionErrorSerializer,
        },
    )
    @action(detail=False, methods=["post"])
    def assign(self, request: Request) -> Response:
        from anze.duties.models import Occurrence

        set_source("api")
        body = AssignSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        wanted = set(body.validated_data["occurrences"])
        items = list(Occurrence.objects.restrict(request.user, "view").filter(public_id__in=wanted))
        if len(items) != len(wanted):  # out of scope answers as if it did not exist
            return Response(
                {"detail": "办理事项不存在。", "code": "not_found"}, status=status.HTTP_404_NOT_FOUND
            )
        try:
            cases = services.assign_cases(
                items,
                actor=request.user,
                reason=body.validated_data["reason"],
                deadline=body.validated_data["deadline"],
            )
        except SupervisionError as exc:
            if exc.code in ("forbidden", "case_exists", "already_done"):
                return _error(exc)
            return Response({"detail": exc.message, "code": exc.code}, status=status.HTTP_400_BAD_REQUEST)
        return Response(CaseSerializer(cases, many=True).data, status=status.HTTP_201_CREATED)


@extend_schema_view(list=extend_schema(tags=["supervision"]), retrieve=extend_schema(tags=["supervision"]))
class ExtensionRequestViewSet(_Restricted, viewsets.ReadOnlyModelViewSet):
    """延期申请。"""

    serializer_class = ExtensionRequestSerializer
    filterset_class = ExtensionRequestFilterSet

    def get_queryset(self):
        return (
            ExtensionRequest.objects.restrict(self.request.user, "view").select_related("case").order_by("id")
        )

    @extend_schema(
        tags=["supervision"],
        request=ExtensionDecisionSerializer,
        responses={
            200: ExtensionRequestSerializer,
            403: SupervisionErrorSerializer,
            409: SupervisionErrorSerializer,
        },
    )
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, id: str | None = None) -> Response:
        set_source("api")
        extension = self.get_object()
        body = ExtensionDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            extension = services.decide_extension(extension, actor=request.user, **body.validated_data)
        except SupervisionError as exc:
            return _error(exc)
        return Response(ExtensionRequestSerializer(extension).data)


@extend_schema_view(list=extend_schema(tags=["supervision"]), retrieve=extend_schema(tags=["supervision"]))
class CircularViewSet(_Restricted, viewsets.ReadOnlyModelViewSet):
    """通报 (with the units named)."""

    serializer_class = CircularSerializer
    filterset_class = CircularFilterSet

    def get_queryset(self):
        return (
            Circular.objects.restrict(self.request.user, "view")
            .prefetch_related("entries__unit", "entries__case")
            .order_by("id")
        )


@extend_schema_view(list=extend_schema(tags=["supervision"]))
class InboxViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """收件箱: the signed-in user's own notifications."""

    serializer_class = NotificationSerializer
    permission_action = "view"
    filterset_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        return (
            services.inbox_for(self.request.user)
            .select_related(
                "unit", "person", "user", "case__unit", "circular", "occurrence__duty", "occurrence__unit"
            )
            .order_by("-created_at", "-id")
        )
