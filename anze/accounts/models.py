"""Users, their role assignments with scope, and the password history the policy needs."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anze.accounts.roles import ADMIN_ROLES, REGION_ROLES, UNIT_ROLES, Role
from anze.core.restrict import RestrictedQuerySet, Scope

_ACCOUNT_ROLES = {
    Role.SECURITY_ADMIN.value: frozenset({"view", "add", "change"}),
    Role.SYSTEM_ADMIN.value: frozenset({"view"}),
    Role.AUDITOR.value: frozenset({"view"}),
}


class UserQuerySet(RestrictedQuerySet):
    """Users, restrictable like every other model."""


class AnzeUserManager(UserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    """The user manager, with restrict()."""


def in_force_q(now) -> Q:
    """Role assignments in force at `now`: begun, and not yet ended."""
    return Q(valid_from__lte=now) & (Q(valid_until__isnull=True) | Q(valid_until__gt=now))


class User(AbstractUser):
    """用户 — a person who signs in; what they may see comes from their role assignments."""

    public_id = models.UUIDField(_("公开编号"), default=uuid.uuid4, unique=True, editable=False)
    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    person = models.ForeignKey(
        "org.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("人员"),
    )
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
    must_change_password = models.BooleanField(_("须修改初始密码"), default=True)
    failed_login_count = models.PositiveIntegerField(_("连续登录失败次数"), default=0)
    locked_until = models.DateTimeField(_("锁定至"), null=True, blank=True)
    valid_until = models.DateTimeField(_("账号有效期至"), null=True, blank=True)

    objects = AnzeUserManager()
    scope = Scope(roles=_ACCOUNT_ROLES)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [models.UniqueConstraint(Lower("username"), name="user_username_ci_unique")]

    def __str__(self) -> str:
        return self.display_name or self.username

    def active_assignments(self) -> list[RoleAssignment]:
        """The user's role assignments in force now, cached for the request."""
        cached = getattr(self, "_active_assignments", None)
        if cached is None:
            now = timezone.now()
            cached = list(
                self.role_assignments.filter(in_force_q(now)).select_related("region", "unit", "unit__region")
            )
            self._active_assignments = cached
        return cached

    def forget_assignments(self) -> None:
        self.__dict__.pop("_active_assignments", None)

    def has_role(self, *roles: str) -> bool:
        return any(a.role in roles for a in self.active_assignments())

    @property
    def roles(self) -> list[str]:
        return sorted({a.role for a in self.active_assignments()})

    @property
    def is_administrator(self) -> bool:
        return self.has_role(*ADMIN_ROLES)


class RoleAssignment(models.Model):
    """角色授权 — a role a user holds over an area: a region and what lies under it, or one unit."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("用户")
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    region = models.ForeignKey(
        "org.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("区划范围"),
    )
    unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("单位范围"),
    )
    valid_from = models.DateTimeField(_("生效时间"), default=timezone.now)
    valid_until = models.DateTimeField(_("失效时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    scope = Scope(roles=_ACCOUNT_ROLES)

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [
            models.CheckConstraint(
                condition=~(Q(region__isnull=False) & Q(unit__isnull=False)), name="roleassignment_one_area"
            ),
            # Roles that work over an area must name it: without one they would grant nothing (or, before
            # restrict() knew better, everything).
            models.CheckConstraint(
                condition=~Q(role__in=sorted(REGION_ROLES)) | Q(region__isnull=False),
                name="roleassignment_region_roles_have_region",
            ),
            models.CheckConstraint(
                condition=~Q(role__in=sorted(UNIT_ROLES)) | Q(unit__isnull=False),
                name="roleassignment_unit_roles_have_unit",
            ),
            # One open grant per user, role and area; ended grants stay as history, so a re-grant is a new
            # row. Three partial constraints rather than nulls_distinct=False, which SQLite does not enforce.
            models.UniqueConstraint(
                fields=["user", "role", "region"],
                condition=Q(region__isnull=False, unit__isnull=True, valid_until__isnull=True),
                name="roleassignment_unique_open_region",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "unit"],
                condition=Q(region__isnull=True, unit__isnull=False, valid_until__isnull=True),
                name="roleassignment_unique_open_unit",
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(region__isnull=True, unit__isnull=True, valid_until__isnull=True),
                name="roleassignment_unique_open_everywhere",
            ),
        ]

    def __str__(self) -> str:
        area = self.region or self.unit or _("全部")
        return f"{self.user} · {self.get_role_display()} · {area}"

    def clean(self) -> None:
        if self.role in REGION_ROLES and self.region_id is None:
            raise ValidationError({"region": _("该角色须指定区划范围。")})
        if self.role in UNIT_ROLES and self.unit_id is None:
            raise ValidationError({"unit": _("该角色须指定单位。")})
        if self.region_id and self.unit_id:
            raise ValidationError(_("区划范围和单位范围只能指定一个。"))


class PasswordHistory(models.Model):
    """A past password hash, so the last N cannot be reused."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=256)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("历史密码")
        verbose_name_plural = _("历史密码")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.created_at:%Y-%m-%d}"


class AddressFailureCount(models.Model):
    """Failed sign-ins from one client address in a five-minute bucket (来源地址限流): the throttle beside the
    per-account lock, so one address cannot try many names. Never reset by a success."""

    address = models.CharField(max_length=64)
    bucket = models.DateTimeField()
    failures = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("来源地址登录失败计数")
        verbose_name_plural = _("来源地址登录失败计数")
        constraints = [
            models.UniqueConstraint(fields=["address", "bucket"], name="accounts_address_failure_unique")
        ]

    def __str__(self) -> str:
        return f"{self.address} @ {self.bucket:%Y-%m-%d %H:%M}: {self.failures}"
