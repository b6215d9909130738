"""督办 data: escalation policies, channels, notifications and their deliveries, cases, extensions, circulars."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anze.accounts.roles import Role
from anze.core.models import BaseModel
from anze.core.restrict import RestrictedQuerySet, Scope
from anze.supervision.choices import (
    CaseSource,
    CaseStatus,
    Channel,
    DeliveryStatus,
    EventKind,
    ExtensionStatus,
    HoldStatus,
    SendOutcome,
)

_VIEW = frozenset({"view"})
_NONE: frozenset[str] = frozenset()
# Policies and circulars are read by every internal user; only the office changes them.
CONFIG_ROLES: dict[str, frozenset[str]] = {
    Role.COUNTY.value: _VIEW,
    Role.UNIT.value: _VIEW,
    Role.LEADER.value: _VIEW,
    Role.INSPECTOR.value: _VIEW,
    Role.ENTERPRISE.value: _NONE,
}
# Channel targets carry webhook secrets: the office (and auditors, read-only) only.
OFFICE_ONLY_ROLES: dict[str, frozenset[str]] = {
    Role.COUNTY.value: _VIEW,
    Role.UNIT.value: _NONE,
    Role.LEADER.value: _NONE,
    Role.INSPECTOR.value: _NONE,
    Role.ENTERPRISE.value: _NONE,
}
# Cases: the office all of its region, a county its region's, a unit its own; leaders read.
CASE_ROLES: dict[str, frozenset[str]] = {
    Role.INSPECTOR.value: _NONE,
    Role.ENTERPRISE.value: _NONE,
}


class EscalationPolicy(BaseModel):
    """督办规则 — the ladder of a plan (or the default of a region): remind, 催办, 督办 case, 通报."""

    name = models.CharField(_("名称"), max_length=100)
    region = models.ForeignKey(
        "org.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区划")
    )
    plan = models.OneToOneField(
        "plans.Plan",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="escalation_policy",
        verbose_name=_("方案"),
        help_text=_("留空则为本区划方案的默认规则"),
    )
    remind_workdays = models.PositiveSmallIntegerField(_("到期前提醒（工作日）"), default=3)
    case_after_workdays = models.PositiveSmallIntegerField(_("逾期超过几个工作日立案督办"), default=5)
    case_deadline_workdays = models.PositiveSmallIntegerField(_("督办办理期限（工作日）"), default=10)
    circulate = models.BooleanField(_("督办到期未办结则通报"), default=True)
    issuing_office = models.CharField(_("发文机关"), max_length=100, default="临沂市安全生产委员会办公室")
    notice_prefix = models.CharField(_("督办通知文号前缀"), max_length=30, default="临安委办督")
    circular_prefix = models.CharField(_("通报文号前缀"), max_length=30, default="临安委办通")
    is_active = models.BooleanField(_("启用"), default=True)

    scope = Scope(region="region__path", roles=CONFIG_ROLES)

    class Meta:
        verbose_name = _("督办规则")
        verbose_name_plural = _("督办规则")
        ordering = ["region__path", "plan_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["region"],
                condition=Q(plan__isnull=True),
                name="escalationpolicy_one_default_per_region",
            ),
            models.CheckConstraint(
                condition=Q(case_deadline_workdays__gte=1), name="escalationpolicy_deadline_pos"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Endpoint(BaseModel):
    """通知渠道 — an email address or a DingTalk / WeCom group robot that receives a unit's or region's messages."""

    name = models.CharField(_("名称"), max_length=100)
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    target = models.CharField(_("地址"), max_length=500, help_text=_("邮箱地址，或群机器人的 Webhook 地址"))
    secret = models.CharField(_("加签密钥"), max_length=200, blank=True, help_text=_("钉钉机器人“加签”密钥"))
    region = models.ForeignKey(
        "org.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区划")
    )
    unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("单位"),
        help_text=_("留空则接收本区划所有单位的消息"),
    )
    events = models.CharField(_("消息类型"), max_length=200, blank=True, help_text=_("逗号分隔；留空为全部"))
    is_active = models.BooleanField(_("启用"), default=True)

    scope = Scope(region="region__path", unit="unit_id", roles=OFFICE_ONLY_ROLES)

    class Meta:
        verbose_name = _("通知渠道")
        verbose_name_plural = _("通知渠道")
        ordering = ["region__path", "name"]
        constraints = [
            models.CheckConstraint(condition=~Q(channel=Channel.INAPP), name="endpoint_not_inapp"),
            models.CheckConstraint(condition=~Q(target=""), name="endpoint_has_target"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_target(self) -> str:
        """The address as it may be shown or audited: a webhook's token is never shown back."""
        from anze.supervision.channels.base import mask_target

        return mask_target(self.target)

    def event_labels(self) -> list[str]:
        return [str(EventKind(kind).label) for kind in self.events.split(",") if kind in EventKind.values]


class Case(BaseModel):
    """督办案件 — formal supervision of a unit with its own deadline, from an overdue duty or another source."""

    key = models.CharField(_("来源键"), max_length=120, unique=True)
    source = models.CharField(_("来源"), max_length=16, choices=CaseSource.choices)
    content_type = models.ForeignKey(
        ContentType,
        on_delete=models.PROTECT,
        db_index=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("来源类型"),
    )
    object_id = models.PositiveBigIntegerField(_("来源编号"), null=True, blank=True)
    source_object = GenericForeignKey("content_type", "object_id")
    region = models.ForeignKey(
        "org.Region", on_delete=models.PROTECT, db_index=False, related_name="+", verbose_name=_("区划")
    )
    unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        db_index=False,
        related_name="supervision_cases",
        verbose_name=_("督办对象"),
    )
    policy = models.ForeignKey(
        EscalationPolicy,
        on_delete=models.PROTECT,
        db_index=False,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("规则"),
    )
    plan = models.ForeignKey(
        "plans.Plan",
        on_delete=models.PROTECT,
        db_index=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("方案"),
    )
    clause = models.ForeignKey(
        "plans.Clause",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("条款"),
    )
    title = models.TextField(_("事项"))
    body = models.TextField(_("督办内容"), blank=True)
    prefix = models.CharField(_("文号前缀"), max_length=30)
    year = models.PositiveSmallIntegerField(_("年度"))
    sequence = models.PositiveIntegerField(_("序号"))
    number = models.CharField(_("督办文号"), max_length=60)
    opened_at = models.DateTimeField(_("立案时间"))
    original_deadline = models.DateField(_("原定期限"))
    deadline = models.DateField(_("办理期限"))
    extensions = models.PositiveSmallIntegerField(_("延期次数"), default=0)
    delay_days = models.PositiveIntegerField(_("累计延期天数"), default=0)
    status = models.CharField(_("状态"), max_length=12, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    circulated_at = models.DateTimeField(_("通报时间"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    resolution = models.TextField(_("办结情况"), blank=True)

    scope = Scope(region="region__path", unit="unit_id", roles=CASE_ROLES)

    class Meta:
        verbose_name = _("督办案件")
        verbose_name_plural = _("督办案件")
        ordering = ["-opened_at", "-id"]
        indexes = [
            models.Index(fields=["status", "deadline"], name="case_status_deadline_idx"),
            models.Index(fields=["policy", "status"], name="case_policy_status_idx"),
            models.Index(fields=["region"], name="case_region_idx"),
            models.Index(fields=["content_type", "object_id"], name="case_source_idx"),
            models.Index(fields=["unit", "status"], name="case_unit_status_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year", "sequence"], name="case_unique_number"),
            models.CheckConstraint(
                condition=Q(deadline__gte=F("original_deadline")), name="case_deadline_not_earlier"
            ),
            models.CheckConstraint(
                condition=~Q(status=CaseStatus.RESOLVED) | Q(resolved_at__isnull=False),
                name="case_resolved_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.unit}"

    def get_absolute_url(self) -> str:
        return reverse("supervision:case_detail", kwargs={"public_id": self.public_id})

    @property
    def state(self) -> CaseStatus:
        return CaseStatus(self.status)


class ExtensionRequest(BaseModel):
    """延期申请 — a unit asks for a later case deadline, with reasons; the office approves or refuses."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="extension_requests", verbose_name=_("督办案件")
    )
    reason = models.TextField(_("申请理由"))
    current_deadline = models.DateField(_("原办理期限"))
    requested_deadline = models.DateField(_("申请延至"))
    status = models.CharField(
        _("状态"), max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("申请人")
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审批人"),
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True)

    scope = Scope(region="case__region__path", unit="case__unit_id", roles=CASE_ROLES)

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(requested_deadline__gt=F("current_deadline")), name="extension_is_later"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="extension_has_reason"),
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status=ExtensionStatus.PENDING),
                name="extension_one_pending_per_case",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.number} → {self.requested_deadline:%Y-%m-%d}"

    @property
    def state(self) -> ExtensionStatus:
        return ExtensionStatus(self.status)


class Circular(BaseModel):
    """通报 — an issued circular naming the units whose 督办 cases were still open at their deadline."""

    key = models.CharField(_("键"), max_length=120, unique=True)
    region = models.ForeignKey(
        "org.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区划")
    )
    policy = models.ForeignKey(
        EscalationPolicy,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="circulars",
        verbose_name=_("规则"),
    )
    prefix = models.CharField(_("文号前缀"), max_length=30)
    year = models.PositiveSmallIntegerField(_("年度"))
    sequence = models.PositiveIntegerField(_("序号"))
    number = models.CharField(_("文号"), max_length=60)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"), blank=True)
    issuing_office = models.CharField(_("发文机关"), max_length=100)
    issued_on = models.DateField(_("印发日期"))

    scope = Scope(region="region__path", internal_view=True, roles=CONFIG_ROLES)

    class Meta:
        verbose_name = _("通报")
        verbose_name_plural = _("通报")
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year", "sequence"], name="circular_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("supervision:circular_detail", kwargs={"public_id": self.public_id})


class CircularEntry(models.Model):
    """通报对象 — one unit named in a circular for one case; read by assessment (计入考核)."""

    circular = models.ForeignKey(
        Circular, on_delete=models.PROTECT, related_name="entries", verbose_name=_("通报")
    )
    case = models.OneToOneField(
        Case, on_delete=models.PROTECT, related_name="circular_entry", verbose_name=_("督办案件")
    )
    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("被通报单位")
    )
    year = models.PositiveSmallIntegerField(_("考核年度"))

    scope = Scope(region="circular__region__path", internal_view=True, roles=CONFIG_ROLES)
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("通报对象")
        verbose_name_plural = _("通报对象")
        ordering = ["circular", "unit__name"]
        indexes = [models.Index(fields=["unit", "year"], name="circularentry_unit_year_idx")]

    def __str__(self) -> str:
        return f"{self.circular.number} · {self.unit}"


class Notification(models.Model):
    """站内信 — a message in a unit's, person's or user's inbox; the in-app delivery of an event."""

    public_id = models.UUIDField(_("公开编号"), unique=True, editable=False)
    key = models.CharField(_("幂等键"), max_length=200, unique=True)
    kind = models.CharField(_("类型"), max_length=20, choices=EventKind.choices)
    unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        db_index=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("收件单位"),
    )
    person = models.ForeignKey(
        "org.Person",
        on_delete=models.PROTECT,
        db_index=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("收件人"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        db_index=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("收件用户"),
    )
    occurrence = models.ForeignKey(
        "duties.Occurrence",
        on_delete=models.PROTECT,
        db_index=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("办理事项"),
    )
    case = models.ForeignKey(
        Case,
        on_delete=models.PROTECT,
        db_index=False,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("督办案件"),
    )
    circular = models.ForeignKey(
        Circular,
        on_delete=models.PROTECT,
        db_index=False,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("通报"),
    )
    title = models.TextField(_("标题"))
    body = models.TextField(_("内容"), blank=True)
    urgent = models.BooleanField(_("紧急"), default=False)
    created_at = models.DateTimeField(_("时间"))
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    scope = Scope(region="unit__region__path", unit="unit_id", roles=CASE_ROLES)
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("站内信")
        verbose_name_plural = _("站内信")
        ordering = ["-created_at", "-id"]
        # Few indexes, partial where a column is mostly empty: the ladder inserts these rows in bulk.
        indexes = [
            models.Index(fields=["unit", "read_at"], name="notification_unit_read_idx"),
            models.Index(
                fields=["person", "read_at"],
                condition=Q(person__isnull=False),
                name="notification_person_read_idx",
            ),
            models.Index(
                fields=["user", "read_at"], condition=Q(user__isnull=False), name="notification_user_read_idx"
            ),
            models.Index(
                fields=["occurrence", "kind"],
                condition=Q(occurrence__isnull=False),
                name="notification_occ_kind_idx",
            ),
            models.Index(fields=["case"], condition=Q(case__isnull=False), name="notification_case_idx"),
            models.Index(
                fields=["circular"], condition=Q(circular__isnull=False), name="notification_circular_idx"
            ),
            models.Index(fields=["created_at"], name="notification_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False) | Q(person__isnull=False) | Q(user__isnull=False),
                name="notification_has_recipient",
            )
        ]

    def __str__(self) -> str:
        return self.title[:60]

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class EndpointSend(models.Model):
    """渠道发送记录 — one message sent (or tried) to one channel; the per-channel rate limit counts these."""

    endpoint = models.ForeignKey(
        Endpoint, on_delete=models.PROTECT, db_index=False, related_name="sends", verbose_name=_("渠道")
    )
    started_at = models.DateTimeField(_("发送时间"))
    outcome = models.CharField(
        _("结果"), max_length=10, choices=SendOutcome.choices, default=SendOutcome.SENDING
    )
    items = models.PositiveIntegerField(_("消息条数"), default=1)
    resume_at = models.DateTimeField(_("限流至"), null=True, blank=True)
    answer = models.TextField(_("响应"), blank=True)

    scope = Scope(region="endpoint__region__path", roles=OFFICE_ONLY_ROLES)
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("渠道发送记录")
        verbose_name_plural = _("渠道发送记录")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["endpoint", "started_at"], name="endpointsend_endpoint_time_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(outcome=SendOutcome.THROTTLED) | Q(resume_at__isnull=False),
                name="endpointsend_throttled_has_resume",
            )
        ]

    def __str__(self) -> str:
        return f"{self.endpoint} {timezone.localtime(self.started_at):%Y-%m-%d %H:%M:%S}"


class Delivery(models.Model):
    """投递记录 — one message to one external channel, with its attempts and result; never sent twice."""

    key = models.CharField(_("幂等键"), max_length=220, unique=True)
    notification = models.ForeignKey(
        Notification, on_delete=models.PROTECT, related_name="deliveries", verbose_name=_("消息")
    )
    endpoint = models.ForeignKey(
        Endpoint, on_delete=models.PROTECT, related_name="deliveries", verbose_name=_("渠道")
    )
    channel = models.CharField(_("渠道类型"), max_length=10, choices=Channel.choices)
    status = models.CharField(
        _("状态"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    urgent = models.BooleanField(_("紧急"), default=False)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试"))
    created_at = models.DateTimeField(_("创建时间"))
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    last_error = models.TextField(_("最近错误"), blank=True)
    response = models.TextField(_("响应"), blank=True)
    send = models.ForeignKey(
        EndpointSend,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("发送记录"),
        help_text=_("发出这条消息的那次发送；汇总消息的各条共用一次发送"),
    )

    scope = Scope(region="notification__unit__region__path", roles=OFFICE_ONLY_ROLES)
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("投递记录")
        verbose_name_plural = _("投递记录")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=DeliveryStatus.SENT) | Q(sent_at__isnull=False),
                name="delivery_sent_has_time",
            )
        ]

    def __str__(self) -> str:
        return self.key


class BatchHold(BaseModel):
    """暂缓督办的批次 — the items one duty confirmation made (one rule version), whose first 督办 run would open
    more cases than the brake allows; no 催办 or case goes out for them until the office releases the batch
    or withdraws it."""

    rule = models.OneToOneField(
        "duties.DutyRule", on_delete=models.PROTECT, related_name="batch_hold", verbose_name=_("规则版本")
    )
    duty = models.ForeignKey(
        "duties.Duty", on_delete=models.PROTECT, related_name="+", verbose_name=_("职责")
    )
    region = models.ForeignKey(
        "org.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区划")
    )
    status = models.CharField(_("状态"), max_length=10, choices=HoldStatus.choices, default=HoldStatus.HELD)
    cases_held = models.PositiveIntegerField(_("将立案件数"))
    held_at = models.DateTimeField(_("暂缓时间"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("处理人"),
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    reason = models.TextField(_("说明"), blank=True)

    scope = Scope(region="region__path", roles=OFFICE_ONLY_ROLES)

    class Meta:
        verbose_name = _("暂缓督办的批次")
        verbose_name_plural = _("暂缓督办的批次")
        ordering = ["-held_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=HoldStatus.HELD) | Q(decided_at__isnull=False),
                name="batchhold_decided_has_time",
            )
        ]

    def __str__(self) -> str:
        return f"{self.duty} · {self.get_status_display()}"

    @property
    def state(self) -> HoldStatus:
        return HoldStatus(self.status)
