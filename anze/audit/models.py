"""The append-only, hash-chained audit trail (审计日志)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from anze.accounts.roles import Role
from anze.audit.chain import CHAINED_FIELDS
from anze.core.restrict import RestrictedQuerySet, Scope


class AuditImmutableError(Exception):
    """Raised on any attempt to change or remove an audit event."""


class AuditEventQuerySet(RestrictedQuerySet):
    """Audit events can be read and appended to, never changed or deleted."""

    def update(self, **kwargs: Any) -> int:
        raise AuditImmutableError("audit events are append-only; update() is refused")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditImmutableError("audit events are append-only; delete() is refused")

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        raise AuditImmutableError("audit events are append-only; bulk_update() is refused")

    _raw_delete = delete  # type: ignore[assignment]


class AuditEvent(models.Model):
    """审计事件 — one thing that happened: who, what, when, from where, to which object, and the result."""

    sequence = models.PositiveBigIntegerField(_("序号"), unique=True)
    occurred_at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    actor_label = models.CharField(_("操作人标识"), max_length=150)
    source = models.CharField(_("来源"), max_length=16)
    action = models.CharField(_("事件"), max_length=80, db_index=True)
    success = models.BooleanField(_("成功"), default=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    object_type = models.CharField(_("对象类型"), max_length=80, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    # db_index on PostgreSQL also builds the pattern-ops index that restrict()'s prefix match needs.
    scope_path = models.CharField(_("区划路径"), max_length=255, blank=True, db_index=True)
    before = models.JSONField(_("变更前"), null=True, blank=True)
    after = models.JSONField(_("变更后"), null=True, blank=True)
    reason = models.TextField(_("原因"), blank=True)
    request_id = models.CharField(_("请求或任务编号"), max_length=64, blank=True)
    prev_hash = models.CharField(_("前一哈希"), max_length=64)
    hash = models.CharField(_("哈希"), max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()
    # The auditor and the audit administrator read the trail; nobody writes it but record().
    scope = Scope(
        region="scope_path",
        roles={
            Role.AUDITOR.value: frozenset({"view"}),
            Role.AUDIT_ADMIN.value: frozenset({"view"}),
            Role.OFFICE.value: frozenset({"view"}),
            Role.COUNTY.value: frozenset({"view"}),
        },
    )

    class Meta:
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        ordering = ["-sequence"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "-sequence"], name="audit_event_object_idx"),
            models.Index(fields=["actor_label", "-sequence"], name="audit_event_actor_idx"),
            models.Index(fields=["ip", "-sequence"], name="audit_event_ip_idx"),
        ]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.actor_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditImmutableError("audit events are append-only; an existing event cannot be saved again")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditImmutableError("audit events are append-only; delete() is refused")

    def chained_fields(self) -> dict[str, Any]:
        """The fields the hash covers, in the form they had when written."""
        values: dict[str, Any] = {name: getattr(self, name) for name in CHAINED_FIELDS}
        values["occurred_at"] = self.occurred_at.astimezone(dt.UTC).isoformat(timespec="microseconds")
        values["ip"] = self.ip or None
        return values

    def computed_hash(self) -> str:
        """The hash this event's stored fields give; differs from `hash` when the row was edited."""
        from anze.audit.chain import event_hash

        return event_hash(self.prev_hash, self.chained_fields())

    @property
    def changes(self) -> list[tuple[str, Any, Any]]:
        """(field, before, after) for every field whose value differs between before and after."""
        before, after = self.before or {}, self.after or {}
        if not isinstance(before, dict) or not isinstance(after, dict):
            return []
        keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
        return [(key, before.get(key), after.get(key)) for key in keys if before.get(key) != after.get(key)]


class AuditChainHead(models.Model):
    """审计链头 — the newest sequence and hash, one row locked while an event is appended (a linear chain)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    sequence = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("审计链头")
        verbose_name_plural = _("审计链头")
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="auditchainhead_single_row")]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.hash[:12]}"
