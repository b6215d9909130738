"""Pages: signing in and out, the password and second-factor pages, the profile, and account management."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_tables2 import RequestConfig

from anze.accounts import otp, policy, services
from anze.accounts.backends import Refusal, answered_as
from anze.accounts.errors import AccountError, AccountPermissionError
from anze.accounts.filtersets import UserFilterSet
from anze.accounts.forms import (
    LoginForm,
    OTPTokenForm,
    PasswordChangeForm,
    PasswordResetForm,
    RoleAssignForm,
    UserCreateForm,
)
from anze.accounts.models import RoleAssignment, User, in_force_q
from anze.accounts.roles import Role
from anze.accounts.tables import UserTable, account_state
from anze.audit.services import record_standalone
from anze.core.permissions import PUBLIC, declare
from anze.core.restrict import get_restricted_or_404, scope_q


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


def _with_next(url_name: str, next_url: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': next_url})}"


# -- signing in and out ------------------------------------------------------------------------------


@declare(PUBLIC)
@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    """登录. Credentials are read from a POST body only; a query string never signs anyone in."""
    next_url = _next_url(request)
    form = LoginForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request,
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
            otp=form.cleaned_data["otp"],
        )
        if user is not None:
            services.sign_in(request, user)
            if policy.otp_required(user) and getattr(user, "otp_device", None) is None:
                target = "accounts:otp_verify" if otp.confirmed_device(user) else "accounts:otp_setup"
                return HttpResponseRedirect(_with_next(target, next_url))
            return HttpResponseRedirect(next_url)
        refusal = getattr(request, "anze_login_refusal", Refusal.INVALID)
        form.add_error(None, answered_as(refusal).label)
    return render(
        request,
        "accounts/login.html",
        {"form": form, "next": next_url, "session_expired": request.GET.get("expired") == "1"},
    )


@declare(PUBLIC)
@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    """退出登录 (POST only): the session row is deleted."""
    services.sign_out(request, reason="user")
    return redirect(settings.LOGOUT_REDIRECT_URL)


# -- the user's own account --------------------------------------------------------------------------


@declare("change")
@login_required
@sensitive_post_parameters("old_password", "new_password", "new_password_confirm")
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    """修改密码, with the policy shown; also where initial and expired passwords lead."""
    user = request.user
    form = PasswordChangeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_password(
                actor=user,
                user=user,
                old=form.cleaned_data["old_password"],
                new=form.cleaned_data["new_password"],
                request=request,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("密码已修改。"))
            return redirect("core:home")
    reason = ""
    if user.must_change_password:
        reason = _("您正在使用管理员设置的初始密码，请先修改密码。")
    elif policy.password_change_required(user):
        reason = _("您的密码已使用超过 %(days)d 天，请修改密码。") % {
            "days": policy.security("PASSWORD_MAX_AGE_DAYS")
        }
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "reason": reason, "policy": settings.ANZE_SECURITY},
    )


@declare("view")
@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request: HttpRequest) -> HttpResponse:
    """绑定动态口令: a QR code drawn on the server, and the secret as text for typing in by hand."""
    user = request.user
    if otp.confirmed_device(user) is not None and not user.is_verified():
        return redirect(_with_next("accounts:otp_verify", _next_url(request)))
    device = otp.pending_device(user)
    form = OTPTokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if services.confirm_otp_device(request, device, form.cleaned_data["token"]):
            messages.success(request, _("动态口令已绑定。"))
            return HttpResponseRedirect(_next_url(request))
        form.add_error("token", _("动态口令不正确，请确认手机时间准确后重试。"))
    return render(
        request,
        "accounts/otp_setup.html",
        {
            "form": form,
            "qr_svg": otp.qr_svg(device),
            "secret": otp.secret_base32(device),
            "next": _next_url(request),
        },
    )


@declare("view")
@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    """动态口令验证 for this session."""
    user = request.user
    if otp.confirmed_device(user) is None:
        return redirect(_with_next("accounts:otp_setup", _next_url(request)))
    form = OTPTokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if services.verify_session_otp(request, form.cleaned_data["token"]):
            return HttpResponseRedirect(_next_url(request))
        if not request.user.is_authenticated:  # locked: the session has ended
            messages.error(request, Refusal.LOCKED.label)
            return redirect(settings.LOGIN_URL)
        form.add_error("token", Refusal.OTP_INVALID.label)
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _next_url(request)})


@declare("view")
@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """个人信息: roles, sign-in record, password age and the second factor."""
    user = request.user
    return render(
        request,
        "accounts/profile.html",
        {
            "profile_user": user,
            "assignments": user.active_assignments(),
            "password_expires_at": policy.password_expires_at(user),
            "otp_device": otp.confirmed_device(user),
            "otp_required": policy.otp_required(user),
        },
    )


# -- account management (security administrator; system administrator and auditor read) ----------------


def _require_view(request: HttpRequest) -> None:
    if scope_q(User, request.user, "view") is None:
        record_standalone(
            "access.denied",
            actor=request.user,
            obj=("path", request.path_info[:64], ""),
            success=False,
            reason="user management without a role that may view accounts",
        )
        raise PermissionDenied


def _active_assignments_prefetch() -> Prefetch:
    now = timezone.now()
    return Prefetch(
        "role_assignments",
        queryset=RoleAssignment.objects.filter(in_force_q(now)).select_related("region", "unit"),
        to_attr="_active_assignments",
    )


@declare("view")
@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    """用户与角色: every account with its roles, state and last sign-in; search and filters in the URL."""
    _require_view(request)
    queryset = User.objects.restrict(request.user, "view").prefetch_related(_active_assignments_prefetch())
    filterset = UserFilterSet(request.GET, queryset=queryset)
    table = UserTable(filterset.qs)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    return render(
        request,
        "accounts/user_list.html",
        {"table": table, "filter": filterset, "can_manage": request.user.has_role(Role.SECURITY_ADMIN)},
    )


@declare("add")
@login_required
@sensitive_post_parameters("initial_password")
@require_http_methods(["GET", "POST"])
def user_create(request: HttpRequest) -> HttpResponse:
    """新建账号 (security administrator)."""
    _require_view(request)
    if not request.user.has_role(Role.SECURITY_ADMIN):
        _deny(request, "not_security_admin")
    form = UserCreateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.create_user(
                actor=request.user,
                username=data["username"],
                display_name=data["display_name"],
                initial_password=data["initial_password"],
                phone=data["phone"],
                valid_until=data["valid_until"],
            )
        except AccountError as exc:
            form.add_error("username", exc.message)
        except ValidationError as exc:
            form.add_error("initial_password", exc.messages)
        else:
            messages.success(request, _("账号已创建，用户首次登录时须修改初始密码。"))
            return redirect("accounts:user_detail", public_id=user.public_id)
    return render(request, "accounts/user_form.html", {"form": form})


@declare("view")
@login_required
def user_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    """账号详情: roles with assign and revoke, unlock, password and OTP reset, stop or restart."""
    _require_view(request)
    target = get_restricted_or_404(
        User.objects.prefetch_related(_active_assignments_prefetch()),
        request.user,
        "view",
        public_id=public_id,
    )
    history = target.role_assignments.select_related("region", "unit").order_by("-valid_from")
    label, colour = account_state(target)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "target": target,
            "assignments": target.active_assignments(),
            "history": history,
            "state_label": label,
            "state_colour": colour,
            "locked": policy.is_locked(target),
            "otp_device": otp.confirmed_device(target),
            "can_manage": request.user.has_role(Role.SECURITY_ADMIN) and request.user.pk != target.pk,
            "role_form": RoleAssignForm(),
            "reset_form": PasswordResetForm(),
        },
    )


def _deny(request: HttpRequest, code: str) -> None:
    record_standalone(
        "access.denied",
        actor=request.user,
        obj=("path", request.path_info[:64], ""),
        success=False,
        reason=code,
    )
    raise PermissionDenied(code)


def _manage(request: HttpRequest, public_id: Any, act: Callable[[User], str]) -> HttpResponse:
    """Run one management action on a user and return to the detail page with its outcome."""
    target = get_restricted_or_404(User.objects.all(), request.user, "change", public_id=public_id)
    try:
        message = act(target)
    except AccountPermissionError as exc:
        _deny(request, exc.code)
    except AccountError as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, message)
    return redirect("accounts:user_detail", public_id=target.public_id)


@declare("add")
@login_required
@require_POST
def role_assign(request: HttpRequest, public_id: Any) -> HttpResponse:
    """授予角色."""
    form = RoleAssignForm(request.POST)

    def act(target: User) -> str:
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        data = form.cleaned_data
        services.assign_role(
            actor=request.user,
            user=target,
            role=data["role"],
            region=data["region"],
            unit=data["unit"],
            valid_until=data["valid_until"],
        )
        return _("已授予角色：%(role)s。") % {"role": Role(data["role"]).label}

    return _manage(request, public_id, act)


@declare("change")
@login_required
@require_POST
def role_revoke(request: HttpRequest, public_id: Any, assignment_id: Any) -> HttpResponse:
    """撤销角色."""

    def act(target: User) -> str:
        assignment = get_object_or_404(RoleAssignment, user=target, public_id=assignment_id)
        services.revoke_role(actor=request.user, assignment=assignment)
        return _("已撤销角色：%(role)s。") % {"role": assignment.get_role_display()}

    return _manage(request, public_id, act)


@declare("change")
@login_required
@require_POST
def user_unlock(request: HttpRequest, public_id: Any) -> HttpResponse:
    """解除锁定."""

    def act(target: User) -> str:
        services.unlock_user(actor=request.user, user=target)
        return _("账号已解锁。")

    return _manage(request, public_id, act)


@declare("change")
@login_required
@sensitive_post_parameters("new_password")
@require_POST
def user_reset_password(request: HttpRequest, public_id: Any) -> HttpResponse:
    """重置密码 to a new initial password."""
    form = PasswordResetForm(request.POST)

    def act(target: User) -> str:
        if not form.is_valid():
            raise ValidationError(_("请填写新的初始密码。"))
        services.reset_password(
            actor=request.user, user=target, new_password=form.cleaned_data["new_password"]
        )
        return _("密码已重置，用户下次登录时须修改。")

    return _manage(request, public_id, act)


@declare("change")
@login_required
@require_POST
def user_reset_otp(request: HttpRequest, public_id: Any) -> HttpResponse:
    """重置动态口令."""

    def act(target: User) -> str:
        services.reset_otp(actor=request.user, user=target)
        return _("动态口令已重置，用户下次登录时重新绑定。")

    return _manage(request, public_id, act)


@declare("change")
@login_required
@require_POST
def user_set_active(request: HttpRequest, public_id: Any, active: bool) -> HttpResponse:
    """停用 / 启用账号."""

    def act(target: User) -> str:
        services.set_user_active(actor=request.user, user=target, active=active)
        return _("账号已启用。") if active else _("账号已停用。")

    return _manage(request, public_id, act)
