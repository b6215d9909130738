"""The organization plans assign work to: regions, units, unit groups, people, posts, committees."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anze.accounts.roles import Role
from anze.core.models import BaseModel
from anze.core.restrict import Scope
from anze.org.choices import CommitteeKind, CommitteeLeaderRole, RegionLevel, UnitGroupRule, UnitKind

_VIEW = frozenset({"view"})
_EDIT = frozenset({"view", "add", "change"})
_ALL = frozenset({"view", "add", "change", "delete"})
_NONE: frozenset[str] = frozenset()
# Complete role tables for the organization's reference data (deny by default for anything not listed).
# The office edits everything in its region; the system administrator keeps reference data; the county
# office keeps its units and people but not the Region rows themselves; a unit user only views (its own
# unit's contact fields are the exception, see UNIT_ROLES and anze.org.services.units).
_REFERENCE_ROLES = {
    Role.OFFICE.value: _ALL,
    Role.COUNTY.value: _EDIT,
    Role.UNIT.value: _VIEW,
    Role.LEADER.value: _VIEW,
    Role.INSPECTOR.value: _VIEW,
    Role.AUDITOR.value: _VIEW,
    Role.ENTERPRISE.value: _NONE,
    Role.SYSTEM_ADMIN.value: _EDIT,
    Role.SECURITY_ADMIN.value: _NONE,
    Role.AUDIT_ADMIN.value: _NONE,
}
REGION_ROLES = {**_REFERENCE_ROLES, Role.COUNTY.value: _VIEW}
# A unit user may change its own unit, but the services let it touch the contact fields only.
UNIT_ROLES = {**_REFERENCE_ROLES, Role.UNIT.value: frozenset({"view", "change"})}
UNIT_CONTACT_FIELDS = frozenset({"phone", "address"})


class Region(BaseModel):
    """行政区划 — a region with its GB/T 2260 code, or a development zone under a city."""

    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    level = models.CharField(_("级别"), max_length=16, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("上级"),
    )
    # Materialized path of codes ("/370000/371300/371302/") so a subtree is one indexed prefix match.
    path = models.CharField(_("路径"), max_length=255, unique=True, editable=False)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("在用"), default=True)

    scope = Scope(region="path", internal_view=True, roles=REGION_ROLES)

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(parent__isnull=False) | Q(level=RegionLevel.PROVINCE),
                name="region_parent_unless_province",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("org:region_detail", kwargs={"public_id": self.public_id})

    def save(self, *args, **kwargs):
        self.path = (self.parent.path if self.parent_id else "/") + f"{self.code}/"
        super().save(*args, **kwargs)

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1

    def subtree(self):
        """This region and every region under it."""
        return Region.objects.filter(path__startswith=self.path)


class Unit(BaseModel):
    """责任单位 — an organ that can be given work: a department, a county government, an agency."""

    name = models.CharField(_("全称"), max_length=150, unique=True)
    short_name = models.CharField(_("简称"), max_length=60, blank=True)
    kind = models.CharField(_("类型"), max_length=32, choices=UnitKind.choices)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="units", verbose_name=_("所属区划")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("上级单位"),
    )
    is_active = models.BooleanField(_("在用"), default=True)
    phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    scope = Scope(region="region__path", unit="pk", roles=UNIT_ROLES)

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["region__path", "sort_order", "name"]
        indexes = [
            models.Index(fields=["short_name"], name="unit_short_name_idx"),
            models.Index(fields=["kind", "is_active"], name="unit_kind_active_idx"),
        ]

    def __str__(self) -> str:
        return self.short_name or self.name

    def get_absolute_url(self) -> str:
        return reverse("org:unit_detail", kwargs={"public_id": self.public_id})


class UnitAlias(models.Model):
    """单位别称 — another name a document may use for a unit (简称, 曾用名)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="aliases", verbose_name=_("单位"))
    name = models.CharField(_("别称"), max_length=150, unique=True)

    class Meta:
        verbose_name = _("单位别称")
        verbose_name_plural = _("单位别称")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class UnitGroup(BaseModel):
    """单位集合 — a collective designation plans use (市各行业主管部门, 各县区政府 …)."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    aliases = models.JSONField(_("别称"), default=list, blank=True)
    description = models.TextField(_("说明"), blank=True)
    rule = models.CharField(
        _("成员确定方式"), max_length=32, choices=UnitGroupRule.choices, default=UnitGroupRule.EXPLICIT
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="unit_groups", verbose_name=_("适用区划")
    )
    committee = models.ForeignKey(
        "Committee",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="unit_groups",
        verbose_name=_("所依据的委员会"),
        help_text=_("成员确定方式为委员会成员单位时填写"),
    )
    explicit_members = models.ManyToManyField(
        Unit, through="UnitGroupMembership", related_name="unit_groups", blank=True, verbose_name=_("成员")
    )
    is_active = models.BooleanField(_("在用"), default=True)

    scope = Scope(region="region__path", internal_view=True, roles=_REFERENCE_ROLES)

    class Meta:
        verbose_name = _("单位集合")
        verbose_name_plural = _("单位集合")
        ordering = ["name"]
        constraints = [
            # A committee-derived group names its committee; no other group has one.
            models.CheckConstraint(
                condition=(
                    Q(rule__in=[UnitGroupRule.COMMITTEE_MEMBERS, UnitGroupRule.SPECIALIZED_COMMITTEE_MEMBERS])
                    & Q(committee__isnull=False)
                )
                | (
                    ~Q(
                        rule__in=[
                            UnitGroupRule.COMMITTEE_MEMBERS,
                            UnitGroupRule.SPECIALIZED_COMMITTEE_MEMBERS,
                        ]
                    )
                    & Q(committee__isnull=True)
                ),
                name="unitgroup_committee_iff_committee_rule",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("org:unitgroup_detail", kwargs={"public_id": self.public_id})

    def members(self):
        """The units in this group now: listed by hand, or derived by the group's rule."""
        derived = {
            UnitGroupRule.COUNTY_PARTY_COMMITTEES: UnitKind.COUNTY_PARTY_COMMITTEE,
            UnitGroupRule.COUNTY_GOVERNMENTS: UnitKind.COUNTY_GOVERNMENT,
            UnitGroupRule.ZONE_COMMITTEES: UnitKind.ZONE_COMMITTEE,
        }
        if self.rule in derived:
            return Unit.objects.filter(
                kind=derived[self.rule], is_active=True, region__path__startswith=self.region.path
            )
        if self.rule == UnitGroupRule.COMMITTEE_MEMBERS:
            return Unit.objects.filter(committee_memberships__committee_id=self.committee_id, is_active=True)
        if self.rule == UnitGroupRule.SPECIALIZED_COMMITTEE_MEMBERS:
            return Unit.objects.filter(
                is_active=True,
                pk__in=CommitteeMembership.objects.filter(
                    committee__parent_id=self.committee_id, committee__is_active=True
                ).values("unit_id"),
            )
        return self.explicit_members.filter(is_active=True)


class UnitGroupMembership(models.Model):
    """A unit listed by hand in a unit group."""

    group = models.ForeignKey(UnitGroup, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="group_memberships")

    class Meta:
        verbose_name = _("集合成员")
        verbose_name_plural = _("集合成员")
        constraints = [models.UniqueConstraint(fields=["group", "unit"], name="unitgroupmembership_unique")]

    def __str__(self) -> str:
        return f"{self.group} · {self.unit}"


class Person(BaseModel):
    """人员 — a leader or official who can hold posts and lead tasks."""

    name = models.CharField(_("姓名"), max_length=50)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="people", verbose_name=_("所属区划")
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)
    is_active = models.BooleanField(_("在用"), default=True)

    scope = Scope(region="region__path", internal_view=True, roles=_REFERENCE_ROLES)

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        ordering = ["name"]
        indexes = [models.Index(fields=["name"], name="person_name_idx")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("org:person_detail", kwargs={"public_id": self.public_id})

    def current_posts(self):
        return Post.objects.filter(holdings__person=self, holdings__ended_on__isnull=True)


class Post(BaseModel):
    """职务 — a post such as 常务副市长, held by one person at a time."""

    title = models.CharField(_("职务"), max_length=100)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="posts", verbose_name=_("所在单位"))
    portfolio = models.CharField(_("分管范围"), max_length=200, blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("在用"), default=True)

    scope = Scope(region="unit__region__path", internal_view=True, roles=_REFERENCE_ROLES)

    class Meta:
        verbose_name = _("职务")
        verbose_name_plural = _("职务")
        ordering = ["sort_order", "title"]
        # Several seats share a title (副市长); their portfolios tell them apart.
        constraints = [
            models.UniqueConstraint(fields=["unit", "title", "portfolio"], name="post_unique_title_in_unit")
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.portfolio}）" if self.portfolio else self.title

    def current_holder(self) -> Person | None:
        holding = self.holdings.filter(ended_on__isnull=True).select_related("person").first()
        return holding.person if holding else None


class PostHolding(BaseModel):
    """任职 — who held a post from when to when; the history is kept."""

    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="holdings", verbose_name=_("职务"))
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="holdings", verbose_name=_("人员")
    )
    started_on = models.DateField(_("任职日期"), default=timezone.localdate)
    ended_on = models.DateField(_("离任日期"), null=True, blank=True)

    scope = Scope(region="post__unit__region__path", internal_view=True, roles=_REFERENCE_ROLES)

    class Meta:
        verbose_name = _("任职")
        verbose_name_plural = _("任职")
        ordering = ["-started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["post"], condition=Q(ended_on__isnull=True), name="postholding_one_current_holder"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="postholding_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.post}"


class Committee(BaseModel):
    """安委会 or 专业委员会 — a committee with its heads, office unit and member units."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    kind = models.CharField(_("类型"), max_length=20, choices=CommitteeKind.choices)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="committees", verbose_name=_("区划")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="specialized_committees",
        verbose_name=_("所属安委会"),
    )
    office_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="committee_offices",
        verbose_name=_("办公室所在单位"),
    )
    member_units = models.ManyToManyField(
        Unit, through="CommitteeMembership", related_name="committees", blank=True, verbose_name=_("成员单位")
    )
    is_active = models.BooleanField(_("在用"), default=True)

    scope = Scope(region="region__path", internal_view=True, roles=_REFERENCE_ROLES)

    class Meta:
        verbose_name = _("委员会")
        verbose_name_plural = _("委员会")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=CommitteeKind.SAFETY_COMMITTEE) | Q(parent__isnull=False),
                name="committee_specialized_has_parent",
            )
        ]

    def __str__(self) -> str:
        return self.short_name or self.name

    def get_absolute_url(self) -> str:
        return reverse("org:committee_detail", kwargs={"public_id": self.public_id})


class CommitteeLeader(models.Model):
    """A person at the head of a committee (第一主任, 主任, 副主任)."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="leaders")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="committee_roles")
    role = models.CharField(_("职务"), max_length=20, choices=CommitteeLeaderRole.choices)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("委员会领导")
        verbose_name_plural = _("委员会领导")
        ordering = ["sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "person", "role"], name="committeeleader_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.committee} · {self.get_role_display()} {self.person}"


class CommitteeMembership(models.Model):
    """A member unit of a committee."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="committee_memberships")
    responsibilities = models.TextField(_("成员单位职责"), blank=True)

    class Meta:
        verbose_name = _("成员单位")
        verbose_name_plural = _("成员单位")
        constraints = [
            models.UniqueConstraint(fields=["committee", "unit"], name="committeemembership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.committee} · {self.unit}"
