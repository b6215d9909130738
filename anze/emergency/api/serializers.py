"""Emergency API serializers: public ids only, never internal keys."""

from __future__ import annotations

from rest_framework import serializers

from anze.emergency.models import Allocation, Depot, Incident, RescueTeam, StockBatch, SupplyRequest


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()


class TeamSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    region = serializers.CharField(source="region.code", read_only=True)
    member_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = RescueTeam
        fields = ["id", "name", "kind", "station_level", "region", "address", "latitude", "longitude", "phone",
                  "specialties", "readiness", "readiness_note", "readiness_at", "status", "member_count"]  # fmt: skip


class DepotSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    region = serializers.CharField(source="region.code", read_only=True)

    class Meta:
        model = Depot
        fields = [
            "id",
            "name",
            "kind",
            "region",
            "address",
            "latitude",
            "longitude",
            "contact",
            "phone",
            "is_active",
        ]


class BatchSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    depot = serializers.UUIDField(source="depot.public_id", read_only=True)
    item = serializers.CharField(source="item.code", read_only=True)
    unit = serializers.CharField(source="item.unit", read_only=True)
    available = serializers.IntegerField(read_only=True)

    class Meta:
        model = StockBatch
        fields = ["id", "depot", "item", "unit", "batch_number", "received_on", "expires_on", "on_hand", "allocated",
                  "available"]  # fmt: skip


class AllocationSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    batch = serializers.UUIDField(source="batch.public_id", read_only=True)
    depot = serializers.CharField(source="batch.depot.name", read_only=True)

    class Meta:
        model = Allocation
        fields = [
            "id",
            "batch",
            "depot",
            "quantity",
            "distance_km",
            "status",
            "allocated_at",
            "consumed",
            "returned",
        ]


class RequestSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    item = serializers.CharField(source="item.code", read_only=True)
    allocations = AllocationSerializer(many=True, read_only=True)

    class Meta:
        model = SupplyRequest
        fields = ["id", "item", "quantity", "needed_by", "requested_at", "requested_by", "allocations"]


class IncidentSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    region = serializers.CharField(source="region.code", read_only=True)
    requests = RequestSerializer(many=True, read_only=True)

    class Meta:
        model = Incident
        fields = ["id", "title", "region", "place", "latitude", "longitude", "occurred_at", "road_factor", "status",
                  "closed_at", "requests"]  # fmt: skip


class RequestCreateSerializer(serializers.Serializer):
    item = serializers.SlugField(help_text="物资品目代码")
    quantity = serializers.IntegerField(min_value=1)
    requested_by = serializers.CharField(max_length=100, required=False, default="")
