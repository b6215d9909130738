"""Pages of enforcement: accidents with their grade, tracked deadlines, follow-ups and investigation."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count, Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from anze.core.permissions import declare
from anze.core.replica import reads_from_replica
from anze.core.restrict import get_restricted_or_404, scope_q
from anze.enforcement import errors, forms, services
from anze.enforcement.choices import AccidentGrade, ReportLevel, StepKind
from anze.enforcement.filtersets import AccidentFilterSet
from anze.enforcement.models import Accident, AccidentStep
from anze.enforcement.tables import AccidentTable
from anze.enterprises.models import Enterprise
from anze.org.choices import RegionLevel
from anze.org.models import Region, Unit


def _may(user: Any, model, action: str) -> bool:
    return scope_q(model, user, action) is not None


def accident_cards(accidents, *, year: int) -> list[dict[str, Any]]:
    """Headline numbers for a year: accidents by grade and those with an overdue step, each a link."""
    base = reverse("enforcement:accident_list")
    rows = accidents.filter(occurred_at__year=year)
    by_grade = dict(rows.order_by().values_list("grade").annotate(n=Count("id")))
    late = AccidentStep.objects.filter(
        accident=OuterRef("pk"), done_at__isnull=True, due_at__lt=timezone.now()
    )
    cards = [{"label": _("事故起数"), "value": sum(by_grade.values()), "url": f"{base}?year={year}"}]
    cards += [
        {
            "label": grade.label,
            "value": by_grade.get(grade.value, 0),
            "url": f"{base}?year={year}&grade={grade.value}",
        }
        for grade in AccidentGrade
    ]
    cards.append(
        {
            "label": _("有逾期节点"),
            "value": accidents.filter(Exists(late)).count(),
            "url": f"{base}?state=overdue",
            "tone": "danger",
        }
    )
    return cards


class AccidentListView(LoginRequiredMixin, SingleTableMixin, FilterView):
    """生产安全事故 — headline numbers of the year, then the list behind them."""

    permission_action = "view"
    table_class = AccidentTable
    filterset_class = AccidentFilterSet
    template_name = "enforcement/accident_list.html"
    # The table pages itself (a page past the last shows the last one; junk shows the first).
    table_pagination = {"per_page": 25}

    def get_queryset(self):
        return (
            Accident.objects.restrict(self.request.user, "view")
            .select_related("county")
            .order_by("-occurred_at")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        year = timezone.localdate().year
        context["cards"] = accident_cards(Accident.objects.restrict(self.request.user, "view"), year=year)
        context["may_add"] = _may(self.request.user, Accident, "add")
        context["export_url"] = reverse("enforcement:accident_export") + "?" + self.request.GET.urlencode()
        return context


def _accident_form(request: HttpRequest, data=None) -> forms.AccidentForm:
    counties = Region.objects.filter(level=RegionLevel.COUNTY, is_active=True)
    if not request.user.is_superuser:
        paths = [a.region.path for a in request.user.active_assignments() if a.region_id]
        from django.db.models import Q

        q = Q(pk__in=[])
        for path in paths:
            q |= Q(path__startswith=path)
        counties = counties.filter(q)
    enterprises = Enterprise.objects.restrict(request.user, "view").order_by("name")
    return forms.AccidentForm(data, enterprises=enterprises, counties=counties.order_by("code"))


@declare("add")
@login_required
def accident_create(request: HttpRequest) -> HttpResponse:
    """事故报告 form."""
    if not _may(request.user, Accident, "add"):
        raise Http404
    form = _accident_form(request, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            accident = services.report_accident(
                actor=request.user,
                title=data["title"],
                occurred_at=data["occurred_at"],
                received_at=data["received_at"],
                place=data["place"],
                accident_type=data["accident_type"],
                enterprise=data["enterprise"],
                unit_name=data["unit_name"],
                county=data["county"],
                deaths=data["deaths"],
                missing=data["missing"],
                serious_injuries=data["serious_injuries"],
                direct_loss=data["direct_loss"],
                description=data["description"],
                measures=data["measures"],
            )
        except errors.EnforcementError as exc:
            form.add_error(None, exc.message_zh)
        else:
            messages.success(
                request, _("已登记事故，等级：%(grade)s。") % {"grade": accident.get_grade_display()}
            )
            return redirect(accident)
    return render(
        request,
        "enforcement/form_page.html",
        {"form": form, "heading": _("事故报告"), "back": reverse("enforcement:accident_list")},
    )


@declare("view")
@login_required
def accident_detail(request: HttpRequest, public_id) -> HttpResponse:
    """One accident: its numbers and grade, the deadlines (done, open, overdue), follow-ups and facts."""
    accident = get_restricted_or_404(
        Accident.objects.select_related("county", "enterprise", "lead_unit"),
        request.user,
        "view",
        public_id=public_id,
    )
    may_change = Accident.objects.restrict(request.user, "change").filter(pk=accident.pk).exists()
    now = timezone.now()
    steps = list(accident.steps.select_related("occurrence").order_by("due_at", "id"))
    for step in steps:
        step.late = step.is_late(now)
    status = accident.status_choice
    pending_levels = [s.level for s in steps if s.kind == StepKind.REPORT and s.done_at is None]
    context = {
        "accident": accident,
        "status": status,
        "steps": steps,
        "follow_ups": accident.follow_ups.order_by("reported_at"),
        "misreports": accident.misreports.all(),
        "persons": accident.responsible_persons.all(),
        "may_change": may_change,
    }
    if may_change:
        if pending_levels:
            context["reach_form"] = forms.ReachLevelForm(
                initial={"level": pending_levels[0], "reached_at": now}
            )
            context["reach_form"].fields["level"].choices = [
                (lv, ReportLevel(lv).label) for lv in pending_levels
            ]
        if status.can_follow_up():
            context["follow_up_form"] = forms.FollowUpForm(
                initial={
                    "reported_at": now,
                    "deaths": accident.deaths,
                    "missing": accident.missing,
                    "serious_injuries": accident.serious_injuries,
                    "direct_loss": accident.direct_loss,
                }
            )
        if status.can_open_investigation():
            context["investigation_form"] = forms.InvestigationForm(
                units=Unit.objects.restrict(request.user, "view").order_by("name"),
                initial={"opened_on": timezone.localdate()},
            )
        if status.can_extend_investigation() and not accident.investigation_extension_days:
            context["extension_form"] = forms.ExtensionForm()
        if status.can_submit_investigation() or status.can_reply() or status.can_close():
            context["date_form"] = forms.DateForm(initial={"on": timezone.localdate()})
        context["evaluation_form"] = forms.EvaluationForm(initial={"on": timezone.localdate()})
        context["misreport_form"] = forms.MisreportForm(initial={"found_on": timezone.localdate()})
        if status.can_name_responsible() and accident.enterprise_id:
            context["person_form"] = forms.ResponsiblePersonForm(
                initial={"found_on": accident.investigation_submitted_on, "basis": _("事故调查报告")}
            )
    return render(request, "enforcement/accident_detail.html", context)


def _run(request: HttpRequest, accident: Accident, action: str) -> None:
    """Parse the posted form of one action and call its service; a bad form or a refusal raises."""
    user = request.user
    if action == "reach":
        form = forms.ReachLevelForm(request.POST)
        if form.is_valid():
            services.reach_level(actor=user, accident=accident, **form.cleaned_data)
            return
    elif action == "follow-up":
        form = forms.FollowUpForm(request.POST)
        if form.is_valid():
            services.add_follow_up(actor=user, accident=accident, **form.cleaned_data)
            return
    elif action == "investigate":
        form = forms.InvestigationForm(request.POST, units=Unit.objects.restrict(user, "view"))
        if form.is_valid():
            services.open_investigation(actor=user, accident=accident, **form.cleaned_data)
            return
    elif action == "extend":
        form = forms.ExtensionForm(request.POST)
        if form.is_valid():
            services.extend_investigation(actor=user, accident=accident, **form.cleaned_data)
            return
    elif action in ("submit", "reply", "close"):
        form = forms.DateForm(request.POST)
        if form.is_valid():
            day = form.cleaned_data["on"]
            if action == "submit":
                services.submit_investigation(actor=user, accident=accident, submitted_on=day)
            elif action == "reply":
                services.record_reply(actor=user, accident=accident, replied_on=day)
            else:
                services.close_accident(actor=user, accident=accident, closed_on=day)
            return
    elif action == "misreport":
        form = forms.MisreportForm(request.POST)
        if form.is_valid():
            services.record_misreport(actor=user, accident=accident, **form.cleaned_data)
            return
    elif action == "responsible":
        form = forms.ResponsiblePersonForm(request.POST)
        if form.is_valid():
            services.name_responsible_person(actor=user, accident=accident, **form.cleaned_data)
            return
    else:
        raise Http404
    raise errors.EnforcementError(
        "；".join(
            f"{form.fields[k].label if k in form.fields else ''}{' '.join(v)}" for k, v in form.errors.items()
        ),
        "invalid_form",
    )


ACTION_MESSAGES = {
    "reach": gettext_lazy("已登记接报时间。"),
    "follow-up": gettext_lazy("已登记补报。"),
    "investigate": gettext_lazy("已成立调查组。"),
    "extend": gettext_lazy("已延长调查期限。"),
    "submit": gettext_lazy("已登记调查报告。"),
    "reply": gettext_lazy("已登记批复。"),
    "close": gettext_lazy("已结案。"),
    "misreport": gettext_lazy("已登记认定事实。"),
    "responsible": gettext_lazy("已认定责任人员。"),
}


@declare("change")
@login_required
@require_POST
def accident_action(request: HttpRequest, public_id, action: str) -> HttpResponse:
    """One step of an accident's handling, posted from its page."""
    accident = get_restricted_or_404(Accident.objects, request.user, "change", public_id=public_id)
    try:
        _run(request, accident, action)
    except errors.EnforcementError as exc:
        messages.error(request, exc.message_zh)
    else:
        messages.success(request, ACTION_MESSAGES[action])
    return redirect(accident)


@declare("change")
@login_required
@require_POST
def step_complete(request: HttpRequest, public_id) -> HttpResponse:
    """An evaluation step done, with its conclusion."""
    step = get_restricted_or_404(
        AccidentStep.objects.select_related("accident"), request.user, "change", public_id=public_id
    )
    form = forms.EvaluationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写完成日期和评估结论。"))
    else:
        try:
            services.complete_evaluation(
                actor=request.user, step=step, done_on=form.cleaned_data["on"], note=form.cleaned_data["note"]
            )
        except errors.EnforcementError as exc:
            messages.error(request, exc.message_zh)
        else:
            messages.success(request, _("评估已完成。"))
    return redirect(step.accident)


@declare("view")
@login_required
@reads_from_replica
def accident_export(request: HttpRequest) -> HttpResponse:
    """生产安全事故 .xlsx: the rows of the list with its filters, within the user's scope."""
    from anze.enforcement.exports import ACCIDENT_HEADER, XLSX_TYPE, accident_rows, rows_to_xlsx

    rows = AccidentFilterSet(request.GET, queryset=Accident.objects.restrict(request.user, "view")).qs
    response = HttpResponse(
        rows_to_xlsx("生产安全事故", ACCIDENT_HEADER, accident_rows(rows)), content_type=XLSX_TYPE
    )
    response["Content-Disposition"] = 'attachment; filename="accidents.xlsx"'
    return response
