"""Pages of 督办: cases, reminders, circulars, extension requests, the inbox, traffic lights, documents.

Views parse input and render; the services decide and audit. Every queryset starts from restrict().
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from anze.accounts.roles import Role
from anze.audit.services import record_standalone
from anze.core.permissions import declare
from anze.core.restrict import get_restricted_or_404
from anze.duties.models import Occurrence
from anze.org.generic import XLSX_TYPE, ObjectListView
from anze.supervision import documents, lights, services
from anze.supervision import messages as notice_text
from anze.supervision.choices import CaseStatus, DeliveryStatus, EventKind, ExtensionStatus, Light, badge
from anze.supervision.errors import SupervisionError
from anze.supervision.filtersets import (
    CaseFilterSet,
    CircularFilterSet,
    DeliveryFilterSet,
    ExtensionRequestFilterSet,
    NotificationFilterSet,
)
from anze.supervision.forms import CaseCloseForm, ExtensionDecisionForm, ExtensionRequestForm
from anze.supervision.models import Case, Circular, Delivery, ExtensionRequest, Notification
from anze.supervision.tables import (
    CaseTable,
    CircularTable,
    DeliveryTable,
    ExtensionRequestTable,
    NotificationTable,
)


class SupervisionListView(ObjectListView):
    template_name = "supervision/object_list.html"


class CaseListView(SupervisionListView):
    """督办案件 — headline counts, then the list."""

    model = Case
    table_class = CaseTable
    filterset_class = CaseFilterSet
    title = gettext_lazy("督办案件")

    def base_queryset(self) -> QuerySet:
        return Case.objects.select_related("unit")

    def cards(self, queryset: QuerySet) -> list[dict[str, Any]]:
        today = timezone.localdate()
        figures = self.get_queryset().aggregate(
            open=Count("id", filter=Q(status=CaseStatus.OPEN)),
            due=Count("id", filter=Q(status=CaseStatus.OPEN, deadline__lt=today)),
            circulated=Count("id", filter=Q(status=CaseStatus.CIRCULATED)),
            resolved=Count("id", filter=Q(status=CaseStatus.RESOLVED)),
        )
        url = reverse("supervision:case_list")
        return [
            {"label": _("督办中"), "value": figures["open"], "url": f"{url}?status=open", "tone": "warning"},
            {
                "label": _("已通报"),
                "value": figures["circulated"],
                "url": f"{url}?status=circulated",
                "tone": "danger",
            },
            {
                "label": _("已办结"),
                "value": figures["resolved"],
                "url": f"{url}?status=resolved",
                "tone": "success",
            },
            {
                "label": _("红黄绿灯"),
                "value": figures["due"],
                "url": reverse("supervision:lights"),
                "tone": "",
            },
            *_held_batches_card(self.request.user),
        ]


def _held_batches_card(user: Any) -> list[dict[str, Any]]:
    """暂缓督办的批次, shown only while some wait for the office."""
    from anze.supervision.brake import held_batches

    held = held_batches(user).count()
    if not held:
        return []
    return [
        {
            "label": _("暂缓督办的批次"),
            "value": held,
            "url": reverse("supervision:batch_list"),
            "tone": "danger",
        }
    ]


class ReminderListView(SupervisionListView):
    """催办提醒 — every reminder, 催办 and notice sent in the user's scope."""

    model = Notification
    table_class = NotificationTable
    filterset_class = NotificationFilterSet
    title = gettext_lazy("催办提醒")

    def base_queryset(self) -> QuerySet:
        return Notification.objects.select_related("unit", "person")

    def cards(self, queryset: QuerySet) -> list[dict[str, Any]]:
        figures = self.get_queryset().aggregate(
            **{kind: Count("id", filter=Q(kind=kind)) for kind in (EventKind.REMIND, EventKind.URGE)}
        )
        url = reverse("supervision:reminder_list")
        cards = [
            {"label": EventKind(k).label, "value": v, "url": f"{url}?kind={k}", "tone": badge(k)}
            for k, v in figures.items()
        ]
        if Delivery.objects.restrict(self.request.user, "view").exists() or self.request.user.has_role(
            Role.OFFICE
        ):
            failed = (
                Delivery.objects.restrict(self.request.user, "view")
                .filter(status=DeliveryStatus.FAILED)
                .count()
            )
            cards.append(
                {
                    "label": _("投递失败"),
                    "value": failed,
                    "url": reverse("supervision:delivery_list") + "?status=failed",
                    "tone": "danger",
                }
            )
        return cards


class DeliveryListView(SupervisionListView):
    """投递记录 — every channel delivery with its attempts and result."""

    model = Delivery
    table_class = DeliveryTable
    filterset_class = DeliveryFilterSet
    title = gettext_lazy("投递记录")

    def base_queryset(self) -> QuerySet:
        return Delivery.objects.select_related("endpoint", "notification")


class CircularListView(SupervisionListView):
    model = Circular
    table_class = CircularTable
    filterset_class = CircularFilterSet
    title = gettext_lazy("通报")

    def base_queryset(self) -> QuerySet:
        return Circular.objects.annotate(unit_count=Count("entries__unit", distinct=True))


class ExtensionRequestListView(SupervisionListView):
    model = ExtensionRequest
    table_class = ExtensionRequestTable
    filterset_class = ExtensionRequestFilterSet
    title = gettext_lazy("延期申请")

    def base_queryset(self) -> QuerySet:
        return ExtensionRequest.objects.select_related("case", "case__unit")

    def cards(self, queryset: QuerySet) -> list[dict[str, Any]]:
        figures = self.get_queryset().aggregate(
            **{s.value: Count("id", filter=Q(status=s)) for s in ExtensionStatus}
        )
        url = reverse("supervision:extension_list")
        return [
            {"label": ExtensionStatus(k).label, "value": v, "url": f"{url}?status={k}", "tone": badge(k)}
            for k, v in figures.items()
        ]


def _is_office(user: Any) -> bool:
    return user.is_superuser or user.has_role(Role.OFFICE)


def _can(user: Any, obj: Any, action: str) -> bool:
    return type(obj).objects.restrict(user, action).filter(pk=obj.pk).exists()


@login_required
@declare("view")
def case_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    case = get_restricted_or_404(
        Case.objects.select_related("unit", "region", "policy", "clause", "plan"),
        request.user,
        "view",
        public_id=public_id,
    )
    state = case.state
    can_change = _can(request.user, case, "change")
    office = _is_office(request.user) and can_change
    context = {
        "case": case,
        "status_badge": badge(case.status),
        "source": case.source_object,
        "extensions": case.extension_requests.select_related("requested_by", "decided_by"),
        "notifications": case.notifications.order_by("created_at")[:20],
        "circular_entry": getattr(case, "circular_entry", None),
        # The unit asks for more time; the office decides, so it is never offered the request form.
        "request_form": ExtensionRequestForm()
        if can_change and not office and state.can_request_extension()
        else None,
        "decision_form": ExtensionDecisionForm() if office else None,
        "close_form": CaseCloseForm() if office and state.can_resolve() else None,
        "print": request.GET.get("print") == "1",
    }
    return render(request, "supervision/case_detail.html", context)


def _redirect(case: Case) -> HttpResponse:
    return HttpResponseRedirect(case.get_absolute_url())


@login_required
@declare("change")
@require_POST
def case_extension_request(request: HttpRequest, public_id: str) -> HttpResponse:
    case = get_restricted_or_404(Case.objects.all(), request.user, "change", public_id=public_id)
    form = ExtensionRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写延期理由和申请期限。"))
        return _redirect(case)
    try:
        services.request_extension(
            case,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            requested_deadline=form.cleaned_data["requested_deadline"],
        )
    except SupervisionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("延期申请已提交，等待安委办审批。"))
    return _redirect(case)


@login_required
@declare("change")
@require_POST
def extension_decide(request: HttpRequest, public_id: str) -> HttpResponse:
    extension = get_restricted_or_404(
        ExtensionRequest.objects.select_related("case"), request.user, "change", public_id=public_id
    )
    form = ExtensionDecisionForm(request.POST)
    if form.is_valid():
        try:
            services.decide_extension(
                extension,
                actor=request.user,
                approve=form.cleaned_data["decision"] == "approve",
                note=form.cleaned_data["note"],
            )
        except SupervisionError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("已审批。"))
    return _redirect(extension.case)


@login_required
@declare("change")
@require_POST
def case_close(request: HttpRequest, public_id: str) -> HttpResponse:
    case = get_restricted_or_404(Case.objects.all(), request.user, "change", public_id=public_id)
    form = CaseCloseForm(request.POST)
    if form.is_valid():
        try:
            if form.cleaned_data["action"] == "resolve":
                services.resolve_case(case, actor=request.user, resolution=form.cleaned_data["text"])
            else:
                services.cancel_case(case, actor=request.user, reason=form.cleaned_data["text"])
        except SupervisionError as error:
            messages.error(request, error.message)
    return _redirect(case)


def _docx_response(
    content: bytes, filename: str, request: HttpRequest, obj: Any, action: str
) -> HttpResponse:
    record_standalone(action, actor=request.user, obj=obj, reason="docx")
    response = HttpResponse(content, content_type=documents.DOCX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


@login_required
@declare("view")
def case_notice(request: HttpRequest, public_id: str) -> HttpResponse:
    """The 督办通知单 of a case as .docx."""
    case = get_restricted_or_404(
        Case.objects.select_related("unit", "policy", "clause"), request.user, "view", public_id=public_id
    )
    return _docx_response(
        documents.notice_docx(case),
        f"notice-{case.year}-{case.sequence}.docx",
        request,
        case,
        "supervision.case.export",
    )


@login_required
@declare("view")
def circular_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    circular = get_restricted_or_404(Circular.objects.all(), request.user, "view", public_id=public_id)
    entries = circular.entries.select_related("unit", "case").order_by("unit__name", "case__sequence")
    return render(
        request,
        "supervision/circular_detail.html",
        {"circular": circular, "entries": entries, "print": request.GET.get("print") == "1"},
    )


@login_required
@declare("view")
def circular_document(request: HttpRequest, public_id: str) -> HttpResponse:
    circular = get_restricted_or_404(Circular.objects.all(), request.user, "view", public_id=public_id)
    return _docx_response(
        documents.circular_docx(circular),
        f"circular-{circular.year}-{circular.sequence}.docx",
        request,
        circular,
        "supervision.circular.export",
    )


@login_required
@declare("view")
def inbox(request: HttpRequest) -> HttpResponse:
    """收件箱 — the user's own messages, unread first."""
    notifications = (
        services.inbox_for(request.user)
        .select_related(
            "unit", "person", "user", "case__unit", "circular", "occurrence__duty", "occurrence__unit"
        )
        .order_by("-created_at", "-id")
    )
    if request.GET.get("unread") == "1":
        notifications = notifications.filter(read_at__isnull=True)
    unread = services.inbox_for(request.user).filter(read_at__isnull=True).count()
    rows = [(n, notice_text.notice_of(n)) for n in notifications[:200]]
    return render(request, "supervision/inbox.html", {"rows": rows, "unread": unread})


@login_required
@declare("view")
@require_POST
def inbox_read(request: HttpRequest) -> HttpResponse:
    public_id = request.POST.get("notification")
    if public_id == "all":
        services.mark_all_read(actor=request.user)
    else:
        notification = services.inbox_for(request.user).filter(public_id=public_id).first()
        if notification is not None:
            services.mark_read(notification, actor=request.user)
    return HttpResponseRedirect(reverse("supervision:inbox"))


LIGHT_DIMENSIONS = {
    "unit": gettext_lazy("单位"),
    "county": gettext_lazy("县区"),
    "clause": gettext_lazy("条款"),
    "leader": gettext_lazy("领导"),
}


@login_required
@declare("view")
def traffic_lights(request: HttpRequest) -> HttpResponse:
    """红黄绿灯 for each unit, county, clause or leader in the user's scope; .xlsx of exactly what is shown."""
    dimension = request.GET.get("by", "unit")
    if dimension not in LIGHT_DIMENSIONS:
        dimension = "unit"
    rows = lights.lights(
        Occurrence.objects.restrict(request.user, "view"),
        Case.objects.restrict(request.user, "view"),
        dimension,
        today=timezone.localdate(),
    )
    for row in rows:
        row["label"] = Light(row["light"]).label
        row["badge"] = badge(row["light"])
    if request.GET.get("export") == "xlsx":
        from anze.supervision.exports import rows_to_xlsx

        content = rows_to_xlsx(
            str(_("红黄绿灯")),
            [str(LIGHT_DIMENSIONS[dimension]), _("灯"), _("逾期未报"), _("督办中案件")],
            [[r["name"], r["label"], r["overdue"], r["open_cases"]] for r in rows],
        )
        record_standalone("supervision.lights.export", actor=request.user, obj=None, reason=dimension)
        response = HttpResponse(content, content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="lights-{dimension}.xlsx"'
        return response
    counts = {light: sum(1 for r in rows if r["light"] == light) for light in Light}
    return render(
        request,
        "supervision/lights.html",
        {
            "rows": rows,
            "dimension": dimension,
            "dimensions": LIGHT_DIMENSIONS,
            "counts": counts,
            "dimension_label": LIGHT_DIMENSIONS[dimension],
            "cards": [
                {"label": Light(k).label, "value": v, "url": f"?by={dimension}", "tone": badge(k)}
                for k, v in counts.items()
            ],
        },
    )
