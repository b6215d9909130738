"""State changes of the blacklist (严重失信主体名单). Each is atomic, takes `actor=`, checks its guard and
writes one audit event.

`propose_listings` runs the rules (`anze.enforcement.listing`) over the recorded accidents, misreports,
penalties and persons found responsible (`name_responsible_person`) and proposes each listing once per
triggering fact and subject (safe to run twice). `propose_catch_all_listing` is the department's hand-made
proposal of the catch-all case on a penalty, with its reasons and legal basis. The department then
notifies the subject with an objection period (`notify_listing`), and decides in writing after it
(`decide_listing`): listed for three years, or dismissed. `repair_listing` removes early after at least 12
months, unless a newer listing case against the same unit has arisen since; `restore_listing` undoes a repair found fraudulent; `expire_listings` removes at expiry, which stops
publication.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from anze.audit.services import record, snapshot
from anze.enforcement import errors, listing
from anze.enforcement.choices import AccidentGrade, ListingStatus, MisreportKind, PartyKind
from anze.enforcement.models import Accident, Listing, Misreport, Penalty, ResponsiblePerson
from anze.enforcement.models.listings import PRINCIPAL_ROLE

LISTING_FIELDS = [
    "status",
    "noticed_on",
    "objection_until",
    "decision_number",
    "listed_on",
    "expires_on",
    "removed_on",
    "removal_reason",
]
OBJECTION_DAYS = 5


def _state(row: Listing) -> dict[str, Any]:
    return snapshot(row, LISTING_FIELDS)


def _lock(row: Listing) -> Listing:
    return Listing.objects.select_for_update().get(pk=row.pk)


def _guard(row: Listing, action: str, label: str) -> None:
    if not getattr(row.status_choice, f"can_{action}")():
        raise errors.TransitionError(f"名单当前状态“{row.status_choice.label}”不能{label}。")


def listed_enterprise_ids(enterprises) -> Any:
    """The enterprises among `enterprises` (a queryset) that are on the list now (for the draw's pool)."""
    return Listing.objects.filter(
        enterprise__in=enterprises, status=ListingStatus.LISTED, subject_kind=PartyKind.UNIT
    ).values_list("enterprise_id", flat=True)


@transaction.atomic
def propose_listings(*, actor: Any, today: dt.date | None = None) -> int:
    """Run the listing rules over the recorded facts; propose each new case once (an audit event only when
    something was proposed, so the hourly run does not fill the trail)."""
    concealed = set(
        Misreport.objects.filter(kind__in=[MisreportKind.CONCEALED, MisreportKind.FALSE]).values_list(
            "accident_id", flat=True
        )
    )
    accidents = [
        listing.AccidentFact(
            enterprise, pk, AccidentGrade(grade).grade, timezone.localtime(at).date(), pk in concealed
        )
        for pk, enterprise, grade, at in Accident.objects.filter(enterprise__isnull=False).values_list(
            "pk", "enterprise_id", "grade", "occurred_at"
        )
    ]
    grounds = Q()
    for rule in listing.PENALTY_RULES:
        grounds |= Q(**{rule: True})
    penalties = [
        listing.PenaltyFact(
            row[1],
            row[0],
            row[2],
            frozenset(rule for rule, flag in zip(listing.PENALTY_RULES, row[3:], strict=True) if flag),
        )
        for row in Penalty.objects.filter(
            grounds, enterprise__isnull=False, party_kind=PartyKind.UNIT
        ).values_list("pk", "enterprise_id", "decided_on", *listing.PENALTY_RULES)
    ]
    persons = {person.pk: person for person in ResponsiblePerson.objects.all()}
    named = [listing.NamedPerson(pk, person.fact_key) for pk, person in persons.items()]
    from anze.enterprises.models import Enterprise

    involved = {f.enterprise for f in accidents} | {f.enterprise for f in penalties}
    places = {
        pk: (path, unit, principal.strip())
        for pk, path, unit, principal in Enterprise.objects.filter(pk__in=involved).values_list(
            "pk", "region__path", "supervising_unit_id", "principal"
        )
    }
    wanted = listing.proposals(
        accidents, penalties, frozenset(pk for pk, place in places.items() if place[2]), named
    )
    existing = set(
        Listing.objects.values_list("enterprise_id", "rule", "fact_key", "subject_kind", "person_key")
    )
    rows = [
        _proposed(p, places[p.enterprise], persons)
        for p in wanted
        if (p.enterprise, p.rule, p.fact_key, p.subject, p.person) not in existing
    ]
    if not rows:
        return 0
    Listing.objects.bulk_create(rows, batch_size=1000)
    record(
        "enforcement.propose_listings",
        actor=actor,
        obj=None,
        after={"proposed": len(rows), "rules": sorted({r.rule for r in rows})},
    )
    return len(rows)


def _proposed(p: listing.Proposal, place: tuple, persons: dict[int, ResponsiblePerson]) -> Listing:
    """The Listing row of a proposal: the unit, its 主要负责人 by the name on record, or a person found
    responsible by the name and role recorded."""
    row = Listing(
        enterprise_id=p.enterprise,
        region_path=place[0],
        supervising_unit_id=place[1],
        subject_kind=p.subject,
        person_key=p.person,
        rule=p.rule,
        fact_key=p.fact_key,
        fact_on=p.day,
    )
    if p.person == listing.PRINCIPAL:
        row.person_name, row.person_role = place[2], PRINCIPAL_ROLE
    elif p.person:
        person = persons[int(p.person.removeprefix("named:"))]
        row.responsible_person = person
        row.person_name, row.person_role = person.name, person.position
    return row


@transaction.atomic
def name_responsible_person(
    *,
    actor: Any,
    name: str,
    position: str,
    found_on: dt.date,
    basis: str,
    accident: Accident | None = None,
    penalty: Penalty | None = None,
) -> ResponsiblePerson:
    """认定责任人员: a person the accident's investigation found responsible (once its report is submitted),
    or an agency's directly responsible staff named in a penalty decision that records the agency's
    misconduct. The listing rules then propose the person beside the unit."""
    if (accident is None) == (penalty is None):
        raise errors.EnforcementError("责任人员须对应一起事故或一份处罚决定。", "one_fact_required")
    name, position, basis = name.strip(), position.strip(), basis.strip()
    if not name or not position:
        raise errors.EnforcementError("请填写责任人员的姓名和职务或责任。", "name_required")
    if not basis:
        raise errors.EnforcementError("请写明认定依据（如事故调查报告、处罚决定书）。", "basis_required")
    if accident is not None:
        # Locked alone: PostgreSQL refuses FOR UPDATE on the nullable side of a join (the enterprise).
        accident = Accident.objects.select_for_update().get(pk=accident.pk)
        if not accident.status_choice.can_name_responsible():
            raise errors.TransitionError("调查报告提交后才能认定责任人员。", "investigation_not_submitted")
        if accident.enterprise_id is None:
            raise errors.EnforcementError("事故单位不在企业名录中，不能列入名单。", "needs_enterprise")
        unit, taken = accident.enterprise, ResponsiblePerson.objects.filter(accident=accident, name=name)
    else:
        assert penalty is not None
        penalty = Penalty.objects.select_related("enterprise__region").get(pk=penalty.pk)
        if not penalty.agency_misconduct or penalty.enterprise_id is None:
            raise errors.EnforcementError(
                "只有记载中介机构违法情形的处罚决定才能认定其直接责任人员。", "not_an_agency_case"
            )
        unit, taken = penalty.enterprise, ResponsiblePerson.objects.filter(penalty=penalty, name=name)
    if taken.exists():
        raise errors.EnforcementError(f"已认定过责任人员“{name}”。", "person_exists")
    row = ResponsiblePerson.objects.create(
        enterprise=unit,
        accident=accident,
        penalty=penalty,
        region_path=unit.region.path,
        supervising_unit_id=unit.supervising_unit_id,
        name=name,
        position=position,
        found_on=found_on,
        basis=basis,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    record(
        "enforcement.name_responsible_person",
        actor=actor,
        obj=accident or penalty,
        after=snapshot(row, ["name", "position", "found_on", "basis"]),
    )
    return row


@transaction.atomic
def propose_catch_all_listing(*, actor: Any, penalty: Penalty, reasons: str, legal_basis: str) -> Listing:
    """The catch-all case, proposed by the department on a penalty decision with its reasons and the legal
    basis; it then goes through notice, objection and decision like every other case."""
    if penalty.enterprise_id is None or penalty.party_kind != PartyKind.UNIT:
        raise errors.EnforcementError("列入须针对企业名录中的单位。", "listing_ground_needs_enterprise")
    grounds = frozenset(rule for rule in listing.PENALTY_RULES if getattr(penalty, rule))
    refusal = listing.catch_all_refusal(grounds, reasons, legal_basis)
    if refusal is not None:
        raise errors.EnforcementError(refusal[1], refusal[0])
    proposal = listing.catch_all(listing.PenaltyFact(penalty.enterprise_id, penalty.pk, penalty.decided_on))
    if Listing.objects.filter(
        enterprise_id=proposal.enterprise, rule=proposal.rule, fact_key=proposal.fact_key
    ).exists():
        raise errors.EnforcementError("该处罚决定已提出过兜底情形的列入。", "already_proposed")
    enterprise = penalty.enterprise
    row = Listing.objects.create(
        enterprise=enterprise,
        region_path=enterprise.region.path,
        supervising_unit_id=enterprise.supervising_unit_id,
        rule=proposal.rule,
        fact_key=proposal.fact_key,
        fact_on=proposal.day,
        reasons=reasons.strip(),
        legal_basis=legal_basis.strip()[:300],
    )
    record(
        "enforcement.propose_catch_all_listing",
        actor=actor,
        obj=row,
        after=snapshot(row, ["rule", "fact_key", "fact_on", "legal_basis"]),
        reason=reasons,
    )
    return row


@transaction.atomic
def notify_listing(
    *, actor: Any, listing_row: Listing, department, noticed_on: dt.date, objection_days: int = OBJECTION_DAYS
) -> Listing:
    """告知: the subject is told of the proposed listing and may object until the period ends."""
    row = _lock(listing_row)
    _guard(row, "notify", "告知")
    if objection_days < 1:
        raise errors.EnforcementError("陈述申辩期限至少1日。", "objection_period")
    before = _state(row)
    row.department = department
    row.noticed_on = noticed_on
    row.objection_until = noticed_on + dt.timedelta(days=objection_days)
    row.status = ListingStatus.NOTICED
    row.save()
    record("enforcement.notify_listing", actor=actor, obj=row, before=before, after=_state(row))
    return row


@transaction.atomic
def decide_listing(
    *,
    actor: Any,
    listing_row: Listing,
    decided_on: dt.date,
    list_it: bool,
    decision_number: str = "",
    objection: str = "",
) -> Listing:
    """书面决定 after the objection period: listed for three years, or dismissed."""
    row = _lock(listing_row)
    _guard(row, "decide", "作出决定")
    if decided_on <= row.objection_until:
        raise errors.EnforcementError(
            f"陈述申辩期限至 {row.objection_until:%Y-%m-%d}，期满后才能作出决定。", "objection_period_running"
        )
    if list_it and not decision_number.strip():
        raise errors.EnforcementError("列入须有书面决定书文号。", "decision_number_required")
    before = _state(row)
    row.objection = objection
    if list_it:
        row.status = ListingStatus.LISTED
        row.decision_number = decision_number
        row.listed_on = decided_on
        row.expires_on = listing.expires_on(decided_on)
    else:
        row.status = ListingStatus.DISMISSED
        row.removed_on = decided_on
        row.removal_reason = objection[:300] or "不予列入"
    row.save()
    record(
        "enforcement.decide_listing", actor=actor, obj=row, before=before, after=_state(row), reason=objection
    )
    return row


@transaction.atomic
def repair_listing(*, actor: Any, listing_row: Listing, repaired_on: dt.date, reason: str) -> Listing:
    """信用修复: removed early on application, after at least 12 months on the list."""
    row = _lock(listing_row)
    _guard(row, "repair", "信用修复")
    earliest = listing.repair_from(row.listed_on)
    if repaired_on < earliest:
        raise errors.EnforcementError(f"列入满12个月（{earliest:%Y-%m-%d}）后方可申请信用修复。", "too_early")
    newer = (
        Listing.objects.filter(enterprise_id=row.enterprise_id, fact_on__gt=row.listed_on)
        .exclude(status=ListingStatus.DISMISSED)
        .order_by("fact_on")
        .first()
    )
    if newer is not None:
        raise errors.EnforcementError(
            f"列入后又有新的列入情形（{newer.fact_on:%Y-%m-%d} {newer.get_rule_display()}），不予信用修复。",
            "new_case_since_listing",
        )
    if not reason.strip():
        raise errors.EnforcementError("请写明修复依据。", "reason_required")
    before = _state(row)
    row.status = ListingStatus.REPAIRED
    row.removed_on = repaired_on
    row.removal_reason = reason[:300]
    row.save()
    record(
        "enforcement.repair_listing", actor=actor, obj=row, before=before, after=_state(row), reason=reason
    )
    return row


@transaction.atomic
def restore_listing(*, actor: Any, listing_row: Listing, reason: str) -> Listing:
    """A repair found fraudulent: the removal is revoked and the listing restored, with its original term."""
    row = _lock(listing_row)
    _guard(row, "restore", "恢复列入")
    if not reason.strip():
        raise errors.EnforcementError("请写明认定修复造假的事实。", "reason_required")
    before = _state(row)
    row.status = ListingStatus.LISTED
    row.removed_on = None
    row.removal_reason = ""
    row.save()
    record(
        "enforcement.restore_listing", actor=actor, obj=row, before=before, after=_state(row), reason=reason
    )
    return row


def expire_listings(*, now: dt.datetime, batch_size: int = 500) -> int:
    """届满移出: listings past their three years leave the list (publication stops). Safe to run twice."""
    today = timezone.localtime(now).date()
    total = 0
    while True:
        with transaction.atomic():
            ids = list(
                Listing.objects.filter(status=ListingStatus.LISTED, expires_on__lte=today)
                .order_by("expires_on")
                .values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                return total
            n = Listing.objects.filter(pk__in=ids, status=ListingStatus.LISTED).update(
                status=ListingStatus.EXPIRED, removed_on=today, removal_reason="届满"
            )
            record(
                "enforcement.expire_listings",
                actor="job:enforcement.deadlines",
                obj=None,
                after={"listings": n, "today": today},
            )
            total += n
