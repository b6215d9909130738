"""Plan API serializers: public ids only, never internal keys."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from anze.plans.importing import max_upload_bytes
from anze.plans.models import Clause, ClauseAssignment, ClauseDuty, Plan, PlanImport, PlanVersion


class PlanSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    region = serializers.CharField(source="region.code", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    current_version = serializers.IntegerField(
        source="current_version.number", read_only=True, allow_null=True
    )
    current_version_id = serializers.UUIDField(
        source="current_version.public_id", read_only=True, allow_null=True
    )

    class Meta:
        model = Plan
        fields = [
            "id",
            "title",
            "doc_number",
            "issued_on",
            "issuers",
            "region",
            "region_name",
            "current_version",
            "current_version_id",
        ]


class PlanVersionSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    plan = serializers.UUIDField(source="plan.public_id", read_only=True)
    filename = serializers.CharField(source="document.original_filename", read_only=True)
    imported_by = serializers.CharField(source="imported_by.username", read_only=True, allow_null=True)
    is_current = serializers.BooleanField(read_only=True)

    class Meta:
        model = PlanVersion
        fields = [
            "id",
            "plan",
            "number",
            "title",
            "doc_number",
            "issued_on",
            "content_hash",
            "filename",
            "imported_by",
            "imported_at",
            "is_current",
            "diff",
        ]


class ClauseDutySerializer(serializers.ModelSerializer):
    class Meta:
        model = ClauseDuty
        fields = ["text", "rrule", "count", "subject"]


class _Ref(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    name = serializers.CharField()


class ClauseAssignmentSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    clause = serializers.UUIDField(source="clause.public_id", read_only=True)
    clause_key = serializers.CharField(source="clause.key", read_only=True)
    plan = serializers.UUIDField(source="version.plan.public_id", read_only=True)
    person = _Ref(read_only=True, allow_null=True)
    unit = _Ref(read_only=True, allow_null=True)
    group = _Ref(read_only=True, allow_null=True)

    class Meta:
        model = ClauseAssignment
        fields = [
            "id",
            "clause",
            "clause_key",
            "plan",
            "role",
            "position",
            "raw_name",
            "status",
            "person",
            "unit",
            "group",
            "via_group",
        ]


class ClauseSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    plan = serializers.UUIDField(source="version.plan.public_id", read_only=True)
    version = serializers.IntegerField(source="version.number", read_only=True)
    task = serializers.CharField(source="task.number", read_only=True)
    section = serializers.CharField(source="task.section.__str__", read_only=True)
    assignments = ClauseAssignmentSerializer(many=True, read_only=True)
    duties = ClauseDutySerializer(many=True, read_only=True)

    class Meta:
        model = Clause
        fields = [
            "id",
            "plan",
            "version",
            "section",
            "task",
            "key",
            "text",
            "original_text",
            "deadline_text",
            "deadline_date",
            "deadline_ongoing",
            "assignments",
            "duties",
        ]


class PlanImportSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    region = serializers.CharField(source="region.code", read_only=True)
    filename = serializers.CharField(source="document.original_filename", read_only=True)
    sm3 = serializers.CharField(source="document.sm3", read_only=True)
    plan = serializers.UUIDField(source="plan.public_id", read_only=True, allow_null=True)
    version = serializers.UUIDField(source="version.public_id", read_only=True, allow_null=True)
    counts = serializers.SerializerMethodField()
    unresolved = serializers.SerializerMethodField()

    class Meta:
        model = PlanImport
        fields = [
            "id",
            "status",
            "region",
            "filename",
            "sm3",
            "plan",
            "version",
            "counts",
            "parsed",
            "unresolved",
            "names",
            "diff",
            "created_at",
            "decided_at",
        ]

    @extend_schema_field(serializers.DictField(child=serializers.IntegerField()))
    def get_counts(self, obj: PlanImport) -> dict[str, int]:
        from anze.plans.importing import plan_counts

        return plan_counts(obj.parsed)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_unresolved(self, obj: PlanImport) -> list[str]:
        return [entry["name"] for entry in (obj.names or {}).get("unresolved", [])]


class PlanUploadSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True, help_text=_(".txt, .docx or .pdf with a text layer"))
    region = serializers.CharField(
        required=False, help_text=_("region code; default: the caller's widest region")
    )

    def validate_file(self, value):
        from anze.plans.importing import too_large_error

        if value.size > max_upload_bytes():
            error = too_large_error(value.size)
            raise serializers.ValidationError(error.message_zh, code=error.code)
        return value


class PlanErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()
