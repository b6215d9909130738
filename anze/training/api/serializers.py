"""Training API serializers: public ids only, never internal keys, and never a question's key."""

from __future__ import annotations

from rest_framework import serializers

from anze.training.models import Attempt, Certificate, QuestionBank, Sitting


class BankSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    question_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = QuestionBank
        fields = ["id", "name", "post", "category", "question_count"]


class SittingSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    paper = serializers.CharField(source="paper.title", read_only=True)
    duration_minutes = serializers.IntegerField(source="paper.duration_minutes", read_only=True)
    pass_score = serializers.IntegerField(source="paper.pass_score", read_only=True)

    class Meta:
        model = Sitting
        fields = [
            "id",
            "title",
            "paper",
            "opens_at",
            "closes_at",
            "duration_minutes",
            "pass_score",
            "one_per_page",
        ]


class AttemptSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    sitting = serializers.UUIDField(source="sitting.public_id", read_only=True)
    candidate = serializers.CharField(source="candidate.name", read_only=True)
    post = serializers.CharField(source="candidate.post", read_only=True)
    enterprise = serializers.UUIDField(source="candidate.enterprise.public_id", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Attempt
        fields = ["id", "sitting", "candidate", "post", "enterprise", "status", "started_at", "deadline",
                  "submitted_at", "score", "max_score", "passed"]  # fmt: skip


class CertificateSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    enterprise = serializers.UUIDField(source="enterprise.public_id", read_only=True)
    state = serializers.SerializerMethodField()

    class Meta:
        model = Certificate
        fields = [
            "id",
            "number",
            "holder",
            "post",
            "category",
            "enterprise",
            "issued_on",
            "expires_on",
            "state",
        ]

    def get_state(self, obj: Certificate) -> str:
        return str(obj.state().value)
