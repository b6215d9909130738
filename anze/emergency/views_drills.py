"""Pages of government plans and drills: each plan's two-year cycle, drills with their evaluation reports, and
the work items (duties) they answer."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from anze.core.permissions import declare
from anze.core.restrict import get_restricted_or_404
from anze.duties.evidence import EvidenceError, read_uploads
from anze.emergency import services
from anze.emergency.errors import EmergencyError
from anze.emergency.filtersets import DrillFilterSet
from anze.emergency.forms import DrillPlanForm, DrillRecordForm, PlanForm
from anze.emergency.models import GovernmentDrill, GovernmentPlan
from anze.emergency.tables import DrillTable
from anze.emergency.views_common import may, units_for, visible_occurrences


class DrillListView(LoginRequiredMixin, SingleTableMixin, FilterView):
    """政府预案与演练: the plans with the date their next drill is due, then the drills."""

    permission_action = "view"
    table_class = DrillTable
    filterset_class = DrillFilterSet
    template_name = "emergency/drill_list.html"
    table_pagination = {"per_page": 25}

    def get_queryset(self):
        return (
            GovernmentDrill.objects.restrict(self.request.user, "view")
            .select_related("unit")
            .order_by("-planned_on", "-id")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["plans"] = (
            GovernmentPlan.objects.restrict(user, "view")
            .filter(is_current=True)
            .select_related("unit", "occurrence")
            .order_by("occurrence__due_on", "title")[:200]
        )
        context["visible_occurrences"] = visible_occurrences(
            user, [p.occurrence_id for p in context["plans"]]
        )
        context["today"] = timezone.localdate()
        context["may_add"] = may(user, GovernmentDrill, "add")
        return context


def _plan_form(request: HttpRequest, data=None) -> PlanForm:
    form = PlanForm(data, initial={"published_on": timezone.localdate()})
    form.fields["unit"].queryset = units_for(request.user)
    return form


@declare("add")
@login_required
def plan_create(request: HttpRequest) -> HttpResponse:
    """登记政府应急预案."""
    user = request.user
    if not may(user, GovernmentPlan, "add"):
        raise Http404
    form = _plan_form(request, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.register_plan(actor=user, **form.cleaned_data)
        except EmergencyError as exc:
            form.add_error(None, exc.message_zh)
        else:
            messages.success(request, _("已登记预案，并生成本周期演练事项。"))
            return redirect("emergency:drill_list")
    return render(request, "emergency/form_page.html", {"form": form, "heading": _("登记政府应急预案"),
                                                        "back": reverse("emergency:drill_list")})  # fmt: skip


@declare("add")
@login_required
def drill_create(request: HttpRequest) -> HttpResponse:
    """制定演练计划."""
    user = request.user
    if not may(user, GovernmentDrill, "add"):
        raise Http404
    form = DrillPlanForm(request.POST if request.method == "POST" else None,
                         initial={"planned_on": timezone.localdate()})  # fmt: skip
    form.fields["unit"].queryset = units_for(user)
    form.fields["plan"].queryset = GovernmentPlan.objects.restrict(user, "view").filter(is_current=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            drill = services.plan_drill(actor=user, **data)
        except EmergencyError as exc:
            form.add_error(None, exc.message_zh)
        else:
            messages.success(request, _("已制定演练计划。"))
            return redirect(drill)
    return render(request, "emergency/form_page.html", {"form": form, "heading": _("制定演练计划"),
                                                        "back": reverse("emergency:drill_list")})  # fmt: skip


@declare("view")
@login_required
def drill_detail(request: HttpRequest, public_id) -> HttpResponse:
    """One drill: its plan, its work item, and (while planned) the form to record it with its evaluation."""
    user = request.user
    drill = get_restricted_or_404(
        GovernmentDrill.objects.select_related("unit", "plan", "occurrence__duty"),
        user,
        "view",
        public_id=public_id,
    )
    may_change = GovernmentDrill.objects.restrict(user, "change").filter(pk=drill.pk).exists()
    form = None
    if may_change and drill.status_choice.can_record():
        form = DrillRecordForm(initial={"held_on": timezone.localdate()})
    visible = visible_occurrences(user, [drill.occurrence_id])
    return render(
        request, "emergency/drill_detail.html", {"drill": drill, "form": form, "visible_occurrences": visible}
    )


@declare("change")
@login_required
@require_POST
def drill_record(request: HttpRequest, public_id) -> HttpResponse:
    """登记演练举行 (with files: reported to its work item as evidence)."""
    user = request.user
    drill = get_restricted_or_404(GovernmentDrill.objects.all(), user, "change", public_id=public_id)
    form = DrillRecordForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            files = read_uploads(request.FILES.getlist("files"))
            services.record_drill(actor=user, drill=drill, held_on=data["held_on"], participants=data["participants"],
                                  evaluation=data["evaluation"], files=files)  # fmt: skip
        except (EmergencyError, EvidenceError) as exc:
            form.add_error(None, exc.message_zh)
        else:
            messages.success(request, _("已登记演练。"))
            return redirect(drill)
    visible = visible_occurrences(user, [drill.occurrence_id])
    return render(
        request, "emergency/drill_detail.html", {"drill": drill, "form": form, "visible_occurrences": visible}
    )
