"""Enforcement API: accidents, inspection plans and draws, inspections, penalties and listings — each list with
the page's scope, each action through the service the page calls.

The view sets share `EnforcementViewSet`: public ids in the URL, the list and detail within the user's scope
(`restrict(user, "view")`), and `act()`, which every POST action goes through: the record within the user's
"change" scope (404 otherwise), the body validated by its serializer, the service called, an
`EnforcementError` answered with its code and status, the record answered as the list shows it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Model, Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from anze.audit.context import set_source
from anze.core.restrict import scope_q
from anze.enforcement import errors, services
from anze.enforcement.api.serializers import (
    AccidentActionSerializer,
    AccidentReportSerializer,
    AccidentSerializer,
    CatchAllListingSerializer,
    CommitDrawSerializer,
    DrawSerializer,
    EnforcementErrorSerializer,
    FindingSerializer,
    InspectionActionSerializer,
    InspectionPhotosSerializer,
    InspectionPlanSerializer,
    InspectionSerializer,
    ListingActionSerializer,
    ListingSerializer,
    PenaltyCreateSerializer,
    PenaltySerializer,
    PublishSerializer,
    RectifiedSerializer,
    RerunSerializer,
    ResponsiblePersonBodySerializer,
    StepCompleteSerializer,
    StepSerializer,
    VerificationSerializer,
)
from anze.enforcement.filtersets import AccidentFilterSet, InspectionFilterSet, ListingFilterSet
from anze.enforcement.models import (
    Accident,
    AccidentStep,
    Draw,
    Finding,
    Inspection,
    InspectionPlan,
    Listing,
    Penalty,
)
from anze.enterprises.models import Enterprise
from anze.org.models import Region, Unit


class NotFound(Exception):
    """A record named in the body is not within the user's scope: answered 404 like the record itself."""


def _error(exc: errors.EnforcementError) -> Response:
    return Response({"detail": exc.message_zh, "code": exc.code}, status=exc.http_status)


def _not_found() -> Response:
    return Response({"detail": _("未找到。"), "code": "not_found"}, status=status.HTTP_404_NOT_FOUND)


def action_schema(summary: str, request: Any, answer: Any) -> Callable:
    """The schema of a POST action: its body, the record on success, the error shapes otherwise."""
    return extend_schema(
        summary=summary,
        request=request,
        responses={
            200: answer,
            400: EnforcementErrorSerializer,
            404: EnforcementErrorSerializer,
            409: EnforcementErrorSerializer,
        },
    )


def in_scope(queryset, user, public_id) -> Any:
    """A record named in a body, within the user's "view" scope; NotFound otherwise."""
    row = queryset.restrict(user, "view").filter(public_id=public_id).first() if public_id else None
    if row is None:
        raise NotFound
    return row


class EnforcementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Lists and details within the user's scope; POST actions through `act()`."""

    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    permission_action = "view"
    model: type[Model]
    related: tuple[str, ...] = ()
    prefetch: tuple[Any, ...] = ()
    ordering: tuple[str, ...] = ("-id",)

    def get_queryset(self):
        rows = self.model.objects.restrict(self.request.user, "view").select_related(*self.related)
        return rows.prefetch_related(*self.prefetch).order_by(*self.ordering)

    def act(
        self,
        request: Request,
        id: str | None,
        body_class: Any,
        change: Callable[[Any, dict[str, Any]], Any],
        *,
        status_code: int = status.HTTP_200_OK,
        answer: Any = None,
    ) -> Response:
        """Run `change(row, validated_body)` on the record `id` within the user's "change" scope; answer the
        record it returns (or the row) as the list shows it, or with `answer` (a serializer class) when the
        action makes another kind of record."""
        set_source("api")
        row = self.model.objects.restrict(request.user, "change").filter(public_id=id).first()
        if row is None:
            return _not_found()
        data: dict[str, Any] = {}
        if body_class is not None:
            body = body_class(data=request.data)
            body.is_valid(raise_exception=True)
            data = body.validated_data
        try:
            result = change(row, data) or row
        except errors.EnforcementError as exc:
            return _error(exc)
        except NotFound:
            return _not_found()
        if answer is not None:
            return Response(answer(result).data, status=status_code)
        return Response(self.get_serializer(self.get_queryset().get(pk=result.pk)).data, status=status_code)


@extend_schema_view(
    list=extend_schema(summary="List accidents", tags=["enforcement"]),
    retrieve=extend_schema(summary="Retrieve an accident with its steps", tags=["enforcement"]),
)
class AccidentViewSet(EnforcementViewSet):
    """生产安全事故：查询、报告与办理（逐级上报、补报、调查、批复、结案、认定瞒报迟报）。"""

    serializer_class = AccidentSerializer
    filterset_class = AccidentFilterSet
    model = Accident
    related = ("enterprise", "county", "lead_unit")
    prefetch = (
        Prefetch(
            "steps", queryset=AccidentStep.objects.select_related("occurrence").order_by("due_at", "id")
        ),
        "follow_ups",
        "misreports",
        "responsible_persons",
    )
    ordering = ("-occurred_at", "-id")

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
        try:
            if data["enterprise"]:
                data["enterprise"] = in_scope(Enterprise.objects, request.user, data["enterprise"])
            data["county"] = Region.objects.filter(code=data["county"]).first() if data["county"] else None
            accident = services.report_accident(actor=request.user, **data)
        except NotFound:
            return _not_found()
        except errors.EnforcementError as exc:
            return _error(exc)
        return Response(
            AccidentSerializer(self.get_queryset().get(pk=accident.pk)).data, status=status.HTTP_201_CREATED
        )

    @action_schema("One handling step of an accident", AccidentActionSerializer, AccidentSerializer)
    @action(detail=True, methods=["post"])
    def handle(self, request: Request, id: str | None = None) -> Response:
        user = request.user

        def change(accident: Accident, d: dict[str, Any]) -> None:
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
                    unit = in_scope(Unit.objects, user, d["lead_unit"])
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
                case "responsible":
                    services.name_responsible_person(
                        actor=user,
                        accident=accident,
                        name=d["name"],
                        position=d["position"],
                        found_on=d["on"],
                        basis=d["basis"],
                    )

        return self.act(request, id, AccidentActionSerializer, change)


@extend_schema_view(
    list=extend_schema(summary="List the tracked steps of accidents", tags=["enforcement"]),
    retrieve=extend_schema(summary="Retrieve a tracked step of an accident", tags=["enforcement"]),
)
class AccidentStepViewSet(EnforcementViewSet):
    """事故办理节点：查询；评估节点完成。"""

    serializer_class = StepSerializer
    model = AccidentStep
    related = ("accident", "occurrence")
    ordering = ("due_at", "id")

    @action_schema("An evaluation step done, with its conclusion", StepCompleteSerializer, StepSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, id: str | None = None) -> Response:
        return self.act(
            request,
            id,
            StepCompleteSerializer,
            lambda row, d: services.complete_evaluation(
                actor=request.user, step=row, done_on=d["on"], note=d["note"]
            ),
        )


@extend_schema_view(
    list=extend_schema(summary="List inspection plans", tags=["enforcement"]),
    retrieve=extend_schema(
        summary="Retrieve an inspection plan with its sector shares", tags=["enforcement"]
    ),
)
class InspectionPlanViewSet(EnforcementViewSet):
    """年度监督检查计划；公布抽取承诺。"""

    serializer_class = InspectionPlanSerializer
    model = InspectionPlan
    related = ("department", "region")
    prefetch = ("sectors",)
    ordering = ("-year", "id")

    @action_schema("Approve a plan (it needs a sector share and an item)", None, InspectionPlanSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, id: str | None = None) -> Response:
        return self.act(request, id, None, lambda row, d: services.approve_plan(actor=request.user, plan=row))

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
        user = request.user

        def change(plan: InspectionPlan, d: dict[str, Any]) -> Any:
            sector = plan.sectors.filter(public_id=d["sector"]).first()
            departments = list(Unit.objects.restrict(user, "view").filter(public_id__in=d["departments"]))
            if sector is None or len(departments) != len(set(d["departments"])):
                raise NotFound
            row = services.commit_draw(
                actor=user,
                plan=plan,
                sector=sector,
                round=d["round"],
                departments=departments or None,
                joint=d["joint"],
                remote=d["remote"],
            )
            return row

        return self.act(
            request,
            id,
            CommitDrawSerializer,
            change,
            status_code=status.HTTP_201_CREATED,
            answer=DrawSerializer,
        )


@extend_schema_view(
    list=extend_schema(summary="List draws", tags=["enforcement"]),
    retrieve=extend_schema(summary="Retrieve a draw (the seed once drawn)", tags=["enforcement"]),
)
class DrawViewSet(EnforcementViewSet):
    """双随机抽取：抽取、重抽（留痕）、核验。"""

    serializer_class = DrawSerializer
    model = Draw
    related = ("plan", "sector", "supersedes")
    ordering = ("-committed_at", "-id")

    @action_schema("Draw and reveal the seed", None, DrawSerializer)
    @action(detail=True, methods=["post"], url_path="draw")
    def perform(self, request: Request, id: str | None = None) -> Response:
        return self.act(request, id, None, lambda row, d: services.perform_draw(actor=request.user, draw=row))

    @action_schema(
        "Re-run a draw: it is kept as superseded, with the reason, and a new one is committed",
        RerunSerializer,
        DrawSerializer,
    )
    @action(detail=True, methods=["post"])
    def rerun(self, request: Request, id: str | None = None) -> Response:
        return self.act(
            request,
            id,
            RerunSerializer,
            lambda row, d: services.rerun_draw(actor=request.user, draw=row, reason=d["reason"]),
        )

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
        summary="Retrieve an inspection with its checklist, findings and photos", tags=["enforcement"]
    ),
)
class InspectionViewSet(EnforcementViewSet):
    """执法检查：检查记录、发现问题、完成检查、检查照片。"""

    serializer_class = InspectionSerializer
    filterset_class = InspectionFilterSet
    model = Inspection
    related = ("enterprise", "department")
    prefetch = ("inspectors", "checks", "findings__hidden_danger", "photos__finding")
    ordering = ("-scheduled_on", "-id")

    @action_schema("One step of recording an inspection", InspectionActionSerializer, InspectionSerializer)
    @action(detail=True, methods=["post"])
    def handle(self, request: Request, id: str | None = None) -> Response:
        user = request.user

        def change(inspection: Inspection, d: dict[str, Any]) -> None:
            match d["action"]:
                case "check":
                    check = inspection.checks.filter(public_id=d.get("check")).first()
                    if check is None:
                        raise NotFound
                    if "result" not in d:
                        raise errors.EnforcementError("请给出检查结果 result。", "result_required")
                    services.record_check(actor=user, check=check, result=d["result"], note=d["note"])
                case "finding":
                    if "kind" not in d:
                        raise errors.EnforcementError("请给出问题类别 kind。", "kind_required")
                    services.add_finding(
                        actor=user,
                        inspection=inspection,
                        kind=d["kind"],
                        description=d["description"],
                        rectify_by=d["rectify_by"],
                        grade=d["grade"],
                        place=d["place"],
                        responsible_person=d["responsible_person"],
                    )
                case "complete":
                    if "on" not in d:
                        raise errors.EnforcementError("请给出检查日期 on。", "date_required")
                    services.complete_inspection(
                        actor=user, inspection=inspection, inspected_on=d["on"], summary=d["summary"]
                    )

        return self.act(request, id, InspectionActionSerializer, change)

    @extend_schema(
        summary="Upload photos of an inspection or of one of its findings (multipart/form-data)",
        request={"multipart/form-data": InspectionPhotosSerializer},
        responses={
            201: InspectionSerializer,
            400: EnforcementErrorSerializer,
            404: EnforcementErrorSerializer,
            409: EnforcementErrorSerializer,
        },
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def photos(self, request: Request, id: str | None = None) -> Response:
        def change(inspection: Inspection, d: dict[str, Any]) -> None:
            finding = None
            if d["finding"]:
                finding = inspection.findings.filter(public_id=d["finding"]).first()
                if finding is None:
                    raise NotFound
            services.add_inspection_photos(
                actor=request.user,
                inspection=inspection,
                photos=request.FILES.getlist("photos"),
                finding=finding,
                caption=d["caption"],
            )

        return self.act(request, id, InspectionPhotosSerializer, change, status_code=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="List the findings of inspections", tags=["enforcement"]),
    retrieve=extend_schema(summary="Retrieve a finding", tags=["enforcement"]),
)
class FindingViewSet(EnforcementViewSet):
    """发现问题：查询；责令限期整改的复查。"""

    serializer_class = FindingSerializer
    model = Finding
    related = ("inspection__enterprise", "hidden_danger")
    ordering = ("-id",)

    @action_schema("复查: a violation ordered rectified is done", RectifiedSerializer, FindingSerializer)
    @action(detail=True, methods=["post"])
    def rectified(self, request: Request, id: str | None = None) -> Response:
        return self.act(
            request,
            id,
            RectifiedSerializer,
            lambda row, d: services.confirm_rectified(
                actor=request.user, finding=row, rectified_on=d["rectified_on"]
            ),
        )


@extend_schema_view(
    list=extend_schema(summary="List penalty decisions", tags=["enforcement"]),
    retrieve=extend_schema(summary="Retrieve a penalty decision", tags=["enforcement"]),
)
class PenaltyViewSet(EnforcementViewSet):
    """行政处罚决定：查询与公开。"""

    serializer_class = PenaltySerializer
    model = Penalty
    related = ("enterprise", "department", "county")
    prefetch = ("responsible_persons",)
    ordering = ("-decided_on", "-id")

    @extend_schema(
        summary="Record a penalty decision (disclosure due in 7 working days)",
        request=PenaltyCreateSerializer,
        responses={
            201: PenaltySerializer,
            400: EnforcementErrorSerializer,
            403: EnforcementErrorSerializer,
            404: EnforcementErrorSerializer,
        },
    )
    def create(self, request: Request) -> Response:
        set_source("api")
        user = request.user
        if scope_q(Penalty, user, "add") is None:
            return Response(
                {"detail": _("您不能登记处罚决定。"), "code": "not_allowed"}, status=status.HTTP_403_FORBIDDEN
            )
        body = PenaltyCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        try:
            if data["inspection"]:
                data["inspection"] = (
                    Inspection.objects.restrict(user, "change").filter(public_id=data["inspection"]).first()
                )
                if data["inspection"] is None:
                    raise NotFound
            if data["enterprise"]:
                data["enterprise"] = in_scope(Enterprise.objects, user, data["enterprise"])
            data["department"] = in_scope(Unit.objects, user, data["department"])
            data["county"] = Region.objects.filter(code=data["county"]).first() if data["county"] else None
            penalty = services.decide_penalty(actor=user, **data)
        except NotFound:
            return _not_found()
        except errors.EnforcementError as exc:
            return _error(exc)
        return Response(
            PenaltySerializer(self.get_queryset().get(pk=penalty.pk)).data, status=status.HTTP_201_CREATED
        )

    @action_schema(
        "Name an agency's directly responsible staff in the decision", ResponsiblePersonBodySerializer,
        PenaltySerializer,
    )  # fmt: skip
    @action(detail=True, methods=["post"])
    def responsible(self, request: Request, id: str | None = None) -> Response:
        def change(row: Penalty, d: dict[str, Any]) -> None:
            services.name_responsible_person(actor=request.user, penalty=row, **d)

        return self.act(request, id, ResponsiblePersonBodySerializer, change)

    @extend_schema(
        summary="Propose the catch-all listing case on this decision, with reasons and legal basis",
        request=CatchAllListingSerializer,
        responses={
            201: ListingSerializer,
            400: EnforcementErrorSerializer,
            404: EnforcementErrorSerializer,
            409: EnforcementErrorSerializer,
        },
    )
    @action(detail=True, methods=["post"], url_path="propose-listing")
    def propose_listing(self, request: Request, id: str | None = None) -> Response:
        return self.act(
            request,
            id,
            CatchAllListingSerializer,
            lambda row, d: services.propose_catch_all_listing(actor=request.user, penalty=row, **d),
            status_code=status.HTTP_201_CREATED,
            answer=ListingSerializer,
        )

    @action_schema("Publish a decision (late after 7 working days)", PublishSerializer, PenaltySerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, id: str | None = None) -> Response:
        return self.act(
            request,
            id,
            PublishSerializer,
            lambda row, d: services.publish_penalty(
                actor=request.user, penalty=row, published_on=d["published_on"]
            ),
        )


@extend_schema_view(
    list=extend_schema(summary="List blacklist listings", tags=["enforcement"]),
    retrieve=extend_schema(summary="Retrieve a listing", tags=["enforcement"]),
)
class ListingViewSet(EnforcementViewSet):
    """严重失信主体名单：告知、决定、信用修复、恢复列入。"""

    serializer_class = ListingSerializer
    filterset_class = ListingFilterSet
    model = Listing
    related = ("enterprise", "department")
    ordering = ("-fact_on", "-id")

    @action_schema("One step of the listing procedure", ListingActionSerializer, ListingSerializer)
    @action(detail=True, methods=["post"])
    def handle(self, request: Request, id: str | None = None) -> Response:
        user = request.user

        def change(row: Listing, d: dict[str, Any]) -> Listing:
            if d["action"] != "restore" and d.get("on") is None:
                raise errors.EnforcementError("此操作需要日期 on。", "date_required")
            match d["action"]:
                case "notify":
                    return services.notify_listing(
                        actor=user,
                        listing_row=row,
                        department=in_scope(Unit.objects, user, d.get("department")),
                        noticed_on=d["on"],
                        objection_days=d["objection_days"],
                    )
                case "decide":
                    return services.decide_listing(
                        actor=user,
                        listing_row=row,
                        decided_on=d["on"],
                        list_it=d["list_it"],
                        decision_number=d["decision_number"],
                        objection=d["reason"],
                    )
                case "repair":
                    return services.repair_listing(
                        actor=user, listing_row=row, repaired_on=d["on"], reason=d["reason"]
                    )
                case _:
                    return services.restore_listing(actor=user, listing_row=row, reason=d["reason"])

        return self.act(request, id, ListingActionSerializer, change)
