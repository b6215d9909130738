"""Account services: every change to users, passwords, roles and second factors, each audited once.

Pages, the API, jobs and commands call these; views only parse input and render.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import login as django_login
from django.contrib.auth import logout as django_logout
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from anze.accounts import policy
from anze.accounts.backends import register_failure, verify_otp
from anze.accounts.errors import AccountError, AccountPermissionError, AdminRoleConflictError
from anze.accounts.models import PasswordHistory, RoleAssignment, User, in_force_q
from anze.accounts.roles import ADMIN_ROLES, Role
from anze.audit.services import record, record_standalone, snapshot

USER_AUDIT_FIELDS = [
    "username",
    "display_name",
    "phone",
    "is_active",
    "must_change_password",
    "valid_until",
    "failed_login_count",
    "locked_until",
]
BATCH_SIZE = 500


def _user_state(user: User) -> dict[str, Any]:
    return snapshot(user, fields=USER_AUDIT_FIELDS)


def _assignment_state(assignment: RoleAssignment) -> dict[str, Any]:
    return snapshot(assignment, fields=["user", "role", "region", "unit", "valid_from", "valid_until"])


def require_security_admin(actor: Any) -> None:
    """Only the security administrator manages accounts and roles (三权分立)."""
    if not (
        getattr(actor, "is_authenticated", False) and actor.is_active and actor.has_role(Role.SECURITY_ADMIN)
    ):
        raise AccountPermissionError("not_security_admin", _("只有安全管理员可以管理账号和角色。"))


def _refuse_self(actor: Any, user: User, what: str) -> None:
    if actor.pk == user.pk:
        raise AccountPermissionError(
            "self_change", _("不能%(what)s自己的账号，请由另一位安全管理员操作。") % {"what": what}
        )


def _delete_tokens(user: User) -> None:
    from rest_framework.authtoken.models import Token

    Token.objects.filter(user=user).delete()


# -- users -------------------------------------------------------------------------------------------


@transaction.atomic
def create_user(
    *,
    actor: Any,
    username: str,
    display_name: str,
    initial_password: str,
    phone: str = "",
    person: Any = None,
    valid_until: dt.datetime | None = None,
) -> User:
    """创建账号 with an initial password that the user must change at first sign-in."""
    require_security_admin(actor)
    return _create_user(
        actor=actor,
        username=username,
        display_name=display_name,
        initial_password=initial_password,
        phone=phone,
        person=person,
        valid_until=valid_until,
    )


def _create_user(
    *, actor: Any, username: str, display_name: str, initial_password: str, **fields: Any
) -> User:
    username = username.strip()
    if policy.is_reserved_username(username):
        raise AccountError(
            "reserved_username", _("“%(name)s”是系统保留的默认账号名，不能使用。") % {"name": username}
        )
    if User.objects.filter(username__iexact=username).exists():
        raise AccountError("username_taken", _("用户名“%(name)s”已被使用。") % {"name": username})
    user = User(username=username, display_name=display_name, **fields)
    validate_password(initial_password, user)
    user.set_password(initial_password)
    user.must_change_password = True
    user.password_changed_at = timezone.now()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # a concurrent create of the same name
        raise AccountError("username_taken", _("用户名“%(name)s”已被使用。") % {"name": username}) from exc
    record("accounts.user.create", actor=actor, obj=user, after=_user_state(user))
    return user


@transaction.atomic
def bootstrap_security_admin(*, username: str, display_name: str, initial_password: str) -> User:
    """The first security administrator, from the command line, when there is none (production has no superuser)."""
    if RoleAssignment.objects.filter(role=Role.SECURITY_ADMIN, user__is_active=True).exists():
        raise AccountError("security_admin_exists", _("已有安全管理员；新账号请由安全管理员在系统内创建。"))
    user = _create_user(
        actor="command", username=username, display_name=display_name, initial_password=initial_password
    )
    assignment = RoleAssignment.objects.create(user=user, role=Role.SECURITY_ADMIN)
    record(
        "accounts.role.assign",
        actor="command",
        obj=user,
        after=_assignment_state(assignment),
        reason="bootstrap of the first security administrator",
    )
    return user


@transaction.atomic
def set_user_active(*, actor: Any, user: User, active: bool, reason: str = "") -> User:
    """启用/停用账号. Stopping one also ends its API token; its sessions end at their next request."""
    require_security_admin(actor)
    _refuse_self(actor, user, _("停用或启用"))
    before = _user_state(user)
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        _delete_tokens(user)
    record(
        "accounts.user.activate" if active else "accounts.user.deactivate",
        actor=actor,
        obj=user,
        before=before,
        after=_user_state(user),
        reason=reason,
    )
    return user


@transaction.atomic
def unlock_user(*, actor: Any, user: User) -> User:
    """解除锁定 before the lockout runs out."""
    require_security_admin(actor)
    before = _user_state(user)
    user.failed_login_count = 0
    user.locked_until = None
    user.save(update_fields=["failed_login_count", "locked_until"])
    record("accounts.user.unlock", actor=actor, obj=user, before=before, after=_user_state(user))
    return user


def deactivate_idle_accounts(*, now: dt.datetime) -> int:
    """Nightly: stop accounts idle longer than ACCOUNT_IDLE_DAYS or past valid_until (等保 L3-CES1-07).

    Each account is claimed atomically and audited in its own transaction, so the job is safe to run twice
    or in two workers at once.
    """
    idle_before = now - dt.timedelta(days=policy.security("ACCOUNT_IDLE_DAYS"))
    due = User.objects.filter(is_active=True).filter(
        Q(valid_until__lte=now)
        | Q(last_login__lt=idle_before)
        | Q(last_login__isnull=True, date_joined__lt=idle_before)
    )
    done = 0
    while True:
        batch = list(due.order_by("pk").values_list("pk", flat=True)[:BATCH_SIZE])
        if not batch:
            return done
        for pk in batch:
            with transaction.atomic():
                if User.objects.filter(pk=pk, is_active=True).update(is_active=False) != 1:
                    continue
                user = User.objects.get(pk=pk)
                expired = user.valid_until is not None and user.valid_until <= now
                _delete_tokens(user)
                record(
                    "accounts.user.deactivate",
                    actor=None,
                    obj=user,
                    before={"is_active": True},
                    after={"is_active": False},
                    reason="account validity ended"
                    if expired
                    else f"idle more than {policy.security('ACCOUNT_IDLE_DAYS')} days",
                )
                done += 1


# -- passwords ---------------------------------------------------------------------------------------


def _remember_password(user: User) -> None:
    """Keep the outgoing hash so the history rule can refuse it later; prune beyond what the rule reads."""
    if not user.password:
        return
    PasswordHistory.objects.create(user=user, password=user.password)
    keep = list(user.password_history.values_list("pk", flat=True)[: policy.security("PASSWORD_HISTORY")])
    user.password_history.exclude(pk__in=keep).delete()


@transaction.atomic
def change_password(
    *, actor: Any, user: User, old: str, new: str, request: HttpRequest | None = None
) -> User:
    """修改密码: the user's own, knowing the old one. With a request, the session key is rotated."""
    if actor.pk != user.pk:
        raise AccountPermissionError("not_own_account", _("只能修改自己的密码。"))
    if not user.check_password(old):
        raise ValidationError({"old_password": ValidationError(_("原密码不正确。"), code="wrong_password")})
    if old == new:
        raise ValidationError(
            {"new_password": ValidationError(_("新密码不能与原密码相同。"), code="password_reused")}
        )
    try:
        validate_password(new, user)
    except ValidationError as exc:
        raise ValidationError({"new_password": exc.error_list}) from exc
    _remember_password(user)
    user.set_password(new)
    user.password_changed_at = timezone.now()
    user.must_change_password = False
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
    _delete_tokens(user)
    record("accounts.password.change", actor=actor, obj=user)
    if request is not None:
        update_session_auth_hash(request, user)  # keeps this session, under a new key; others end
    return user


@transaction.atomic
def reset_password(*, actor: Any, user: User, new_password: str) -> User:
    """重置密码 by the security administrator: an initial password again, the lock lifted, tokens ended."""
    require_security_admin(actor)
    _refuse_self(actor, user, _("重置"))
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise ValidationError({"new_password": exc.error_list}) from exc
    _remember_password(user)
    user.set_password(new_password)
    user.password_changed_at = timezone.now()
    user.must_change_password = True
    user.failed_login_count = 0
    user.locked_until = None
    user.save(
        update_fields=[
            "password",
            "password_changed_at",
            "must_change_password",
            "failed_login_count",
            "locked_until",
        ]
    )
    _delete_tokens(user)
    record("accounts.password.reset", actor=actor, obj=user)
    return user


# -- roles -------------------------------------------------------------------------------------------


def _area_path(region: Any = None, unit: Any = None) -> str:
    """The region path an assignment's audit event is filed under, so county audit readers see it."""
    if region is not None:
        return region.path
    if unit is not None and getattr(unit, "region_id", None):
        return unit.region.path
    return ""


def _delete_tokens_counted(user: User) -> int:
    """End the user's API tokens: a token issued before a role change must not carry over its rights
    (a token is trusted as past the second factor, so an admin role would skip OTP)."""
    from rest_framework.authtoken.models import Token

    removed, _detail = Token.objects.filter(user=user).delete()
    return removed


def _check_separation(user: User, role: Role, active: Any) -> None:
    """三权分立: an administrator role is held alone — never next to any other role, in both directions."""
    if role in ADMIN_ROLES:
        other = active.exclude(role=role).first()
    else:
        other = active.filter(role__in=sorted(ADMIN_ROLES)).first()
    if other is not None:
        raise AdminRoleConflictError(
            "admin_role_conflict",
            _("三权分立：%(user)s 已是%(held)s，不能再担任%(role)s。")
            % {"user": user, "held": other.get_role_display(), "role": role.label},
        )


@transaction.atomic
def assign_role(
    *,
    actor: Any,
    user: User,
    role: str,
    region: Any = None,
    unit: Any = None,
    valid_until: dt.datetime | None = None,
) -> RoleAssignment:
    """授予角色. Only the security administrator, never to oneself; an administrator role never next to
    another role. A re-grant is a new row: a revoked grant stays as history. The user's API tokens end."""
    require_security_admin(actor)
    _refuse_self(actor, user, _("修改"))
    role = Role(role)
    # Lock the user row so two concurrent grants cannot both pass the separation check.
    user = User.objects.select_for_update().get(pk=user.pk)
    now = timezone.now()
    active = RoleAssignment.objects.filter(in_force_q(now), user=user)
    _check_separation(user, role, active)
    if active.filter(role=role, region=region, unit=unit).exists():
        raise AccountError("role_already_assigned", _("该用户已在此范围内拥有该角色。"))
    # A grant still open but not yet in force (valid_from in the future) is superseded by this one.
    RoleAssignment.objects.filter(
        user=user, role=role, region=region, unit=unit, valid_until__isnull=True
    ).update(valid_until=now)
    assignment = RoleAssignment(user=user, role=role, region=region, unit=unit, valid_from=now)
    assignment.valid_until = valid_until
    try:
        assignment.full_clean(exclude=["user"], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise AccountError("invalid_area", " ".join(exc.messages)) from exc
    assignment.save()
    user.forget_assignments()
    removed = _delete_tokens_counted(user)
    record(
        "accounts.role.assign",
        actor=actor,
        obj=user,
        before=None,
        after=_assignment_state(assignment),
        reason=f"{removed} API token(s) revoked" if removed else "",
        scope_path=_area_path(region, unit),
    )
    return assignment


@transaction.atomic
def revoke_role(*, actor: Any, assignment: RoleAssignment) -> RoleAssignment:
    """撤销角色: the assignment ends now and stays as history; the user's API tokens end."""
    require_security_admin(actor)
    _refuse_self(actor, assignment.user, _("修改"))
    now = timezone.now()
    if assignment.valid_until is not None and assignment.valid_until <= now:
        raise AccountError("role_not_active", _("该角色授权已失效。"))
    before = _assignment_state(assignment)
    assignment.valid_until = now
    assignment.save(update_fields=["valid_until"])
    assignment.user.forget_assignments()
    removed = _delete_tokens_counted(assignment.user)
    record(
        "accounts.role.revoke",
        actor=actor,
        obj=assignment.user,
        before=before,
        after=_assignment_state(assignment),
        reason=f"{removed} API token(s) revoked" if removed else "",
        scope_path=_area_path(assignment.region, assignment.unit),
    )
    return assignment


# -- second factor -----------------------------------------------------------------------------------


@transaction.atomic
def reset_otp(*, actor: Any, user: User) -> None:
    """重置动态口令: the user enrols a new authenticator at the next sign-in (a lost phone)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    require_security_admin(actor)
    _refuse_self(actor, user, _("重置"))
    removed, _detail = TOTPDevice.objects.filter(user=user).delete()
    record("accounts.otp.reset", actor=actor, obj=user, reason=f"{removed} device(s) removed")


# -- signing in and out (these need the request) -----------------------------------------------------


def sign_in(request: HttpRequest, user: User) -> None:
    """Start a session for an authenticated user: a new session key, and the clock for the session limits."""
    django_login(request, user, backend="anze.accounts.backends.LockoutModelBackend")
    device = getattr(user, "otp_device", None)
    if device is not None:  # both factors in one attempt: the session is verified from the start
        import django_otp

        django_otp.login(request, device)
    now = timezone.now().timestamp()
    request.session[policy.LOGIN_AT_KEY] = now
    request.session[policy.SEEN_AT_KEY] = now


def sign_out(request: HttpRequest, *, reason: str = "") -> None:
    """End the session: one `auth.logout` event, then the session row is deleted (residual information)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        record_standalone("auth.logout", actor=user, obj=user, reason=reason)
    django_logout(request)


def _otp_passed(request: HttpRequest, device: Any, action: str) -> None:
    import django_otp

    user = request.user
    User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)
    django_otp.login(request, device)
    request.session.cycle_key()  # the session's privilege changed
    record(action, actor=user, obj=user)


def verify_session_otp(request: HttpRequest, token: str) -> bool:
    """Second factor for this session. A wrong token counts towards lockout; at the limit the session ends."""
    user = request.user
    with transaction.atomic():
        # Re-read the row under lock: a lock set by another session or request must hold here too.
        row = User.objects.select_for_update().get(pk=user.pk)
        locked = policy.is_locked(row)
        if locked:
            record(
                "auth.login_failed", actor=user, obj=row, success=False, reason="account locked (otp step)"
            )
    if locked:
        user.locked_until = row.locked_until
        django_logout(request)
        return False
    device = verify_otp(user, token)
    if device is None:
        if register_failure(user, reason="otp", request=request):
            django_logout(request)
        return False
    with transaction.atomic():
        _otp_passed(request, device, "auth.otp_verified")
    return True


def confirm_otp_device(request: HttpRequest, device: Any, token: str) -> bool:
    """Finish enrolling an authenticator: the first token confirms it and verifies this session."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = request.user
    token = (token or "").replace(" ", "")
    if device.user_id != user.pk or device.confirmed:
        raise AccountPermissionError("not_own_device", _("该动态口令设备不属于当前用户。"))
    with transaction.atomic():
        if not (token.isdigit() and device.verify_token(token)):
            record("auth.otp_enrol_failed", actor=user, obj=user, success=False, reason="invalid otp")
            return False
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        _otp_passed(request, device, "auth.otp_enrolled")
    return True
