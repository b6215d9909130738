"""Duty pages for doing the work: an occurrence with its report form and review, evidence, duty confirmation."""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from anze.audit.services import record_standalone
from anze.core.permissions import declare
from anze.core.restrict import get_restricted_or_404
from anze.duties import services
from anze.duties.choices import OccurrenceStatus, RevisionDecision, badge
from anze.duties.errors import DutyError
from anze.duties.evidence import EvidenceError, read_uploads, sm3_hex
from anze.duties.filtersets import DutyFilterSet
from anze.duties.forms import CoverageVisitForm, DutyConfirmForm, ReportForm, ReviewForm
from anze.duties.models import CoverageVisit, Duty, Evidence, Occurrence
from anze.duties.recurrence import RuleError, uncovered
from anze.duties.suggest import suggest_duties
from anze.duties.tables import DutyTable


def _occurrence(request: HttpRequest, public_id: Any) -> Occurrence:
    return get_restricted_or_404(
        Occurrence.objects.select_related(
            "duty__clause__task", "unit__region", "committee", "person", "signed_off_by"
        ),
        request.user,
        "view",
        public_id=public_id,
    )


def _detail_context(request: HttpRequest, occurrence: Occurrence, **forms: Any) -> dict[str, Any]:
    user = request.user
    state = OccurrenceStatus(occurrence.status)
    may_report = (state.can_submit() or state.can_resubmit()) and services.can_report(user, occurrence)
    may_review = state.can_review() and services.can_review(user, occurrence)
    may_sign = occurrence.awaits_sign_off and services.can_sign_off(user, occurrence)
    reports = (
        occurrence.reports.select_related("submitted_by").prefetch_related("evidence").order_by("-number")
    )
    return {
        "occurrence": occurrence,
        "duty": occurrence.duty,
        "badge": badge(occurrence.status),
        "reports": reports,
        "reviews": occurrence.reviews.select_related("reviewer").order_by("-created_at"),
        "report_form": forms.get("report_form")
        or (ReportForm(initial={"version": occurrence.version}) if may_report else None),
        "review_form": forms.get("review_form")
        or (ReviewForm(initial={"version": occurrence.version}) if (may_review or may_sign) else None),
        "may_review": may_review,
        "may_sign": may_sign,
        "assign_url": _assign_link(user, occurrence, state),
    }


def _assign_link(user: Any, occurrence: Occurrence, state: OccurrenceStatus) -> str | None:
    """The 交办 page for this item, for the office or county office over it, while it is not accepted."""
    from urllib.parse import urlencode

    from anze.duties.views import assign_url

    if state == OccurrenceStatus.ACCEPTED or not services.can_review(user, occurrence):
        return None
    url = assign_url(user)
    return f"{url}?{urlencode({'occurrence': occurrence.public_id})}" if url else None


@declare("view")
@login_required
@require_safe
def occurrence_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    """办理事项详情 — the duty, the period and due date, reports with evidence, reviews and history."""
    occurrence = _occurrence(request, public_id)
    return render(request, "duties/occurrence_detail.html", _detail_context(request, occurrence))


@declare("change")
@login_required
@require_POST
def occurrence_report(request: HttpRequest, public_id: str) -> HttpResponse:
    """报送 — text, the date the work was done and evidence files; errors are shown next to the fields."""
    occurrence = _occurrence(request, public_id)
    form = ReportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            files = read_uploads(form.cleaned_data["files"])
            services.submit_report(
                occurrence,
                actor=request.user,
                text=form.cleaned_data["text"],
                evidence_on=form.cleaned_data["evidence_on"],
                files=files,
                expected_version=form.cleaned_data["version"],
            )
        except EvidenceError as exc:
            form.add_error("files", exc.message_zh)
        except DutyError as exc:
            field = {
                "evidence_before_period": "evidence_on",
                "evidence_in_future": "evidence_on",
                "text_required": "text",
                "evidence_required": "files",
                "too_many_files": "files",
            }.get(exc.code)
            form.add_error(field, exc.message_zh)
        else:
            messages.success(request, _("已报送，等待审核。"))
            return redirect(occurrence.get_absolute_url())
    response = render(
        request,
        "duties/occurrence_detail.html",
        _detail_context(request, occurrence, report_form=form),
        status=400,
    )
    return response


@declare("change")
@login_required
@require_POST
def occurrence_review(request: HttpRequest, public_id: str) -> HttpResponse:
    """审核 — accept, return with a reason, or a leader's sign-off; a concurrent reviewer is told."""
    occurrence = _occurrence(request, public_id)
    form = ReviewForm(request.POST)
    if form.is_valid():
        decision = form.cleaned_data["decision"]
        action = {
            "accept": services.accept_report,
            "return": services.return_report,
            "sign_off": services.sign_off,
        }[decision]
        try:
            action(
                occurrence,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except DutyError as exc:
            form.add_error(None, exc.message_zh)
            occurrence.refresh_from_db()
            status = exc.http_status
        else:
            messages.success(request, _("审核意见已保存。"))
            return redirect(occurrence.get_absolute_url())
    else:
        status = 400
    return render(
        request,
        "duties/occurrence_detail.html",
        _detail_context(request, occurrence, review_form=form),
        status=status,
    )


@declare("view")
@login_required
def evidence_download(request: HttpRequest, public_id: str) -> HttpResponse:
    """佐证材料下载 — only within scope, as an attachment, after checking its SM3 digest."""
    item = get_restricted_or_404(
        Evidence.objects.select_related("report__occurrence"), request.user, "view", public_id=public_id
    )
    try:
        with default_storage.open(item.file.name, "rb") as handle:
            content = handle.read()
    except FileNotFoundError:
        raise Http404(_("文件不存在。")) from None
    if sm3_hex(content) != item.sm3:
        record_standalone(
            "duties.evidence.integrity_failed",
            actor=request.user,
            obj=item,
            success=False,
            reason="stored file does not match its SM3 digest",
        )
        from anze.core.views import _error

        return _error(request, 500, _("文件校验失败"), _("存储的佐证材料与上传时的摘要不一致，已拒绝下载。"))
    response = FileResponse(
        io.BytesIO(content), as_attachment=True, filename=item.original_name, content_type=item.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Length"] = str(len(content))
    return response


class DutyListView(LoginRequiredMixin, SingleTableMixin, FilterView):
    """职责 — every duty, drafts awaiting the office first."""

    permission_action = "view"
    table_class = DutyTable
    filterset_class = DutyFilterSet
    template_name = "duties/duty_list.html"
    table_pagination = {"per_page": 25}  # bad ?page= values fall back to a valid page

    def get_queryset(self):
        return (
            Duty.objects.restrict(self.request.user, "view")
            .select_related("clause", "subject_unit", "subject_group", "subject_person")
            .order_by("status", "clause__version_id", "clause__task__order", "clause__order", "id")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        from anze.plans.models import PlanVersion

        context = super().get_context_data(**kwargs)
        context["versions"] = (
            PlanVersion.objects.restrict(self.request.user, "change")
            .filter(current_of__isnull=False)
            .select_related("plan")
        )
        from anze.duties.revision import pending_revisions
        from anze.duties.views_revision import awaiting_carry_over

        context["revisions_pending"] = pending_revisions(self.request.user).count()
        context["revisions_awaiting"] = awaiting_carry_over(self.request.user)
        return context


@declare("view")
@login_required
@require_safe
def duty_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    """职责详情 — its rule versions, coverage cycle (who is not yet covered) and occurrences."""
    duty = get_restricted_or_404(
        Duty.objects.select_related("clause__task", "subject_unit", "subject_group", "subject_person"),
        request.user,
        "view",
        public_id=public_id,
    )
    cycle = duty.coverage_cycles.order_by("-first_year").first()
    coverage = None
    if cycle is not None:
        from django.utils import timezone

        visits = list(cycle.visits.select_related("member").order_by("planned_year", "member__name"))
        plan = {v.member.name: v.planned_year for v in visits}
        covered = [v.member.name for v in visits if v.visited_on]
        year = timezone.localdate().year
        coverage = {
            "cycle": cycle,
            "visits": visits,
            "uncovered": uncovered(plan, covered),
            "due_this_year": [v for v in visits if v.planned_year == year and not v.visited_on],
            "form": CoverageVisitForm(),
        }
    occurrences = Occurrence.objects.restrict(request.user, "view").filter(duty=duty)
    return render(
        request,
        "duties/duty_detail.html",
        {
            "duty": duty,
            "rules": duty.rules.select_related("created_by").order_by("-effective_from"),
            "coverage": coverage,
            "occurrence_count": occurrences.count(),
            "can_manage": services.can_manage_duty(request.user, duty),
            "revision": duty.revisions.filter(decision=RevisionDecision.PENDING).select_related("version").first(),
        },
    )


# Which form field a service error is about, so the message appears next to it.
CONFIRM_ERROR_FIELDS = {
    "invalid_rule": "rrule",
    "unsupported_rule": "rrule",
    "empty_rule": "rrule",
    "rule_ends_before_start": "rrule",
    "deadline_required": "deadline",
    "deadline_before_start": "deadline",
    "cycle_required": "cycle_years",
    "subject_required": "subject_kind",
    "event_rule_required": "event_within",
    "start_required": "start_on",
    "end_before_start": "start_on",
    "overdue_needs_choice": "allow_overdue",
}


def _confirm_duty_object(request: HttpRequest, public_id: str) -> Duty:
    return get_restricted_or_404(
        Duty.objects.select_related("clause__task", "suggestion", "region"),
        request.user,
        "change",
        public_id=public_id,
    )


def _confirmation_preview(duty: Duty, form: DutyConfirmForm | None) -> dict[str, Any]:
    """What confirming with the form's values (the duty as suggested when None) would create, or why it
    cannot be confirmed; a bound form also gets the error next to its field."""
    from django.utils import timezone

    from anze.duties.scheduling import confirmation_preview

    if form is not None and not form.is_valid():
        return {"preview": None, "problem": _("请先改正表单中标出的错误。")}
    try:
        values, rule_values = services.check_confirmation(duty, form.changes() if form else {})
        preview = confirmation_preview(duty, values, rule_values, today=timezone.localdate())
    except DutyError as exc:
        if form is not None:
            form.add_error(CONFIRM_ERROR_FIELDS.get(exc.code), exc.message_zh)
        return {"preview": None, "problem": exc.message_zh}
    except RuleError as exc:
        return {"preview": None, "problem": exc.message_zh}
    return {"preview": preview, "problem": "", "rrule": rule_values.get("rrule", "")}


@declare("change")
@login_required
def duty_confirm(request: HttpRequest, public_id: str) -> HttpResponse:
    """确认职责 — the office checks the parser's suggestion, picks its schedule, sees what it will create,
    and confirms it."""
    duty = _confirm_duty_object(request, public_id)
    if request.method == "POST":
        form = DutyConfirmForm(request.POST, duty=duty)
        if form.is_valid():
            try:
                services.confirm_duty(
                    duty, actor=request.user, expected_version=form.cleaned_data["version"], **form.changes()
                )
            except DutyError as exc:
                form.add_error(CONFIRM_ERROR_FIELDS.get(exc.code), exc.message_zh)
            else:
                messages.success(request, _("职责已确认，将按规则生成办理事项。"))
                return redirect(duty.get_absolute_url())
        preview = _confirmation_preview(duty, DutyConfirmForm(request.POST, duty=duty))
        status = 400
    else:
        form = DutyConfirmForm(duty=duty)
        preview = _confirmation_preview(duty, None)
        status = 200
    from anze.duties.forecast import forecast

    coming = forecast(duty, list(duty.rules.all()))
    return render(
        request,
        "duties/duty_confirm.html",
        {"duty": duty, "form": form, "forecast": coming, **preview},
        status=status,
    )


@declare("change")
@login_required
@require_POST
def duty_confirm_preview(request: HttpRequest, public_id: str) -> HttpResponse:
    """The htmx preview beside the confirm form: the next due dates and how many items will be created."""
    duty = _confirm_duty_object(request, public_id)
    form = DutyConfirmForm(request.POST, duty=duty)
    context = _confirmation_preview(duty, form)
    return render(request, "duties/_confirm_preview.html", {"duty": duty, "form": form, **context})


@declare("change")
@login_required
@require_POST
def duty_suggest(request: HttpRequest, public_id: str) -> HttpResponse:
    """生成建议职责 — drafts from a plan version's suggestions and deadlines (existing ones are kept)."""
    from anze.plans.models import PlanVersion

    version = get_restricted_or_404(
        PlanVersion.objects.select_related("plan__region"), request.user, "change", public_id=public_id
    )
    created = suggest_duties(version, actor=request.user)
    messages.success(request, _("已生成 %(n)s 条待确认的职责。") % {"n": len(created)})
    return redirect("duties:duty_list")


@declare("change")
@login_required
@require_POST
def coverage_visit(request: HttpRequest, public_id: str) -> HttpResponse:
    """登记覆盖记录 — a member of the cycle was covered on a date."""
    visit = get_restricted_or_404(
        CoverageVisit.objects.select_related("cycle__duty"), request.user, "view", public_id=public_id
    )
    form = CoverageVisitForm(request.POST)
    if form.is_valid():
        try:
            services.record_coverage_visit(
                visit,
                actor=request.user,
                visited_on=form.cleaned_data["visited_on"],
                note=form.cleaned_data["note"],
            )
        except DutyError as exc:
            messages.error(request, exc.message_zh)
        else:
            messages.success(request, _("已登记。"))
    else:
        messages.error(request, _("请填写有效的日期。"))
    return redirect(visit.cycle.duty.get_absolute_url())
