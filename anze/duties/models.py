"""Duties (职责), their occurrences (办理事项) per responsible unit and period, reports, evidence and review."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anze.accounts.roles import Role
from anze.core.models import BaseModel
from anze.core.restrict import RestrictedQuerySet, Scope
from anze.duties.choices import (
    OPEN_STATUSES,
    ArrangementSource,
    DutyKind,
    DutyStatus,
    EventUnit,
    HolidayDayKind,
    OccurrenceStatus,
    ReviewDecision,
    RevisionDecision,
    RollRule,
    SubjectKind,
)

_VIEW = frozenset({"view"})
_NONE: frozenset[str] = frozenset()
# Duties are configuration every internal user reads; the safety committee office confirms and edits them.
DUTY_ROLES: dict[str, frozenset[str]] = {
    Role.COUNTY.value: _VIEW,
    Role.UNIT.value: _VIEW,
    Role.LEADER.value: _VIEW,
    Role.INSPECTOR.value: _VIEW,
    Role.AUDITOR.value: _VIEW,
    Role.ENTERPRISE.value: _NONE,
}
DUTY_SCOPE = Scope(region="region__path", internal_view=True, roles=DUTY_ROLES)
# Work items: units their own, counties their region's, the office all of its region, leaders the clauses
# they lead (added in LeaderScopedQuerySet, not by region), auditors everything, read-only.
WORK_ROLES: dict[str, frozenset[str]] = {
    Role.LEADER.value: _NONE,
    Role.INSPECTOR.value: _NONE,
    Role.ENTERPRISE.value: _NONE,
}


def deadline_of(due_on: dt.date, extended_until: dt.date | None) -> dt.date:
    """An item's deadline: its due date, or a granted extension's later date."""
    return max(due_on, extended_until) if extended_until else due_on


def reported_late(submitted_at: dt.datetime, due_on: dt.date, extended_until: dt.date | None = None) -> bool:
    """A report is late when the server received it after the deadline's day, whatever its evidence date."""
    return timezone.localdate(submitted_at) > deadline_of(due_on, extended_until)


def past_deadline_q(today: dt.date, prefix: str = "") -> Q:
    """Rows whose deadline (the due date, or a granted extension) lies before `today`."""
    return Q(**{f"{prefix}due_on__lt": today}) & (
        Q(**{f"{prefix}extended_until__isnull": True}) | Q(**{f"{prefix}extended_until__lt": today})
    )


def overdue_q(today: dt.date, prefix: str = "") -> Q:
    """逾期未办: still owed (pending or returned) and past the deadline."""
    return Q(**{f"{prefix}status__in": list(OPEN_STATUSES)}) & past_deadline_q(today, prefix)


class LeaderScopedQuerySet(RestrictedQuerySet):
    """restrict() plus, for a leader, the rows of the clauses they lead or share (牵头/分工负责)."""

    clause_lookup = "duty__clause_id"

    def restrict(self, user: Any, action: str = "view") -> RestrictedQuerySet:
        base = super().restrict(user, action)
        if action != "view" or not getattr(user, "is_authenticated", False) or not user.is_active:
            return base
        person_id = getattr(user, "person_id", None)
        if not person_id or not user.has_role(Role.LEADER):
            return base
        return base | self.filter(**{f"{self.clause_lookup}__in": led_clauses(person_id)})


def led_clauses(person_id: int) -> models.QuerySet:
    """Ids of the clauses a person leads or shares."""
    from anze.plans.choices import LEADER_ROLES
    from anze.plans.models import ClauseAssignment

    return ClauseAssignment.objects.filter(person_id=person_id, role__in=list(LEADER_ROLES)).values(
        "clause_id"
    )


class OccurrenceQuerySet(LeaderScopedQuerySet):
    clause_lookup = "duty__clause_id"


class ReportQuerySet(LeaderScopedQuerySet):
    clause_lookup = "occurrence__duty__clause_id"


class EvidenceQuerySet(LeaderScopedQuerySet):
    clause_lookup = "report__occurrence__duty__clause_id"


class ReviewQuerySet(LeaderScopedQuerySet):
    clause_lookup = "occurrence__duty__clause_id"


class Duty(BaseModel):
    """职责 — dated work a clause asks of its units: recurring, by a deadline, after an event, a coverage cycle."""

    clause = models.ForeignKey(
        "plans.Clause", on_delete=models.PROTECT, related_name="scheduled_duties", verbose_name=_("条款")
    )
    suggestion = models.ForeignKey(
        "plans.ClauseDuty",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("解析建议"),
    )
    region = models.ForeignKey(
        "org.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区划")
    )
    title = models.CharField(_("职责内容"), max_length=500)
    kind = models.CharField(_("类型"), max_length=12, choices=DutyKind.choices)
    status = models.CharField(_("状态"), max_length=12, choices=DutyStatus.choices, default=DutyStatus.DRAFT)
    subject_kind = models.CharField(
        _("主体类型"), max_length=16, choices=SubjectKind.choices, default=SubjectKind.CLAUSE_UNITS
    )
    subject_text = models.CharField(_("方案中的主体"), max_length=200, blank=True)
    subject_unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("主体单位"),
    )
    subject_group = models.ForeignKey(
        "org.UnitGroup",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("主体单位集合"),
    )
    subject_person = models.ForeignKey(
        "org.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("主体领导"),
    )
    coverage_groups = models.ManyToManyField(
        "org.UnitGroup", blank=True, related_name="coverage_duties", verbose_name=_("覆盖对象")
    )
    evidence_required = models.TextField(_("佐证材料要求"), blank=True)
    start_on = models.DateField(_("开始日期"))
    end_on = models.DateField(_("结束日期"), null=True, blank=True)
    generate_from = models.DateField(
        _("事项生成起点"),
        null=True,
        blank=True,
        help_text=_("修订后自该日起按新规则和新的责任单位生成事项；此前的周期不再补生成"),
    )
    needs_sign_off = models.BooleanField(_("需领导签批"), default=False)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("确认人"),
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)

    scope = DUTY_SCOPE

    class Meta:
        verbose_name = _("职责")
        verbose_name_plural = _("职责")
        ordering = ["clause__task__order", "clause__order", "id"]
        indexes = [models.Index(fields=["status", "kind"], name="duty_status_kind_idx")]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="duty_title_not_empty"),
            models.CheckConstraint(
                condition=(Q(subject_kind=SubjectKind.UNIT) & Q(subject_unit__isnull=False))
                | (Q(subject_kind=SubjectKind.GROUP) & Q(subject_group__isnull=False))
                | (Q(subject_kind=SubjectKind.PERSON) & Q(subject_person__isnull=False))
                | Q(subject_kind__in=[SubjectKind.CLAUSE_UNITS, SubjectKind.COMMITTEES]),
                name="duty_subject_has_target",
            ),
            models.CheckConstraint(
                condition=Q(end_on__isnull=True) | Q(end_on__gte=F("start_on")), name="duty_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(status=DutyStatus.CONFIRMED) | Q(confirmed_at__isnull=False),
                name="duty_confirmed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.title[:60]

    def get_absolute_url(self) -> str:
        return reverse("duties:duty_detail", kwargs={"public_id": self.public_id})

    @property
    def subject_display(self) -> str:
        target = self.subject_unit or self.subject_group or self.subject_person
        if target is not None:
            return str(target)
        if self.subject_kind == SubjectKind.COMMITTEES:
            return str(SubjectKind.COMMITTEES.label)
        return self.subject_text or str(SubjectKind.CLAUSE_UNITS.label)

    def rule_on(self, day: dt.date) -> DutyRule | None:
        """The rule in force on `day` (the earliest rule before the first effective date)."""
        rules = sorted(self.rules.all(), key=lambda r: r.effective_from)
        current = rules[0] if rules else None
        for rule in rules:
            if rule.effective_from <= day:
                current = rule
        return current


class DutyRule(BaseModel):
    """职责规则版本 — how a duty is scheduled from a date on; a change adds a version effective from its date."""

    duty = models.ForeignKey(Duty, on_delete=models.CASCADE, related_name="rules", verbose_name=_("职责"))
    effective_from = models.DateField(_("生效日期"))
    rrule = models.CharField(_("重复规则（RFC 5545）"), max_length=200, blank=True)
    times_per_period = models.PositiveIntegerField(_("每周期至少次数"), default=1)
    deadline = models.DateField(_("完成期限"), null=True, blank=True)
    event_within = models.PositiveIntegerField(_("事件后期限"), null=True, blank=True)
    event_unit = models.CharField(_("期限单位"), max_length=10, choices=EventUnit.choices, blank=True)
    cycle_years = models.PositiveSmallIntegerField(_("覆盖周期（年）"), null=True, blank=True)
    roll = models.CharField(
        _("节假日调整"), max_length=10, choices=RollRule.choices, default=RollRule.FOLLOWING
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("设定人"),
    )

    scope = Scope(region="duty__region__path", internal_view=True, roles=DUTY_ROLES)

    class Meta:
        verbose_name = _("职责规则")
        verbose_name_plural = _("职责规则")
        ordering = ["duty", "effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["duty", "effective_from"], name="dutyrule_unique_effective_from"),
            models.CheckConstraint(condition=Q(times_per_period__gte=1), name="dutyrule_times_positive"),
            models.CheckConstraint(
                condition=Q(cycle_years__isnull=True) | Q(cycle_years__gte=1), name="dutyrule_cycle_positive"
            ),
            models.CheckConstraint(
                condition=Q(event_within__isnull=True) | ~Q(event_unit=""), name="dutyrule_event_has_unit"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.duty} · {self.effective_from:%Y-%m-%d}"


class DutyRevision(BaseModel):
    """方案修订待核对 — a confirmed duty whose clause a newer plan version changed or removed, and the office's
    decision: keep it, update it from an effective date, or retire it."""

    duty = models.ForeignKey(Duty, on_delete=models.PROTECT, related_name="revisions", verbose_name=_("职责"))
    version = models.ForeignKey(
        "plans.PlanVersion", on_delete=models.PROTECT, related_name="+", verbose_name=_("修订后的版本")
    )
    old_clause = models.ForeignKey(
        "plans.Clause", on_delete=models.PROTECT, related_name="+", verbose_name=_("原条款")
    )
    new_clause = models.ForeignKey(
        "plans.Clause",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("修订后的条款"),
        help_text=_("为空表示修订后的方案删除了该条款"),
    )
    new_suggestion = models.ForeignKey(
        "plans.ClauseDuty",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("修订后的建议职责"),
    )
    diff = models.JSONField(_("条款差异"), default=dict)
    decision = models.CharField(
        _("处理"), max_length=10, choices=RevisionDecision.choices, default=RevisionDecision.PENDING
    )
    effective_from = models.DateField(_("生效日期"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("处理人"),
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    scope = Scope(region="duty__region__path", internal_view=True, roles=DUTY_ROLES)

    class Meta:
        verbose_name = _("方案修订待核对")
        verbose_name_plural = _("方案修订待核对")
        ordering = ["version", "old_clause__task__order", "old_clause__order", "duty_id"]
        constraints = [
            models.UniqueConstraint(fields=["duty", "version"], name="dutyrevision_unique_duty_version"),
            models.CheckConstraint(
                condition=Q(decision=RevisionDecision.PENDING) | Q(decided_at__isnull=False),
                name="dutyrevision_decided_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(decision=RevisionDecision.UPDATED)
                | (Q(effective_from__isnull=False) & Q(new_clause__isnull=False)),
                name="dutyrevision_update_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.duty} · {self.get_decision_display()}"

    @property
    def state(self) -> RevisionDecision:
        return RevisionDecision(self.decision)


class Occurrence(BaseModel):
    """办理事项 — what one unit owes for one period of a duty, with its due date and review state."""

    duty = models.ForeignKey(
        Duty, on_delete=models.PROTECT, related_name="occurrences", verbose_name=_("职责")
    )
    rule = models.ForeignKey(
        DutyRule,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="occurrences",
        verbose_name=_("规则版本"),
    )
    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="duty_occurrences", verbose_name=_("责任单位")
    )
    committee = models.ForeignKey(
        "org.Committee",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duty_occurrences",
        verbose_name=_("专业委员会"),
    )
    person = models.ForeignKey(
        "org.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duty_occurrences",
        verbose_name=_("领导"),
    )
    period_start = models.DateField(_("周期开始"))
    period_end = models.DateField(_("周期结束"))
    due_on = models.DateField(_("截止日期"))
    extended_until = models.DateField(
        _("延期至"),
        null=True,
        blank=True,
        help_text=_("督办延期获批后的办理期限；在此之前报送不算逾期"),
    )
    event_note = models.CharField(_("触发事件"), max_length=300, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=OccurrenceStatus.choices, default=OccurrenceStatus.PENDING
    )
    late = models.BooleanField(
        _("逾期"), default=False, help_text=_("截止日期（含获批延期）后才报送，或至今逾期未报送")
    )
    # Computed under the provisional calendar (the year's holiday arrangement not yet entered).
    # db_default too: rows written by hand-written SQL (benchmarks, bulk loads) are not provisional either.
    due_provisional = models.BooleanField(_("截止日期暂定"), default=False, db_default=False)
    touched = models.BooleanField(_("已处理过"), default=False)
    version = models.PositiveIntegerField(_("版本"), default=1)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("通过时间"), null=True, blank=True)
    signed_off_at = models.DateTimeField(_("签批时间"), null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("签批人"),
    )

    objects = OccurrenceQuerySet.as_manager()
    scope = Scope(region="unit__region__path", unit="unit_id", roles=WORK_ROLES, region_via="unit")

    class Meta:
        verbose_name = _("办理事项")
        verbose_name_plural = _("办理事项")
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["status", "due_on"], name="occurrence_status_due_idx"),
            models.Index(fields=["due_on"], name="occurrence_due_idx"),
            # Covering on PostgreSQL: a county's or a city's counts by month and state read the index only.
            models.Index(
                fields=["unit", "due_on"],
                include=["status", "late", "extended_until", "id"],
                name="occurrence_unit_due_cover_idx",
            ),
            models.Index(
                fields=["due_on"], condition=Q(due_provisional=True), name="occurrence_provisional_due_idx"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["duty", "unit", "period_start"],
                condition=Q(committee__isnull=True),
                name="occurrence_unique_unit_period",
            ),
            models.UniqueConstraint(
                fields=["duty", "committee", "period_start"],
                condition=Q(committee__isnull=False),
                name="occurrence_unique_committee_period",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="occurrence_period_ordered"
            ),
            models.CheckConstraint(
                condition=Q(extended_until__isnull=True) | Q(extended_until__gte=F("due_on")),
                name="occurrence_extension_not_earlier",
            ),
            models.CheckConstraint(
                condition=Q(status=OccurrenceStatus.PENDING) | Q(touched=True),
                name="occurrence_acted_is_touched",
            ),
            models.CheckConstraint(
                condition=~Q(status=OccurrenceStatus.ACCEPTED) | Q(accepted_at__isnull=False),
                name="occurrence_accepted_has_time",
            ),
        ]

    def __str__(self) -> str:
        who = self.committee or self.unit
        return f"{who} · {self.duty} · {self.period_start:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("duties:occurrence_detail", kwargs={"public_id": self.public_id})

    @property
    def state(self) -> OccurrenceStatus:
        return OccurrenceStatus(self.status)

    @property
    def deadline(self) -> dt.date:
        """The due date, or the later date a granted extension (延期) moved it to."""
        return deadline_of(self.due_on, self.extended_until)

    @property
    def is_overdue(self) -> bool:
        """Still owed and past its deadline (逾期未办)."""
        return self.state.is_open and self.deadline < timezone.localdate()

    @property
    def is_closed(self) -> bool:
        """Accepted, and signed off by a leader where the duty asks for it (办结)."""
        if self.status != OccurrenceStatus.ACCEPTED:
            return False
        return bool(self.signed_off_at) or not self.duty.needs_sign_off

    @property
    def awaits_sign_off(self) -> bool:
        return (
            self.status == OccurrenceStatus.ACCEPTED and self.duty.needs_sign_off and not self.signed_off_at
        )


class Report(BaseModel):
    """进展报告 — a unit's report on an occurrence; each submission or resubmission is a new numbered one."""

    occurrence = models.ForeignKey(
        Occurrence, on_delete=models.PROTECT, related_name="reports", verbose_name=_("办理事项")
    )
    number = models.PositiveIntegerField(_("第几次报送"))
    text = models.TextField(_("进展情况"))
    evidence_on = models.DateField(
        _("工作完成日期"), help_text=_("会议召开、检查开展等的实际日期，不是上传日期")
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("报送人")
    )
    submitted_at = models.DateTimeField(_("报送时间"))
    late = models.BooleanField(
        _("逾期报送"),
        default=False,
        help_text=_("服务器收到报告时已过截止日期（含获批延期），与工作完成日期无关"),
    )

    objects = ReportQuerySet.as_manager()
    scope = Scope(region="occurrence__unit__region__path", unit="occurrence__unit_id", roles=WORK_ROLES)

    class Meta:
        verbose_name = _("进展报告")
        verbose_name_plural = _("进展报告")
        ordering = ["occurrence", "number"]
        constraints = [
            models.UniqueConstraint(fields=["occurrence", "number"], name="report_unique_number"),
            models.CheckConstraint(condition=~Q(text=""), name="report_text_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.occurrence} · 第{self.number}次报送"

    @property
    def done_after_period(self) -> bool:
        """The work was done after the period it answers for (allowed, and shown)."""
        return self.evidence_on > self.occurrence.period_end


class ImmutableRecordError(RuntimeError):
    """An evidence revision was changed or removed; revisions are immutable."""


class Evidence(BaseModel):
    """佐证材料 — one immutable file revision, stored under its SM3 digest and served only through a view."""

    report = models.ForeignKey(
        Report, on_delete=models.PROTECT, related_name="evidence", verbose_name=_("报告")
    )
    sm3 = models.CharField(_("SM3 摘要"), max_length=64)
    file = models.FileField(_("文件"), max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=255)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("上传人")
    )

    objects = EvidenceQuerySet.as_manager()
    scope = Scope(
        region="report__occurrence__unit__region__path", unit="report__occurrence__unit_id", roles=WORK_ROLES
    )

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["report", "id"]
        indexes = [models.Index(fields=["sm3"], name="evidence_sm3_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(size__gt=0), name="evidence_not_empty"),
            models.CheckConstraint(condition=~Q(sm3="") & ~Q(file=""), name="evidence_has_digest_and_file"),
        ]

    def __str__(self) -> str:
        return self.original_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ImmutableRecordError("evidence revisions are immutable; upload a new one instead")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ImmutableRecordError("evidence revisions are kept; they cannot be deleted")


class Review(BaseModel):
    """审核 — a reviewer's accept or return (with a reason), or a leader's sign-off."""

    occurrence = models.ForeignKey(
        Occurrence, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("办理事项")
    )
    report = models.ForeignKey(
        Report,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviews",
        verbose_name=_("报告"),
    )
    decision = models.CharField(_("意见"), max_length=10, choices=ReviewDecision.choices)
    reason = models.TextField(_("理由"), blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("审核人")
    )

    objects = ReviewQuerySet.as_manager()
    scope = Scope(region="occurrence__unit__region__path", unit="occurrence__unit_id", roles=WORK_ROLES)

    class Meta:
        verbose_name = _("审核")
        verbose_name_plural = _("审核")
        ordering = ["occurrence", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(decision=ReviewDecision.RETURN) | ~Q(reason=""), name="review_return_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.occurrence} · {self.get_decision_display()}"


class CoverageCycle(BaseModel):
    """覆盖周期 — one N-year cycle of a coverage duty (e.g. 3年巡查一遍), with its plan of who is covered when."""

    duty = models.ForeignKey(
        Duty, on_delete=models.PROTECT, related_name="coverage_cycles", verbose_name=_("职责")
    )
    first_year = models.PositiveSmallIntegerField(_("起始年度"))
    years = models.PositiveSmallIntegerField(_("周期年数"))

    scope = Scope(region="duty__region__path", internal_view=True, roles=DUTY_ROLES)

    class Meta:
        verbose_name = _("覆盖周期")
        verbose_name_plural = _("覆盖周期")
        ordering = ["duty", "first_year"]
        constraints = [
            models.UniqueConstraint(fields=["duty", "first_year"], name="coveragecycle_unique_start"),
            models.CheckConstraint(condition=Q(years__gte=1), name="coveragecycle_years_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.duty} · {self.first_year}–{self.last_year}"

    @property
    def last_year(self) -> int:
        return self.first_year + self.years - 1


class CoverageVisit(BaseModel):
    """覆盖记录 — a member of the set planned for a year of the cycle, and when it was actually covered."""

    cycle = models.ForeignKey(
        CoverageCycle, on_delete=models.CASCADE, related_name="visits", verbose_name=_("周期")
    )
    member = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="coverage_visits", verbose_name=_("对象")
    )
    planned_year = models.PositiveSmallIntegerField(_("计划年度"))
    visited_on = models.DateField(_("实际日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("登记人"),
    )

    scope = Scope(region="cycle__duty__region__path", internal_view=True, roles=DUTY_ROLES)

    class Meta:
        verbose_name = _("覆盖记录")
        verbose_name_plural = _("覆盖记录")
        ordering = ["cycle", "planned_year", "member__name"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "member"], name="coveragevisit_unique_member")
        ]

    def __str__(self) -> str:
        return f"{self.cycle} · {self.member}"


class CalendarFeed(models.Model):
    """日历订阅 — a private, revocable token URL serving a user's due dates as iCalendar; only its hash is kept."""

    public_id = models.UUIDField(unique=True, editable=False, default=uuid.uuid4)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feeds",
        verbose_name=_("用户"),
    )
    token_hash = models.CharField(_("令牌摘要（SM3）"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope = Scope()

    class Meta:
        verbose_name = _("日历订阅")
        verbose_name_plural = _("日历订阅")
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(revoked_at__isnull=True), name="calendarfeed_one_active_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.created_at:%Y-%m-%d}"


def can_manage_holidays(user: Any) -> bool:
    """The safety committee office (of any region) keeps the national holiday arrangements."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or any(a.role == Role.OFFICE for a in user.active_assignments())


class HolidayArrangement(BaseModel):
    """节假日安排 — one year's holidays and make-up working days (调休) from the 国务院办公厅 notice."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    notice = models.CharField(_("通知文号或标题"), max_length=200, blank=True)
    source = models.CharField(_("录入方式"), max_length=10, choices=ArrangementSource.choices)
    source_name = models.CharField(_("导入文件"), max_length=255, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("录入人"),
    )
    version = models.PositiveIntegerField(_("版本"), default=1)

    # Every internal user reads it; who may change it is can_manage_holidays() (the office of any region:
    # the notice is national, so the row has no region to scope by).
    scope = Scope(internal_view=True)

    class Meta:
        verbose_name = _("节假日安排")
        verbose_name_plural = _("节假日安排")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100), name="holiday_year_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} 年节假日安排"

    def get_absolute_url(self) -> str:
        return reverse("duties:holiday_year", kwargs={"year": self.year})


class HolidayDay(models.Model):
    """节假日安排中的一天 — a holiday (放假) or a make-up working day (调休上班), with the holiday's name."""

    arrangement = models.ForeignKey(
        HolidayArrangement, on_delete=models.CASCADE, related_name="days", verbose_name=_("节假日安排")
    )
    day = models.DateField(_("日期"))
    kind = models.CharField(_("类型"), max_length=10, choices=HolidayDayKind.choices)
    name = models.CharField(_("节日"), max_length=20, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope = Scope(internal_view=True)

    class Meta:
        verbose_name = _("节假日安排日期")
        verbose_name_plural = _("节假日安排日期")
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["arrangement", "day"], name="holidayday_unique_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.get_kind_display()}"


class JobRun(models.Model):
    """作业运行记录 — when a periodic job last ran, so a stopped job shows as stale instead of silently."""

    name = models.CharField(_("作业"), max_length=50, unique=True)
    last_started_at = models.DateTimeField(_("最近开始"), null=True, blank=True)
    last_finished_at = models.DateTimeField(_("最近完成"), null=True, blank=True)
    last_now = models.DateTimeField(_("最近的业务时间"), null=True, blank=True)
    last_result = models.JSONField(_("最近结果"), default=dict, blank=True)
    last_error = models.TextField(_("最近错误"), blank=True)
    runs = models.PositiveIntegerField(_("运行次数"), default=0)

    objects = RestrictedQuerySet.as_manager()
    scope = Scope(internal_view=True)

    class Meta:
        verbose_name = _("作业运行记录")
        verbose_name_plural = _("作业运行记录")

    def __str__(self) -> str:
        return self.name
