"""督办设置: the office's pages for escalation policies (督办规则) and notification channels (通知渠道).

Views parse input and render; the services check the scope again, validate and audit. A channel's webhook
token and signing key are never shown back: lists show the masked address, forms leave them empty.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anze.core.permissions import declare
from anze.core.restrict import get_restricted_or_404, scope_q
from anze.org.generic import record_service_refusal
from anze.org.services._common import placeable_regions_q
from anze.supervision import services
from anze.supervision.errors import SupervisionError
from anze.supervision.forms import EndpointForm, EscalationPolicyForm
from anze.supervision.models import Endpoint, EscalationPolicy


def _settings_url() -> str:
    return reverse("supervision:settings")


def _may_add(user: Any, model: type) -> bool:
    return placeable_regions_q(user, "add", model) is not None


def _changeable(user: Any, model: type) -> set[int]:
    return set(model.objects.restrict(user, "change").values_list("pk", flat=True))


@declare("view")
@login_required
def settings_index(request: HttpRequest) -> HttpResponse:
    """督办设置 — the policies and channels in the user's scope, with what the user may change."""
    user = request.user
    # Channel settings are the office's (auditors and county offices read): a unit has nothing here.
    if scope_q(Endpoint, user, "view") is None:
        raise PermissionDenied(_("只有安委会办公室可以查看督办设置。"))
    policies = EscalationPolicy.objects.restrict(user, "view").select_related("region", "plan")
    endpoints = Endpoint.objects.restrict(user, "view").select_related("region", "unit")
    changeable_policies, changeable_endpoints = (
        _changeable(user, EscalationPolicy),
        _changeable(user, Endpoint),
    )
    return render(
        request,
        "supervision/settings.html",
        {
            "title": _("督办设置"),
            "policies": [(p, p.pk in changeable_policies) for p in policies],
            "endpoints": [(e, e.pk in changeable_endpoints) for e in endpoints],
            "can_add_policy": _may_add(user, EscalationPolicy),
            "can_add_endpoint": _may_add(user, Endpoint),
        },
    )


def _form_page(request: HttpRequest, form: Any, title: str, obj: Any, save: Any, done: str) -> HttpResponse:
    """Show `form`; on a valid POST call `save(form)`; errors of the service go next to their fields."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form)
        except ValidationError as error:
            by_field = error.error_dict if hasattr(error, "error_dict") else {None: error.messages}
            for field, errors in by_field.items():
                form.add_error(field if field in form.fields else None, errors)
        except PermissionDenied as error:
            record_service_refusal(request, error, obj)
            form.add_error(None, str(error) or _("您无权执行此操作。"))
        else:
            messages.success(request, done)
            return HttpResponseRedirect(_settings_url())
    return render(
        request,
        "supervision/settings_form.html",
        {"form": form, "title": title, "object": obj, "cancel_url": _settings_url()},
    )


def _policy_fields(form: EscalationPolicyForm) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in services.POLICY_FIELDS}


@declare("add")
@login_required
def policy_create(request: HttpRequest) -> HttpResponse:
    if not _may_add(request.user, EscalationPolicy):
        raise PermissionDenied(_("您无权新增督办规则。"))
    form = EscalationPolicyForm(request.POST or None, user=request.user)
    return _form_page(
        request,
        form,
        _("新增督办规则"),
        None,
        lambda f: services.create_escalation_policy(actor=request.user, **_policy_fields(f)),
        _("督办规则已保存，下次运行督办时生效。"),
    )


@declare("change")
@login_required
def policy_update(request: HttpRequest, public_id: str) -> HttpResponse:
    policy = get_restricted_or_404(
        EscalationPolicy.objects.select_related("region", "plan"), request.user, "change", public_id=public_id
    )
    form = EscalationPolicyForm(request.POST or None, user=request.user, instance=policy)
    return _form_page(
        request,
        form,
        _("修改督办规则"),
        policy,
        lambda f: services.update_escalation_policy(policy, actor=request.user, **_policy_fields(f)),
        _("督办规则已保存，下次运行督办时生效。"),
    )


def _endpoint_fields(form: EndpointForm) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in services.ENDPOINT_FIELDS}


@declare("add")
@login_required
def endpoint_create(request: HttpRequest) -> HttpResponse:
    if not _may_add(request.user, Endpoint):
        raise PermissionDenied(_("您无权新增通知渠道。"))
    form = EndpointForm(request.POST or None, user=request.user)
    return _form_page(
        request,
        form,
        _("新增通知渠道"),
        None,
        lambda f: services.create_endpoint(
            actor=request.user, secret=f.cleaned_data["secret"], **_endpoint_fields(f)
        ),
        _("通知渠道已保存。"),
    )


@declare("change")
@login_required
def endpoint_update(request: HttpRequest, public_id: str) -> HttpResponse:
    endpoint = get_restricted_or_404(
        Endpoint.objects.select_related("region", "unit"), request.user, "change", public_id=public_id
    )
    form = EndpointForm(request.POST or None, user=request.user, instance=endpoint)
    return _form_page(
        request,
        form,
        _("修改通知渠道"),
        endpoint,
        lambda f: services.update_endpoint(
            endpoint, actor=request.user, secret=f.secret_change(), **_endpoint_fields(f)
        ),
        _("通知渠道已保存。"),
    )


def _set_active(request: HttpRequest, call: Any, active: bool) -> HttpResponse:
    try:
        call(actor=request.user, active=active, reason=request.POST.get("reason", "")[:500])
    except PermissionDenied as error:
        record_service_refusal(request, error)
        messages.error(request, str(error))
    else:
        messages.success(request, _("已重新启用。") if active else _("已停用。"))
    return HttpResponseRedirect(_settings_url())


@declare("change")
@login_required
@require_POST
def policy_set_active(request: HttpRequest, public_id: str) -> HttpResponse:
    """停用 or 重新启用 a policy (POST active=1 to re-enable)."""
    policy = get_restricted_or_404(
        EscalationPolicy.objects.all(), request.user, "change", public_id=public_id
    )
    return _set_active(
        request,
        lambda **kw: services.set_escalation_policy_active(policy, **kw),
        request.POST.get("active") == "1",
    )


@declare("change")
@login_required
@require_POST
def endpoint_set_active(request: HttpRequest, public_id: str) -> HttpResponse:
    """停用 or 重新启用 a channel (POST active=1 to re-enable)."""
    endpoint = get_restricted_or_404(Endpoint.objects.all(), request.user, "change", public_id=public_id)
    return _set_active(
        request, lambda **kw: services.set_endpoint_active(endpoint, **kw), request.POST.get("active") == "1"
    )


@declare("change")
@login_required
@require_POST
def endpoint_send_test(request: HttpRequest, public_id: str) -> HttpResponse:
    """发送测试消息 — one message through the channel now; the answer or the reason it failed."""
    endpoint = get_restricted_or_404(Endpoint.objects.all(), request.user, "change", public_id=public_id)
    try:
        services.send_test_message(endpoint, actor=request.user)
    except SupervisionError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("测试消息已发送到“%(name)s”，请在对方确认收到。") % {"name": endpoint.name}
        )
    return HttpResponseRedirect(_settings_url())
