"""Assessment API serializers: public ids only, never internal keys."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from anze.assessment import services
from anze.assessment.models import BodyResult, Entry, Run, SelfAssessment


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


class SelfAssessmentItemSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    points = serializers.DecimalField(max_digits=6, decimal_places=2)
    own = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True, help_text="自评分")
    office = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True, help_text="核定得分")
    difference = serializers.DecimalField(
        max_digits=6, decimal_places=2, allow_null=True, help_text="自评分 − 核定得分"
    )
    status = serializers.CharField(allow_blank=True)
    note = serializers.CharField(allow_blank=True)
    files = serializers.ListField(child=serializers.CharField(), help_text="佐证材料的下载地址")


class SelfAssessmentSerializer(serializers.ModelSerializer):
    """A body's submitted self-assessment beside the office's newest result the reader may see, item by item."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    body = serializers.CharField(source="body.__str__", read_only=True)
    unit = serializers.UUIDField(source="body.unit.public_id", read_only=True)
    scheme = serializers.CharField(source="body.scheme.name", read_only=True)
    year = serializers.IntegerField(source="body.scheme.year", read_only=True)
    result = serializers.SerializerMethodField()
    office_total = serializers.SerializerMethodField()
    items = serializers.SerializerMethodField()

    class Meta:
        model = SelfAssessment
        fields = ["id", "body", "unit", "scheme", "year", "total", "note", "submitted_at", "result",
                  "office_total", "items"]  # fmt: skip

    def _compared(self, obj: SelfAssessment) -> dict:
        cache = self.context.setdefault("compared", {})
        if obj.pk not in cache:
            user = self.context["request"].user
            result = services.latest_result(obj.body, user)
            entries = list(
                Entry.objects.filter(body=obj.body).select_related("item").prefetch_related("files")
            )
            cache[obj.pk] = (result, services.comparison(obj.body, result, entries))
        return cache[obj.pk]

    def get_result(self, obj: SelfAssessment) -> str | None:
        result, _ = self._compared(obj)
        return str(result.public_id) if result else None

    def get_office_total(self, obj: SelfAssessment) -> str | None:
        _, compared = self._compared(obj)
        return None if compared["office_total"] is None else str(compared["office_total"])

    @extend_schema_field(SelfAssessmentItemSerializer(many=True))
    def get_items(self, obj: SelfAssessment) -> list[dict]:
        _, compared = self._compared(obj)
        rows = []
        for row in compared["rows"]:
            entry = row["entry"]
            rows.append(
                {
                    "key": row["item"].key, "title": row["item"].title, "points": row["item"].points,
                    "own": row["own"], "office": row["office"], "difference": row["difference"],
                    "status": entry.status if entry else "", "note": entry.note if entry else "",
                    "files": [f.get_absolute_url() for f in entry.files.all()] if entry else [],
                }
            )  # fmt: skip
        return SelfAssessmentItemSerializer(rows, many=True).data
