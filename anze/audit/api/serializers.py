"""Audit events as the API shows them: every field, read-only."""

from __future__ import annotations

from rest_framework import serializers

from anze.audit.actions import action_label
from anze.audit.models import AuditEvent


class AuditEventSerializer(serializers.ModelSerializer):
    """审计事件 — one event of the append-only chain."""

    actor = serializers.SlugRelatedField(slug_field="public_id", read_only=True, allow_null=True)
    action_label = serializers.SerializerMethodField()

    class Meta:
        model = AuditEvent
        fields = [
            "sequence",
            "occurred_at",
            "actor",
            "actor_label",
            "source",
            "action",
            "action_label",
            "success",
            "ip",
            "object_type",
            "object_id",
            "object_repr",
            "scope_path",
            "before",
            "after",
            "reason",
            "request_id",
            "prev_hash",
            "hash",
        ]
        read_only_fields = fields

    def get_action_label(self, event: AuditEvent) -> str:
        return action_label(event.action)
