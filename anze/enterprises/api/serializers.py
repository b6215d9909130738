"""Enterprises API serializers: public ids only, never internal keys."""

from __future__ import annotations

from rest_framework import serializers

from anze.enterprises.models import ComplianceResult, Enterprise, Rule, RuleSet


class ComplianceResultSerializer(serializers.ModelSerializer):
    rule = serializers.UUIDField(source="rule.public_id", read_only=True)
    rule_code = serializers.CharField(source="rule.code", read_only=True)
    rule_title = serializers.CharField(source="rule.title", read_only=True)
    severity = serializers.CharField(source="rule.severity", read_only=True)
    description = serializers.CharField(source="describe", read_only=True)

    class Meta:
        model = ComplianceResult
        fields = [
            "rule", "rule_code", "rule_title", "severity", "is_met", "reason", "reason_date", "reason_value",
            "reason_label", "description", "evaluated_at",
        ]  # fmt: skip


class EnterpriseSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    region = serializers.CharField(source="region.code", read_only=True)
    county = serializers.CharField(source="county.code", read_only=True)
    industry = serializers.CharField(source="industry.code", read_only=True)
    categories = serializers.ListField(source="category_list", child=serializers.CharField(), read_only=True)
    supervising_unit = serializers.UUIDField(
        source="supervising_unit.public_id", read_only=True, allow_null=True
    )
    supervising_unit_name = serializers.CharField(
        source="supervising_unit.name", read_only=True, allow_null=True
    )
    compliance = serializers.CharField(read_only=True)
    unmet_count = serializers.IntegerField(read_only=True)
    evaluated_at = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = Enterprise
        fields = [
            "id", "name", "credit_code", "region", "county", "address", "industry", "categories", "is_high_risk",
            "employee_count", "is_crowded_place", "in_chemical_park", "has_major_hazard", "legal_representative",
            "actual_controller", "principal", "status", "supervising_unit", "supervising_unit_name", "compliance",
            "unmet_count", "evaluated_at",
        ]  # fmt: skip


class EnterpriseDetailSerializer(EnterpriseSerializer):
    results = ComplianceResultSerializer(many=True, read_only=True)

    class Meta(EnterpriseSerializer.Meta):
        fields = [*EnterpriseSerializer.Meta.fields, "results"]


class RuleSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    clause = serializers.UUIDField(source="clause.public_id", read_only=True, allow_null=True)

    class Meta:
        model = Rule
        fields = ["id", "code", "title", "requirement", "condition", "params", "severity", "clause", "clause_ref",
                  "task_number"]  # fmt: skip


class RuleSetSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    region = serializers.CharField(source="region.code", read_only=True)
    rules = RuleSerializer(many=True, read_only=True)
    status = serializers.CharField(read_only=True, help_text="draft | active | retired")

    class Meta:
        model = RuleSet
        fields = [
            "id",
            "region",
            "name",
            "version",
            "status",
            "effective_from",
            "effective_until",
            "source",
            "rules",
        ]


class IndicatorSerializer(serializers.Serializer):
    rule = serializers.UUIDField(source="rule.public_id")
    rule_title = serializers.CharField(source="rule.title")
    applicable = serializers.IntegerField()
    met = serializers.IntegerField()
    unmet = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)
