"""严重失信主体名单: listings and their life cycle, and the persons found responsible for a fact."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from anze.core.models import BaseModel
from anze.core.restrict import Scope
from anze.enforcement.choices import ListingRule, ListingStatus, PartyKind
from anze.enforcement.disclosure import mask_name
from anze.enforcement.models._roles import ACCIDENT_ROLES


class ResponsiblePerson(BaseModel):
    """责任人员 — a natural person found responsible for a fact: named by an accident's investigation (its
    findings), or an agency's directly responsible staff named in the penalty decision. Read by the listing
    rules, which list the person beside the unit."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="responsible_persons",
        verbose_name=_("所在单位"),
    )
    accident = models.ForeignKey(
        "enforcement.Accident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responsible_persons",
        verbose_name=_("事故"),
    )
    penalty = models.ForeignKey(
        "enforcement.Penalty",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responsible_persons",
        verbose_name=_("处罚决定"),
    )
    region_path = models.CharField(_("区划路径"), max_length=200, editable=False)
    supervising_unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    name = models.CharField(_("姓名"), max_length=50)
    position = models.CharField(_("职务或责任"), max_length=100)
    found_on = models.DateField(_("认定日期"))
    basis = models.CharField(_("认定依据"), max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    scope = Scope(
        region="region_path", unit="supervising_unit_id", enterprise="enterprise_id", roles=ACCIDENT_ROLES
    )

    class Meta:
        verbose_name = _("责任人员")
        verbose_name_plural = _("责任人员")
        ordering = ["found_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(accident__isnull=False, penalty__isnull=True)
                | Q(accident__isnull=True, penalty__isnull=False),
                name="responsible_person_one_fact",
            ),
            models.CheckConstraint(condition=~Q(name=""), name="responsible_person_named"),
            models.UniqueConstraint(
                fields=["accident", "name"],
                condition=Q(accident__isnull=False),
                name="responsible_person_once_per_accident",
            ),
            models.UniqueConstraint(
                fields=["penalty", "name"],
                condition=Q(penalty__isnull=False),
                name="responsible_person_once_per_penalty",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.position}）"

    @property
    def fact_key(self) -> str:
        """The key of the fact the person answers for, as the listing rules name it."""
        return f"accident:{self.accident_id}" if self.accident_id else f"penalty:{self.penalty_id}"


PRINCIPAL_ROLE = "主要负责人"


class Listing(BaseModel):
    """严重失信主体名单 — a listing proposed by a rule over recorded facts and decided by the department."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="listings", verbose_name=_("企业")
    )
    region_path = models.CharField(_("区划路径"), max_length=200, editable=False)
    supervising_unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    subject_kind = models.CharField(
        _("主体类型"), max_length=12, choices=PartyKind.choices, default=PartyKind.UNIT, editable=False
    )
    # A person is listed as the enterprise's 主要负责人, by the name on record when the case was proposed, or as
    # a person found responsible (the investigation's findings, an agency's staff named in the decision).
    person_name = models.CharField(_("姓名"), max_length=50, blank=True, editable=False)
    person_role = models.CharField(_("职务或责任"), max_length=100, blank=True, editable=False)
    # Which person: "" for the unit, "principal", or "named:<ResponsiblePerson id>" (see listing.PRINCIPAL).
    person_key = models.CharField(max_length=24, blank=True, default="", editable=False)
    responsible_person = models.ForeignKey(
        ResponsiblePerson,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="listings",
        editable=False,
        verbose_name=_("责任人员"),
    )
    # The catch-all case is proposed by hand: the department's reasons and the legal basis it lists on.
    reasons = models.TextField(_("列入理由"), blank=True, editable=False)
    legal_basis = models.CharField(_("列入依据"), max_length=300, blank=True, editable=False)
    rule = models.CharField(_("列入情形"), max_length=32, choices=ListingRule.choices)
    fact_key = models.CharField(_("依据事实"), max_length=40, editable=False)
    fact_on = models.DateField(_("事实日期"), editable=False)
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=ListingStatus.choices,
        default=ListingStatus.PROPOSED,
        editable=False,
    )
    department = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("决定部门"),
    )
    noticed_on = models.DateField(_("告知日期"), null=True, blank=True, editable=False)
    objection_until = models.DateField(_("陈述申辩期限"), null=True, blank=True, editable=False)
    objection = models.TextField(_("陈述申辩意见"), blank=True, editable=False)
    decision_number = models.CharField(_("决定书文号"), max_length=60, blank=True, editable=False)
    listed_on = models.DateField(_("列入日期"), null=True, blank=True, editable=False)
    expires_on = models.DateField(_("届满日期"), null=True, blank=True, editable=False)
    removed_on = models.DateField(_("移出日期"), null=True, blank=True, editable=False)
    removal_reason = models.CharField(_("移出理由"), max_length=300, blank=True, editable=False)

    scope = Scope(
        region="region_path", unit="supervising_unit_id", enterprise="enterprise_id", roles=ACCIDENT_ROLES
    )

    class Meta:
        verbose_name = _("严重失信主体名单")
        verbose_name_plural = _("严重失信主体名单")
        ordering = ["-fact_on", "-id"]
        indexes = [
            models.Index(fields=["expires_on"], condition=Q(status="listed"), name="listing_live_expiry"),
            models.Index(fields=["enterprise", "status"], name="listing_enterprise_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "rule", "fact_key", "subject_kind", "person_key"],
                name="listing_once_per_fact_and_person",
            ),
            models.CheckConstraint(
                condition=~Q(rule="other_serious") | (~Q(reasons="") & ~Q(legal_basis="")),
                name="listing_catch_all_reasoned",
            ),
            models.CheckConstraint(
                condition=Q(subject_kind="unit") | ~Q(person_name=""), name="listing_person_named"
            ),
            models.CheckConstraint(
                condition=~Q(status="listed") | Q(listed_on__isnull=False, expires_on__isnull=False),
                name="listing_listed_has_term",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} · {self.get_rule_display()}"

    @property
    def is_person(self) -> bool:
        return self.subject_kind == PartyKind.PERSON

    @property
    def subject(self) -> str:
        """Who is listed, as the department's pages show it: the unit, or a person by name with the role."""
        if self.is_person:
            return f"{self.person_name}（{self.enterprise}{self.person_role or PRINCIPAL_ROLE}）"
        return str(self.enterprise)

    @property
    def public_subject(self) -> str:
        """Who is listed, as the public list shows it: a person's name masked like a penalty's party."""
        if self.is_person:
            return f"{mask_name(self.person_name)}（{self.enterprise}{self.person_role or PRINCIPAL_ROLE}）"
        return str(self.enterprise)

    def get_absolute_url(self) -> str:
        return reverse("enforcement:listing_detail", kwargs={"public_id": self.public_id})

    @property
    def status_choice(self) -> ListingStatus:
        return ListingStatus(self.status)
