"""Forms of the supervision pages: they parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from anze.org.models import Region
from anze.supervision.choices import Channel, EventKind


class ExtensionRequestForm(forms.Form):
    requested_deadline = forms.DateField(label=_("申请延至"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("延期理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class ExtensionDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("审批意见"), choices=[("approve", _("同意")), ("refuse", _("不同意"))]
    )
    note = forms.CharField(
        label=_("说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )


class CaseCloseForm(forms.Form):
    action = forms.ChoiceField(label=_("操作"), choices=[("resolve", _("办结")), ("cancel", _("撤销"))])
    text = forms.CharField(
        label=_("办结情况或撤销理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class AssignForm(forms.Form):
    """交办：理由（必填）和办理期限（默认按督办规则）。"""

    reason = forms.CharField(
        label=_("交办理由"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        help_text=_("写入督办通知，责任单位可见。"),
    )
    deadline = forms.DateField(
        label=_("办理期限"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
        help_text=_("留空则按督办规则的工作日数计算。"),
    )


# -- settings -----------------------------------------------------------------------------------------


def _placeable_regions(user: Any, model: type, current: Any = None) -> QuerySet:
    """Regions where the user may place `model` records, plus the record's current region."""
    from anze.org.services._common import placeable_regions_q

    where = placeable_regions_q(user, "add", model)
    allowed = where if where is not None else Q(pk__in=[])
    if current is not None:
        allowed |= Q(pk=current.pk)
    return Region.objects.filter(allowed, is_active=True).order_by("path")


def _choice(queryset: QuerySet, label: Any, *, required: bool = True, help_text: Any = "") -> Any:
    return forms.ModelChoiceField(
        queryset=queryset,
        to_field_name="public_id",
        label=label,
        required=required,
        help_text=help_text,
        empty_label=_("请选择") if required else _("（不限）"),
    )


class _SettingsForm(forms.Form):
    """Bootstrap classes on every widget; choices limited to what the user may use."""

    def __init__(self, *args: Any, user: Any, instance: Any = None, **kwargs: Any) -> None:
        self.user, self.instance = user, instance
        super().__init__(*args, **kwargs)
        self.restrict_fields()
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                continue
            widget.attrs.setdefault(
                "class", "form-select" if isinstance(widget, forms.Select) else "form-control"
            )

    def restrict_fields(self) -> None:
        """Narrow the choice fields (subclasses)."""


class EscalationPolicyForm(_SettingsForm):
    """督办规则."""

    name = forms.CharField(label=_("名称"), max_length=100)
    region = forms.Field(label=_("区划"))
    plan = forms.Field(label=_("方案"), required=False)
    remind_workdays = forms.IntegerField(
        label=_("到期前提醒（工作日）"), min_value=0, max_value=365, initial=3
    )
    case_after_workdays = forms.IntegerField(
        label=_("逾期超过几个工作日立案督办"), min_value=0, max_value=365, initial=5
    )
    case_deadline_workdays = forms.IntegerField(
        label=_("督办办理期限（工作日）"), min_value=1, max_value=365, initial=10
    )
    circulate = forms.BooleanField(label=_("督办到期未办结则通报"), required=False, initial=True)
    issuing_office = forms.CharField(
        label=_("发文机关"), max_length=100, initial="临沂市安全生产委员会办公室"
    )
    notice_prefix = forms.CharField(label=_("督办通知文号前缀"), max_length=30, initial="临安委办督")
    circular_prefix = forms.CharField(label=_("通报文号前缀"), max_length=30, initial="临安委办通")

    def restrict_fields(self) -> None:
        from anze.plans.models import Plan
        from anze.supervision.models import EscalationPolicy

        policy = self.instance
        self.fields["region"] = _choice(
            _placeable_regions(self.user, EscalationPolicy, policy.region if policy else None), _("区划")
        )
        self.fields["plan"] = _choice(
            Plan.objects.restrict(self.user, "view")
            .select_related("region")
            .order_by("region__path", "title"),
            _("方案"),
            required=False,
            help_text=_("留空则为本区划方案的默认规则"),
        )
        if policy is not None:
            for name in self.fields:
                self.initial[name] = getattr(policy, name)


def _events_help() -> str:
    kinds = "、".join(f"{kind.value}（{kind.label}）" for kind in EventKind)
    return str(_("逗号分隔，可填代码或名称；留空为全部。可填：")) + kinds


class EndpointForm(_SettingsForm):
    """通知渠道. The address of a robot and its signing key are never shown back."""

    name = forms.CharField(label=_("名称"), max_length=100)
    channel = forms.ChoiceField(
        label=_("渠道"), choices=[(c.value, c.label) for c in Channel if c != Channel.INAPP]
    )
    target = forms.CharField(
        label=_("地址"),
        max_length=500,
        help_text=_(
            "邮箱地址；或群机器人的 Webhook 地址：钉钉 https://oapi.dingtalk.com/robot/send?access_token=…，"
            "企业微信 https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…"
        ),
    )
    secret = forms.CharField(
        label=_("加签密钥"),
        max_length=200,
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("钉钉机器人“加签”密钥；未开启加签则留空"),
    )
    clear_secret = forms.BooleanField(label=_("清除加签密钥"), required=False)
    region = forms.Field(label=_("区划"))
    unit = forms.Field(label=_("单位"), required=False)
    events = forms.CharField(
        label=_("消息类型"),
        max_length=200,
        required=False,
        help_text=lazy(_events_help, str)(),
    )

    def restrict_fields(self) -> None:
        from anze.org.models import Unit
        from anze.supervision.models import Endpoint

        endpoint = self.instance
        self.fields["region"] = _choice(
            _placeable_regions(self.user, Endpoint, endpoint.region if endpoint else None), _("区划")
        )
        self.fields["unit"] = _choice(
            Unit.objects.restrict(self.user, "view").filter(is_active=True).order_by("region__path", "name"),
            _("单位"),
            required=False,
            help_text=_("留空则接收本区划所有单位的消息"),
        )
        if endpoint is None:
            del self.fields["clear_secret"]
            return
        for name in ("name", "channel", "region", "unit"):
            self.initial[name] = getattr(endpoint, name)
        self.initial["events"] = ", ".join(endpoint.event_labels())
        if endpoint.channel == Channel.EMAIL:
            self.initial["target"] = endpoint.target
        else:
            # The webhook URL carries the robot's token: shown masked, kept unless a new one is pasted.
            self.fields["target"].required = False
            self.fields["target"].help_text = format_html(
                "{}{}{}", _("当前："), endpoint.masked_target, _("；留空则不修改")
            )
        self.fields["secret"].help_text = _("留空则不修改")
        if not endpoint.secret:
            del self.fields["clear_secret"]

    def secret_change(self) -> str | None:
        """The new key, "" to remove it, or None to keep it."""
        if self.cleaned_data.get("clear_secret"):
            return ""
        return self.cleaned_data.get("secret") or None
