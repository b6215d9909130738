"""Pages of inspections and penalties: the inspector's day on a phone, an inspection's checklist and findings,
penalty decisions with their .docx, and the public disclosure with search and filters."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anze.core import registry
from anze.core.params import BadQueryParameter, int_param
from anze.core.permissions import PUBLIC, declare
from anze.core.replica import reads_from_replica
from anze.core.restrict import get_restricted_or_404, scope_q
from anze.enforcement import disclosure_search, errors, forms, listing, services
from anze.enforcement.choices import InspectionStatus, PenaltyType
from anze.enforcement.filtersets import InspectionFilterSet
from anze.enforcement.models import Finding, Inspection, InspectionPhoto, Listing, Penalty
from anze.org.choices import RegionLevel
from anze.org.models import Region


@declare("view")
@login_required
def inspection_today(request: HttpRequest) -> HttpResponse:
    """今日检查 — the signed-in inspector's open inspections due by today, then those of the coming week."""
    today = timezone.localdate()
    mine = (
        Inspection.objects.restrict(request.user, "view")
        .filter(inspectors__user=request.user, status=InspectionStatus.PLANNED)
        .select_related("enterprise")
        .order_by("scheduled_on", "id")
    )
    return render(
        request,
        "enforcement/inspection_today.html",
        {
            "due": mine.filter(scheduled_on__lte=today),
            "coming": mine.filter(scheduled_on__gt=today, scheduled_on__lte=today + dt.timedelta(days=7)),
            "today": today,
        },
    )


@declare("view")
@login_required
def inspection_list(request: HttpRequest) -> HttpResponse:
    """执法检查 in scope, newest first."""
    rows = Inspection.objects.restrict(request.user, "view").select_related("enterprise", "department")
    filtered = InspectionFilterSet(request.GET, queryset=rows, request=request)
    status = filtered.form.cleaned_data.get("status") if filtered.is_valid() else None
    page = Paginator(filtered.qs.order_by("-scheduled_on", "-id"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "enforcement/inspection_list.html",
        {"page": page, "status": status, "export_url": _export_url("enforcement:inspection_export", request)},
    )


def _export_url(name: str, request: HttpRequest) -> str:
    """The export of exactly what the list shows: its filters, without the page number."""
    return reverse(name) + "?" + _without_page(request.GET)


@declare("view")
@login_required
def inspection_export(request: HttpRequest) -> HttpResponse:
    """执法检查 .xlsx: the rows of the list with its filters, within the user's scope."""
    from anze.enforcement.exports import INSPECTION_HEADER, inspection_rows, xlsx_response

    rows = InspectionFilterSet(
        request.GET, queryset=Inspection.objects.restrict(request.user, "view"), request=request
    ).qs
    return xlsx_response("执法检查", "inspections.xlsx", INSPECTION_HEADER, inspection_rows(rows))


@declare("view")
@login_required
def inspection_detail(request: HttpRequest, public_id) -> HttpResponse:
    """One inspection: the checklist, the findings, completion, and the penalties decided on it."""
    inspection = get_restricted_or_404(
        Inspection.objects.select_related("enterprise", "department", "plan"),
        request.user,
        "view",
        public_id=public_id,
    )
    may_change = Inspection.objects.restrict(request.user, "change").filter(pk=inspection.pk).exists()
    status = inspection.status_choice
    checks = list(inspection.checks.all())
    context: dict[str, Any] = {
        "inspection": inspection,
        "status": status,
        "checks": checks,
        "findings": inspection.findings.select_related("hidden_danger"),
        "penalties": inspection.penalties.all(),
        "inspectors": inspection.inspectors.order_by("certificate"),
        "may_change": may_change,
        "today": timezone.localdate(),
    }
    if may_change and status.can_record():
        context["check_form"] = forms.ChecklistForm(checks=checks)
        context["finding_form"] = forms.FindingForm()
        context["complete_form"] = forms.CompleteInspectionForm(
            initial={"inspected_on": timezone.localdate()}
        )
    if may_change:
        context["rectified_form"] = forms.DateForm(initial={"on": timezone.localdate()})
    if may_change and status.can_record():
        context["photo_form"] = forms.InspectionPhotoForm(findings=context["findings"])
    context["photos"] = inspection.photos.select_related("finding")
    context["flags"] = registry.badges_for_enterprises(request.user, [inspection.enterprise_id]).get(
        inspection.enterprise_id, []
    )
    return render(request, "enforcement/inspection_detail.html", context)


@declare("change")
@login_required
@require_POST
def inspection_photos(request: HttpRequest, public_id) -> HttpResponse:
    """检查照片, uploaded from the inspection's page (a phone's camera)."""
    inspection = get_restricted_or_404(Inspection.objects, request.user, "change", public_id=public_id)
    form = forms.InspectionPhotoForm(request.POST, request.FILES, findings=inspection.findings.all())
    if not form.is_valid():
        messages.error(request, "；".join(" ".join(v) for v in form.errors.values()))
        return redirect(inspection)
    try:
        rows = services.add_inspection_photos(
            actor=request.user,
            inspection=inspection,
            photos=form.cleaned_data["photos"],
            finding=form.cleaned_data["finding"],
            caption=form.cleaned_data["caption"],
        )
        messages.success(request, _("已上传 %(n)s 张照片。") % {"n": len(rows)})
    except errors.EnforcementError as exc:
        messages.error(request, exc.message_zh)
    return redirect(inspection)


@declare("view")
@login_required
def inspection_photo(request: HttpRequest, public_id) -> HttpResponse:
    """One inspection photo, as a download to those who may see the inspection (never served directly)."""
    photo = get_restricted_or_404(InspectionPhoto.objects, request.user, "view", public_id=public_id)
    try:
        with default_storage.open(photo.file.name, "rb") as handle:
            content = handle.read()
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        io.BytesIO(content), as_attachment=True, filename=f"{photo.sm3[:12]}.jpg", content_type="image/jpeg"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@declare("change")
@login_required
@require_POST
def inspection_action(request: HttpRequest, public_id, action: str) -> HttpResponse:
    """Checklist results, a finding, or completion, posted from the inspection's page."""
    inspection = get_restricted_or_404(Inspection.objects, request.user, "change", public_id=public_id)
    user = request.user
    try:
        if action == "checks":
            checks = list(inspection.checks.all())
            form = forms.ChecklistForm(request.POST, checks=checks)
            if not form.is_valid():
                raise errors.EnforcementError("请为每一项选择检查结果。", "invalid_form")
            for check in checks:
                result = form.cleaned_data[f"result_{check.pk}"]
                note = form.cleaned_data[f"note_{check.pk}"]
                if result != check.result or note != check.note:
                    services.record_check(actor=user, check=check, result=result, note=note)
            messages.success(request, _("已保存检查记录。"))
        elif action == "finding":
            form = forms.FindingForm(request.POST)
            if not form.is_valid():
                raise errors.EnforcementError(
                    "；".join(" ".join(v) for v in form.errors.values()), "invalid_form"
                )
            services.add_finding(actor=user, inspection=inspection, **form.cleaned_data)
            messages.success(request, _("已登记发现的问题。"))
        elif action == "complete":
            form = forms.CompleteInspectionForm(request.POST)
            if not form.is_valid():
                raise errors.EnforcementError("请填写检查日期和检查情况。", "invalid_form")
            services.complete_inspection(actor=user, inspection=inspection, **form.cleaned_data)
            messages.success(request, _("检查已完成。"))
        else:
            raise Http404
    except errors.EnforcementError as exc:
        messages.error(request, exc.message_zh)
    return redirect(inspection)


@declare("change")
@login_required
@require_POST
def finding_rectified(request: HttpRequest, public_id) -> HttpResponse:
    """复查: a violation ordered rectified is done."""
    finding = get_restricted_or_404(
        Finding.objects.select_related("inspection"), request.user, "change", public_id=public_id
    )
    form = forms.DateForm(request.POST)
    try:
        if not form.is_valid():
            raise errors.EnforcementError("请填写整改完成日期。", "invalid_form")
        services.confirm_rectified(actor=request.user, finding=finding, rectified_on=form.cleaned_data["on"])
        messages.success(request, _("已复查。"))
    except errors.EnforcementError as exc:
        messages.error(request, exc.message_zh)
    return redirect(finding.inspection)


@declare("view")
@login_required
def penalty_list(request: HttpRequest) -> HttpResponse:
    """行政处罚决定 in scope: the unpublished ones past their 7 working days first."""
    today = timezone.localdate()
    rows = Penalty.objects.restrict(request.user, "view").select_related("county")
    late = rows.filter(published_on__isnull=True, disclosure_due__lt=today)
    page = Paginator(rows.order_by("-decided_on", "-id"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "enforcement/penalty_list.html",
        {
            "page": page,
            "late_count": late.count(),
            "late": late.order_by("disclosure_due")[:20],
            "may_add": scope_q(Penalty, request.user, "add") is not None,
            "today": today,
            "export_url": reverse("enforcement:penalty_export"),
        },
    )


@declare("add")
@login_required
def penalty_create(request: HttpRequest) -> HttpResponse:
    """行政处罚决定 form (optionally from an inspection)."""
    if scope_q(Penalty, request.user, "add") is None:
        raise Http404
    inspection = None
    wanted = request.POST.get("inspection") or request.GET.get("inspection")
    if wanted:
        try:
            inspection_id = uuid.UUID(str(wanted).strip())
        except ValueError:
            raise BadQueryParameter("inspection", _("记录编号（UUID）")) from None
        inspection = get_restricted_or_404(
            Inspection.objects.select_related("enterprise", "department"),
            request.user,
            "change",
            public_id=inspection_id,
        )
    from anze.enterprises.models import Enterprise
    from anze.org.models import Unit

    form = forms.PenaltyForm(
        request.POST or None,
        enterprises=Enterprise.objects.restrict(request.user, "view").order_by("name"),
        departments=Unit.objects.restrict(request.user, "view").order_by("name"),
        counties=Region.objects.filter(level=RegionLevel.COUNTY).order_by("code"),
        initial={
            "enterprise": getattr(inspection, "enterprise", None),
            "department": getattr(inspection, "department", None),
            "party_name": getattr(getattr(inspection, "enterprise", None), "name", ""),
            "decided_on": timezone.localdate(),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            penalty = services.decide_penalty(actor=request.user, inspection=inspection, **form.cleaned_data)
        except errors.EnforcementError as exc:
            form.add_error(None, exc.message_zh)
        else:
            messages.success(
                request, _("已登记处罚决定，须在 %(day)s 前公开。") % {"day": penalty.disclosure_due}
            )
            return redirect(penalty)
    return render(
        request,
        "enforcement/form_page.html",
        {
            "form": form,
            "heading": _("行政处罚决定"),
            "back": reverse("enforcement:penalty_list"),
            "hidden": {"inspection": getattr(inspection, "public_id", "")},
        },
    )


@declare("view")
@login_required
def penalty_detail(request: HttpRequest, public_id) -> HttpResponse:
    penalty = get_restricted_or_404(
        Penalty.objects.select_related("department", "county", "enterprise", "inspection"),
        request.user,
        "view",
        public_id=public_id,
    )
    may_change = Penalty.objects.restrict(request.user, "change").filter(pk=penalty.pk).exists()
    return render(
        request,
        "enforcement/penalty_detail.html",
        {
            "grounds": [
                Penalty._meta.get_field(rule).verbose_name
                for rule in listing.PENALTY_RULES
                if getattr(penalty, rule)
            ],
            "penalty": penalty,
            "may_change": may_change,
            "publish_form": forms.DateForm(initial={"on": timezone.localdate()})
            if may_change and not penalty.published_on
            else None,
            "late_now": penalty.published_on is None and penalty.disclosure_due < timezone.localdate(),
            "persons": penalty.responsible_persons.all(),
            "listings": Listing.objects.restrict(request.user, "view").filter(
                fact_key=f"penalty:{penalty.pk}", enterprise_id=penalty.enterprise_id
            ),
            "person_form": forms.ResponsiblePersonForm(initial={"found_on": penalty.decided_on})
            if may_change and penalty.agency_misconduct and penalty.enterprise_id
            else None,
            "catch_all_form": forms.CatchAllListingForm()
            if may_change
            and penalty.enterprise_id
            and not any(getattr(penalty, rule) for rule in listing.PENALTY_RULES)
            else None,
        },
    )


@declare("change")
@login_required
@require_POST
def penalty_publish(request: HttpRequest, public_id) -> HttpResponse:
    penalty = get_restricted_or_404(Penalty.objects, request.user, "change", public_id=public_id)
    form = forms.DateForm(request.POST)
    try:
        if not form.is_valid():
            raise errors.EnforcementError("请填写公开日期。", "invalid_form")
        penalty = services.publish_penalty(
            actor=request.user, penalty=penalty, published_on=form.cleaned_data["on"]
        )
        messages.success(request, _("已公开。"))
    except errors.EnforcementError as exc:
        messages.error(request, exc.message_zh)
    return redirect(penalty)


@declare("change")
@login_required
@require_POST
def penalty_responsible(request: HttpRequest, public_id) -> HttpResponse:
    """An agency's directly responsible staff named in the decision (the listing rules then propose them)."""
    penalty = get_restricted_or_404(Penalty.objects, request.user, "change", public_id=public_id)
    form = forms.ResponsiblePersonForm(request.POST)
    try:
        if not form.is_valid():
            raise errors.EnforcementError("请填写姓名、职务或责任、认定日期和依据。", "invalid_form")
        services.name_responsible_person(actor=request.user, penalty=penalty, **form.cleaned_data)
        messages.success(request, _("已认定责任人员。"))
    except errors.EnforcementError as exc:
        messages.error(request, exc.message_zh)
    return redirect(penalty)


@declare("change")
@login_required
@require_POST
def penalty_propose_listing(request: HttpRequest, public_id) -> HttpResponse:
    """The catch-all listing case, proposed by the department on this decision with reasons and basis."""
    penalty = get_restricted_or_404(Penalty.objects, request.user, "change", public_id=public_id)
    form = forms.CatchAllListingForm(request.POST)
    try:
        if not form.is_valid():
            raise errors.EnforcementError("请写明理由和列入依据。", "invalid_form")
        row = services.propose_catch_all_listing(actor=request.user, penalty=penalty, **form.cleaned_data)
    except errors.EnforcementError as exc:
        messages.error(request, exc.message_zh)
        return redirect(penalty)
    messages.success(request, _("已提出列入，请告知当事人。"))
    return redirect(row)


@declare("view")
@login_required
def penalty_docx(request: HttpRequest, public_id) -> HttpResponse:
    """行政处罚决定书 (.docx), built from the decision."""
    from anze.enforcement.documents import DOCX_TYPE, penalty_decision_docx

    penalty = get_restricted_or_404(
        Penalty.objects.select_related("department"), request.user, "view", public_id=public_id
    )
    response = HttpResponse(penalty_decision_docx(penalty), content_type=DOCX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="penalty-{penalty.public_id}.docx"'
    return response


# -- public disclosure -------------------------------------------------------------------------------------------


def _without_page(params) -> str:
    copy = params.copy()
    copy.pop("page", None)
    return copy.urlencode()


@declare(PUBLIC)
def public_penalty_list(request: HttpRequest) -> HttpResponse:
    """行政处罚公示 — search and filters; natural persons masked; late publications marked."""
    number = int_param(request, "page", 1, minimum=1, maximum=disclosure_search.MAX_PAGE)
    found = disclosure_search.search(request.GET, number)
    return render(
        request,
        "enforcement/public_penalty_list.html",
        {
            "rows": found.rows,
            "has_next": found.has_next,
            "page": number,
            "params": request.GET,
            "counties": Region.objects.filter(level=RegionLevel.COUNTY).order_by("code"),
            "types": PenaltyType.choices,
            "query": _without_page(request.GET),
        },
    )


@declare("view")
@login_required
@reads_from_replica
def penalty_export(request: HttpRequest) -> HttpResponse:
    """行政处罚决定 .xlsx within the user's scope (a natural person's identity number is never exported)."""
    from anze.enforcement.exports import PENALTY_HEADER, XLSX_TYPE, penalty_rows, rows_to_xlsx

    rows = Penalty.objects.restrict(request.user, "view")
    response = HttpResponse(
        rows_to_xlsx("行政处罚决定", PENALTY_HEADER, penalty_rows(rows)), content_type=XLSX_TYPE
    )
    response["Content-Disposition"] = 'attachment; filename="penalties.xlsx"'
    return response
