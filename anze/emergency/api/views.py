"""Emergency API: teams, depots, stock batches (with the pages' filters), incidents with their requests and
allocations; a request is raised and allocated from the nearest depots through the services."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from anze.audit.context import set_source
from anze.emergency import services
from anze.emergency.api.serializers import (
    BatchSerializer,
    DepotSerializer,
    ErrorSerializer,
    IncidentSerializer,
    RequestCreateSerializer,
    RequestSerializer,
    TeamSerializer,
)
from anze.emergency.errors import EmergencyError, OutOfStockError
from anze.emergency.filtersets import BatchFilterSet, DepotFilterSet, IncidentFilterSet, TeamFilterSet
from anze.emergency.models import (
    Allocation,
    Depot,
    Incident,
    RescueTeam,
    StockBatch,
    SupplyItem,
    SupplyRequest,
)


def _error(exc: EmergencyError) -> Response:
    return Response({"detail": exc.message_zh, "code": exc.code}, status=exc.http_status)


def _not_found() -> Response:
    return Response({"detail": _("未找到。"), "code": "not_found"}, status=status.HTTP_404_NOT_FOUND)


class _ReadOnly(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    permission_action = "view"


@extend_schema_view(list=extend_schema(summary="List rescue teams", tags=["emergency"]),
                    retrieve=extend_schema(summary="Retrieve a rescue team", tags=["emergency"]))  # fmt: skip
class TeamViewSet(_ReadOnly):
    """救援队伍。"""

    serializer_class = TeamSerializer
    filterset_class = TeamFilterSet

    def get_queryset(self):
        today = timezone.localdate()
        current = Q(members__left_on__isnull=True) | Q(members__left_on__gt=today)
        return (
            RescueTeam.objects.restrict(self.request.user, "view")
            .select_related("region")
            .annotate(member_count=Count("members", filter=current))
            .order_by("region__path", "name")
        )


@extend_schema_view(list=extend_schema(summary="List depots", tags=["emergency"]),
                    retrieve=extend_schema(summary="Retrieve a depot", tags=["emergency"]))  # fmt: skip
class DepotViewSet(_ReadOnly):
    """储备库。"""

    serializer_class = DepotSerializer
    filterset_class = DepotFilterSet

    def get_queryset(self):
        return (
            Depot.objects.restrict(self.request.user, "view")
            .select_related("region")
            .order_by("region__path", "name")
        )


@extend_schema_view(list=extend_schema(summary="List stock batches", tags=["emergency"]),
                    retrieve=extend_schema(summary="Retrieve a stock batch", tags=["emergency"]))  # fmt: skip
class BatchViewSet(_ReadOnly):
    """物资批次（库存）。"""

    serializer_class = BatchSerializer
    filterset_class = BatchFilterSet

    def get_queryset(self):
        return (
            StockBatch.objects.restrict(self.request.user, "view")
            .select_related("depot", "item")
            .order_by("item__code", "expires_on", "pk")
        )


@extend_schema_view(list=extend_schema(summary="List incidents", tags=["emergency"]),
                    retrieve=extend_schema(summary="Retrieve an incident with requests and allocations",
                                           tags=["emergency"]))  # fmt: skip
class IncidentViewSet(_ReadOnly):
    """突发事件：物资需求与调拨。"""

    serializer_class = IncidentSerializer
    filterset_class = IncidentFilterSet

    def get_queryset(self):
        allocations = Allocation.objects.select_related("batch__depot").order_by("allocated_at", "id")
        return (
            Incident.objects.restrict(self.request.user, "view")
            .select_related("region")
            .prefetch_related(
                Prefetch(
                    "requests",
                    queryset=SupplyRequest.objects.select_related("item")
                    .prefetch_related(Prefetch("allocations", queryset=allocations))
                    .order_by("requested_at"),
                )  # fmt: skip
            )
            .order_by("-occurred_at", "-id")
        )

    @extend_schema(
        summary="Raise a supply request and allocate it from the nearest depots",
        request=RequestCreateSerializer,
        responses={201: RequestSerializer, 400: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer},
        tags=["emergency"],
    )
    @action(detail=True, methods=["post"])
    def supply(self, request: Request, id: str | None = None) -> Response:
        set_source("api")
        incident = Incident.objects.restrict(request.user, "change").filter(public_id=id).first()
        if incident is None:
            return _not_found()
        body = RequestCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        item = SupplyItem.objects.filter(code=body.validated_data["item"]).first()
        if item is None:
            return Response({"detail": _("没有该品目代码。"), "code": "unknown_item"}, status=400)
        try:
            # One transaction: a request whose allocation is refused (other than for want of stock) is not kept.
            with transaction.atomic():
                supply_request = services.request_supplies(
                    actor=request.user, incident=incident, item=item, quantity=body.validated_data["quantity"],
                    requested_by=body.validated_data["requested_by"],
                )  # fmt: skip
                try:
                    services.allocate(actor=request.user, request=supply_request)
                except OutOfStockError:
                    pass  # the request stands with its shortfall; the allocation's savepoint rolled back
        except EmergencyError as exc:
            return _error(exc)
        supply_request = SupplyRequest.objects.select_related("item").get(pk=supply_request.pk)
        return Response(RequestSerializer(supply_request).data, status=status.HTTP_201_CREATED)
