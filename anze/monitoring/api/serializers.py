"""Monitoring API serializers: public ids only, never internal keys."""

from __future__ import annotations

from rest_framework import serializers

from anze.monitoring.models import Alarm, MonitoringPoint

ALARM_ACTIONS = ("acknowledge", "handle", "close")


class PointSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    enterprise = serializers.UUIDField(source="enterprise.public_id", read_only=True)
    hazard = serializers.UUIDField(source="hazard.public_id", read_only=True, allow_null=True)

    class Meta:
        model = MonitoringPoint
        fields = ["id", "enterprise", "hazard", "code", "name", "kind", "unit", "range_min", "range_max",
                  "low_low", "low", "high", "high_high", "expected_period_s", "level", "faults", "last_value",
                  "last_at"]  # fmt: skip


class AlarmSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    point = serializers.UUIDField(source="point.public_id", read_only=True)
    point_code = serializers.CharField(source="point.code", read_only=True)
    enterprise = serializers.UUIDField(source="enterprise.public_id", read_only=True)

    class Meta:
        model = Alarm
        fields = ["id", "point", "point_code", "enterprise", "kind", "level", "status", "is_active", "value",
                  "raised_at", "recovered_at", "tier", "pushed_at", "acknowledged_at", "handled_at",
                  "handling_note", "closed_at"]  # fmt: skip


class AlarmActionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=ALARM_ACTIONS)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    reveals_hazard = serializers.BooleanField(required=False, default=False)
    hazard_grade = serializers.ChoiceField(choices=("general", "major"), required=False, default="general")


class MonitoringErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()
