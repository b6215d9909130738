"""Pages that change a major hazard: 登记 (with its GB 18218 grading), 备案 and 重新评估. Each goes through its
service, which checks who may and writes the audit event; these only parse input and render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from anze.core.permissions import declare
from anze.core.restrict import get_restricted_or_404
from anze.monitoring import services
from anze.monitoring.errors import MonitoringError
from anze.monitoring.forms import FilingForm, HazardForm, ReassessForm, SubstanceFormSet, substances_of
from anze.monitoring.models import MajorHazard


def _kept_enterprises(user: Any) -> Any:
    from anze.enterprises.models import EnterpriseRecordsAccess

    return EnterpriseRecordsAccess.objects.restrict(user, "add").order_by("name")


def _substances_or_error(formset: Any) -> list:
    rows = substances_of(formset)
    if not rows:
        raise MonitoringError("no_substance", _("请至少填写一种危险化学品及其设计最大量。"))
    return rows


@require_http_methods(["GET", "POST"])
@declare("add")
@login_required
def hazard_create(request: HttpRequest) -> HttpResponse:
    """登记重大危险源: the unit, its substances and 包保责任人; graded on saving."""
    enterprises = _kept_enterprises(request.user)
    form = HazardForm(request.POST or None, enterprises=enterprises)
    substances = SubstanceFormSet(request.POST or None, prefix="substances")
    if request.method == "POST" and form.is_valid() and substances.is_valid():
        data = dict(form.cleaned_data)
        enterprise = data.pop("enterprise")
        try:
            hazard = services.register_major_hazard(
                actor=request.user, enterprise=enterprise, substances=_substances_or_error(substances), **data
            )
        except MonitoringError as exc:
            messages.error(request, exc.message)
        else:
            if hazard.is_major:
                messages.success(
                    request,
                    _("已登记，构成%(level)s重大危险源。请在安全评估报告完成后15日内备案。")
                    % {"level": hazard.get_level_display()},
                )
            else:
                messages.info(request, _("已登记。S < 1，该单元不构成重大危险源。"))
            return redirect(hazard.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "monitoring/hazard_form.html",
        {"form": form, "substances": substances, "no_enterprise": not enterprises.exists()},
        status=status,
    )


@require_POST
@declare("change")
@login_required
def hazard_file(request: HttpRequest, public_id) -> HttpResponse:
    """备案 the unit's current evaluation."""
    hazard = get_restricted_or_404(MajorHazard.objects, request.user, "change", public_id=public_id)
    form = FilingForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}：{'；'.join(errors)}")
        return redirect(hazard.get_absolute_url())
    try:
        services.file_major_hazard(
            hazard,
            actor=request.user,
            filed_on=form.cleaned_data["filed_on"],
            authority=form.cleaned_data["authority"],
        )
    except MonitoringError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已登记备案。"))
    return redirect(hazard.get_absolute_url())


@require_http_methods(["GET", "POST"])
@declare("change")
@login_required
def hazard_reassess(request: HttpRequest, public_id) -> HttpResponse:
    """重新评估: new quantities and exposure; graded again and owed a new filing."""
    hazard = get_restricted_or_404(
        MajorHazard.objects.select_related("enterprise"), request.user, "change", public_id=public_id
    )
    current = [
        {"name": s.name, "hazard_class": s.hazard_class, "quantity_t": s.quantity_t}
        for s in hazard.substances.order_by("name", "pk")
    ]
    form = ReassessForm(request.POST or None, initial={"people_exposed": hazard.people_exposed})
    substances = SubstanceFormSet(request.POST or None, prefix="substances", initial=current)
    if request.method == "POST" and form.is_valid() and substances.is_valid():
        try:
            services.reassess_major_hazard(
                hazard,
                actor=request.user,
                assessed_on=form.cleaned_data["assessed_on"],
                people_exposed=form.cleaned_data["people_exposed"],
                substances=_substances_or_error(substances),
            )
        except MonitoringError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已登记重新评估，请在15日内备案。"))
            return redirect(hazard.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "monitoring/hazard_reassess.html",
        {"hazard": hazard, "form": form, "substances": substances},
        status=status,
    )
