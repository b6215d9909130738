"""Enforcement API: accidents (list with the page's filters, report, each handling step)."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from anze.audit.context import set_source
from anze.core.restrict import scope_q
from anze.enforcement import errors, services
from anze.enforcement.api.serializers import (
    AccidentActionSerializer,
    AccidentReportSerializer,
    AccidentSerializer,
    CommitDrawSerializer,
    DrawSerializer,
    EnforcementErrorSerializer,
    InspectionPlanSerializer,
    InspectionSerializer,
    ListingActionSerializer,
    ListingSerializer,
    PenaltySerializer,
    PublishSerializer,
    RerunSerializer,
    VerificationSerializer,
)
from anze.enforcement.filtersets import AccidentFilterSet
from anze.enforcement.models import (
    Accident,
    AccidentStep,
    Draw,
    Inspection,
    InspectionPlan,
    Listing,
    Penalty,
)
from anze.enterprises.models import Enterprise
from anze.org.models import Region, Unit


def _error(exc: errors.EnforcementError) -> Response:
    return Response({"detail": exc.message_zh, "code": exc.code}, status=exc.http_status)


def _not_found() -> Response:
    return Response({"detail": _("未找到。"), "code": "not_found"}, status=status.HTTP_404_NOT_FOUND)


@extend_schema_view(
    list=extend_schema(summary="List accidents", tags=["enforcement"]),
    retrieve=extend_schema(summary="Retrieve an accident with its steps", tags=["enforcement"]),
)
class AccidentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """生产安全事故：查询、报告与办理（逐级上报、补报、调查、批复、结案、认定瞒报迟报）。"""

    serializer_class = AccidentSerializer
    filterset_class = AccidentFilterSet
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    permission_action = "view"

    def get_queryset(self):
        return (
            Accident.objects.restrict(self.request.user, "view")
            .select_related("enterprise", "county", "lead_unit")
            .prefetch_related(
                Prefetch(
                    "steps",
                    queryset=AccidentStep.objects.select_related("occurrence").order_by("due_at", "id"),
                ),
                "follow_ups",
                "misreports",
            )
            .order_by("-occurred_at", "-id")
        )

    @extend_schema(
        summary="Report an accident (graded by 493号令)",
        request=AccidentReportSerializer,
        responses={201: AccidentSerializer, 400: EnforcementErrorSerializer, 403: EnforcementErrorSerializer},
    )
    def create(self, request: Request) -> Response:
        set_source("api")
        if scope_q(Accident, request.user, "add") is None:
            return Response(
                {"detail": _("您不能登记事故。"), "code": "not_allowed"}, status=status.HTTP_403_FORBIDDEN
            )
        body = AccidentReportSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        if data["enterprise"]:
            data["enterprise"] = (
                Enterprise.objects.restrict(request.user, "view").filter(public_id=data["enterprise"]).first()
            )
            if data["enterprise"] is None:
                return _not_found()
        data["county"] = Region.objects.filter(code=data["county"]).first() if data["county"] else None
        try:
            accident = services.report_accident(actor=request.user, **data)
        except errors.EnforcementError as exc:
            return _error(exc)
        return Response(
            AccidentSerializer(self.get_queryset().get(pk=accident.pk)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        summary="One handling step of an accident",
        request=AccidentActionSerializer,
        responses={
            200: AccidentSerializer,
            400: EnforcementErrorSerializer,
            404: EnforcementErrorSerializer,
            409: EnforcementErrorSerializer,
        },
    )
    @action(detail=True, methods=["post"])
    def handle(self, request: Request, id: str | None = None) -> Response:
        set_source("api")
        accident = Accident.objects.restrict(request.user, "change").filter(public_id=id).first()
        if accident is None:
            return _not_found()
        body = AccidentActionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        user = request.user
        try:
            match d["action"]:
                case "reach":
                    services.reach_level(actor=user, accident=accident, level=d["level"], reached_at=d["at"])
                case "follow_up":
                    services.add_follow_up(
                        actor=user,
                        accident=accident,
                        reported_at=d["at"],
                        deaths=d["deaths"],
                        missing=d["missing"],
                        serious_injuries=d["serious_injuries"],
                        direct_loss=d["direct_loss"],
                        note=d["note"],
                    )
                case "investigate":
                    unit = Unit.objects.restrict(user, "view").filter(public_id=d["lead_unit"]).first()
                    if unit is None:
                        return _not_found()
                    services.open_investigation(
                        actor=user, accident=accident, lead_unit=unit, opened_on=d["on"]
                    )
                case "extend":
                    services.extend_investigation(
                        actor=user, accident=accident, days=d["days"], reason=d["note"]
                    )
                case "submit":
                    services.submit_investigation(actor=user, accident=accident, submitted_on=d["on"])
                case "reply":
                    services.record_reply(actor=user, accident=accident, replied_on=d["on"])
                case "close":
                    services.close_accident(actor=user, accident=accident, closed_on=d["on"])
                case "misreport":
                    services.record_misreport(
                        actor=user, accident=accident, kind=d["kind"], found_on=d["on"], description=d["note"]
                    )
        except errors.EnforcementError as exc:
            return _error(exc)
        return Response(AccidentSerializer(self.get_queryset().get(pk=accident.pk)).data)


@extend_schema_view(
    list=extend_schema(summary="List inspection plans", tags=["enforcement"]),
    retrieve=extend_schema(
        summary="Retrieve an inspection plan with its sector shares", tags=["enforcement"]
    ),
)
class InspectionPlanViewSet(viewsets.ReadOnlyModelViewSet):
    """年度监督检查计划；公布抽取承诺。"""

    serializer_class = InspectionPlanSerializer
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    permission_action = "view"

    def get_queryset(self):
        return (
            InspectionPlan.objects.restrict(self.request.user, "view")
            .select_related("department", "region")
            .prefetch_related("sectors")
            .order_by("-year", "id")
        )

    @extend_schema(
        summary="Freeze the pool and publish the commitment of a draw",
        request=CommitDrawSerializer,
        responses={
            201: DrawSerializer,
            400: EnforcementErrorSerializer,
            404: EnforcementErrorSerializer,
            409: EnforcementErrorSerializer,
        },
    )
    @action(detail=True, methods=["post"])
    def commit(self, request: Request, id: str | None = None) -> Response:
        set_source("api")
        plan = InspectionPlan.objects.restrict(request.user, "change").filter(public_id=id).first()
        if plan is None:
            return _not_found()
        body = CommitDrawSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        sector = plan.sectors.filter(public_id=d["sector"]).first()
        departments = list(Unit.objects.restrict(request.user, "view").filter(public_id__in=d["departments"]))
        if sector is None or len(departments) != len(set(d["departments"])):
            return _not_found()
        try:
            row = services.commit_draw(
                actor=request.user,
                plan=plan,
                sector=sector,
                round=d["round"],
                departments=departments or None,
                joint=d["joint"],
                remote=d["remote"],
            )
        except errors.EnforcementError as exc:
            return _error(exc)
        return Response(DrawSerializer(row).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="List draws", tags=["enforcement"]),
    retrieve=extend_schema(summary="Retrieve a draw (the seed once drawn)", tags=["enforcement"]),
)
class DrawViewSet(viewsets.ReadOnlyModelViewSet):
    """双随机抽取：抽取、重抽（留痕）、核验。"""

    serializer_class = DrawSerializer
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    permission_action = "view"

    def get_queryset(self):
        return (
            Draw.objects.restrict(self.request.user, "view")
            .select_related("plan", "sector", "supersedes")
            .order_by("-committed_at", "-id")
        )

    def _changeable(self, id):
        return Draw.objects.restrict(self.request.user, "change").filter(public_id=id).first()

    @extend_schema(
        summary="Draw and reveal the seed",
        request=None,
        responses={200: DrawSerializer, 404: EnforcementErrorSerializer, 409: EnforcementErrorSerializer},
    )
    @action(detail=True, methods=["post"], url_path="draw")
    def perform(self, request: Request, id: str | None = None) -> Response:
        set_source("api")
        row = self._changeable(id)
        if row is None:
            return _not_found()
        try:
            row = services.perform_draw(actor=request.user, draw=row)
        except errors.EnforcementError as exc:
            return _error(exc)
        return Response(DrawSerializer(row).data)

    @extend_schema(
        summary="Re-run a draw: it is kept as superseded, with the reason, and a new one is committed",
        request=RerunSerializer,
        responses={
            200: DrawSerializer,
            400: EnforcementErrorSerializer,
            404: EnforcementErrorSerializer,
            409: EnforcementErrorSerializer,
        },
    )
    @action(detail=True, methods=["post"])
    def rerun(self, request: Request, id: str | None = None) -> Response:
        set_source("api")
        row = self._changeable(id)
        if row is None:
            return _not_found()
        body = RerunSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            row = services.rerun_draw(actor=request.user, draw=row, reason=body.validated_data["reason"])
        except errors.EnforcementError as exc:
            return _error(exc)
        return Response(DrawSerializer(row).data)

    @extend_schema(
        summary="Reproduce a draw from its snapshot and seed", responses={200: VerificationSerializer}
    )
    @action(detail=True, methods=["get"])
    def verify(self, request: Request, id: str | None = None) -> Response:
        row = self.get_object()
        check = services.verify_draw(row)
        return Response({"ok": check.ok, "reasons": list(check.reasons)})


@extend_schema_view(
    list=extend_schema(summary="List inspections", tags=["enforcement"]),
    retrieve=extend_schema(
        summary="Retrieve an inspection with its checklist and findings", tags=["enforcement"]
    ),
)
class InspectionViewSet(viewsets.ReadOnlyModelViewSet):
    """执法检查。"""

    serializer_class = InspectionSerializer
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    permission_action = "view"

    def get_queryset(self):
        return (
            Inspection.objects.restrict(self.request.user, "view")
            .select_related("enterprise", "department")
            .prefetch_related("inspectors", "checks", "findings__hidden_danger")
            .order_by("-scheduled_on", "-id")
        )


@extend_schema_view(
    list=extend_schema(summary="List penalty decisions", tags=["enforcement"]),
    retrieve=extend_schema(summary="Retrieve a penalty decision", tags=["enforcement"]),
)
class PenaltyViewSet(viewsets.ReadOnlyModelViewSet):
    """行政处罚决定：查询与公开。"""

    serializer_class = PenaltySerializer
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    permission_action = "view"

    def get_queryset(self):
        return (
            Penalty.objects.restrict(self.request.user, "view")
            .select_related("enterprise", "department", "county")
            .order_by("-decided_on", "-id")
        )

    @extend_schema(
        summary="Publish a decision (late after 7 working days)",
        request=PublishSerializer,
        responses={
            200: PenaltySerializer,
            400: EnforcementErrorSerializer,
            404: EnforcementErrorSerializer,
            409: EnforcementErrorSerializer,
        },
    )
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, id: str | None = None) -> Response:
        set_source("api")
        penalty = Penalty.objects.restrict(request.user, "change").filter(public_id=id).first()
        if penalty is None:
            return _not_found()
        body = PublishSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            penalty = services.publish_penalty(
                actor=request.user, penalty=penalty, published_on=body.validated_data["published_on"]
            )
        except errors.EnforcementError as exc:
            return _error(exc)
        return Response(PenaltySerializer(penalty).data)


@extend_schema_view(
    list=extend_schema(summary="List blacklist listings", tags=["enforcement"]),
    retrieve=extend_schema(summary="Retrieve a listing", tags=["enforcement"]),
)
class ListingViewSet(viewsets.ReadOnlyModelViewSet):
    """严重失信主体名单：告知、决定、信用修复、恢复列入。"""

    serializer_class = ListingSerializer
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    permission_action = "view"

    def get_queryset(self):
        return (
            Listing.objects.restrict(self.request.user, "view")
            .select_related("enterprise", "department")
            .order_by("-fact_on", "-id")
        )

    @extend_schema(
        summary="One step of the listing procedure",
        request=ListingActionSerializer,
        responses={
            200: ListingSerializer,
            400: EnforcementErrorSerializer,
            404: EnforcementErrorSerializer,
            409: EnforcementErrorSerializer,
        },
    )
    @action(detail=True, methods=["post"])
    def handle(self, request: Request, id: str | None = None) -> Response:
        set_source("api")
        row = Listing.objects.restrict(request.user, "change").filter(public_id=id).first()
        if row is None:
            return _not_found()
        body = ListingActionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        user = request.user
        try:
            if d["action"] != "restore" and d.get("on") is None:
                raise errors.EnforcementError("此操作需要日期 on。", "date_required")
            if d["action"] == "notify":
                unit = Unit.objects.restrict(user, "view").filter(public_id=d.get("department")).first()
                if unit is None:
                    return _not_found()
                row = services.notify_listing(
                    actor=user,
                    listing_row=row,
                    department=unit,
                    noticed_on=d["on"],
                    objection_days=d["objection_days"],
                )
            elif d["action"] == "decide":
                row = services.decide_listing(
                    actor=user,
                    listing_row=row,
                    decided_on=d["on"],
                    list_it=d["list_it"],
                    decision_number=d["decision_number"],
                    objection=d["reason"],
                )
            elif d["action"] == "repair":
                row = services.repair_listing(
                    actor=user, listing_row=row, repaired_on=d["on"], reason=d["reason"]
                )
            else:
                row = services.restore_listing(actor=user, listing_row=row, reason=d["reason"])
        except errors.EnforcementError as exc:
            return _error(exc)
        return Response(ListingSerializer(row).data)
