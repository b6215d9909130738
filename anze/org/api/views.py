"""Organization API: list/retrieve for viewers, create/update where the caller's scope allows.

Every queryset is restricted by the action the HTTP method implies (GET → view, POST → add,
PUT/PATCH → change, DELETE → delete), so an object outside the caller's scope answers 404. The
filters are the pages' FilterSets; writes go through the services and are audited.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from anze.core.api.permissions import action_for
from anze.org import services
from anze.org.api import serializers as s
from anze.org.filtersets import (
    CommitteeFilterSet,
    PersonFilterSet,
    RegionFilterSet,
    UnitFilterSet,
    UnitGroupFilterSet,
)
from anze.org.models import Committee, CommitteeLeader, Person, PostHolding, Region, Unit, UnitGroup


def _schema(tag: str, noun: str) -> Any:
    return extend_schema_view(
        list=extend_schema(summary=f"List {noun}", tags=[tag]),
        retrieve=extend_schema(summary=f"Retrieve one {noun}", tags=[tag]),
        create=extend_schema(summary=f"Create a {noun} (audited)", tags=[tag]),
        update=extend_schema(summary=f"Replace a {noun} (audited)", tags=[tag]),
        partial_update=extend_schema(summary=f"Update a {noun} (audited)", tags=[tag]),
    )


class OrgViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Restricted list/retrieve/create/update by public_id; no delete (records are deactivated)."""

    lookup_field = "public_id"
    lookup_value_regex = "[0-9a-fA-F-]{36}"

    def base_queryset(self) -> QuerySet:
        raise NotImplementedError

    def get_queryset(self) -> QuerySet:
        action_name = "change" if self.action in ("members",) else action_for(self.request)
        return self.base_queryset().restrict(self.request.user, action_name)

    def _change_members(self, request: Request, add: Any, remove: Any, key: str) -> Response:
        obj = self.get_object()
        body = s.MembersChangeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        visible = Unit.objects.restrict(request.user, "view")
        for ids, service in ((body.validated_data["add"], add), (body.validated_data["remove"], remove)):
            if not ids:
                continue
            units = list(visible.filter(public_id__in=ids))
            if len(units) != len(set(ids)):
                return Response(
                    {"units": ["unknown unit"], "code": "unknown_unit"}, status=status.HTTP_400_BAD_REQUEST
                )
            s._call(service, actor=request.user, units=units, **{key: obj})
        obj.refresh_from_db()
        return Response(self.get_serializer(obj).data)


@_schema("org", "region")
class RegionViewSet(OrgViewSet):
    """行政区划."""

    serializer_class = s.RegionSerializer
    filterset_class = RegionFilterSet

    def base_queryset(self) -> QuerySet:
        return Region.objects.select_related("parent")


@_schema("org", "unit")
class UnitViewSet(OrgViewSet):
    """单位."""

    serializer_class = s.UnitSerializer
    filterset_class = UnitFilterSet

    def base_queryset(self) -> QuerySet:
        return Unit.objects.select_related("region", "parent").prefetch_related("aliases")


@_schema("org", "unit group")
class UnitGroupViewSet(OrgViewSet):
    """单位集合."""

    filterset_class = UnitGroupFilterSet

    def get_serializer_class(self) -> Any:
        return s.UnitGroupSerializer if self.action == "list" else s.UnitGroupDetailSerializer

    def base_queryset(self) -> QuerySet:
        return UnitGroup.objects.select_related("region", "committee")

    @extend_schema(
        summary="Add or remove hand-listed members (audited)",
        tags=["org"],
        request=s.MembersChangeSerializer,
        responses=s.UnitGroupDetailSerializer,
    )
    @action(detail=True, methods=["post"])
    def members(self, request: Request, public_id: str | None = None) -> Response:
        return self._change_members(
            request, services.add_group_members, services.remove_group_members, "group"
        )


@_schema("org", "person")
class PersonViewSet(OrgViewSet):
    """人员."""

    serializer_class = s.PersonSerializer
    filterset_class = PersonFilterSet

    def base_queryset(self) -> QuerySet:
        return Person.objects.select_related("region").prefetch_related(
            Prefetch(
                "holdings",
                queryset=PostHolding.objects.filter(ended_on__isnull=True).select_related("post__unit"),
                to_attr="current_holdings",
            )
        )


@_schema("org", "committee")
class CommitteeViewSet(OrgViewSet):
    """委员会."""

    serializer_class = s.CommitteeSerializer
    filterset_class = CommitteeFilterSet

    def base_queryset(self) -> QuerySet:
        return Committee.objects.select_related("region", "parent", "office_unit").prefetch_related(
            Prefetch("leaders", queryset=CommitteeLeader.objects.select_related("person")), "member_units"
        )

    @extend_schema(
        summary="Add or remove member units (audited)",
        tags=["org"],
        request=s.MembersChangeSerializer,
        responses=s.CommitteeSerializer,
    )
    @action(detail=True, methods=["post"])
    def members(self, request: Request, public_id: str | None = None) -> Response:
        return self._change_members(
            request, services.add_committee_members, services.remove_committee_members, "committee"
        )
