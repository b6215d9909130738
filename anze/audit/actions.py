"""Labels for audit actions (事件类型), so pages show 登录成功 rather than auth.login.

Apps name actions "<app>.<model>.<verb>" (org.unit.create) or by area (auth.login). Known ones are
listed here or added by an app with register(); anything else gets a label built from the model's
verbose name and the verb, and falls back to the code itself.
"""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, str] = {
    "auth.login": _("登录"),
    "auth.login_failed": _("登录失败"),
    "auth.logout": _("退出登录"),
    "auth.locked": _("账号锁定"),
    "auth.otp_failed": _("动态口令错误"),
    "auth.password_changed": _("修改密码"),
    "access.denied": _("越权访问被拒绝"),
    "audit.export": _("导出审计日志"),
    "audit.verify": _("校验审计链"),
    "audit.purge_refused": _("拒绝清除审计日志"),
}

VERB_LABELS: dict[str, str] = {
    "create": _("新建"),
    "add": _("新建"),
    "update": _("修改"),
    "change": _("修改"),
    "edit": _("修改"),
    "delete": _("删除"),
    "remove": _("移除"),
    "assign": _("授权"),
    "revoke": _("撤销"),
    "import": _("导入"),
    "export": _("导出"),
    "view": _("查看"),
    "approve": _("批准"),
    "reject": _("退回"),
    "submit": _("提交"),
}


def register(code: str, label: str) -> None:
    """Give an action a label (call from an app's ready() or module level)."""
    ACTION_LABELS[code] = label


def model_label(object_type: str) -> str:
    """The verbose name of "app.model", or the text itself when it names no model."""
    if "." not in object_type:
        return object_type
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type


def action_label(code: str) -> str:
    """A readable label for an action code."""
    if code in ACTION_LABELS:
        return str(ACTION_LABELS[code])
    parts = code.split(".")
    if len(parts) >= 3:
        verb = VERB_LABELS.get(parts[-1])
        kind = model_label(".".join(parts[:2]))
        if verb and kind != ".".join(parts[:2]):
            # Chinese joins the verb and the kind without a space (新建单位); the catalogue says how others do.
            return gettext("%(verb)s%(kind)s") % {"verb": verb, "kind": kind}
    return code


def field_label(object_type: str, name: str) -> str:
    """The verbose name of a field of the event's object, for the before→after diff."""
    try:
        return str(getattr(apps.get_model(object_type)._meta.get_field(name), "verbose_name", name))
    except (LookupError, ValueError, FieldDoesNotExist):
        return name
