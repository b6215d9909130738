"""The user list table."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from anze.accounts import policy
from anze.accounts.models import User


def account_state(user: User) -> tuple[str, str]:
    """A label and a Bootstrap colour for the account's state."""
    if not user.is_active:
        return str(_("已停用")), "secondary"
    if policy.is_expired(user):
        return str(_("已过期")), "secondary"
    if policy.is_locked(user):
        return str(_("已锁定")), "danger"
    if policy.password_change_required(user):
        return str(_("待改密码")), "warning"
    return str(_("正常")), "success"


class UserTable(tables.Table):
    username = tables.Column(
        verbose_name=_("用户名"),
        linkify=lambda record: reverse("accounts:user_detail", args=[record.public_id]),
    )
    display_name = tables.Column(verbose_name=_("姓名"))
    roles = tables.Column(verbose_name=_("角色"), empty_values=(), orderable=False)
    state = tables.Column(verbose_name=_("状态"), empty_values=(), orderable=False)
    last_login = tables.DateTimeColumn(verbose_name=_("最近登录"), format="Y-m-d H:i")

    class Meta:
        model = User
        fields = ("username", "display_name", "roles", "state", "last_login")
        order_by = ("username",)
        attrs = {"class": "table table-hover align-middle mb-0"}
        empty_text = _("没有符合条件的用户。")

    def render_roles(self, record: User) -> Any:
        assignments = record.active_assignments()
        if not assignments:
            return format_html('<span class="text-secondary">{}</span>', _("无"))
        return format_html_join(
            " ",
            '<span class="badge text-bg-light border">{}{}</span>',
            (
                (a.get_role_display(), f" · {a.region or a.unit}" if (a.region_id or a.unit_id) else "")
                for a in assignments
            ),
        )

    def render_state(self, record: User) -> Any:
        label, colour = account_state(record)
        return format_html('<span class="badge text-bg-{}">{}</span>', colour, label)
