"""Monitoring API: points and alarms with the pages' filters; an alarm's life-cycle steps."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from anze.audit.context import set_source
from anze.core.api.pagination import CursorPagination
from anze.monitoring import services
from anze.monitoring.api.serializers import (
    AlarmActionSerializer,
    AlarmSerializer,
    MonitoringErrorSerializer,
    PointSerializer,
)
from anze.monitoring.errors import MonitoringError
from anze.monitoring.filtersets import AlarmFilterSet, PointFilterSet
from anze.monitoring.models import Alarm, MonitoringPoint

# Refusals by code: a step the alarm's state does not allow is a conflict; a missing note is bad input.
_STATUS = {"bad_transition": 409, "still_active": 409, "note_required": 400, "forbidden": 404}


class NewestFirstCursor(CursorPagination):
    """Keyset paging: no COUNT over a long alarm history."""

    ordering = "-id"
    page_size = 50


@extend_schema_view(
    list=extend_schema(summary="List monitoring points", tags=["monitoring"]),
    retrieve=extend_schema(summary="Retrieve a monitoring point with its present state", tags=["monitoring"]),
)
class PointViewSet(viewsets.ReadOnlyModelViewSet):
    """监测点及其当前状态。"""

    serializer_class = PointSerializer
    filterset_class = PointFilterSet
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    permission_action = "view"

    def get_queryset(self):
        return (
            MonitoringPoint.objects.restrict(self.request.user, "view")
            .select_related("enterprise", "hazard")
            .order_by("id")
        )


@extend_schema_view(
    list=extend_schema(summary="List alarms (newest first)", tags=["monitoring"]),
    retrieve=extend_schema(summary="Retrieve an alarm", tags=["monitoring"]),
)
class AlarmViewSet(viewsets.ReadOnlyModelViewSet):
    """报警：查询与处理（确认、处置、消警）。"""

    serializer_class = AlarmSerializer
    filterset_class = AlarmFilterSet
    pagination_class = NewestFirstCursor
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    permission_action = "view"

    def get_queryset(self):
        return (
            Alarm.objects.restrict(self.request.user, "view").select_related("point", "enterprise").order_by("-id")
        )

    @extend_schema(
        summary="One step of an alarm's life cycle",
        request=AlarmActionSerializer,
        responses={200: AlarmSerializer, 400: MonitoringErrorSerializer, 404: MonitoringErrorSerializer,
                   409: MonitoringErrorSerializer},  # fmt: skip
    )
    @action(detail=True, methods=["post"])
    def step(self, request: Request, id: str | None = None) -> Response:
        set_source("api")
        alarm = Alarm.objects.restrict(request.user, "change").filter(public_id=id).first()
        if alarm is None:
            return Response({"detail": _("未找到。"), "code": "not_found"}, status=status.HTTP_404_NOT_FOUND)
        body = AlarmActionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        try:
            if d["action"] == "acknowledge":
                alarm = services.acknowledge_alarm(alarm, actor=request.user)
            elif d["action"] == "handle":
                alarm = services.handle_alarm(alarm, actor=request.user, note=d["note"],
                                              reveals_hazard=d["reveals_hazard"], hazard_grade=d["hazard_grade"])  # fmt: skip
            else:
                alarm = services.close_alarm(alarm, actor=request.user)
        except MonitoringError as exc:
            return Response({"detail": exc.message, "code": exc.code}, status=_STATUS.get(exc.code, 400))
        return Response(AlarmSerializer(self.get_queryset().get(pk=alarm.pk)).data)
