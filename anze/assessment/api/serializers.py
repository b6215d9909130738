"""Assessment API serializers: public ids only, never internal keys."""

from __future__ import annotations

from rest_framework import serializers

from anze.assessment.models import BodyResult, Run


class RunSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    scheme = serializers.CharField(source="scheme.name", read_only=True)
    year = serializers.IntegerField(source="scheme.year", read_only=True)

    class Meta:
        model = Run
        fields = [
            "id",
            "scheme",
            "year",
            "number",
            "status",
            "reason",
            "as_of",
            "published_at",
            "appeal_until",
            "rollup",
        ]


class BodyResultSerializer(serializers.ModelSerializer):
    """A body's result with its explanation: each item's score and reason with the records behind it, and
    each veto met with its facts."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    run = serializers.UUIDField(source="run.public_id", read_only=True)
    body = serializers.CharField(source="body.__str__", read_only=True)
    kind = serializers.CharField(source="body.kind", read_only=True)
    unit = serializers.UUIDField(source="body.unit.public_id", read_only=True)

    class Meta:
        model = BodyResult
        fields = [
            "id", "run", "body", "kind", "unit", "total", "rank", "grade", "outcome", "items", "hits", "leaders",
            "last_total", "last_rank",
        ]  # fmt: skip


class AssessmentErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()


class CorrectSerializer(serializers.Serializer):
    reason = serializers.CharField()
