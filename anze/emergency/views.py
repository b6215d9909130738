"""Pages of emergency capacity: the overview, rescue teams (phone-friendly for team members) and agreements."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count, F, Prefetch, Q
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
from anze.emergency import services, standards
from anze.emergency.choices import TeamKind, TeamStatus
from anze.emergency.errors import EmergencyError
from anze.emergency.filtersets import TeamFilterSet
from anze.emergency.forms import (
    AgreementForm,
    CertificateForm,
    DateForm,
    EquipmentForm,
    InspectionForm,
    MemberForm,
    ReadinessForm,
    TeamForm,
)
from anze.emergency.models import (
    Incident,
    MemberCertificate,
    RescueAgreement,
    RescueTeam,
    TeamMember,
)
from anze.emergency.stats import overview_cards
from anze.emergency.tables import TeamTable
from anze.emergency.views_common import (
    form_errors,
    may,
    may_open_overview,
    regions_for,
    run,
    units_for,
    visible_ids,
    visible_occurrences,
)
from anze.enterprises.models import Enterprise, EnterpriseRecordsAccess


@declare("view")
@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """应急能力总览: the headline numbers, each a link to the list it counts."""
    user = request.user
    if not may_open_overview(user):
        raise Http404
    return render(request, "emergency/overview.html", {"cards": overview_cards(user)})


def _current_members():
    today = timezone.localdate()
    return Q(members__left_on__isnull=True) | Q(members__left_on__gt=today)


class TeamListView(LoginRequiredMixin, SingleTableMixin, FilterView):
    """救援队伍 — every kind, with readiness; on a phone the table scrolls sideways."""

    permission_action = "view"
    table_class = TeamTable
    filterset_class = TeamFilterSet
    template_name = "emergency/team_list.html"
    table_pagination = {"per_page": 25}

    def get_queryset(self):
        return (
            RescueTeam.objects.restrict(self.request.user, "view")
            .select_related("region")
            .annotate(member_count=Count("members", filter=_current_members()))
            .order_by("region__path", "name")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["may_add"] = may(self.request.user, RescueTeam, "add")
        return context


@declare("add")
@login_required
def team_create(request: HttpRequest) -> HttpResponse:
    """登记救援队伍."""
    user = request.user
    if not may(user, RescueTeam, "add"):
        raise Http404
    form = TeamForm(request.POST if request.method == "POST" else None)
    form.fields["region"].queryset = regions_for(user)
    form.fields["owner_unit"].queryset = units_for(user)
    form.fields["enterprise"].queryset = EnterpriseRecordsAccess.objects.restrict(user, "add").order_by(
        "name"
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            team = services.register_team(
                actor=user, **{k: v for k, v in data.items() if v not in (None, "")}
            )
        except EmergencyError as exc:
            form.add_error(None, exc.message_zh)
        else:
            messages.success(request, _("已登记救援队伍。"))
            return redirect(team)
    return render(request, "emergency/form_page.html", {"form": form, "heading": _("登记救援队伍"),
                                                        "back": reverse("emergency:team_list")})  # fmt: skip


@declare("view")
@login_required
def team_detail(request: HttpRequest, public_id) -> HttpResponse:
    """One team: readiness first (what a member checks on a phone), members and certificates, equipment,
    its standard's gaps, agreements and where it was sent."""
    user = request.user
    team = get_restricted_or_404(
        RescueTeam.objects.select_related("region", "owner_unit", "enterprise"),
        user,
        "view",
        public_id=public_id,
    )
    today = timezone.localdate()
    may_change = RescueTeam.objects.restrict(user, "change").filter(pk=team.pk).exists()
    members = list(
        team.members.filter(Q(left_on__isnull=True) | Q(left_on__gt=today))
        .prefetch_related(
            Prefetch("certificates", queryset=MemberCertificate.objects.order_by("-expires_on"))
        )
        .order_by("name")
    )
    soon = today + dt.timedelta(days=60)
    for member in members:
        member.certs = list(member.certificates.all())
        for cert in member.certs:
            cert.state = (
                "danger" if cert.expires_on < today else "warning" if cert.expires_on <= soon else "success"
            )
    equipment = list(team.equipment.order_by("code", "name"))
    for item in equipment:
        item.overdue = bool(item.next_inspection_on and item.next_inspection_on < today)
    standard = standards.standards().get(team.station_level)
    context: dict[str, Any] = {
        "team": team,
        "members": members,
        "equipment": equipment,
        "standard": standard,
        "assessment": team.assessments.select_related("occurrence").first(),
        "visible_occurrences": visible_occurrences(user, team.assessments.values("occurrence_id")),
        "agreements": RescueAgreement.objects.restrict(user, "view")
        .filter(team=team)
        .select_related("enterprise", "arrangement"),
        "deployments": team.deployments.select_related("incident").order_by("-sent_at")[:10],
        "visible_incidents": visible_ids(user, Incident, team.deployments.values("incident_id")),
        "may_change": may_change and team.status == TeamStatus.ACTIVE,
        "today": today,
    }
    if context["may_change"]:
        codes = [(i.code, i.name) for i in standard.items if i.kind == "equipment"] if standard else []
        certificate_form = CertificateForm()
        certificate_form.fields["member"].queryset = team.members.filter(left_on__isnull=True).order_by(
            "name"
        )
        inspection_form = InspectionForm(initial={"inspected_on": today})
        inspection_form.fields["equipment"].queryset = team.equipment.order_by("name")
        context.update(
            readiness_form=ReadinessForm(initial={"readiness": team.readiness, "note": team.readiness_note}),
            member_form=MemberForm(),
            certificate_form=certificate_form,
            equipment_form=EquipmentForm(codes=codes),
            inspection_form=inspection_form,
            date_form=DateForm(initial={"on": today}),
            disband_form=DateForm(initial={"on": today}, prefix="disband"),
        )
    return render(request, "emergency/team_detail.html", context)


@declare("change")
@login_required
@require_POST
def team_action(request: HttpRequest, public_id, action: str) -> HttpResponse:
    """The team's forms: readiness, member, certificate, equipment, inspection, assessment, disbanding."""
    user = request.user
    team = get_restricted_or_404(
        RescueTeam.objects.select_related("region"), user, "change", public_id=public_id
    )
    back = team.get_absolute_url()
    post = request.POST
    if action == "readiness":
        form = ReadinessForm(post)
        if not form.is_valid():
            form_errors(request, form)
            return redirect(back)
        return run(request, back, lambda: services.set_readiness(
            actor=user, team=team, readiness=form.cleaned_data["readiness"], note=form.cleaned_data["note"]
        ), _("已更新战备状态。"))  # fmt: skip
    if action == "member":
        form = MemberForm(post)
        if not form.is_valid():
            form_errors(request, form)
            return redirect(back)
        return run(request, back, lambda: services.add_member(actor=user, team=team, **form.cleaned_data),
                   _("已登记队员。"))  # fmt: skip
    if action == "certificate":
        form = CertificateForm(post)
        form.fields["member"].queryset = TeamMember.objects.filter(team=team)
        if not form.is_valid():
            form_errors(request, form)
            return redirect(back)
        return run(request, back, lambda: services.add_certificate(actor=user, **form.cleaned_data),
                   _("已登记证书。"))  # fmt: skip
    if action == "equipment":
        standard = standards.standards().get(team.station_level)
        codes = [(i.code, i.name) for i in standard.items if i.kind == "equipment"] if standard else []
        form = EquipmentForm(post, codes=codes)
        if not form.is_valid():
            form_errors(request, form)
            return redirect(back)
        return run(request, back, lambda: services.add_equipment(actor=user, team=team, **form.cleaned_data),
                   _("已登记装备。"))  # fmt: skip
    if action == "inspection":
        form = InspectionForm(post)
        form.fields["equipment"].queryset = team.equipment.all()
        if not form.is_valid():
            form_errors(request, form)
            return redirect(back)
        return run(request, back, lambda: services.record_inspection(actor=user, **form.cleaned_data),
                   _("已登记检验。"))  # fmt: skip
    if action in ("assess", "disband"):
        form = DateForm(post, prefix="disband" if action == "disband" else None)
        if not form.is_valid():
            form_errors(request, form)
            return redirect(back)
        on = form.cleaned_data["on"]
        if action == "assess":
            return run(request, back, lambda: services.assess_station(actor=user, team=team, assessed_on=on),
                       _("已完成达标评估。"))  # fmt: skip
        return run(request, back, lambda: services.disband_team(
            actor=user, team=team, disbanded_on=on, reason=form.cleaned_data["reason"]
        ), _("已撤销队伍，其救援协议同日终止。"))  # fmt: skip
    raise Http404


@declare("view")
@login_required
def agreement_list(request: HttpRequest) -> HttpResponse:
    """救援协议: who covers which enterprise until when; those ending soon first."""
    user = request.user
    if not may(user, RescueAgreement, "view"):
        raise Http404
    today = timezone.localdate()
    agreements = (
        RescueAgreement.objects.restrict(user, "view")
        .select_related("enterprise", "team", "arrangement")
        .order_by(F("arrangement__valid_until").asc(nulls_last=True), "enterprise__name")
    )
    state = request.GET.get("state", "")
    if state == "current":
        agreements = agreements.filter(
            Q(arrangement__valid_until__isnull=True) | Q(arrangement__valid_until__gte=today),
            arrangement__valid_from__lte=today,
        )
    elif state == "ended":
        agreements = agreements.filter(arrangement__valid_until__lt=today)
    elif state:
        from anze.core.params import BadQueryParameter

        raise BadQueryParameter("state", _("current 或 ended"))
    from anze.core.params import paginate_table
    from anze.emergency.tables import AgreementTable

    table = AgreementTable(
        agreements,
        viewable_teams=visible_ids(user, RescueTeam, agreements.values("team_id")),
        viewable_enterprises=visible_ids(user, Enterprise, agreements.values("enterprise_id")),
    )
    paginate_table(table, request, per_page=25)
    return render(request, "emergency/agreement_list.html", {
        "table": table, "today": today, "may_add": may(user, RescueAgreement, "add"), "state": state,
    })  # fmt: skip


@declare("add")
@login_required
def agreement_create(request: HttpRequest) -> HttpResponse:
    """签订救援协议 (the enterprise or the office records it; it goes into the enterprise's file)."""
    user = request.user
    if not may(user, RescueAgreement, "add"):
        raise Http404
    form = AgreementForm(request.POST if request.method == "POST" else None,
                         initial={"signed_on": timezone.localdate(), "valid_from": timezone.localdate()})  # fmt: skip
    form.fields["enterprise"].queryset = EnterpriseRecordsAccess.objects.restrict(user, "add").order_by(
        "name"
    )
    form.fields["team"].queryset = (
        RescueTeam.objects.filter(status=TeamStatus.ACTIVE).exclude(kind=TeamKind.ENTERPRISE).order_by("name")
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        enterprise = Enterprise.objects.get(pk=data.pop("enterprise").pk)
        try:
            services.sign_agreement(actor=user, enterprise=enterprise, **data)
        except EmergencyError as exc:
            form.add_error(None, exc.message_zh)
        else:
            messages.success(request, _("已登记救援协议，企业的应急救援记录已同步。"))
            return redirect("emergency:agreement_list")
    return render(request, "emergency/form_page.html", {"form": form, "heading": _("签订救援协议"),
                                                        "back": reverse("emergency:agreement_list")})  # fmt: skip


@declare("change")
@login_required
@require_POST
def agreement_end(request: HttpRequest, public_id) -> HttpResponse:
    """协议终止."""
    user = request.user
    agreement = get_restricted_or_404(
        RescueAgreement.objects.select_related("arrangement"), user, "change", public_id=public_id
    )
    form = DateForm(request.POST)
    back = reverse("emergency:agreement_list")
    if not form.is_valid():
        form_errors(request, form)
        return redirect(back)
    return run(request, back, lambda: services.end_agreement(
        actor=user, agreement=agreement, ended_on=form.cleaned_data["on"], reason=form.cleaned_data["reason"]
    ), _("协议已终止。"))  # fmt: skip
