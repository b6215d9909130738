"""Enterprises API: the directory with its compliance results, the rule sets, and clause indicators."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from anze.enterprises import stats
from anze.enterprises.api.serializers import (
    EnterpriseDetailSerializer,
    EnterpriseSerializer,
    IndicatorSerializer,
    RuleSetSerializer,
)
from anze.enterprises.filtersets import EnterpriseFilterSet
from anze.enterprises.models import ComplianceResult, Enterprise, RuleSet


class _Restricted:
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    permission_action = "view"


@extend_schema_view(
    list=extend_schema(summary="List enterprises in scope", tags=["enterprises"]),
    retrieve=extend_schema(summary="An enterprise with its compliance results", tags=["enterprises"]),
)
class EnterpriseViewSet(_Restricted, viewsets.ReadOnlyModelViewSet):
    """企业。"""

    filterset_class = EnterpriseFilterSet

    def get_serializer_class(self):
        return EnterpriseDetailSerializer if self.action == "retrieve" else EnterpriseSerializer

    def get_queryset(self):
        queryset = (
            Enterprise.objects.restrict(self.request.user, "view")
            .select_related("region", "county", "industry", "supervising_unit", "summary")
            .order_by("id")
        )
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(
                Prefetch("results", ComplianceResult.objects.select_related("rule").order_by("rule__order"))
            )
        return queryset


@extend_schema_view(
    list=extend_schema(summary="List rule sets", tags=["enterprises"]),
    retrieve=extend_schema(summary="A rule set with its rules", tags=["enterprises"]),
)
class RuleSetViewSet(_Restricted, viewsets.ReadOnlyModelViewSet):
    """规则集。"""

    serializer_class = RuleSetSerializer

    def get_queryset(self):
        return (
            RuleSet.objects.restrict(self.request.user, "view")
            .select_related("region")
            .prefetch_related("rules", "rules__clause")
            .order_by("id")
        )


class ClauseIndicatorView(APIView):
    """The compliance rates of the rules derived from one plan clause, within the caller's scope."""

    permission_action = "view"

    @extend_schema(
        summary="Compliance indicators of a plan clause",
        tags=["enterprises"],
        parameters=[OpenApiParameter("clause", OpenApiTypes.UUID, required=True)],
        responses=IndicatorSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        from anze.plans.models import Clause

        clause = Clause.objects.restrict(request.user, "view").filter(
            public_id=request.query_params.get("clause")
        )
        try:
            found = clause.first()
        except Exception:  # noqa: BLE001 - a malformed id
            found = None
        if found is None:
            raise NotFound()
        return Response(IndicatorSerializer(stats.clause_indicators(found, request.user), many=True).data)
