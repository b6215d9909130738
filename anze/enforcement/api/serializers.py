"""Enforcement API serializers: public ids only, never internal keys."""

from __future__ import annotations

from rest_framework import serializers

from anze.enforcement.choices import (
    AccidentType,
    CheckResult,
    FindingKind,
    MisreportKind,
    PartyKind,
    PenaltyType,
    ReportLevel,
)
from anze.enforcement.models import (
    Accident,
    AccidentFollowUp,
    AccidentStep,
    Draw,
    Finding,
    Inspection,
    InspectionPlan,
    Listing,
    Misreport,
    Penalty,
    ResponsiblePerson,
    SectorShare,
)
from anze.prevention.choices import HiddenDangerGrade


class AccidentStepSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    occurrence = serializers.UUIDField(source="occurrence.public_id", read_only=True, default=None, allow_null=True)

    class Meta:
        model = AccidentStep
        fields = ["id", "kind", "level", "due_at", "done_at", "overdue_at", "note", "occurrence"]


class AccidentFollowUpSerializer(serializers.ModelSerializer):
    class Meta:
        model = AccidentFollowUp
        fields = [
            "reported_at",
            "deaths",
            "missing",
            "serious_injuries",
            "direct_loss",
            "grade_before",
            "grade_after",
            "note",
        ]


class MisreportSerializer(serializers.ModelSerializer):
    class Meta:
        model = Misreport
        fields = ["kind", "found_on", "description"]


class ResponsiblePersonSerializer(serializers.ModelSerializer):
    """A person found responsible (by an investigation, or named in an agency's penalty decision)."""

    id = serializers.UUIDField(source="public_id", read_only=True)

    class Meta:
        model = ResponsiblePerson
        fields = ["id", "name", "position", "found_on", "basis"]


class ResponsiblePersonBodySerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    position = serializers.CharField(max_length=100)
    found_on = serializers.DateField()
    basis = serializers.CharField(max_length=300)


class AccidentSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    enterprise = serializers.UUIDField(source="enterprise.public_id", read_only=True, default=None, allow_null=True)
    county = serializers.CharField(source="county.code", read_only=True)
    lead_unit = serializers.UUIDField(source="lead_unit.public_id", read_only=True, default=None, allow_null=True)
    steps = AccidentStepSerializer(many=True, read_only=True)
    follow_ups = AccidentFollowUpSerializer(many=True, read_only=True)
    misreports = MisreportSerializer(many=True, read_only=True)
    responsible_persons = ResponsiblePersonSerializer(many=True, read_only=True)

    class Meta:
        model = Accident
        fields = [
            "id",
            "title",
            "occurred_at",
            "place",
            "enterprise",
            "unit_name",
            "county",
            "accident_type",
            "deaths",
            "missing",
            "serious_injuries",
            "direct_loss",
            "description",
            "measures",
            "grade",
            "status",
            "lead_unit",
            "investigation_opened_on",
            "investigation_extension_days",
            "investigation_submitted_on",
            "replied_on",
            "closed_on",
            "steps",
            "follow_ups",
            "misreports",
            "responsible_persons",
        ]


class AccidentReportSerializer(serializers.Serializer):
    """事故报告 through the API: the same fields as the page."""

    title = serializers.CharField(max_length=200)
    occurred_at = serializers.DateTimeField()
    received_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    place = serializers.CharField(max_length=200)
    accident_type = serializers.ChoiceField(choices=AccidentType.choices)
    enterprise = serializers.UUIDField(required=False, allow_null=True, default=None)
    unit_name = serializers.CharField(required=False, allow_blank=True, default="")
    county = serializers.CharField(required=False, allow_blank=True, default="")
    deaths = serializers.IntegerField(min_value=0, default=0)
    missing = serializers.IntegerField(min_value=0, default=0)
    serious_injuries = serializers.IntegerField(min_value=0, default=0)
    direct_loss = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, default=0)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    measures = serializers.CharField(required=False, allow_blank=True, default="")


class AccidentActionSerializer(serializers.Serializer):
    """One step of an accident's handling: which fields matter depends on `action`."""

    action = serializers.ChoiceField(
        choices=[
            "reach",
            "follow_up",
            "investigate",
            "extend",
            "submit",
            "reply",
            "close",
            "misreport",
            "responsible",
        ]
    )
    level = serializers.ChoiceField(choices=ReportLevel.choices, required=False)
    at = serializers.DateTimeField(required=False)
    on = serializers.DateField(required=False)
    deaths = serializers.IntegerField(min_value=0, required=False)
    missing = serializers.IntegerField(min_value=0, required=False, default=0)
    serious_injuries = serializers.IntegerField(min_value=0, required=False)
    direct_loss = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False)
    lead_unit = serializers.UUIDField(required=False)
    days = serializers.IntegerField(required=False)
    kind = serializers.ChoiceField(choices=MisreportKind.choices, required=False)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    name = serializers.CharField(max_length=50, required=False, help_text="responsible: the person's name")
    position = serializers.CharField(max_length=100, required=False, help_text="responsible: role or fault")
    basis = serializers.CharField(max_length=300, required=False, help_text="responsible: 认定依据")

    REQUIRED = {
        "reach": ("level", "at"),
        "follow_up": ("at", "deaths", "serious_injuries", "direct_loss"),
        "investigate": ("lead_unit", "on"),
        "extend": ("days", "note"),
        "submit": ("on",),
        "reply": ("on",),
        "close": ("on",),
        "misreport": ("kind", "on", "note"),
        "responsible": ("name", "position", "on", "basis"),
    }

    def validate(self, attrs):
        missing = [name for name in self.REQUIRED[attrs["action"]] if attrs.get(name) in (None, "")]
        if missing:
            raise serializers.ValidationError({name: "此操作需要这个字段。" for name in missing})
        return attrs


class EnforcementErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()


class SectorShareSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)

    class Meta:
        model = SectorShare
        fields = [
            "id",
            "name",
            "industry_prefix",
            "ratios",
            "frequency",
            "listed_ratio",
            "inspectors_per_inspection",
        ]


class InspectionPlanSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    department = serializers.UUIDField(source="department.public_id", read_only=True)
    region = serializers.CharField(source="region.code", read_only=True)
    sectors = SectorShareSerializer(many=True, read_only=True)

    class Meta:
        model = InspectionPlan
        fields = ["id", "department", "region", "year", "title", "status", "approved_at", "sectors"]


class DrawSerializer(serializers.ModelSerializer):
    """A draw; the seed only once drawn (before that only its digest)."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    plan = serializers.UUIDField(source="plan.public_id", read_only=True)
    sector = serializers.UUIDField(source="sector.public_id", read_only=True)
    seed = serializers.CharField(source="seed_revealed", read_only=True)
    supersedes = serializers.UUIDField(source="supersedes.public_id", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Draw
        fields = [
            "id",
            "plan",
            "sector",
            "round",
            "label",
            "status",
            "joint",
            "remote",
            "pool_digest",
            "seed_digest",
            "seed",
            "enterprise_count",
            "inspector_count",
            "committed_at",
            "drawn_at",
            "result",
            "result_digest",
            "supersedes",
            "rerun_reason",
        ]


class CommitDrawSerializer(serializers.Serializer):
    sector = serializers.UUIDField()
    round = serializers.IntegerField(min_value=1)
    departments = serializers.ListField(child=serializers.UUIDField(), required=False, default=list)
    joint = serializers.BooleanField(default=False)
    remote = serializers.BooleanField(default=False)


class RerunSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class VerificationSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    reasons = serializers.ListField(child=serializers.CharField())


class InspectionSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    enterprise = serializers.UUIDField(source="enterprise.public_id", read_only=True)
    department = serializers.UUIDField(source="department.public_id", read_only=True)
    inspectors = serializers.SlugRelatedField(many=True, read_only=True, slug_field="certificate")
    checks = serializers.SerializerMethodField()
    findings = serializers.SerializerMethodField()
    photos = serializers.SerializerMethodField()

    class Meta:
        model = Inspection
        fields = [
            "id",
            "enterprise",
            "department",
            "kind",
            "status",
            "scheduled_on",
            "inspected_on",
            "summary",
            "inspectors",
            "checks",
            "findings",
            "photos",
        ]

    def get_checks(self, obj) -> list[dict]:
        return [
            {"id": c.public_id, "title": c.title, "result": c.result, "note": c.note}
            for c in obj.checks.all()
        ]

    def get_photos(self, obj) -> list[dict]:
        return [
            {
                "id": p.public_id,
                "sm3": p.sm3,
                "finding": p.finding.public_id if p.finding_id else None,
                "caption": p.caption,
                "created_at": p.created_at,
            }
            for p in obj.photos.all()
        ]

    def get_findings(self, obj) -> list[dict]:
        return [
            {
                "id": f.public_id,
                "kind": f.kind,
                "description": f.description,
                "rectify_by": f.rectify_by,
                "rectified_on": f.rectified_on,
                "hidden_danger": f.hidden_danger.public_id if f.hidden_danger_id else None,
            }
            for f in obj.findings.all()
        ]


class InspectionActionSerializer(serializers.Serializer):
    """One step of recording an inspection: a checklist result, a finding, or completion."""

    action = serializers.ChoiceField(choices=["check", "finding", "complete"])
    check = serializers.UUIDField(required=False, help_text="check: the checklist item's id")
    result = serializers.ChoiceField(choices=CheckResult.choices, required=False)
    note = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)
    kind = serializers.ChoiceField(choices=FindingKind.choices, required=False)
    description = serializers.CharField(required=False, default="", allow_blank=True)
    rectify_by = serializers.DateField(required=False, allow_null=True, default=None)
    grade = serializers.ChoiceField(choices=HiddenDangerGrade.choices, required=False, default="general")
    place = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    responsible_person = serializers.CharField(max_length=50, required=False, default="", allow_blank=True)
    on = serializers.DateField(required=False, help_text="complete: the inspection's date")
    summary = serializers.CharField(required=False, default="", allow_blank=True)


class InspectionPhotosSerializer(serializers.Serializer):
    """multipart/form-data: `photos` (one or more JPEG or PNG files), optional `finding` and `caption`."""

    photos = serializers.ListField(child=serializers.FileField(), min_length=1)
    finding = serializers.UUIDField(required=False, allow_null=True, default=None)
    caption = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)


class PenaltySerializer(serializers.ModelSerializer):
    """A penalty decision; a natural person's identity number is never served."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    enterprise = serializers.UUIDField(source="enterprise.public_id", read_only=True, default=None, allow_null=True)
    department = serializers.UUIDField(source="department.public_id", read_only=True)
    county = serializers.CharField(source="county.code", read_only=True)
    published_late = serializers.BooleanField(read_only=True)
    responsible_persons = ResponsiblePersonSerializer(many=True, read_only=True)

    class Meta:
        model = Penalty
        fields = [
            "id",
            "decision_number",
            "enterprise",
            "party_kind",
            "party_name",
            "credit_code",
            "department",
            "county",
            "facts",
            "legal_basis",
            "penalty_type",
            "amount",
            "decided_on",
            "disclosure_due",
            "published_on",
            "published_late",
            "without_permit",
            "aggravated_fine",
            "agency_misconduct",
            "refused_enforcement",
            "responsible_persons",
        ]


class PenaltyCreateSerializer(serializers.Serializer):
    """行政处罚决定 through the API: the same fields as the page; records named by public id or code."""

    decision_number = serializers.CharField(max_length=60)
    inspection = serializers.UUIDField(required=False, allow_null=True, default=None)
    enterprise = serializers.UUIDField(required=False, allow_null=True, default=None)
    party_kind = serializers.ChoiceField(choices=PartyKind.choices)
    party_name = serializers.CharField(max_length=200)
    party_id_number = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    department = serializers.UUIDField()
    county = serializers.CharField(required=False, allow_blank=True, default="")
    facts = serializers.CharField()
    legal_basis = serializers.CharField(max_length=300)
    penalty_type = serializers.ChoiceField(choices=PenaltyType.choices)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, default=0)
    decided_on = serializers.DateField()
    without_permit = serializers.BooleanField(default=False)
    aggravated_fine = serializers.BooleanField(default=False)
    agency_misconduct = serializers.BooleanField(default=False)
    refused_enforcement = serializers.BooleanField(default=False)


class CatchAllListingSerializer(serializers.Serializer):
    """The catch-all listing case on a penalty: the department's reasons and the legal basis."""

    reasons = serializers.CharField()
    legal_basis = serializers.CharField(max_length=300)


class FindingSerializer(serializers.ModelSerializer):
    """A finding of an inspection: a hidden danger (in prevention's loop) or a violation ordered rectified."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    inspection = serializers.UUIDField(source="inspection.public_id", read_only=True)
    enterprise = serializers.CharField(source="inspection.enterprise.name", read_only=True)
    hidden_danger = serializers.UUIDField(
        source="hidden_danger.public_id", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = Finding
        fields = [
            "id",
            "inspection",
            "enterprise",
            "kind",
            "description",
            "rectify_by",
            "rectified_on",
            "overdue_at",
            "hidden_danger",
        ]


class RectifiedSerializer(serializers.Serializer):
    rectified_on = serializers.DateField()


class StepSerializer(AccidentStepSerializer):
    """A tracked step of an accident, with the accident it belongs to."""

    accident = serializers.UUIDField(source="accident.public_id", read_only=True)

    class Meta(AccidentStepSerializer.Meta):
        fields = ["accident", *AccidentStepSerializer.Meta.fields]


class StepCompleteSerializer(serializers.Serializer):
    """An evaluation step done, with its conclusion."""

    on = serializers.DateField()
    note = serializers.CharField(max_length=300)


class PublishSerializer(serializers.Serializer):
    published_on = serializers.DateField()


class ListingSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    enterprise = serializers.UUIDField(source="enterprise.public_id", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    department = serializers.UUIDField(source="department.public_id", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Listing
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "subject_kind",
            "person_name",
            "person_role",
            "rule",
            "fact_key",
            "reasons",
            "legal_basis",
            "fact_on",
            "status",
            "department",
            "noticed_on",
            "objection_until",
            "decision_number",
            "listed_on",
            "expires_on",
            "removed_on",
            "removal_reason",
        ]


class ListingActionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=["notify", "decide", "repair", "restore"])
    on = serializers.DateField(required=False)
    department = serializers.UUIDField(required=False)
    objection_days = serializers.IntegerField(min_value=1, max_value=30, default=5)
    list_it = serializers.BooleanField(default=True)
    decision_number = serializers.CharField(required=False, allow_blank=True, default="")
    reason = serializers.CharField(required=False, allow_blank=True, default="")
