"""`anze demo` for duties: the office confirms the Linyi plan's suggested duties (职责确认), the tick job
materializes this year's work items (办理事项), and a spread of units has reported: some accepted, some
awaiting review, one returned, the rest left late so they show as overdue.

Everything goes through the services (suggest_duties, confirm_duty, run_tick, submit_report,
accept_report, return_report, sign_off), so each change has its audit event. Safe to run again: each
step first looks at what is there (the plan's duties, their occurrences, their reports), so a second run
adds nothing and writes no event.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.db import transaction
from django.utils import timezone

from anze.duties import services
from anze.duties.choices import DutyKind, DutyStatus, OccurrenceStatus
from anze.duties.errors import DutyError
from anze.duties.models import Duty, Occurrence, Report
from anze.duties.scheduling import mark_overdue, run_tick
from anze.duties.suggest import suggest_duties

CITY_CODE = "371300"
PLAN_DOC_NUMBER = "办字〔2020〕23号"
# The demo accounts of anze.accounts.demo that act in the story: a unit reports for itself, the county
# office for the units of its county, the city office enters the other units' reports (代为录入) and reviews.
OFFICE_USER, COUNTY_USER, UNIT_USER, LEADER_USER = "demo_office", "demo_county", "demo_unit", "demo_leader"

REPORT_TEXT = "已按方案要求完成本期工作，会议纪要和工作台账见附件。"
ENTERED_BY_OFFICE = "（由市安委办代为录入）"
RETURN_REASON = "佐证材料只有会议通知，缺少会议纪要和签到表，请补充后重新报送。"


def _linyi_version() -> Any:
    from anze.plans.models import Plan

    plan = (
        Plan.objects.filter(region__code=CITY_CODE, doc_number=PLAN_DOC_NUMBER)
        .select_related("current_version")
        .first()
    )
    return plan.current_version if plan else None


def _demo_users() -> dict[str, Any]:
    from anze.accounts.models import User

    names = [OFFICE_USER, COUNTY_USER, UNIT_USER, LEADER_USER]
    return {u.username: u for u in User.objects.filter(username__in=names, is_active=True)}


def evidence_pdf(title: str) -> bytes:
    """A one-page PDF that passes the evidence checks (ASCII text only: the base fonts have no Chinese)."""
    text = (
        title.encode("ascii", "replace").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    )
    stream = b"BT /F1 14 Tf 72 760 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _at(day: dt.date, hour: int, now: dt.datetime) -> dt.datetime:
    """`day` at `hour` local time, never later than `now`."""
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
    return min(moment, now)


def _confirm(version: Any, *, actor: Any, year_start: dt.date) -> int:
    """Confirm the version's drafts as the office would: all but deadlines that passed before this year."""
    confirmed = 0
    drafts = Duty.objects.filter(clause__version=version, status=DutyStatus.DRAFT).prefetch_related("rules")
    for duty in drafts.order_by("pk"):
        rule = duty.rules.order_by("effective_from").first()
        if duty.kind == DutyKind.DEADLINE and rule and rule.deadline and rule.deadline < year_start:
            continue  # a deadline years past: the office leaves it for a decision, not for work items
        try:
            # The demo owes this year's periods from January on: overdue ones are intended.
            services.confirm_duty(duty, actor=actor, allow_overdue=True)
        except DutyError:
            continue  # a suggestion the office would have to edit first stays a draft
        confirmed += 1
    return confirmed


class _Story:
    """Reports and reviews on the past occurrences, by the demo account that would make each."""

    def __init__(self, users: dict[str, Any], now: dt.datetime) -> None:
        self.users = users
        self.now = now
        self.counts: Counter[str] = Counter()

    def _first_able(self, names: tuple[str, ...], able: Any, occurrence: Occurrence) -> Any:
        """The first of the named demo accounts that `able(user, occurrence)` allows, or None."""
        for name in names:
            user = self.users.get(name)
            if user is not None and able(user, occurrence):
                return user
        return None

    def _reporter(self, occurrence: Occurrence) -> Any:
        return self._first_able((UNIT_USER, COUNTY_USER, OFFICE_USER), services.can_report, occurrence)

    def _reviewer(self, occurrence: Occurrence) -> Any:
        return self._first_able((COUNTY_USER, OFFICE_USER), services.can_review, occurrence)

    def report(self, occurrence: Occurrence, *, late: bool = False) -> bool:
        """Report two days after the work; late work was done (and reported) about two weeks after the due date."""
        reporter = self._reporter(occurrence)
        if reporter is None:
            return False
        done_on = max(
            occurrence.period_start, min(occurrence.period_end, occurrence.due_on) - dt.timedelta(days=7)
        )
        if late:
            done_on = min(occurrence.due_on + dt.timedelta(days=12), timezone.localdate(self.now))
        text = REPORT_TEXT if reporter.username != OFFICE_USER else REPORT_TEXT + ENTERED_BY_OFFICE
        name = f"{occurrence.unit.short_name or occurrence.unit.name}-{occurrence.period_start:%Y%m%d}.pdf"
        content = evidence_pdf(f"Anze demo evidence {occurrence.public_id} {done_on:%Y-%m-%d}")
        services.submit_report(
            occurrence,
            actor=reporter,
            text=text,
            evidence_on=done_on,
            files=[(name, content)],
            now=_at(done_on + dt.timedelta(days=2), 10, self.now),
        )
        occurrence.refresh_from_db()
        return True

    def _reported_for_review(self, occurrence: Occurrence, *, late: bool = False) -> Any:
        """Report, and return who decides it; None when nothing was reported or no account may review it
        (then it stays awaiting review)."""
        if not self.report(occurrence, late=late):
            return None
        reviewer = self._reviewer(occurrence)
        if reviewer is None:
            self.counts["awaiting_review"] += 1
        return reviewer

    def accept(self, occurrence: Occurrence, *, late: bool = False) -> None:
        reviewer = self._reported_for_review(occurrence, late=late)
        if reviewer is None:
            return
        moment = _at(timezone.localdate(occurrence.submitted_at) + dt.timedelta(days=3), 15, self.now)
        services.accept_report(occurrence, actor=reviewer, now=moment)
        self.counts["accepted"] += 1
        self.counts["accepted_late"] += int(late)
        leader = self.users.get(LEADER_USER)
        occurrence.refresh_from_db()
        if leader is not None and occurrence.awaits_sign_off and services.can_sign_off(leader, occurrence):
            services.sign_off(occurrence, actor=leader, now=moment)
            self.counts["signed_off"] += 1

    def accept_late(self, occurrence: Occurrence) -> None:
        """Done and reported after the due date (then accepted): it counts as completed, not on time."""
        self.accept(occurrence, late=True)

    def submit(self, occurrence: Occurrence) -> None:
        if self.report(occurrence):
            self.counts["awaiting_review"] += 1

    def send_back(self, occurrence: Occurrence) -> None:
        reviewer = self._reported_for_review(occurrence)
        if reviewer is None:
            return
        moment = _at(timezone.localdate(occurrence.submitted_at) + dt.timedelta(days=2), 16, self.now)
        services.return_report(occurrence, actor=reviewer, reason=RETURN_REASON, now=moment)
        self.counts["returned"] += 1


# What happens to a unit's past occurrences, oldest first, by the unit's place in a cycle of four: one
# keeps up, one has its latest report awaiting review (an earlier one came in late), one reported once,
# late, and is overdue since, one reported nothing. The demo unit account's own unit gets every state, so
# its 我的职责 page shows each of them.
def _steps(pattern: str, count: int) -> list[str]:
    if pattern == "keeps_up":
        return ["accept"] * count
    if pattern == "awaiting":
        return (["accept_late"] + ["accept"] * (count - 2) + ["submit"])[-count:] if count else []
    if pattern == "slipping":
        return ["accept_late"][:count]
    if pattern == "own_unit":
        return ["accept", "submit", "send_back"][:count]
    return []


_PATTERNS = ("keeps_up", "awaiting", "slipping", "silent")


def _act_out(version: Any, users: dict[str, Any], *, now: dt.datetime) -> Counter[str]:
    today = timezone.localdate(now)
    past = (
        Occurrence.objects.filter(
            duty__clause__version=version, due_on__lt=today, status=OccurrenceStatus.PENDING
        )
        .select_related("duty", "unit__region", "committee")
        .order_by("unit_id", "due_on", "pk")
    )
    by_unit: dict[int, list[Occurrence]] = {}
    for occurrence in past:
        by_unit.setdefault(occurrence.unit_id, []).append(occurrence)
    unit_user = users.get(UNIT_USER)
    own_units = _unit_ids(unit_user) if unit_user is not None else []
    own_unit = own_units[0] if own_units else None
    story = _Story(users, now)
    others = [unit_id for unit_id in by_unit if unit_id != own_unit]
    patterns = {unit_id: _PATTERNS[index % len(_PATTERNS)] for index, unit_id in enumerate(others)}
    if own_unit in by_unit:
        patterns[own_unit] = "own_unit"
    for unit_id, pattern in patterns.items():
        items = by_unit[unit_id]
        for occurrence, step in zip(items, _steps(pattern, len(items)), strict=False):
            getattr(story, step)(occurrence)
    return story.counts


def _unit_ids(user: Any) -> list[int]:
    return [a.unit_id for a in user.active_assignments() if a.unit_id]


def load(actor: Any = None, *, now: dt.datetime | None = None) -> dict[str, int]:
    """Confirm, materialize and act out the Linyi plan's duties once; returns counts of what was added."""
    version = _linyi_version()
    if version is None:
        return {}
    now = now or timezone.now()
    today = timezone.localdate(now)
    year_start, year_end = dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)
    users = _demo_users()
    office = actor or users.get(OFFICE_USER)
    counts: Counter[str] = Counter()
    with transaction.atomic():
        if not Duty.objects.filter(clause__version=version).exists():
            # The office starts the plan's work with this year: earlier periods are not owed any more.
            counts["suggested"] = len(suggest_duties(version, actor=office, start_on=year_start))
        counts["confirmed"] = _confirm(version, actor=office, year_start=year_start)
    if counts["confirmed"]:
        # What `anze tick` runs, over this year only.
        tick = run_tick(now=now, horizon_days=(year_end - today).days)
        counts["occurrences"] = tick["materialized"]["created"]
        # Due dates in a year whose holiday arrangement is not entered yet are provisional (暂定).
        counts["provisional"] = tick["materialized"]["provisional"]
    occurrences = Occurrence.objects.filter(duty__clause__version=version)
    if (
        users.get(OFFICE_USER)
        and occurrences.exists()
        and not Report.objects.filter(occurrence__duty__clause__version=version).exists()
    ):
        with transaction.atomic():
            counts.update(_act_out(version, users, now=now))
            if counts["returned"]:
                mark_overdue(now=now)  # a returned item past its date is overdue again, as the next tick says
    if counts["occurrences"] or counts["accepted"] or counts["awaiting_review"]:
        counts["late"] = occurrences.filter(late=True).count()
    return {key: value for key, value in counts.items() if value}


def demo_step(*, stdout: Any, now: dt.datetime) -> None:
    """`anze demo`: confirm the Linyi plan's duties, materialize this year's work items and act them out."""
    from anze.core.demo import write_counts

    write_counts(stdout, "职责演示数据", load(actor=None, now=now))
