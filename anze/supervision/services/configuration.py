"""督办设置: escalation policies and notification channels (webhook robots, mail)."""

from __future__ import annotations

import datetime as dt
import re
import urllib.parse
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anze.audit.services import record, record_standalone, snapshot
from anze.supervision import messages
from anze.supervision.channels import ChannelError
from anze.supervision.channels.base import check_webhook_url
from anze.supervision.choices import (
    Channel,
    EventKind,
)
from anze.supervision.errors import SupervisionError
from anze.supervision.models import (
    Endpoint,
    EscalationPolicy,
)

# -- settings: escalation policies and channels --------------------------------------------------------

POLICY_FIELDS = (
    "name",
    "region",
    "plan",
    "remind_workdays",
    "case_after_workdays",
    "case_deadline_workdays",
    "circulate",
    "issuing_office",
    "notice_prefix",
    "circular_prefix",
)
ENDPOINT_FIELDS = ("name", "channel", "target", "region", "unit", "events")
WEBHOOK_CHANNELS: dict[str, tuple[str, str, str]] = {
    # channel: (host, path, the query parameter that carries the robot's token)
    Channel.DINGTALK: ("oapi.dingtalk.com", "/robot/send", "access_token"),
    Channel.WECOM: ("qyapi.weixin.qq.com", "/cgi-bin/webhook/send", "key"),
}
WEBHOOK_EXAMPLES = {
    channel: f"https://{host}{path}?{param}=…" for channel, (host, path, param) in WEBHOOK_CHANNELS.items()
}


def _invalid(field: str | None, message: str, code: str) -> ValidationError:
    error = ValidationError(message, code=code)
    return ValidationError({field: error}) if field else error


def _ensure_allowed(actor: Any, action: str, obj: Any) -> None:
    """Refuse unless `obj` (as saved) lies within the actor's scope for `action`; commands may."""
    if actor is None or isinstance(actor, str):
        return
    if not type(obj).objects.restrict(actor, action).filter(pk=obj.pk).exists():
        raise PermissionDenied(_("您无权对“%(object)s”执行此操作。") % {"object": obj})


def _policy_snapshot(policy: EscalationPolicy) -> dict[str, Any]:
    return snapshot(policy, fields=[*POLICY_FIELDS, "is_active"])


def _check_policy(policy: EscalationPolicy) -> None:
    """The friendly form of the policy's invariants (the database enforces them too)."""
    for field in ("remind_workdays", "case_after_workdays"):
        if getattr(policy, field) is None or getattr(policy, field) < 0:
            raise _invalid(field, _("请填写不小于 0 的工作日数。"), "policy_negative")
    if policy.case_deadline_workdays is None or policy.case_deadline_workdays < 1:
        raise _invalid("case_deadline_workdays", _("督办办理期限至少为 1 个工作日。"), "policy_deadline")
    if not policy.name.strip():
        raise _invalid("name", _("请填写规则名称。"), "policy_name")
    if policy.plan_id is None:
        other = (
            EscalationPolicy.objects.filter(region_id=policy.region_id, plan__isnull=True)
            .exclude(pk=policy.pk)
            .first()
        )
        if other is not None:
            raise _invalid(
                "plan",
                _(
                    "%(region)s 已有默认督办规则“%(name)s”%(inactive)s。每个区划只能有一条默认规则："
                    "请修改那条规则，或为本规则选择一个方案。"
                )
                % {
                    "region": policy.region.name,
                    "name": other.name,
                    "inactive": "" if other.is_active else _("（已停用，可重新启用）"),
                },
                "policy_default_exists",
            )
        return
    plan = policy.plan
    if not plan.region.path.startswith(policy.region.path):
        raise _invalid("plan", _("所选方案不属于本规则的区划。"), "policy_plan_outside_region")
    other = EscalationPolicy.objects.filter(plan_id=policy.plan_id).exclude(pk=policy.pk).first()
    if other is not None:
        raise _invalid(
            "plan", _("该方案已有督办规则“%(name)s”。") % {"name": other.name}, "policy_plan_taken"
        )


def _save_policy(policy: EscalationPolicy) -> None:
    _check_policy(policy)
    try:
        with transaction.atomic():
            policy.save()
    except IntegrityError as error:  # a concurrent save got there first: the same friendly message
        _check_policy(policy)
        raise _invalid(None, _("保存失败：与其他督办规则冲突，请刷新后重试。"), "policy_conflict") from error


@transaction.atomic
def create_escalation_policy(*, actor: Any, region: Any, name: str, **fields: Any) -> EscalationPolicy:
    """新增督办规则: a region's default ladder (no plan) or one plan's own."""
    unknown = set(fields) - set(POLICY_FIELDS)
    if unknown:
        raise TypeError(f"EscalationPolicy cannot take {sorted(unknown)} here")
    policy = EscalationPolicy(region=region, name=name.strip(), **fields)
    _save_policy(policy)
    _ensure_allowed(actor, "add", policy)
    record("supervision.escalationpolicy.create", actor=actor, obj=policy, after=_policy_snapshot(policy))
    return policy


@transaction.atomic
def update_escalation_policy(policy: EscalationPolicy, *, actor: Any, **changes: Any) -> EscalationPolicy:
    """修改督办规则: its numbers, documents' prefixes, region or plan; the next ladder run uses them."""
    unknown = set(changes) - set(POLICY_FIELDS)
    if unknown:
        raise TypeError(f"EscalationPolicy cannot change {sorted(unknown)} here")
    policy = EscalationPolicy.objects.select_for_update().get(pk=policy.pk)
    _ensure_allowed(actor, "change", policy)
    before = _policy_snapshot(policy)
    for field, value in changes.items():
        setattr(policy, field, value.strip() if isinstance(value, str) else value)
    after = _policy_snapshot(policy)
    if after == before:
        return policy
    _save_policy(policy)
    _ensure_allowed(actor, "change", policy)
    record("supervision.escalationpolicy.update", actor=actor, obj=policy, before=before, after=after)
    return policy


def _set_active(obj: Any, *, actor: Any, active: bool, reason: str, snap: Any, action: str) -> Any:
    """停用 or 重新启用 a settings row under a row lock, audited as `<action>.activate|deactivate`."""
    obj = type(obj).objects.select_for_update().get(pk=obj.pk)
    _ensure_allowed(actor, "change", obj)
    if obj.is_active == active:
        return obj
    before = snap(obj)
    obj.is_active = active
    obj.save(update_fields=["is_active", "updated_at"])
    verb = "activate" if active else "deactivate"
    record(f"{action}.{verb}", actor=actor, obj=obj, before=before, after=snap(obj), reason=reason)
    return obj


@transaction.atomic
def set_escalation_policy_active(
    policy: EscalationPolicy, *, actor: Any, active: bool, reason: str = ""
) -> EscalationPolicy:
    """停用 (the ladder no longer uses it; its cases keep it) or 重新启用 a policy; it is never deleted."""
    return _set_active(
        policy, actor=actor, active=active, reason=reason, snap=_policy_snapshot,
        action="supervision.escalationpolicy",
    )  # fmt: skip


def normalize_events(value: str) -> str:
    """ "remind, 催办" → "remind,urge": known event kinds (by code or label), comma-separated; "" for all."""
    by_name = {kind.value: kind.value for kind in EventKind} | {
        str(kind.label): kind.value for kind in EventKind
    }
    words = [w for w in re.split(r"[,，、;；\s]+", value or "") if w]
    unknown = [w for w in words if w not in by_name]
    if unknown:
        known = "、".join(f"{kind.value}（{kind.label}）" for kind in EventKind)
        raise _invalid(
            "events",
            _("未知的消息类型：%(unknown)s。可填：%(known)s；多个用逗号分隔，留空为全部。")
            % {"unknown": "、".join(unknown), "known": known},
            "endpoint_unknown_event",
        )
    chosen = {by_name[w] for w in words}
    return ",".join(kind.value for kind in EventKind if kind.value in chosen)


def check_target(channel: str, target: str) -> str:
    """The address cleaned, or a ValidationError saying which address to paste."""
    target = (target or "").strip()
    if channel == Channel.EMAIL:
        try:
            validate_email(target)
        except ValidationError:
            raise _invalid("target", _("请填写有效的邮箱地址。"), "endpoint_bad_email") from None
        return target
    if channel not in WEBHOOK_CHANNELS:
        raise _invalid("channel", _("请选择电子邮件、钉钉群机器人或企业微信群机器人。"), "endpoint_channel")
    host, path, token = WEBHOOK_CHANNELS[channel]
    parts = urllib.parse.urlsplit(target)
    try:
        check_webhook_url(target, resolve=False)
        allowed = True
    except ChannelError:
        allowed = False
    public_hosts = {h for h, _p, _t in WEBHOOK_CHANNELS.values()}
    if allowed and parts.hostname == host:
        query = urllib.parse.parse_qs(parts.query)
        allowed = parts.path == path and bool(query.get(token, [""])[0].strip())
    elif allowed and parts.hostname in public_hosts:
        allowed = False  # the other platform's robot pasted into this channel
    if not allowed:
        raise _invalid(
            "target",
            _(
                "请粘贴%(channel)s的 Webhook 地址，形如 %(example)s。地址须以 https:// 开头，主机须为：%(hosts)s"
                "（政务钉钉、内网中转等其他主机，请系统管理员加入 ANZE_WEBHOOK_HOSTS）。"
            )
            % {
                "channel": Channel(channel).label,
                "example": WEBHOOK_EXAMPLES[channel],
                "hosts": "、".join(getattr(settings, "ANZE_WEBHOOK_HOSTS", [])) or "—",
            },
            "endpoint_bad_webhook",
        )
    return target


def _endpoint_snapshot(endpoint: Endpoint) -> dict[str, Any]:
    """Never the webhook's token nor the signing key: the trail shows the masked address."""
    data = snapshot(endpoint, fields=[*ENDPOINT_FIELDS, "is_active"])
    data["target"] = endpoint.masked_target
    # Not "has_secret": the audit trail redacts any key whose last word is "secret".
    data["secret_set"] = bool(endpoint.secret)
    return data


def _check_endpoint(endpoint: Endpoint) -> None:
    if not endpoint.name.strip():
        raise _invalid("name", _("请填写渠道名称。"), "endpoint_name")
    endpoint.target = check_target(endpoint.channel, endpoint.target)
    endpoint.events = normalize_events(endpoint.events)
    if endpoint.secret and endpoint.channel != Channel.DINGTALK:
        raise _invalid("secret", _("只有钉钉群机器人使用加签密钥。"), "endpoint_secret_channel")
    if endpoint.unit_id is not None and not endpoint.unit.region.path.startswith(endpoint.region.path):
        raise _invalid("unit", _("所选单位不在本渠道的区划内。"), "endpoint_unit_outside_region")


@transaction.atomic
def create_endpoint(
    *,
    actor: Any,
    name: str,
    channel: str,
    target: str,
    region: Any,
    unit: Any = None,
    events: str = "",
    secret: str = "",
) -> Endpoint:
    """新增通知渠道: an email address or a group robot that receives the region's (or a unit's) messages."""
    endpoint = Endpoint(
        name=name.strip(),
        channel=channel,
        target=target,
        region=region,
        unit=unit,
        events=events,
        secret=(secret or "").strip(),
    )
    _check_endpoint(endpoint)
    endpoint.save()
    _ensure_allowed(actor, "add", endpoint)
    record("supervision.endpoint.create", actor=actor, obj=endpoint, after=_endpoint_snapshot(endpoint))
    return endpoint


@transaction.atomic
def update_endpoint(endpoint: Endpoint, *, actor: Any, secret: str | None = None, **changes: Any) -> Endpoint:
    """修改通知渠道. An empty `target` keeps the address; `secret` None keeps the key, "" removes it."""
    unknown = set(changes) - set(ENDPOINT_FIELDS)
    if unknown:
        raise TypeError(f"Endpoint cannot change {sorted(unknown)} here")
    endpoint = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
    _ensure_allowed(actor, "change", endpoint)
    before = _endpoint_snapshot(endpoint)
    old_target, old_secret = endpoint.target, endpoint.secret
    if not (changes.get("target") or "").strip():
        changes.pop("target", None)
    for field, value in changes.items():
        setattr(endpoint, field, value.strip() if isinstance(value, str) else value)
    if secret is not None:
        endpoint.secret = secret.strip()
    if endpoint.channel != Channel.DINGTALK and secret is None:
        endpoint.secret = ""  # a key only DingTalk uses is not kept for another channel
    if endpoint.channel != before["channel"] and endpoint.target == old_target:
        raise _invalid("target", _("更换渠道时请同时填写新地址。"), "endpoint_target_required")
    _check_endpoint(endpoint)
    after = _endpoint_snapshot(endpoint)
    secret_changed = endpoint.secret != old_secret
    target_changed = endpoint.target != old_target
    if after == before and not secret_changed and not target_changed:
        return endpoint
    endpoint.save()
    _ensure_allowed(actor, "change", endpoint)
    after["secret_changed"] = secret_changed
    after["target_changed"] = target_changed
    record("supervision.endpoint.update", actor=actor, obj=endpoint, before=before, after=after)
    return endpoint


@transaction.atomic
def set_endpoint_active(endpoint: Endpoint, *, actor: Any, active: bool, reason: str = "") -> Endpoint:
    """停用 (no new deliveries; past ones stay on record) or 重新启用 a channel; it is never deleted."""
    return _set_active(
        endpoint, actor=actor, active=active, reason=reason, snap=_endpoint_snapshot,
        action="supervision.endpoint",
    )  # fmt: skip


def send_test_message(endpoint: Endpoint, *, actor: Any, now: dt.datetime | None = None) -> str:
    """Send one test message through the channel now; the remote answer, or SupervisionError with the reason.

    Not inside a transaction: the network call may take seconds. The attempt is audited either way.
    """
    from anze.supervision.channels import dingtalk, email, wecom

    now = now or timezone.now()
    _ensure_allowed(actor, "change", endpoint)
    senders = {Channel.EMAIL: email.send, Channel.DINGTALK: dingtalk.send, Channel.WECOM: wecom.send}
    title = str(_("安责督办测试消息"))
    line = str(_("这是一条测试消息：收到即表示“%(name)s”配置正确。")) % {"name": endpoint.name}
    footer = f"{_('安责')} · {messages.local(now)}"
    message = messages.Message(
        title=title, markdown=f"### {title}\n\n{line}\n\n> {footer}", text=f"{line}\n{footer}"
    )
    try:
        answer = senders[Channel(endpoint.channel)](endpoint, message, now=now)
    except ChannelError as error:
        reason = str(error).replace(endpoint.target, endpoint.masked_target)
        if endpoint.secret:
            reason = reason.replace(endpoint.secret, "[redacted]")
        record_standalone(
            "supervision.endpoint.test", actor=actor, obj=endpoint, success=False, reason=reason[:500]
        )
        raise SupervisionError("send_failed", _("发送失败：%(reason)s") % {"reason": reason}) from error
    record_standalone("supervision.endpoint.test", actor=actor, obj=endpoint)
    return answer
