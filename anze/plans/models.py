"""Responsibility plans (责任方案): versions, sections, tasks, clauses and who answers for each clause."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anze.accounts.roles import Role
from anze.core.models import BaseModel
from anze.core.restrict import Scope
from anze.plans.choices import (
    LEADER_ROLES,
    UNIT_ROLES,
    AssignmentRole,
    AssignmentStatus,
    ImportStatus,
)

_VIEW = frozenset({"view"})
# Plans are reference data every internal user reads; only the safety committee office changes them.
PLAN_ROLES: dict[str, frozenset[str]] = {
    Role.COUNTY.value: _VIEW,
    Role.UNIT.value: _VIEW,
    Role.LEADER.value: _VIEW,
    Role.INSPECTOR.value: _VIEW,
    Role.AUDITOR.value: _VIEW,
    Role.ENTERPRISE.value: frozenset(),
}
PLAN_SCOPE = Scope(region="region__path", internal_view=True, roles=PLAN_ROLES)
VERSION_SCOPE = Scope(region="plan__region__path", internal_view=True, roles=PLAN_ROLES)
TREE_SCOPE = Scope(region="version__plan__region__path", internal_view=True, roles=PLAN_ROLES)


class SourceDocument(BaseModel):
    """原始文件 — an uploaded plan document, stored once under its SM3 digest."""

    sm3 = models.CharField(_("SM3 摘要"), max_length=64, unique=True)
    file = models.FileField(_("文件"), max_length=200)
    original_filename = models.CharField(_("原文件名"), max_length=255)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    media_type = models.CharField(_("文件类型"), max_length=100)
    region = models.ForeignKey(
        "org.Region", on_delete=models.PROTECT, related_name="plan_documents", verbose_name=_("区划")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("上传人"),
    )

    scope = Scope(region="region__path", roles=PLAN_ROLES)

    class Meta:
        verbose_name = _("方案原始文件")
        verbose_name_plural = _("方案原始文件")
        constraints = [
            models.CheckConstraint(
                condition=~Q(sm3="") & ~Q(file=""), name="sourcedocument_has_digest_and_file"
            ),
        ]

    def __str__(self) -> str:
        return self.original_filename


class Plan(BaseModel):
    """责任方案 — a responsibility plan; each import of a revised document adds a version."""

    title = models.CharField(_("标题"), max_length=300)
    doc_number = models.CharField(_("文号"), max_length=100, null=True, blank=True)
    issued_on = models.DateField(_("印发日期"), null=True, blank=True)
    issuers = models.JSONField(_("印发机关"), default=list, blank=True)
    region = models.ForeignKey(
        "org.Region", on_delete=models.PROTECT, related_name="plans", verbose_name=_("区划")
    )
    current_version = models.OneToOneField(
        "PlanVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="current_of",
        verbose_name=_("现行版本"),
    )

    scope = PLAN_SCOPE

    class Meta:
        verbose_name = _("责任方案")
        verbose_name_plural = _("责任方案")
        ordering = ["-issued_on", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "doc_number"],
                condition=Q(doc_number__isnull=False),
                name="plan_unique_doc_number",
            ),
            models.CheckConstraint(condition=~Q(title=""), name="plan_title_not_empty"),
        ]

    def __str__(self) -> str:
        return self.title


class PlanVersion(BaseModel):
    """方案版本 — one imported document of a plan, with its parsed content and the diff to the one before."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="versions", verbose_name=_("方案"))
    number = models.PositiveIntegerField(_("版本号"))
    document = models.ForeignKey(
        SourceDocument, on_delete=models.PROTECT, related_name="versions", verbose_name=_("原始文件")
    )
    content_hash = models.CharField(_("内容摘要（SM3）"), max_length=64, unique=True)
    parsed = models.JSONField(_("解析结果"))
    title = models.CharField(_("标题"), max_length=300)
    doc_number = models.CharField(_("文号"), max_length=100, null=True, blank=True)
    issued_on = models.DateField(_("印发日期"), null=True, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("导入人"),
    )
    imported_at = models.DateTimeField(_("导入时间"), auto_now_add=True)
    diff = models.JSONField(_("与上一版本的差异"), null=True, blank=True)

    scope = VERSION_SCOPE

    class Meta:
        verbose_name = _("方案版本")
        verbose_name_plural = _("方案版本")
        ordering = ["plan", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="planversion_unique_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="planversion_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} · 第{self.number}版"

    @property
    def is_current(self) -> bool:
        return self.plan.current_version_id == self.pk


class Section(BaseModel):
    """部分 — a heading such as 一、深入践行安全发展理念 grouping tasks."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveIntegerField(_("顺序"))
    number = models.CharField(_("编号"), max_length=20, null=True, blank=True)
    title = models.CharField(_("标题"), max_length=300, null=True, blank=True)

    scope = TREE_SCOPE

    class Meta:
        verbose_name = _("部分")
        verbose_name_plural = _("部分")
        ordering = ["version", "order"]
        constraints = [models.UniqueConstraint(fields=["version", "order"], name="section_unique_order")]

    def __str__(self) -> str:
        if self.number and self.title:
            return f"{self.number}、{self.title}"
        return self.title or self.number or ""


class Task(BaseModel):
    """任务 — a numbered work item of a plan."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="tasks")
    section = models.ForeignKey(
        Section, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("部分")
    )
    order = models.PositiveIntegerField(_("顺序"))
    number = models.CharField(_("编号"), max_length=20)
    title = models.CharField(_("标题"), max_length=300, null=True, blank=True)

    scope = TREE_SCOPE

    class Meta:
        verbose_name = _("任务")
        verbose_name_plural = _("任务")
        ordering = ["version", "order"]
        constraints = [models.UniqueConstraint(fields=["version", "order"], name="task_unique_order")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}" if self.title else f"{self.number}."


class Clause(BaseModel):
    """条款 — a paragraph of a task with its own leaders, units, deadline and duties."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="clauses")
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="clauses", verbose_name=_("任务"))
    order = models.PositiveIntegerField(_("顺序"))
    key = models.CharField(_("条款号"), max_length=30, help_text=_("任务编号.段序，如 1.2"))
    text = models.TextField(_("内容"))
    original_text = models.TextField(_("原文（繁体等）"), blank=True)
    deadline_text = models.CharField(_("完成时限"), max_length=200, blank=True)
    deadline_date = models.DateField(_("完成日期"), null=True, blank=True)
    deadline_ongoing = models.BooleanField(_("长期坚持"), default=False)

    scope = TREE_SCOPE

    class Meta:
        verbose_name = _("条款")
        verbose_name_plural = _("条款")
        ordering = ["version", "task__order", "order"]
        constraints = [
            models.UniqueConstraint(fields=["task", "order"], name="clause_unique_order"),
            models.UniqueConstraint(fields=["version", "key"], name="clause_unique_key"),
            models.CheckConstraint(condition=~Q(text=""), name="clause_text_not_empty"),
            models.CheckConstraint(
                condition=Q(deadline_date__isnull=True) | ~Q(deadline_text=""),
                name="clause_deadline_date_has_text",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.text[:30]}"


_LEADER_ROLE_VALUES = [r.value for r in LEADER_ROLES]
_UNIT_ROLE_VALUES = [r.value for r in UNIT_ROLES]


class ClauseAssignment(BaseModel):
    """分工 — a name the clause gives a role to, and the person, unit or unit group it was matched to.

    The raw name is always kept. A unit group gives one row with status `group` and one row per member
    unit (`via_group`), so pages can show "市应急局 (through 市安委会各成员单位)".
    """

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="assignments")
    clause = models.ForeignKey(
        Clause, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("条款")
    )
    role = models.CharField(_("角色"), max_length=20, choices=AssignmentRole.choices)
    position = models.PositiveIntegerField(_("排序"))
    raw_name = models.CharField(_("方案中的名称"), max_length=200)
    status = models.CharField(_("对应状态"), max_length=12, choices=AssignmentStatus.choices)
    person = models.ForeignKey(
        "org.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_assignments",
        verbose_name=_("人员"),
    )
    unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_assignments",
        verbose_name=_("单位"),
    )
    group = models.ForeignKey(
        "org.UnitGroup",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_assignments",
        verbose_name=_("单位集合"),
    )
    via_group = models.BooleanField(_("经单位集合"), default=False)

    scope = TREE_SCOPE

    class Meta:
        verbose_name = _("分工")
        verbose_name_plural = _("分工")
        ordering = ["clause", "role", "position", "via_group"]
        indexes = [
            models.Index(fields=["unit", "role"], name="assignment_unit_role_idx"),
            models.Index(fields=["person", "role"], name="assignment_person_role_idx"),
            models.Index(fields=["status", "raw_name"], name="assignment_status_name_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["clause", "role", "position"],
                condition=Q(via_group=False),
                name="assignment_unique_name",
            ),
            models.UniqueConstraint(
                fields=["clause", "role", "position", "unit"],
                condition=Q(via_group=True),
                name="assignment_unique_member",
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        status=AssignmentStatus.UNRESOLVED,
                        person__isnull=True,
                        unit__isnull=True,
                        group__isnull=True,
                    )
                    | Q(
                        status=AssignmentStatus.GROUP,
                        person__isnull=True,
                        unit__isnull=True,
                        group__isnull=False,
                    )
                    | Q(
                        status=AssignmentStatus.RESOLVED,
                        person__isnull=False,
                        unit__isnull=True,
                        group__isnull=True,
                    )
                    | Q(status=AssignmentStatus.RESOLVED, person__isnull=True, unit__isnull=False)
                ),
                name="assignment_status_matches_target",
            ),
            models.CheckConstraint(
                condition=Q(via_group=False)
                | Q(status=AssignmentStatus.RESOLVED, unit__isnull=False, group__isnull=False),
                name="assignment_member_has_group",
            ),
            models.CheckConstraint(
                condition=Q(role__in=_LEADER_ROLE_VALUES, unit__isnull=True, group__isnull=True)
                | Q(role__in=_UNIT_ROLE_VALUES, person__isnull=True),
                name="assignment_role_matches_target",
            ),
            models.CheckConstraint(condition=~Q(raw_name=""), name="assignment_raw_name_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}：{self.raw_name}"

    @property
    def target(self):
        return self.person or self.unit or self.group


class ClauseDuty(BaseModel):
    """建议职责 — a recurring requirement the parser found in a clause, to be confirmed as a duty later."""

    clause = models.ForeignKey(
        Clause, on_delete=models.CASCADE, related_name="duties", verbose_name=_("条款")
    )
    order = models.PositiveIntegerField(_("顺序"))
    text = models.CharField(_("内容"), max_length=500)
    rrule = models.CharField(_("重复规则（RFC 5545）"), max_length=200)
    count = models.PositiveIntegerField(_("每周期次数"), null=True, blank=True)
    subject = models.CharField(_("主体"), max_length=200, null=True, blank=True)

    scope = Scope(region="clause__version__plan__region__path", internal_view=True, roles=PLAN_ROLES)

    class Meta:
        verbose_name = _("建议职责")
        verbose_name_plural = _("建议职责")
        ordering = ["clause", "order"]
        constraints = [
            models.UniqueConstraint(fields=["clause", "order"], name="clauseduty_unique_order"),
            models.CheckConstraint(
                condition=Q(count__isnull=True) | Q(count__gte=1), name="clauseduty_count_positive"
            ),
            models.CheckConstraint(condition=~Q(rrule=""), name="clauseduty_rrule_not_empty"),
        ]

    def __str__(self) -> str:
        return self.text


class PlanImport(BaseModel):
    """待确认导入 — an uploaded document parsed and shown for review before it becomes a plan version."""

    status = models.CharField(
        _("状态"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    region = models.ForeignKey(
        "org.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区划")
    )
    document = models.ForeignKey(
        SourceDocument, on_delete=models.PROTECT, related_name="imports", verbose_name=_("原始文件")
    )
    parsed = models.JSONField(_("解析结果"))
    names = models.JSONField(_("名称对应预览"), default=dict)
    diff = models.JSONField(_("与现行版本的差异"), null=True, blank=True)
    plan = models.ForeignKey(
        Plan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="imports",
        verbose_name=_("对应方案"),
    )
    version = models.OneToOneField(
        PlanVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="source_import",
        verbose_name=_("导入的版本"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("上传人")
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("确认人"),
    )
    decided_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    scope = Scope(region="region__path", roles=PLAN_ROLES)

    class Meta:
        verbose_name = _("方案导入")
        verbose_name_plural = _("方案导入")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=ImportStatus.CONFIRMED, version__isnull=False)
                | (~Q(status=ImportStatus.CONFIRMED) & Q(version__isnull=True)),
                name="planimport_confirmed_has_version",
            ),
            models.CheckConstraint(
                condition=Q(status=ImportStatus.PENDING) | Q(decided_at__isnull=False),
                name="planimport_decided_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document} ({self.get_status_display()})"

    @property
    def title(self) -> str:
        return (self.parsed or {}).get("title") or ""


class PersonAlias(BaseModel):
    """人员别称 — a name or post a plan uses for a person, confirmed by the office on an import preview."""

    name = models.CharField(_("名称"), max_length=100)
    region = models.ForeignKey(
        "org.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区划")
    )
    person = models.ForeignKey(
        "org.Person", on_delete=models.PROTECT, related_name="plan_aliases", verbose_name=_("人员")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("确认人")
    )

    scope = Scope(region="region__path", internal_view=True, roles=PLAN_ROLES)

    class Meta:
        verbose_name = _("人员别称")
        verbose_name_plural = _("人员别称")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="personalias_one_per_region_name")
        ]

    def __str__(self) -> str:
        return f"{self.name} → {self.person}"


class ClauseLink(BaseModel):
    """上下贯通 — a lower-level plan's clause implements an upper-level plan's clause (confirmed by the office)."""

    lower = models.ForeignKey(
        Clause, on_delete=models.CASCADE, related_name="upper_links", verbose_name=_("下级条款")
    )
    upper = models.ForeignKey(
        Clause, on_delete=models.CASCADE, related_name="lower_links", verbose_name=_("上级条款")
    )
    similarity = models.FloatField(_("文本相似度"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("确认人")
    )

    scope = Scope(region="lower__version__plan__region__path", internal_view=True, roles=PLAN_ROLES)

    class Meta:
        verbose_name = _("条款贯通")
        verbose_name_plural = _("条款贯通")
        ordering = ["lower_id", "upper_id"]
        constraints = [
            models.UniqueConstraint(fields=["lower", "upper"], name="clauselink_once"),
            models.CheckConstraint(condition=~Q(lower=models.F("upper")), name="clauselink_not_itself"),
        ]

    def __str__(self) -> str:
        return f"{self.lower} → {self.upper}"
