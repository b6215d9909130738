"""Pages of 双重预防: the risk points and their four colours, the hidden-danger ledger, its loop and statistics."""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from anze.core.params import code_param, int_param, uuid_param
from anze.core.permissions import declare
from anze.core.restrict import get_restricted_or_404, scope_q
from anze.enterprises.models import Enterprise, Industry
from anze.org.models import Region
from anze.prevention import errors, services, stats
from anze.prevention.choices import OPEN_STATUSES, HiddenDangerGrade, HiddenDangerStatus, RiskLevel
from anze.prevention.forms import (
    HiddenDangerFilterForm,
    HiddenDangerForm,
    NoteForm,
    PhotoForm,
    PlanForm,
    RiskPointForm,
)
from anze.prevention.images import PhotoError, probe_photo, read_photo
from anze.prevention.models import (
    HiddenDanger,
    HiddenDangerPhoto,
    HiddenDangerTally,
    RectificationPlan,
    RiskPoint,
)

PAGE_SIZE = 50
COUNT_CAP = 10_000


def capped_count(queryset) -> tuple[int, bool]:
    """Count up to COUNT_CAP rows (a LIMITed subquery), so a headline never scans millions of rows."""
    n = queryset.order_by()[: COUNT_CAP + 1].count()
    return min(n, COUNT_CAP), n > COUNT_CAP


def _shown(count: tuple[int, bool]) -> str:
    return f"{count[0]}+" if count[1] else str(count[0])


def _enterprise_choices(user: Any):
    return Enterprise.objects.restrict(user, "view").order_by("name")


def _may(user: Any, model, action: str) -> bool:
    return scope_q(model, user, action) is not None


# -- risk points ----------------------------------------------------------------------------------------------


@declare("view")
@login_required
def risk_point_list(request: HttpRequest) -> HttpResponse:
    """风险点 — four-colour headline, distribution per county and industry, then the list."""
    points = RiskPoint.objects.restrict(request.user, "view")
    enterprise = None
    enterprise_id = uuid_param(request, "enterprise")
    if enterprise_id:
        enterprise = get_restricted_or_404(Enterprise.objects, request.user, "view", public_id=enterprise_id)
        points = points.filter(enterprise=enterprise)
    level = int_param(request, "level", minimum=min(RiskLevel), maximum=max(RiskLevel))
    totals = dict.fromkeys((int(lv) for lv in RiskLevel), 0)
    for row in points.order_by().values("level").annotate(n=Count("id")):
        if row["level"]:
            totals[row["level"]] = row["n"]
    base = reverse("prevention:risk_point_list")
    suffix = f"&enterprise={enterprise.public_id}" if enterprise else ""
    cards = [
        {
            "label": lv.label,
            "value": totals[int(lv)],
            "url": f"{base}?level={int(lv)}{suffix}",
            "tone": f"risk-{lv.css_class.rsplit('-', 1)[-1]}",
        }
        for lv in RiskLevel
    ]
    charts: dict[str, dict] = {}
    if enterprise:
        charts["chart-risk-enterprise"] = stats.pie_option(f"{enterprise.name} 风险分布", totals)
    else:
        by_county = stats.risk_distribution(points, "enterprise__county_id")
        names = dict(Region.objects.filter(pk__in=by_county).values_list("pk", "name"))
        charts["chart-risk-county"] = stats.stacked_bar_option(_("各县区风险分布"), names, by_county)
        by_industry = stats.risk_distribution(points, "enterprise__industry_id")
        names = dict(Industry.objects.filter(pk__in=by_industry).values_list("pk", "name"))
        charts["chart-risk-industry"] = stats.stacked_bar_option(_("各行业风险分布"), names, by_industry)
    rows = points
    if level:
        rows = rows.filter(level=level)
    rows = list(rows.select_related("enterprise").order_by("level", "enterprise__name", "id")[:200])
    return render(
        request,
        "prevention/risk_point_list.html",
        {
            "cards": cards,
            "charts": charts,
            "points": rows,
            "enterprise": enterprise,
            "may_add": _may(request.user, RiskPoint, "add"),
        },
    )


@declare("view")
@login_required
def risk_point_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    point = get_restricted_or_404(
        RiskPoint.objects.select_related("enterprise", "band_table"),
        request.user,
        "view",
        public_id=public_id,
    )
    return render(request, "prevention/risk_point_detail.html", {"point": point})


@declare("add")
@login_required
def risk_point_create(request: HttpRequest) -> HttpResponse:
    """登记风险点 and grade it."""
    if not _may(request.user, RiskPoint, "add"):
        raise Http404
    form = RiskPointForm(request.POST or None, enterprises=_enterprise_choices(request.user))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        enterprise = data.pop("enterprise")
        try:
            point = services.create_risk_point(actor=request.user, enterprise=enterprise, **data)
        except (ValidationError, ValueError) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("风险点已登记，等级：%s") % (point.get_level_display() or _("不定级"))
            )
            return redirect(point.get_absolute_url())
    return render(
        request,
        "prevention/form_page.html",
        {"form": form, "heading": _("登记风险点"), "back": reverse("prevention:risk_point_list")},
    )


# -- hidden dangers -------------------------------------------------------------------------------------------


def hidden_dangers_for(user: Any):
    return HiddenDanger.objects.restrict(user, "view")


@declare("view")
@login_required
def hidden_danger_list(request: HttpRequest) -> HttpResponse:
    """隐患台账 — headline numbers (capped counts), then newest first with keyset paging (?after=<id>)."""
    today = timezone.localdate()
    rows = hidden_dangers_for(request.user)
    filters = HiddenDangerFilterForm(request.GET or None)
    if filters.is_valid():
        data = filters.cleaned_data
        for name in ("status", "grade", "source"):
            if data.get(name):
                rows = rows.filter(**{name: data[name]})
        if data.get("open"):
            rows = rows.filter(status__in=OPEN_STATUSES)
        if data.get("overdue"):
            rows = rows.filter(status__in=OPEN_STATUSES, deadline__lt=today)
    enterprise_id = uuid_param(request, "enterprise")
    if enterprise_id:
        enterprise = get_restricted_or_404(Enterprise.objects, request.user, "view", public_id=enterprise_id)
        rows = rows.filter(enterprise=enterprise)
    county = code_param(request, "county", digits=6)
    if county:
        rows = rows.filter(county__code=county)
    base = reverse("prevention:hidden_danger_list")
    scoped = hidden_dangers_for(request.user)
    cards = [
        {
            "label": _("未销号"),
            "value": _shown(capped_count(scoped.filter(status__in=OPEN_STATUSES))),
            "url": base + "?open=on",
        },
        {
            "label": _("逾期未改"),
            "value": _shown(capped_count(scoped.filter(status__in=OPEN_STATUSES, deadline__lt=today))),
            "url": base + "?overdue=on",
            "tone": "danger",
        },
        {
            "label": _("重大隐患（未销号）"),
            "value": _shown(
                capped_count(scoped.filter(status__in=OPEN_STATUSES, grade=HiddenDangerGrade.MAJOR))
            ),
            "url": base + "?grade=major&open=on",
        },
        {
            "label": _("待验收"),
            "value": _shown(capped_count(scoped.filter(status=HiddenDangerStatus.AWAITING_ACCEPTANCE))),
            "url": base + "?status=awaiting_acceptance",
        },
    ]
    after = int_param(request, "after")
    page_rows = rows.order_by("-id")
    if after is not None:
        page_rows = page_rows.filter(id__lt=after)
    page = list(page_rows.select_related("enterprise", "county")[: PAGE_SIZE + 1])
    has_next = len(page) > PAGE_SIZE
    page = page[:PAGE_SIZE]
    query = request.GET.copy()
    query.pop("after", None)
    next_url = None
    if has_next:
        query["after"] = str(page[-1].id)
        next_url = f"{base}?{query.urlencode()}"
    total = capped_count(rows)
    return render(
        request,
        "prevention/hidden_danger_list.html",
        {
            "cards": cards,
            "rows": page,
            "next_url": next_url,
            "filters": filters,
            "total": _shown(total),
            "first_url": base + ("?" + query.urlencode() if query else "") if after else None,
            "today": today,
            "may_add": _may(request.user, HiddenDanger, "add"),
        },
    )


@declare("add")
@login_required
def hidden_danger_create(request: HttpRequest) -> HttpResponse:
    """登记隐患 (found and registered at once)."""
    if not _may(request.user, HiddenDanger, "add"):
        raise Http404
    form = HiddenDangerForm(
        request.POST or None, request.FILES or None, enterprises=_enterprise_choices(request.user)
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        photo = data.pop("photos", None)
        enterprise = data.pop("enterprise")
        try:
            content = read_photo(photo) if photo else None
            if content:
                probe_photo(content)  # a bad photo is refused before the hidden danger is registered
            hd = services.report_hidden_danger(
                actor=request.user, enterprise=enterprise, register=True, **data
            )
            if content:
                services.add_photo(actor=request.user, hd=hd, stage="found", data=content)
        except PhotoError as exc:
            form.add_error("photos", exc.message_zh)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("隐患已登记。"))
            return redirect(hd.get_absolute_url())
    return render(
        request,
        "prevention/form_page.html",
        {
            "form": form,
            "heading": _("登记隐患"),
            "multipart": True,
            "back": reverse("prevention:hidden_danger_list"),
        },
    )


@declare("view")
@login_required
@require_safe
def hidden_danger_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    hd = get_restricted_or_404(
        HiddenDanger.objects.select_related("enterprise", "county", "supervising_unit"),
        request.user,
        "view",
        public_id=public_id,
    )
    may_change = HiddenDanger.objects.restrict(request.user, "change").filter(pk=hd.pk).exists()
    plan = RectificationPlan.objects.filter(hidden_danger=hd).first()
    status = hd.status_choice
    return render(
        request,
        "prevention/hidden_danger_detail.html",
        {
            "hd": hd,
            "plan": plan,
            "photos": hd.photos.all(),
            "may_change": may_change,
            # Accepting, returning and closing a 重大 one is the supervising department's review.
            "may_review": may_change and (not hd.is_major or services.may_review_major(request.user, hd)),
            "status": status,
            "plan_form": PlanForm(instance=plan) if may_change and hd.is_major and status.is_open else None,
            "photo_form": PhotoForm() if may_change and status.is_open else None,
            "note_form": NoteForm(),
            "today": timezone.localdate(),
        },
    )


_ACTIONS = {
    "register": lambda hd, user, note: services.register_hidden_danger(actor=user, hd=hd),
    "start": lambda hd, user, note: services.start_rectification(actor=user, hd=hd),
    "submit": lambda hd, user, note: services.submit_rectification(actor=user, hd=hd, note=note),
    "accept": lambda hd, user, note: services.accept_rectification(actor=user, hd=hd, note=note),
    "reject": lambda hd, user, note: services.reject_rectification(actor=user, hd=hd, note=note),
    "close": lambda hd, user, note: services.close_hidden_danger(actor=user, hd=hd),
}


@declare("change")
@login_required
@require_POST
def hidden_danger_action(request: HttpRequest, public_id: str, action: str) -> HttpResponse:
    """One step of the loop; a refused one shows its message and changes nothing."""
    hd = get_restricted_or_404(HiddenDanger.objects, request.user, "change", public_id=public_id)
    step = _ACTIONS.get(action)
    if step is None:
        raise Http404
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        step(hd, request.user, note)
    except errors.PreventionError as exc:
        messages.error(request, exc.message_zh)
    else:
        messages.success(request, _("已办理。"))
    return redirect(hd.get_absolute_url())


@declare("change")
@login_required
@require_POST
def hidden_danger_plan(request: HttpRequest, public_id: str) -> HttpResponse:
    hd = get_restricted_or_404(HiddenDanger.objects, request.user, "change", public_id=public_id)
    form = PlanForm(request.POST)
    if form.is_valid():
        try:
            services.save_rectification_plan(actor=request.user, hd=hd, **form.cleaned_data)
            messages.success(request, _("治理方案已保存。"))
        except errors.PreventionError as exc:
            messages.error(request, exc.message_zh)
    else:
        messages.error(request, _("治理方案六项内容均须填写。"))
    return redirect(hd.get_absolute_url())


@declare("change")
@login_required
@require_POST
def hidden_danger_photo(request: HttpRequest, public_id: str) -> HttpResponse:
    hd = get_restricted_or_404(HiddenDanger.objects, request.user, "change", public_id=public_id)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_photo(
                actor=request.user,
                hd=hd,
                stage=form.cleaned_data["stage"],
                data=read_photo(form.cleaned_data["photo"]),
            )
            messages.success(request, _("照片已上传。"))
        except PhotoError as exc:
            messages.error(request, exc.message_zh)
    else:
        messages.error(request, _("请选择照片。"))
    return redirect(hd.get_absolute_url())


@declare("view")
@login_required
def photo_download(request: HttpRequest, public_id: str) -> HttpResponse:
    photo = get_restricted_or_404(HiddenDangerPhoto.objects, request.user, "view", public_id=public_id)
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


@declare("view")
@login_required
def hidden_danger_stats(request: HttpRequest) -> HttpResponse:
    """隐患统计 — a year by quarter and county, and the enterprises with most open ones (set-based)."""
    today = timezone.localdate()
    year = int_param(request, "year", today.year, minimum=2000, maximum=2100)
    rows = hidden_dangers_for(request.user)
    tally = HiddenDangerTally.objects.restrict(request.user, "view")
    as_of = HiddenDangerTally.objects.order_by().values_list("as_of", flat=True).first()
    if (
        as_of is not None
    ):  # the summary a job rebuilds nightly (millions of rows); live only when there is none
        figures = stats.tally_year(tally, year)
        top = stats.tally_top_enterprises(tally, year)
    else:
        figures = stats.hidden_danger_year(rows, year, today)
        top = stats.top_enterprises(rows, year, today)
    county_names = dict(Region.objects.filter(pk__in=figures["counties"]).values_list("pk", "name"))
    county_codes = dict(Region.objects.filter(pk__in=figures["counties"]).values_list("pk", "code"))
    counties = sorted(
        (
            {
                "name": county_names.get(pk, "—"),
                "code": county_codes.get(pk, ""),
                **f,
                "rate": stats.closure_rate(f),
            }
            for pk, f in figures["counties"].items()
        ),
        key=lambda r: r["name"],
    )
    names = {e.pk: e for e in Enterprise.objects.filter(pk__in=[r["enterprise_id"] for r in top])}
    for row in top:
        row["enterprise"] = names.get(row["enterprise_id"])
    quarters = [
        {"quarter": q, **figures["quarters"][q], "rate": stats.closure_rate(figures["quarters"][q])}
        for q in (1, 2, 3, 4)
    ]
    base = reverse("prevention:hidden_danger_list")
    t = figures["totals"]
    cards = [
        {"label": _("发现隐患"), "value": t["total"], "url": base},
        {"label": _("重大隐患"), "value": t["major"], "url": base + "?grade=major"},
        {"label": _("已销号"), "value": t["closed"], "url": base + "?status=closed"},
        {"label": _("逾期未改"), "value": t["overdue"], "url": base + "?overdue=on", "tone": "danger"},
        {"label": _("销号率"), "value": stats.closure_rate(t), "url": base},
    ]
    charts = {
        "chart-hd-quarters": stats.quarter_bar_option(
            _("%(year)s 年各季度隐患") % {"year": year}, figures["quarters"]
        )
    }
    return render(
        request,
        "prevention/hidden_danger_stats.html",
        {
            "year": year,
            "years": list(range(today.year, today.year - 6, -1)),
            "cards": cards,
            "quarters": quarters,
            "counties": counties,
            "top": top,
            "charts": charts,
            "as_of": as_of,
            "may_refresh": _may(request.user, HiddenDanger, "delete"),
        },
    )


@declare("change")
@login_required
@require_POST
def hidden_danger_stats_refresh(request: HttpRequest) -> HttpResponse:
    """刷新统计 (the office; the nightly job does the same)."""
    if not _may(request.user, HiddenDanger, "delete"):
        raise Http404
    services.refresh_statistics(actor=request.user, today=timezone.localdate())
    messages.success(request, _("统计已刷新。"))
    return redirect("prevention:hidden_danger_stats")
