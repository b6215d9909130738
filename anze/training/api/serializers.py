"""Training API serializers: public ids only, never internal keys; a question's key only to the departments
(QuestionSerializer), never in what a candidate reaches (ExamSerializer)."""

from __future__ import annotations

from rest_framework import serializers

from anze.training.choices import Post, QuestionKind
from anze.training.models import Attempt, Candidate, Certificate, Question, QuestionBank, Sitting


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
    enterprise = serializers.UUIDField(
        source="candidate.enterprise.public_id", read_only=True, default=None, allow_null=True
    )

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


# ------------------------------------------------------------------------------------ errors


class TrainingErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()
    field = serializers.CharField(
        required=False,
        help_text="the question's field to fix (kind, topic, difficulty, stem, options, answer)",
    )


# ------------------------------------------------------------------------------------ the candidate's exam


class ExamOptionSerializer(serializers.Serializer):
    value = serializers.IntegerField(
        help_text="the option's position as shown to this candidate (send it back)"
    )
    letter = serializers.CharField()
    text = serializers.CharField()
    checked = serializers.BooleanField()


class ExamQuestionSerializer(serializers.Serializer):
    position = serializers.IntegerField(help_text="题号, 1-based, in this candidate's order")
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    stem = serializers.CharField()
    multiple = serializers.BooleanField()
    answered = serializers.BooleanField()
    options = ExamOptionSerializer(many=True)


class ExamSerializer(serializers.Serializer):
    """One candidate's exam: while in progress the questions asked for (never the key); once handed in the
    score and verdict."""

    id = serializers.UUIDField(source="public_id")
    sitting = serializers.CharField(source="sitting.title")
    status = serializers.CharField()
    started_at = serializers.DateTimeField()
    deadline = serializers.DateTimeField()
    seconds_left = serializers.IntegerField()
    one_per_page = serializers.BooleanField(source="sitting.one_per_page")
    total = serializers.IntegerField(help_text="how many questions the paper has")
    answered = serializers.IntegerField()
    questions = ExamQuestionSerializer(many=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    score = serializers.IntegerField(allow_null=True)
    max_score = serializers.IntegerField()
    passed = serializers.BooleanField(allow_null=True)


class AnswerRequestSerializer(serializers.Serializer):
    q = serializers.IntegerField(
        min_value=1, help_text="题号 (the question's position in this candidate's order)"
    )
    choices = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=7),
        allow_empty=True,
        max_length=8,
        help_text="the `value`s of the options ticked, as shown; empty clears the answer",
    )


class AnswerSavedSerializer(serializers.Serializer):
    q = serializers.IntegerField()
    choices = serializers.ListField(child=serializers.IntegerField())
    saved_at = serializers.DateTimeField()


class MyExamSerializer(serializers.ModelSerializer):
    """A sitting the user is listed for, with their attempt (if started)."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    sitting = SittingSerializer(read_only=True)
    attempt = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()

    class Meta:
        model = Candidate
        fields = ["id", "name", "post", "sitting", "attempt", "status"]

    def _attempt(self, obj: Candidate) -> Attempt | None:
        return getattr(obj, "attempt", None)

    def get_attempt(self, obj: Candidate) -> str | None:
        attempt = self._attempt(obj)
        return str(attempt.public_id) if attempt else None

    def get_status(self, obj: Candidate) -> str | None:
        attempt = self._attempt(obj)
        return attempt.status if attempt else None


# ------------------------------------------------------------------------------------ the department's actions


class SittingCreateSerializer(serializers.Serializer):
    paper = serializers.UUIDField()
    title = serializers.CharField(max_length=100)
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
    one_per_page = serializers.BooleanField(default=False)
    grants_certificate = serializers.BooleanField(default=True)
    certificate_years = serializers.IntegerField(min_value=1, max_value=10, default=3)


class CandidateEntrySerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    post = serializers.ChoiceField(choices=Post.choices)
    enterprise = serializers.CharField(
        max_length=18, required=False, allow_blank=True, help_text="the enterprise's 统一社会信用代码"
    )


class CandidatesRequestSerializer(serializers.Serializer):
    candidates = CandidateEntrySerializer(many=True, allow_empty=False, max_length=2000)


class CandidatesAddedSerializer(serializers.Serializer):
    added = serializers.IntegerField()


class QuestionSerializer(serializers.ModelSerializer):
    """A question with its key, for the bank's departments (never reached by a candidate)."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    bank = serializers.UUIDField(source="bank.public_id", read_only=True)
    previous = serializers.SerializerMethodField()
    is_current = serializers.BooleanField(read_only=True)

    class Meta:
        model = Question
        fields = ["id", "bank", "kind", "topic", "difficulty", "stem", "options", "answer", "explanation",
                  "is_active", "is_current", "previous"]  # fmt: skip

    def get_previous(self, obj: Question) -> str | None:
        return str(obj.previous.public_id) if obj.previous_id else None


class QuestionEditSerializer(serializers.Serializer):
    """The fields to change (any subset); the rules are the importer's, and an error names its field."""

    kind = serializers.ChoiceField(choices=QuestionKind.choices, required=False)
    topic = serializers.CharField(max_length=200, required=False, allow_blank=True)
    difficulty = serializers.IntegerField(required=False)
    stem = serializers.CharField(required=False, allow_blank=True)
    options = serializers.ListField(
        child=serializers.CharField(allow_blank=True, max_length=500), required=False, max_length=8
    )
    answer = serializers.CharField(max_length=16, required=False, allow_blank=True)
    explanation = serializers.CharField(required=False, allow_blank=True)
