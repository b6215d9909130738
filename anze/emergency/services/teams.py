"""Rescue teams: registration, readiness, members and certificates, equipment, station assessments against
their standard (gaps become work items of the owning unit), rescue agreements with enterprises."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from anze.audit.services import record, snapshot
from anze.emergency import standards
from anze.emergency.choices import DutyPurpose, EquipmentCondition, Readiness, TeamKind, TeamStatus
from anze.emergency.errors import EmergencyError, NotAllowedError, TransitionError
from anze.emergency.models import (
    MemberCertificate,
    RescueAgreement,
    RescueTeam,
    StationAssessment,
    TeamEquipment,
    TeamMember,
)
from anze.emergency.services._common import require
from anze.emergency.services.duty_link import raise_occurrence
from anze.emergency.services.supplies import _clean

TEAM_FIELDS = [
    "name", "kind", "station_level", "region", "owner_unit", "enterprise", "address", "latitude", "longitude",
    "phone", "specialties", "readiness", "status",
]  # fmt: skip


def _enterprise_records(call, *args: Any, **kwargs: Any):
    """Run an enterprises service; its refusal becomes ours (with the same meaning)."""
    try:
        return call(*args, **kwargs)
    except PermissionDenied:
        raise NotAllowedError(_("您无权修改该企业的应急救援记录。")) from None


@transaction.atomic
def register_team(*, actor: Any, **data: Any) -> RescueTeam:
    """登记救援队伍. An enterprise's own team is also recorded in the enterprise's file (自建救援队伍), which
    the enterprise rule on rescue reads."""
    from anze.enterprises.choices import RescueKind
    from anze.enterprises.models import RescueArrangement
    from anze.enterprises.services import add_record

    team = RescueTeam(**data)
    if team.kind != TeamKind.FIRE_STATION:
        team.station_level = ""
    _clean(team)
    require(actor, RescueTeam, "add")
    team.readiness_at = timezone.now()
    team.save()
    require(actor, RescueTeam, "add", team)
    if team.kind == TeamKind.ENTERPRISE:
        team.arrangement = _enterprise_records(
            add_record,
            RescueArrangement,
            actor=actor,
            enterprise=team.enterprise,
            kind=RescueKind.OWN_TEAM,
            name=team.name,
            valid_from=timezone.localdate(),
        )
        team.save(update_fields=["arrangement"])
    record("emergency.team.create", actor=actor, obj=team, after=snapshot(team, TEAM_FIELDS))
    return team


@transaction.atomic
def set_readiness(
    *, actor: Any, team: RescueTeam, readiness: str, note: str = "", now: dt.datetime | None = None
) -> RescueTeam:
    """战备状态: the team says whether it can go now."""
    require(actor, RescueTeam, "change", team)
    if team.status != TeamStatus.ACTIVE:
        raise TransitionError(_("已撤销的队伍不能更新战备状态。"))
    if readiness not in Readiness.values:
        raise EmergencyError(_("战备状态无效。"), "invalid_readiness")
    before = {"readiness": team.readiness, "note": team.readiness_note}
    team.readiness, team.readiness_note, team.readiness_at = readiness, note[:200], now or timezone.now()
    team.save(update_fields=["readiness", "readiness_note", "readiness_at", "updated_at"])
    record("emergency.team.readiness", actor=actor, obj=team, before=before,
           after={"readiness": readiness, "note": team.readiness_note})  # fmt: skip
    return team


@transaction.atomic
def add_member(*, actor: Any, team: RescueTeam, name: str, post: str = "", phone: str = "",
               joined_on: dt.date | None = None) -> TeamMember:  # fmt: skip
    """队员入队."""
    require(actor, RescueTeam, "change", team)
    member = TeamMember(team=team, name=name.strip(), post=post, phone=phone, joined_on=joined_on)
    _clean(member)
    member.save()
    record("emergency.member.create", actor=actor, obj=member, after=snapshot(member))
    return member


@transaction.atomic
def member_left(*, actor: Any, member: TeamMember, left_on: dt.date) -> TeamMember:
    """队员离队 (the member's records stay)."""
    require(actor, TeamMember, "change", member)
    if member.left_on:
        raise TransitionError(_("该队员已离队。"))
    member.left_on = left_on
    member.save(update_fields=["left_on", "updated_at"])
    record("emergency.member.leave", actor=actor, obj=member, after={"left_on": left_on})
    return member


@transaction.atomic
def add_certificate(*, actor: Any, member: TeamMember, name: str, expires_on: dt.date, number: str = "",
                    issued_on: dt.date | None = None) -> MemberCertificate:  # fmt: skip
    """队员证书 (a renewal is a new certificate; the expiry alert follows the newest)."""
    require(actor, TeamMember, "change", member)
    if issued_on and expires_on < issued_on:
        raise EmergencyError(_("有效期不能早于发证日期。"), "expires_before_issued")
    certificate = MemberCertificate(member=member, name=name, number=number, issued_on=issued_on,
                                    expires_on=expires_on)  # fmt: skip
    _clean(certificate)
    certificate.save()
    record("emergency.certificate.create", actor=actor, obj=certificate, after=snapshot(certificate))
    return certificate


@transaction.atomic
def add_equipment(*, actor: Any, team: RescueTeam, name: str, quantity: int = 1, code: str = "",
                  condition: str = EquipmentCondition.GOOD, last_inspected_on: dt.date | None = None,
                  next_inspection_on: dt.date | None = None) -> TeamEquipment:  # fmt: skip
    """装备登记."""
    require(actor, RescueTeam, "change", team)
    equipment = TeamEquipment(team=team, code=code, name=name, quantity=quantity, condition=condition,
                              last_inspected_on=last_inspected_on, next_inspection_on=next_inspection_on)  # fmt: skip
    _clean(equipment)
    equipment.save()
    record("emergency.equipment.create", actor=actor, obj=equipment, after=snapshot(equipment))
    return equipment


@transaction.atomic
def record_inspection(*, actor: Any, equipment: TeamEquipment, inspected_on: dt.date, condition: str,
                      next_inspection_on: dt.date | None = None) -> TeamEquipment:  # fmt: skip
    """装备检验: the date, the condition found and when the next inspection is due."""
    require(actor, TeamEquipment, "change", equipment)
    if inspected_on > timezone.localdate():
        raise EmergencyError(_("检验日期不能晚于今天。"), "inspection_in_future")
    if next_inspection_on and next_inspection_on < inspected_on:
        raise EmergencyError(_("下次检验日期不能早于本次检验日期。"), "next_before_inspection")
    before = snapshot(equipment, ["condition", "last_inspected_on", "next_inspection_on"])
    equipment.last_inspected_on, equipment.condition = inspected_on, condition
    equipment.next_inspection_on = next_inspection_on
    _clean(equipment)
    equipment.save(update_fields=["last_inspected_on", "condition", "next_inspection_on", "updated_at"])
    record("emergency.equipment.inspect", actor=actor, obj=equipment, before=before,
           after=snapshot(equipment, ["condition", "last_inspected_on", "next_inspection_on"]))  # fmt: skip
    return equipment


def station_counts(team: RescueTeam, on: dt.date) -> tuple[int, dict[str, int]]:
    """Members in the team on a day, and usable equipment (not scrapped, not awaiting repair) by code."""
    staff = (
        team.members.filter(Q(joined_on__isnull=True) | Q(joined_on__lte=on))
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=on))
        .count()
    )
    usable = (
        team.equipment.filter(condition=EquipmentCondition.GOOD)
        .exclude(code="")
        .order_by()
        .values("code")
        .annotate(n=Sum("quantity"))
    )
    return staff, {row["code"]: row["n"] for row in usable}


@transaction.atomic
def assess_station(*, actor: Any, team: RescueTeam, assessed_on: dt.date) -> StationAssessment:
    """达标评估: compare a fire and rescue station with its level's checklist; the gaps become a work item of
    the owning unit (the region's configured 消防站达标整改 duty)."""
    require(actor, RescueTeam, "change", team)
    standard = standards.standards().get(team.station_level)
    if standard is None:
        raise EmergencyError(_("该队伍没有对应的建设标准（仅消防救援站按等级评估）。"), "no_standard")
    staff, equipment = station_counts(team, assessed_on)
    found = standards.gaps(standard, staff=staff, equipment=equipment)
    occurrence = None
    if found:
        occurrence = raise_occurrence(
            region_path=team.region.path,
            purpose=DutyPurpose.STATION_GAP,
            unit=team.owner_unit,
            event_on=assessed_on,
            note=f"{team.name}：{standards.describe(found)}",
        )
    assessment = StationAssessment.objects.create(
        team=team, standard=standard.key, assessed_on=assessed_on, gaps=found, occurrence=occurrence
    )
    record(
        "emergency.station.assess",
        actor=actor,
        obj=team,
        after={
            "standard": standard.title,
            "gaps": found,
            "occurrence": occurrence.pk if occurrence else None,
        },
    )
    return assessment


@transaction.atomic
def sign_agreement(
    *,
    actor: Any,
    enterprise,
    team: RescueTeam,
    signed_on: dt.date,
    valid_from: dt.date,
    valid_until: dt.date | None,
    number: str = "",
) -> RescueAgreement:
    """救援协议: an enterprise without its own team signs with a team. The term is written into the
    enterprise's rescue record, so the enterprise rule `rescue` counts it (and stops counting it when it ends)."""
    from anze.enterprises.choices import RescueKind
    from anze.enterprises.models import RescueArrangement
    from anze.enterprises.services import add_record

    if team.status != TeamStatus.ACTIVE:
        raise EmergencyError(_("已撤销的队伍不能签订协议。"), "team_disbanded")
    if valid_until is not None and valid_until < valid_from:
        raise EmergencyError(_("协议截止日期不能早于生效日期。"), "until_before_from")
    arrangement = _enterprise_records(
        add_record,
        RescueArrangement,
        actor=actor,
        enterprise=enterprise,
        kind=RescueKind.AGREEMENT,
        name=team.name,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    agreement = RescueAgreement.objects.create(
        arrangement=arrangement, enterprise=enterprise, team=team, number=number, signed_on=signed_on
    )
    record(
        "emergency.agreement.sign",
        actor=actor,
        obj=agreement,
        after=snapshot(agreement) | {"valid_from": valid_from, "valid_until": valid_until},
    )
    return agreement


@transaction.atomic
def end_agreement(
    *, actor: Any, agreement: RescueAgreement, ended_on: dt.date, reason: str = ""
) -> RescueAgreement:
    """协议终止: the enterprise's rescue record ends on `ended_on`; without another, the enterprise is no
    longer covered and its rescue rule is unmet from the next day."""
    from anze.enterprises.services import update_record

    arrangement = agreement.arrangement
    if arrangement.valid_until is not None and arrangement.valid_until <= ended_on:
        raise TransitionError(_("该协议已于 %(d)s 终止。") % {"d": arrangement.valid_until})
    if ended_on < arrangement.valid_from:
        raise EmergencyError(_("终止日期不能早于协议生效日期。"), "end_before_start")
    _enterprise_records(update_record, arrangement, actor=actor, valid_until=ended_on)
    record(
        "emergency.agreement.end", actor=actor, obj=agreement, after={"ended_on": ended_on, "reason": reason}
    )
    return agreement


@transaction.atomic
def disband_team(*, actor: Any, team: RescueTeam, disbanded_on: dt.date, reason: str = "") -> RescueTeam:
    """撤销队伍: its agreements and its enterprise's own-team record end the same day (the enterprises that
    relied on it become uncovered unless they have another arrangement)."""
    from anze.enterprises.services import update_record

    require(actor, RescueTeam, "change", team)
    if not team.status_choice.can_disband():
        raise TransitionError(_("该队伍已撤销。"))
    ended = []
    arrangements = [a.arrangement for a in team.agreements.select_related("arrangement")]
    if team.arrangement_id:
        arrangements.append(team.arrangement)
    for arrangement in arrangements:
        if arrangement.valid_until is None or arrangement.valid_until > disbanded_on:
            # A consequence of the disbanding, done by the system (the county office that disbands a team
            # does not keep enterprises' records); this service's event names the actor.
            update_record(arrangement, actor=None, valid_until=max(disbanded_on, arrangement.valid_from))
            ended.append(arrangement.enterprise_id)
    team.status, team.disbanded_on = TeamStatus.DISBANDED, disbanded_on
    team.readiness = Readiness.UNAVAILABLE
    team.save(update_fields=["status", "disbanded_on", "readiness", "updated_at"])
    record("emergency.team.disband", actor=actor, obj=team,
           after={"disbanded_on": disbanded_on, "reason": reason, "enterprises_uncovered": ended})  # fmt: skip
    return team
