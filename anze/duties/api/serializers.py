"""Duties API serializers: public ids only, never internal keys."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from anze.duties.models import Duty, DutyRule, Evidence, Occurrence, Report, Review


class DutyRuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = DutyRule
        fields = [
            "effective_from",
            "rrule",
            "times_per_period",
            "deadline",
            "event_within",
            "event_unit",
            "cycle_years",
            "roll",
        ]


class DutySerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    clause = serializers.UUIDField(source="clause.public_id", read_only=True)
    clause_key = serializers.CharField(source="clause.key", read_only=True)
    subject = serializers.CharField(source="subject_display", read_only=True)
    rules = DutyRuleSerializer(many=True, read_only=True)

    class Meta:
        model = Duty
        fields = [
            "id",
            "clause",
            "clause_key",
            "title",
            "kind",
            "status",
            "subject_kind",
            "subject",
            "subject_text",
            "evidence_required",
            "start_on",
            "end_on",
            "needs_sign_off",
            "version",
            "rules",
        ]


class DutyConfirmSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text=_("the duty's version as read (optimistic concurrency)"))
    title = serializers.CharField(required=False, max_length=500)
    rrule = serializers.CharField(required=False, allow_blank=True, max_length=200)
    times_per_period = serializers.IntegerField(required=False, min_value=1)
    deadline = serializers.DateField(required=False, allow_null=True)
    cycle_years = serializers.IntegerField(required=False, min_value=1, allow_null=True)
    evidence_required = serializers.CharField(required=False, allow_blank=True)
    needs_sign_off = serializers.BooleanField(required=False)
    start_on = serializers.DateField(required=False, help_text=_("the first day the duty is owed"))
    allow_overdue = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("also create items whose due date has already passed (a start date in the past)"),
    )


class EvidenceSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = ["id", "original_name", "content_type", "size", "sm3", "created_at", "download_url"]

    def get_download_url(self, obj: Evidence) -> str:
        from django.urls import reverse

        return reverse("duties:evidence_download", kwargs={"public_id": obj.public_id})


class ReportSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    occurrence = serializers.UUIDField(source="occurrence.public_id", read_only=True)
    submitted_by = serializers.CharField(source="submitted_by.username", read_only=True)
    evidence = EvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = Report
        fields = [
            "id",
            "occurrence",
            "number",
            "text",
            "evidence_on",
            "submitted_by",
            "submitted_at",
            "late",
            "evidence",
        ]


class ReviewSerializer(serializers.ModelSerializer):
    reviewer = serializers.CharField(source="reviewer.username", read_only=True)

    class Meta:
        model = Review
        fields = ["decision", "reason", "reviewer", "created_at"]


class OccurrenceSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    duty = serializers.UUIDField(source="duty.public_id", read_only=True)
    duty_title = serializers.CharField(source="duty.title", read_only=True)
    unit = serializers.UUIDField(source="unit.public_id", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    committee = serializers.CharField(source="committee.name", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Occurrence
        fields = [
            "id",
            "duty",
            "duty_title",
            "unit",
            "unit_name",
            "committee",
            "period_start",
            "period_end",
            "due_on",
            "due_provisional",
            "extended_until",
            "status",
            "late",
            "version",
            "submitted_at",
            "accepted_at",
            "signed_off_at",
        ]


class SubmitReportSerializer(serializers.Serializer):
    text = serializers.CharField()
    evidence_on = serializers.DateField()
    version = serializers.IntegerField(required=False)
    files = serializers.ListField(child=serializers.FileField(allow_empty_file=True), allow_empty=False)


class ReviewActionSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        help_text=_("the occurrence's version as read (optimistic concurrency)")
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class DutyErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()
