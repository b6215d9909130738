"""Training API, with the pages' filters and through the pages' services: banks, sittings, attempts and
certificates to read; the candidate's exam (my exams, start, the current question(s) without the key, save an
answer, hand in); the departments' sittings, candidates and question edits. An action is refused by the
service exactly as on the page; an object outside the caller's reach answers 404."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from anze.audit.context import set_source
from anze.core.signals import object_denied
from anze.training import access, services, sheets
from anze.training.api.serializers import (
    AnswerRequestSerializer,
    AnswerSavedSerializer,
    AttemptSerializer,
    BankSerializer,
    CandidatesAddedSerializer,
    CandidatesRequestSerializer,
    CertificateSerializer,
    ExamSerializer,
    MyExamSerializer,
    QuestionEditSerializer,
    QuestionSerializer,
    SittingCreateSerializer,
    SittingSerializer,
    TrainingErrorSerializer,
)
from anze.training.errors import NotAllowedError, QuestionInvalid, TrainingError
from anze.training.filtersets import (
    AttemptFilterSet,
    BankFilterSet,
    CertificateFilterSet,
    QuestionApiFilterSet,
    SittingFilterSet,
)
from anze.training.models import (
    Answer,
    Attempt,
    Candidate,
    Certificate,
    Paper,
    Question,
    QuestionBank,
    Sitting,
)

# ------------------------------------------------------------------------------------ shared


def _error(exc: TrainingError) -> Response:
    body = {"detail": exc.message_zh, "code": exc.code}
    if isinstance(exc, QuestionInvalid):
        body["field"] = exc.field
    return Response(body, status=exc.http_status)


def _not_found() -> Response:
    return Response({"detail": _("未找到。"), "code": "not_found"}, status=status.HTTP_404_NOT_FOUND)


_ERRORS = {
    400: TrainingErrorSerializer,
    403: TrainingErrorSerializer,
    404: TrainingErrorSerializer,
    409: TrainingErrorSerializer,
}


@extend_schema_view(list=extend_schema(tags=["training"]), retrieve=extend_schema(tags=["training"]))
class BankViewSet(viewsets.ReadOnlyModelViewSet):
    """题库（不含试题答案）。"""

    serializer_class = BankSerializer
    filterset_class = BankFilterSet
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    permission_action = "view"

    def get_queryset(self):
        return (
            QuestionBank.objects.restrict(self.request.user, "view")
            .annotate(
                question_count=Count(
                    "questions", filter=Q(questions__is_active=True, questions__superseded_at__isnull=True)
                )
            )
            .order_by("name", "id")
        )


@extend_schema_view(list=extend_schema(tags=["training"]), retrieve=extend_schema(tags=["training"]))
class SittingViewSet(viewsets.ReadOnlyModelViewSet):
    """考试场次；部门可组织考试、添加考生（与页面同一服务）。"""

    serializer_class = SittingSerializer
    filterset_class = SittingFilterSet
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    permission_action = "view"

    def get_queryset(self):
        return (
            Sitting.objects.restrict(self.request.user, "view")
            .select_related("paper")
            .order_by("-opens_at", "-id")
        )

    @extend_schema(
        summary="Open a paper to candidates in a time window (组织考试), in the caller's own region or unit",
        request=SittingCreateSerializer,
        responses={201: SittingSerializer, **_ERRORS},
        tags=["training"],
    )
    def create(self, request: Request) -> Response:
        set_source("api")
        body = SittingCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        paper = Paper.objects.restrict(request.user, "view").filter(public_id=data.pop("paper")).first()
        if paper is None:
            return _not_found()
        region, unit = access.home(request.user)
        if region is None:
            return _error(NotAllowedError("您无权组织考试。"))
        try:
            sitting = services.create_sitting(
                actor=request.user, paper=paper, region=region, unit=unit, **data
            )
        except TrainingError as exc:
            return _error(exc)
        return Response(SittingSerializer(sitting).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="List people for the sitting (添加考生); one bad entry adds nobody",
        request=CandidatesRequestSerializer,
        responses={201: CandidatesAddedSerializer, **_ERRORS},
        tags=["training"],
    )
    @action(detail=True, methods=["post"])
    def candidates(self, request: Request, id: str | None = None) -> Response:
        from django.contrib.auth import get_user_model

        from anze.enterprises.models import Enterprise

        set_source("api")
        sitting = Sitting.objects.restrict(request.user, "change").filter(public_id=id).first()
        if sitting is None:
            return _not_found()
        body = CandidatesRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        users = get_user_model().objects
        entries = []
        for number, row in enumerate(body.validated_data["candidates"], start=1):
            user = users.filter(username__iexact=row["username"], is_active=True).first()
            if user is None:
                return _error(
                    TrainingError(f"第 {number} 人：账号“{row['username']}”不存在或已停用。", "unknown_user")
                )
            enterprise = None
            if row.get("enterprise"):
                enterprise = (
                    Enterprise.objects.restrict(request.user, "view")
                    .filter(credit_code=row["enterprise"].upper())
                    .first()
                )
                if enterprise is None:
                    return _error(
                        TrainingError(
                            f"第 {number} 人：企业信用代码“{row['enterprise']}”不存在或不在您的范围内。",
                            "unknown_enterprise",
                        )
                    )
            entries.append({"user": user, "name": row.get("name") or user.get_username(), "post": row["post"],
                            "enterprise": enterprise})  # fmt: skip
        try:
            added = services.add_candidates(actor=request.user, sitting=sitting, entries=entries)
        except TrainingError as exc:
            return _error(exc)
        return Response(CandidatesAddedSerializer({"added": len(added)}).data, status=status.HTTP_201_CREATED)


@extend_schema_view(list=extend_schema(tags=["training"]), retrieve=extend_schema(tags=["training"]))
class AttemptViewSet(viewsets.ReadOnlyModelViewSet):
    """答卷：成绩与是否合格（部门可见；考生在页面上查看本人成绩）。"""

    serializer_class = AttemptSerializer
    filterset_class = AttemptFilterSet
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    permission_action = "view"

    def get_queryset(self):
        return (
            Attempt.objects.restrict(self.request.user, "view")
            .select_related("sitting", "candidate__enterprise")
            .order_by("-started_at", "-id")
        )


@extend_schema_view(list=extend_schema(tags=["training"]), retrieve=extend_schema(tags=["training"]))
class CertificateViewSet(viewsets.ReadOnlyModelViewSet):
    """考核合格证。"""

    serializer_class = CertificateSerializer
    filterset_class = CertificateFilterSet
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    permission_action = "view"

    def get_queryset(self):
        return (
            Certificate.objects.restrict(self.request.user, "view")
            .select_related("enterprise")
            .order_by("expires_on", "id")
        )


# ------------------------------------------------------------------------------------ the candidate


@extend_schema_view(list=extend_schema(summary="My exams: the sittings I am listed for", tags=["training"]))
class MyExamViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """我的考试：本人被列为考生的场次，及本人的答卷状态。"""

    serializer_class = MyExamSerializer
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    permission_action = "view"

    def get_queryset(self):
        return (
            Candidate.objects.filter(user_id=self.request.user.pk)
            .select_related("sitting__paper", "attempt")
            .order_by("-sitting__opens_at", "-id")
        )

    @extend_schema(
        summary="Start (or resume) my attempt at this sitting; the server's clock starts here",
        request=None,
        responses={200: ExamSerializer, **_ERRORS},
        tags=["training"],
    )
    @action(detail=True, methods=["post"])
    def start(self, request: Request, id: str | None = None) -> Response:
        set_source("api")
        candidate = self.get_queryset().filter(public_id=id).first()
        if candidate is None:
            return _not_found()
        try:
            attempt = services.start_attempt(actor=request.user, candidate=candidate)
        except TrainingError as exc:
            return _error(exc)
        return Response(ExamSerializer(_exam(_mine(request).get(pk=attempt.pk), request)).data)


def _mine(request: Request):
    return Attempt.objects.of(request.user).select_related("sitting__paper")


def _exam(attempt: Attempt, request: Request) -> Attempt:
    """The attempt with what ExamSerializer shows: the questions asked for while in progress (all, or with
    one question per page `?q=N`, that one), none once handed in."""
    total = len(attempt.question_order)
    attempt.total = total
    attempt.answered = Answer.objects.filter(attempt=attempt).exclude(chosen="").count()
    attempt.questions = []
    if attempt.status_choice.can_answer():
        if attempt.sitting.one_per_page:
            try:
                current = min(max(int(request.query_params.get("q", 1)), 1), total)
            except ValueError:
                current = 1
            positions = [current]
        else:
            positions = list(range(1, total + 1))
        attempt.questions = sheets.question_views(attempt, positions)
    return attempt


_Q = OpenApiParameter("q", OpenApiTypes.INT, description="题号 in one-question-per-page sittings (default 1)")


@extend_schema_view(
    retrieve=extend_schema(
        summary="My exam: its clock and the current question(s), without the key", parameters=[_Q],
        responses={200: ExamSerializer, 404: TrainingErrorSerializer}, tags=["training"],
    )
)  # fmt: skip
class ExamViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """作答：考生本人的答卷；作答中只给题干和（乱序后的）选项，不给答案和解析；交卷后给成绩。"""

    serializer_class = ExamSerializer
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    permission_action = "view"

    def get_queryset(self):
        return _mine(self.request)

    def _own(self, request: Request, id: str | None) -> Attempt | None:
        attempt = self.get_queryset().filter(public_id=id).first()
        if attempt is None and Attempt.objects.filter(public_id=id).exists():
            object_denied.send(sender=Attempt, user=request.user, lookup={"public_id": id}, action="view")
        return attempt

    def retrieve(self, request: Request, id: str | None = None) -> Response:
        attempt = self._own(request, id)
        if attempt is None:
            return _not_found()
        attempt = services.finish_if_expired(attempt)
        return Response(ExamSerializer(_exam(attempt, request)).data)

    @extend_schema(
        summary="Save my answer to one question (replaces an earlier one); refused after the deadline",
        request=AnswerRequestSerializer,
        responses={200: AnswerSavedSerializer, **_ERRORS},
        tags=["training"],
    )
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, id: str | None = None) -> Response:
        set_source("api")
        attempt = self._own(request, id)
        if attempt is None:
            return _not_found()
        body = AnswerRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        position = body.validated_data["q"]
        if position > len(attempt.question_order):
            return Response({"detail": _("题号超出试卷范围。"), "code": "not_on_paper"}, status=400)
        try:
            saved = services.save_answer(
                actor=request.user,
                attempt=attempt,
                question_id=attempt.question_order[position - 1],
                displayed=body.validated_data["choices"],
            )
        except TrainingError as exc:
            return _error(exc)
        return Response(
            AnswerSavedSerializer(
                {
                    "q": position,
                    "choices": sorted(set(body.validated_data["choices"])),
                    "saved_at": saved.answered_at,
                }
            ).data
        )

    @extend_schema(
        summary="Hand in (交卷): scored at once; the result, never the key",
        request=None,
        responses={200: ExamSerializer, **_ERRORS},
        tags=["training"],
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, id: str | None = None) -> Response:
        set_source("api")
        attempt = self._own(request, id)
        if attempt is None:
            return _not_found()
        try:
            attempt = services.submit_attempt(actor=request.user, attempt=attempt)
        except TrainingError as exc:
            return _error(exc)
        return Response(ExamSerializer(_exam(_mine(request).get(pk=attempt.pk), request)).data)


# ------------------------------------------------------------------------------------ the departments


@extend_schema_view(
    list=extend_schema(summary="Questions of the banks in scope, with their keys (departments only)", tags=["training"]),
    retrieve=extend_schema(summary="One question with its key", tags=["training"]),
)  # fmt: skip
class QuestionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """试题（含答案，仅部门可见；正在参加该题库考试的人不可见）。修订、停用、恢复。"""

    serializer_class = QuestionSerializer
    filterset_class = QuestionApiFilterSet
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    permission_action = "view"

    def get_queryset(self):
        return (
            Question.objects.restrict(self.request.user, "view")
            .current()
            .exclude(bank_id__in=access.banks_being_sat(self.request.user))
            .select_related("bank", "previous")
            .order_by("bank", "topic", "id")
        )

    def _to_change(self, id: str | None) -> Question | None:
        return (
            Question.objects.restrict(self.request.user, "change")
            .exclude(bank_id__in=access.banks_being_sat(self.request.user))
            .select_related("bank")
            .filter(public_id=id)
            .first()
        )

    @extend_schema(
        summary="Edit one question (a question already on a paper is revised: the paper keeps the old one)",
        request=QuestionEditSerializer,
        responses={200: QuestionSerializer, **_ERRORS},
        tags=["training"],
    )
    def partial_update(self, request: Request, id: str | None = None) -> Response:
        set_source("api")
        question = self._to_change(id)
        if question is None:
            return _not_found()
        body = QuestionEditSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            edited = services.edit_question(actor=request.user, question=question, **body.validated_data)
        except TrainingError as exc:
            return _error(exc)
        return Response(
            QuestionSerializer(Question.objects.select_related("bank", "previous").get(pk=edited.pk)).data
        )

    def _activate(self, request: Request, id: str | None, service) -> Response:
        set_source("api")
        question = self._to_change(id)
        if question is None:
            return _not_found()
        try:
            changed = service(actor=request.user, question=question)
        except TrainingError as exc:
            return _error(exc)
        return Response(QuestionSerializer(changed).data)

    @extend_schema(summary="Retire a question (停用): new papers leave it out", request=None,
                   responses={200: QuestionSerializer, **_ERRORS}, tags=["training"])  # fmt: skip
    @action(detail=True, methods=["post"])
    def retire(self, request: Request, id: str | None = None) -> Response:
        return self._activate(request, id, services.retire_question)

    @extend_schema(summary="Restore a retired question (恢复启用)", request=None,
                   responses={200: QuestionSerializer, **_ERRORS}, tags=["training"])  # fmt: skip
    @action(detail=True, methods=["post"])
    def restore(self, request: Request, id: str | None = None) -> Response:
        return self._activate(request, id, services.restore_question)
