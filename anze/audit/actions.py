"""Labels for audit actions (事件类型), so pages show 登录成功 rather than auth.login.

Apps name actions "<app>.<model>.<verb>" (org.unit.create) or by area (auth.login). Known ones are
listed here or added by an app with register(); anything else gets a label built from the model's
verbose name and the verb, and falls back to the code itself.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")

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
    "audit.witness": _("发布审计链见证"),
    "audit.purge_refused": _("拒绝清除审计日志"),
    # Codes whose words name no model of their app.
    "prevention.accept_rectification": _("验收隐患整改"),
    "prevention.refresh_statistics": _("刷新隐患统计"),
    "public.identity.rekey": _("重新加密举报人信息"),
    "supervision.notification.read_all": _("全部标为已读"),
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
    "confirm": _("确认"),
    "accept": _("验收"),
    "return": _("退回"),
    "close": _("关闭"),
    "open": _("启动"),
    "resolve": _("办结"),
    "issue": _("下发"),
    "publish": _("发布"),
    "withdraw": _("撤回"),
    "retire": _("停用"),
    "deactivate": _("停用"),
    "activate": _("启用"),
    "verify": _("核实"),
    "register": _("登记"),
    "report": _("上报"),
    "request": _("申请"),
    "grant": _("批准"),
    "refuse": _("驳回"),
    "cancel": _("取消"),
    "map": _("映射"),
    "record": _("记录"),
    "trigger": _("触发"),
    "sign_off": _("签批"),
    "evaluate": _("评估"),
    "reset": _("重置"),
    "unlock": _("解锁"),
    "read": _("阅读"),
    "read_all": _("全部标为已读"),
    "rekey": _("重新加密"),
    "start": _("开始"),
    "save": _("保存"),
    "reassess": _("重新评估"),
    "refresh": _("刷新"),
    "approve_reward": _("批准奖励"),
    "add_members": _("添加成员"),
    "vacate": _("免职"),
    "escalate": _("升级"),
    "urge": _("催办"),
    "mark_duplicate": _("标记重复"),
    "reject_tip": _("不予受理"),
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


def _verb_and_kind(verb: str | None, kind: str) -> str:
    # Chinese joins the verb and the kind without a space (新建单位); the catalogue says how others do.
    return gettext("%(verb)s%(kind)s") % {"verb": verb, "kind": kind}


def _model_in(app_label: str, words: str) -> str | None:
    """The verbose name of a model of `app_label` named by snake-case words (hidden_danger → 隐患)."""
    name = words.replace("_", "")
    try:
        app = apps.get_app_config(app_label)
    except LookupError:
        return None
    for model in app.get_models():
        if model._meta.model_name == name or model._meta.model_name.endswith(name):
            return str(model._meta.verbose_name)
    return None


def action_label(code: str) -> str:
    """A readable label for an action code: registered, or built from the verb and the model's name.

    Codes are "<app>.<model>.<verb>" (org.unit.create) or "<app>.<verb>_<thing>"
    (prevention.close_hidden_danger); an unknown code is shown as it is rather than guessed.
    """
    if code in ACTION_LABELS:
        return str(ACTION_LABELS[code])
    parts = code.split(".")
    if len(parts) >= 3:
        verb = VERB_LABELS.get(parts[-1])
        kind = model_label(".".join(parts[:2]))
        if verb and kind != ".".join(parts[:2]):
            return _verb_and_kind(verb, kind)
    if len(parts) == 2:
        app_label, rest = parts
        words = rest.split("_")
        # the longest known verb at the start: "approve_reward", else "close" of "close_hidden_danger"
        for split in range(len(words) - 1, 0, -1):
            verb = VERB_LABELS.get("_".join(words[:split]))
            if verb:
                kind = _model_in(app_label, "_".join(words[split:]))
                if kind:
                    return _verb_and_kind(verb, kind)
        verb = VERB_LABELS.get(rest)
        if verb:
            return str(verb)
    return code


def _field(object_type: str, name: str):
    try:
        return apps.get_model(object_type)._meta.get_field(name)
    except (LookupError, ValueError, FieldDoesNotExist):
        return None


def display_value(object_type: str, name: str, value: Any) -> str:
    """A value of an audited field as a person reads it: a status's label rather than its code, the
    name of a referenced record rather than its number, local time rather than UTC, lists as lists."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return gettext("是") if value else gettext("否")
    field = _field(object_type, name)
    if field is not None and getattr(field, "choices", None):
        labels = {str(key): label for key, label in field.flatchoices}
        if str(value) in labels:
            return str(labels[str(value)])
    if field is not None and field.is_relation and field.related_model is not None and not isinstance(value, dict | list):
        related = field.related_model
        lookup = "public_id" if isinstance(value, str) and not value.isdigit() else "pk"
        try:
            target = related._base_manager.filter(**{lookup: value}).first()
        except (ValueError, TypeError, ValidationError):
            target = None
        if target is not None:
            return str(target)
    if isinstance(value, str) and _ISO_DATETIME.match(value):
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
        if timezone.is_aware(moment):
            return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")
        return moment.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, list):
        return "、".join(display_value(object_type, "", item) for item in value)
    if isinstance(value, dict):
        return "；".join(f"{key}：{display_value(object_type, '', item)}" for key, item in value.items())
    return str(value)


def field_label(object_type: str, name: str) -> str:
    """The verbose name of a field of the event's object, for the before→after diff."""
    try:
        return str(getattr(apps.get_model(object_type)._meta.get_field(name), "verbose_name", name))
    except (LookupError, ValueError, FieldDoesNotExist):
        return name
