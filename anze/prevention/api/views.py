"""Prevention API: risk points (read), hidden dangers (read, keyset-friendly ordering, loop transitions)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from anze.audit.context import set_source
from anze.core.api.pagination import CursorPagination
from anze.prevention import errors
from anze.prevention.api.serializers import (
    HiddenDangerSerializer,
    PreventionErrorSerializer,
    RiskPointSerializer,
    TransitionSerializer,
)
from anze.prevention.models import HiddenDanger, RiskPoint
from anze.prevention.views import _ACTIONS


class _Restricted:
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    permission_action = "view"


@extend_schema_view(
    list=extend_schema(summary="List risk points", tags=["prevention"]),
    retrieve=extend_schema(summary="Retrieve a risk point", tags=["prevention"]),
)
class RiskPointViewSet(_Restricted, viewsets.ReadOnlyModelViewSet):
    """风险点。"""

    serializer_class = RiskPointSerializer

    def get_queryset(self):
        return (
            RiskPoint.objects.restrict(self.request.user, "view").select_related("enterprise").order_by("id")
        )


class NewestFirstCursor(CursorPagination):
    """Keyset paging: no COUNT over millions of rows."""

    ordering = "-id"
    page_size = 50


@extend_schema_view(
    list=extend_schema(summary="List hidden dangers (newest first)", tags=["prevention"]),
    retrieve=extend_schema(summary="Retrieve a hidden danger", tags=["prevention"]),
)
class HiddenDangerViewSet(_Restricted, viewsets.ReadOnlyModelViewSet):
    """隐患：查询与闭环流转（登记、开始整改、提交验收、验收、退回、销号）。"""

    serializer_class = HiddenDangerSerializer
    pagination_class = NewestFirstCursor

    def get_queryset(self):
        return (
            HiddenDanger.objects.restrict(self.request.user, "view")
            .select_related("enterprise")
            .order_by("-id")
        )

    @extend_schema(
        summary="Move a hidden danger one step along its loop",
        request=TransitionSerializer,
        responses={
            200: HiddenDangerSerializer,
            400: PreventionErrorSerializer,
            403: PreventionErrorSerializer,
            409: PreventionErrorSerializer,
        },
    )
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, id: str | None = None) -> Response:
        set_source("api")
        hd = HiddenDanger.objects.restrict(request.user, "change").filter(public_id=id).first()
        if hd is None:
            return Response({"detail": "未找到。", "code": "not_found"}, status=status.HTTP_404_NOT_FOUND)
        body = TransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            hd = _ACTIONS[body.validated_data["action"]](hd, request.user, body.validated_data["note"])
        except errors.PreventionError as exc:
            return Response({"detail": exc.message_zh, "code": exc.code}, status=exc.http_status)
        return Response(HiddenDangerSerializer(hd).data)
