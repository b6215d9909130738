"""Prevention API serializers: public ids only, never internal keys."""

from __future__ import annotations

from rest_framework import serializers

from anze.prevention.models import HiddenDanger, RiskPoint

TRANSITIONS = ("register", "start", "submit", "accept", "reject", "close")


class RiskPointSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    enterprise = serializers.UUIDField(source="enterprise.public_id", read_only=True)

    class Meta:
        model = RiskPoint
        fields = [
            "id",
            "enterprise",
            "name",
            "place",
            "activity",
            "hazard_factors",
            "controls",
            "responsible_person",
            "method",
            "lec_likelihood",
            "lec_exposure",
            "lec_consequence",
            "ls_likelihood",
            "ls_severity",
            "score",
            "level",
            "control_level",
            "assessed_on",
            "reassess_on",
        ]


class HiddenDangerSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    enterprise = serializers.UUIDField(source="enterprise.public_id", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)

    class Meta:
        model = HiddenDanger
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "source",
            "grade",
            "status",
            "title",
            "description",
            "place",
            "responsible_person",
            "found_on",
            "deadline",
            "registered_at",
            "rectified_at",
            "accepted_at",
            "closed_at",
            "escalated_at",
            "reported_at",
        ]


class TransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=TRANSITIONS)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class PreventionErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()
