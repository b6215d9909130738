"""Supervision API serializers: public ids only, never internal keys."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from anze.supervision.models import Case, Circular, CircularEntry, ExtensionRequest, Notification


class CaseSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    unit = serializers.UUIDField(source="unit.public_id", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    clause_key = serializers.CharField(source="clause.key", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "source",
            "unit",
            "unit_name",
            "clause_key",
            "title",
            "body",
            "opened_at",
            "original_deadline",
            "deadline",
            "extensions",
            "delay_days",
            "status",
            "circulated_at",
            "resolved_at",
            "resolution",
        ]


class ExtensionRequestSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    case = serializers.UUIDField(source="case.public_id", read_only=True)

    class Meta:
        model = ExtensionRequest
        fields = [
            "id",
            "case",
            "reason",
            "current_deadline",
            "requested_deadline",
            "status",
            "decided_at",
            "decision_note",
            "created_at",
        ]


class ExtensionAskSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)
    requested_deadline = serializers.DateField()


class AssignSerializer(serializers.Serializer):
    """交办: the items (办理事项 ids) to start 督办 on, the reason, and optionally the case deadline."""

    occurrences = serializers.ListField(child=serializers.UUIDField(), min_length=1, max_length=200)
    reason = serializers.CharField(max_length=2000)
    deadline = serializers.DateField(required=False, allow_null=True, default=None)


class ExtensionDecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class CircularEntrySerializer(serializers.ModelSerializer):
    unit = serializers.UUIDField(source="unit.public_id", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    case = serializers.UUIDField(source="case.public_id", read_only=True)
    case_number = serializers.CharField(source="case.number", read_only=True)

    class Meta:
        model = CircularEntry
        fields = ["unit", "unit_name", "case", "case_number", "year"]


class CircularSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    entries = CircularEntrySerializer(many=True, read_only=True)

    class Meta:
        model = Circular
        fields = ["id", "number", "title", "body", "issuing_office", "issued_on", "entries"]


class NoticeSerializer(serializers.Serializer):
    """What a person needs to act on a notification: its unit, item, due date, lateness and link."""

    unit = serializers.CharField(read_only=True)
    item = serializers.CharField(read_only=True)
    due_on = serializers.DateField(read_only=True, allow_null=True)
    deadline = serializers.DateField(read_only=True, allow_null=True)
    days_late = serializers.IntegerField(read_only=True, allow_null=True)
    url = serializers.CharField(read_only=True)


class NotificationSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    case = serializers.UUIDField(source="case.public_id", read_only=True, default=None, allow_null=True)
    notice = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "urgent", "created_at", "read_at", "case", "notice"]

    @extend_schema_field(NoticeSerializer)
    def get_notice(self, notification: Notification) -> dict:
        from anze.supervision.messages import notice_of

        return NoticeSerializer(notice_of(notification)).data


class SupervisionErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()
