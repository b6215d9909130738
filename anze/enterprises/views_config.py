"""Pages for the office's configuration and bulk work: rule sets and rules, evaluation, import."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from anze.core.permissions import declare
from anze.core.restrict import get_restricted_or_404, scope_q
from anze.enterprises import importing, services
from anze.enterprises.choices import badge
from anze.enterprises.forms import ImportForm, NewVersionForm, RuleForm
from anze.enterprises.models import Enterprise, Rule, RuleSet
from anze.org.generic import XLSX_TYPE


@declare("view")
@login_required
def ruleset_list(request: HttpRequest) -> HttpResponse:
    """规则集 — every version per region, the one in force marked."""
    rule_sets = (
        RuleSet.objects.restrict(request.user, "view")
        .select_related("region")
        .order_by("region__path", "-version")
    )
    return render(
        request,
        "enterprises/ruleset_list.html",
        {"rule_sets": [(rs, badge(rs.status)) for rs in rule_sets],
         "can_evaluate": scope_q(RuleSet, request.user, "change") is not None},
    )  # fmt: skip


@declare("view")
@login_required
@require_safe
def ruleset_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    rule_set = get_restricted_or_404(
        RuleSet.objects.select_related("region"), request.user, "view", public_id=public_id
    )
    can_change = RuleSet.objects.restrict(request.user, "change").filter(pk=rule_set.pk).exists()
    return render(
        request,
        "enterprises/ruleset_detail.html",
        {
            "rule_set": rule_set,
            "object": rule_set,
            "status_badge": badge(rule_set.status),
            "rules": rule_set.rules.select_related("clause", "clause__task").order_by("order", "id"),
            "can_change": can_change,
            "version_form": NewVersionForm(),
        },
    )


@declare("view")
@login_required
@require_safe
def rule_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    rule = get_restricted_or_404(
        Rule.objects.select_related("rule_set", "clause"), request.user, "view", public_id=public_id
    )
    return redirect(rule.rule_set.get_absolute_url() + f"#rule-{rule.code}")


@declare("change")
@login_required
def rule_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    rule = get_restricted_or_404(
        Rule.objects.select_related("rule_set"), request.user, "change", public_id=public_id
    )
    form = RuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_rule(rule, actor=request.user, **form.cleaned_data)
            messages.success(request, _("规则已保存。发布该规则集后生效。"))
            return redirect(rule.rule_set.get_absolute_url())
        except ValidationError as error:
            for field, errors in getattr(error, "error_dict", {None: error.messages}).items():
                form.add_error(field if field in form.fields else None, errors)
    return render(request, "enterprises/form.html", {"form": form, "title": _("修改规则"), "object": rule,
                                                    "cancel_url": rule.rule_set.get_absolute_url()})  # fmt: skip


@declare("change")
@login_required
@require_POST
def ruleset_new_version(request: HttpRequest, public_id: str) -> HttpResponse:
    rule_set = get_restricted_or_404(RuleSet.objects.all(), request.user, "change", public_id=public_id)
    form = NewVersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写有效的生效日期。"))
        return redirect(rule_set.get_absolute_url())
    draft = services.create_rule_set_version(
        rule_set, actor=request.user, effective_from=form.cleaned_data["effective_from"]
    )
    messages.success(request, _("已新建草稿版本，修改规则后发布。"))
    return redirect(draft.get_absolute_url())


@declare("change")
@login_required
@require_POST
def ruleset_publish(request: HttpRequest, public_id: str) -> HttpResponse:
    rule_set = get_restricted_or_404(RuleSet.objects.all(), request.user, "change", public_id=public_id)
    try:
        services.publish_rule_set(rule_set, actor=request.user)
        services.evaluate_all(actor=request.user)
        messages.success(request, _("规则集已发布，已重新评估全部企业。"))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(rule_set.get_absolute_url())


@declare("change")
@login_required
@require_POST
def evaluate_now(request: HttpRequest) -> HttpResponse:
    """Re-evaluate every enterprise now (the nightly job does it too)."""
    try:
        counts = services.evaluate_all(actor=request.user)
    except PermissionDenied:
        raise
    messages.success(request, _("已评估：%(rules)s 条规则，%(results)s 条结果。") % counts)
    return redirect("enterprises:ruleset_list")


@declare("add")
@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    """企业导入 — upload a file; valid rows are saved, every refused row is listed with its reason."""
    if not services.may_add_anywhere(request.user):
        raise PermissionDenied(_("您无权导入企业。"))
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = importing.read_rows(upload.name, upload.read())
            report = importing.import_enterprises(rows, actor=request.user, filename=upload.name[:100])
        except ValidationError as error:
            form.add_error("file", error)
    return render(request, "enterprises/import.html", {"form": form, "report": report})


@declare("view")
@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    if not Enterprise.objects.restrict(request.user, "view").exists() and not services.may_add_anywhere(
        request.user
    ):
        raise PermissionDenied
    response = HttpResponse(importing.template_xlsx(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="enterprise-import-template.xlsx"'
    return response
