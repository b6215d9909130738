"""Pages of the blacklist: the department's listings with their procedure, and the public list."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anze.core.permissions import PUBLIC, declare
from anze.core.restrict import get_restricted_or_404
from anze.enforcement import errors, forms, services
from anze.enforcement.choices import JOINT_PUNISHMENTS, ListingStatus
from anze.enforcement.filtersets import ListingFilterSet
from anze.enforcement.models import Listing


@declare("view")
@login_required
def listing_list(request: HttpRequest) -> HttpResponse:
    """严重失信主体名单 in scope: proposals waiting, then the listed ones."""
    rows = Listing.objects.restrict(request.user, "view").select_related("enterprise")
    filtered = ListingFilterSet(request.GET, queryset=rows)
    status = filtered.form.cleaned_data.get("status") if filtered.is_valid() else None
    page = Paginator(filtered.qs.order_by("status", "-fact_on", "-id"), 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "enforcement/listing_list.html",
        {
            "page": page,
            "status": status,
            "statuses": ListingStatus.choices,
            "export_url": reverse("enforcement:listing_export") + "?" + params.urlencode(),
        },
    )


@declare("view")
@login_required
def listing_export(request: HttpRequest) -> HttpResponse:
    """严重失信主体名单 .xlsx: the rows of the department's list with its filters, within the user's scope."""
    from anze.enforcement.exports import LISTING_HEADER, listing_rows, xlsx_response

    rows = ListingFilterSet(request.GET, queryset=Listing.objects.restrict(request.user, "view")).qs
    return xlsx_response("严重失信主体名单", "listings.xlsx", LISTING_HEADER, listing_rows(rows))


@declare("view")
@login_required
def listing_detail(request: HttpRequest, public_id) -> HttpResponse:
    row = get_restricted_or_404(
        Listing.objects.select_related("enterprise", "department", "responsible_person"),
        request.user,
        "view",
        public_id=public_id,
    )
    may_change = Listing.objects.restrict(request.user, "change").filter(pk=row.pk).exists()
    from anze.org.models import Unit

    status = row.status_choice
    context: dict[str, Any] = {
        "listing": row,
        "status": status,
        "may_change": may_change,
        "punishments": JOINT_PUNISHMENTS,
    }
    if may_change:
        today = timezone.localdate()
        if status.can_notify():
            context["notify_form"] = forms.ListingNoticeForm(
                departments=Unit.objects.restrict(request.user, "view").order_by("name"),
                initial={"on": today},
            )
        if status.can_decide():
            context["decide_form"] = forms.ListingDecisionForm(initial={"on": today})
        if status.can_repair() or status.can_restore():
            context["reason_form"] = forms.ReasonForm(initial={"on": today})
    return render(request, "enforcement/listing_detail.html", context)


@declare("change")
@login_required
@require_POST
def listing_action(request: HttpRequest, public_id, action: str) -> HttpResponse:
    row = get_restricted_or_404(Listing.objects, request.user, "change", public_id=public_id)
    user = request.user
    from anze.org.models import Unit

    try:
        if action == "notify":
            form = forms.ListingNoticeForm(request.POST, departments=Unit.objects.restrict(user, "view"))
            if not form.is_valid():
                raise errors.EnforcementError("请选择决定部门并填写告知日期。", "invalid_form")
            services.notify_listing(
                actor=user,
                listing_row=row,
                department=form.cleaned_data["department"],
                noticed_on=form.cleaned_data["on"],
                objection_days=form.cleaned_data["objection_days"],
            )
        elif action == "decide":
            form = forms.ListingDecisionForm(request.POST)
            if not form.is_valid():
                raise errors.EnforcementError("请填写决定日期。", "invalid_form")
            services.decide_listing(
                actor=user,
                listing_row=row,
                decided_on=form.cleaned_data["on"],
                list_it=form.cleaned_data["list_it"],
                decision_number=form.cleaned_data["decision_number"],
                objection=form.cleaned_data["objection"],
            )
        elif action in ("repair", "restore"):
            form = forms.ReasonForm(request.POST)
            if not form.is_valid():
                raise errors.EnforcementError("请填写日期和理由。", "invalid_form")
            if action == "repair":
                services.repair_listing(
                    actor=user,
                    listing_row=row,
                    repaired_on=form.cleaned_data["on"],
                    reason=form.cleaned_data["reason"],
                )
            else:
                services.restore_listing(actor=user, listing_row=row, reason=form.cleaned_data["reason"])
        else:
            raise Http404
    except errors.EnforcementError as exc:
        messages.error(request, exc.message_zh)
    else:
        messages.success(request, _("已保存。"))
    return redirect(row)


@declare(PUBLIC)
def public_listing_list(request: HttpRequest) -> HttpResponse:
    """严重失信主体名单 (public): only listings in force; removed ones are no longer published."""
    rows = (
        Listing.objects.filter(status=ListingStatus.LISTED)
        .select_related("enterprise", "department")
        .order_by("-listed_on", "-id")
    )
    q = (request.GET.get("q") or "").replace("\x00", "").strip()[:50]  # no database stores a NUL
    if q:
        rows = rows.filter(enterprise__name__icontains=q) | rows.filter(enterprise__credit_code__startswith=q)
    return render(
        request,
        "enforcement/public_listing_list.html",
        {"rows": rows[:200], "q": q, "punishments": JOINT_PUNISHMENTS},
    )
