"""Assessment API: the year's results (with the page's filters) and their explanations; publishing and
correcting through the services."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from anze.assessment import errors, services
from anze.assessment.api.serializers import (
    AssessmentErrorSerializer,
    BodyResultSerializer,
    CorrectSerializer,
    RunSerializer,
    SelfAssessmentSerializer,
)
from anze.assessment.filtersets import BodyResultFilterSet
from anze.assessment.models import BodyResult, Run, SelfAssessment
from anze.audit.context import set_source


def _error(exc: errors.AssessmentError) -> Response:
    return Response({"detail": exc.message_zh, "code": exc.code}, status=exc.http_status)


@extend_schema_view(
    list=extend_schema(summary="List assessment results (versions)", tags=["assessment"]),
    retrieve=extend_schema(summary="Retrieve an assessment result version", tags=["assessment"]),
)
class RunViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """考核结果版本：查询、发布（冻结）、更正。"""

    serializer_class = RunSerializer
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    permission_action = "view"

    def get_queryset(self):
        return (
            services.readable(Run.objects.restrict(self.request.user, "view"), self.request.user)
            .select_related("scheme")
            .order_by("-scheme__year", "-number")
        )

    def _changeable(self, id: str | None):
        return (
            Run.objects.restrict(self.request.user, "change")
            .select_related("scheme")
            .filter(public_id=id)
            .first()
        )

    @extend_schema(summary="Publish (freeze) a draft", request=None,
                   responses={200: RunSerializer, 404: AssessmentErrorSerializer, 409: AssessmentErrorSerializer})  # fmt: skip
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, id: str | None = None) -> Response:
        set_source("api")
        run = self._changeable(id)
        if run is None:
            return Response({"detail": _("未找到。"), "code": "not_found"}, status=status.HTTP_404_NOT_FOUND)
        try:
            run = services.publish_results(actor=request.user, run=run)
        except errors.AssessmentError as exc:
            return _error(exc)
        return Response(RunSerializer(run).data)

    @extend_schema(summary="Correct a published result: a new version with its reason", request=CorrectSerializer,
                   responses={201: RunSerializer, 400: AssessmentErrorSerializer, 404: AssessmentErrorSerializer,
                              409: AssessmentErrorSerializer})  # fmt: skip
    @action(detail=True, methods=["post"])
    def correct(self, request: Request, id: str | None = None) -> Response:
        set_source("api")
        run = self._changeable(id)
        if run is None:
            return Response({"detail": _("未找到。"), "code": "not_found"}, status=status.HTTP_404_NOT_FOUND)
        body = CorrectSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            new = services.correct_results(actor=request.user, run=run, reason=body.validated_data["reason"])
        except errors.AssessmentError as exc:
            return _error(exc)
        return Response(RunSerializer(new).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="List bodies' results with their explanation", tags=["assessment"]),
    retrieve=extend_schema(
        summary="One body's result: scores, vetoes and the facts behind them", tags=["assessment"]
    ),
)
class BodyResultViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """对象考核结果：总分、名次、等次、否决结果及其依据。"""

    serializer_class = BodyResultSerializer
    filterset_class = BodyResultFilterSet
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    permission_action = "view"

    def get_queryset(self):
        return (
            services.readable(
                BodyResult.objects.restrict(self.request.user, "view"), self.request.user, "run"
            )
            .select_related("run", "body__unit", "body__committee")
            .order_by("run_id", "rank", "id")
        )


@extend_schema_view(
    list=extend_schema(
        summary="List submitted self-assessments beside the office's results", tags=["assessment"]
    ),
    retrieve=extend_schema(
        summary="A self-assessment beside the office's result, item by item", tags=["assessment"]
    ),
)
class SelfAssessmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """自评：逐项自评分与核定得分及差异（只读）。"""

    serializer_class = SelfAssessmentSerializer
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    permission_action = "view"

    def get_queryset(self):
        return (
            SelfAssessment.objects.restrict(self.request.user, "view")
            .select_related("body__unit", "body__scheme", "body__committee")
            .order_by("-body__scheme__year", "-submitted_at", "-id")
        )
