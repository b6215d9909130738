"""Pages that write a scheme: the office creates it, names the bodies, writes the items and the veto rule set,
and revises it once results were published. Each page parses a form and calls one service
(`anze.assessment.services_schemes`); a refusal is shown next to the field it names."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anze.assessment import forms, guards, services
from anze.assessment.actions import posted, submitted
from anze.assessment.models import AssessedBody, Item, Scheme, VetoRule, VetoRuleSet
from anze.core.permissions import declare
from anze.core.restrict import get_restricted_or_404


def _form_page(
    request: HttpRequest, form, *, title: str, scheme: Scheme | None = None, note: str = ""
) -> HttpResponse:
    context = {"form": form, "title": title, "scheme": scheme, "note": note}
    return render(request, "assessment/form.html", context)


def _scheme(request: HttpRequest, public_id) -> Scheme:
    """The scheme, if the user may change it (else 404)."""
    return get_restricted_or_404(
        Scheme.objects.select_related("region", "veto_rule_set"), request.user, "change", public_id=public_id
    )


def _rule_sets(request: HttpRequest, year: int | None = None):
    rule_sets = VetoRuleSet.objects.restrict(request.user, "view").select_related("region")
    return (rule_sets.filter(year=year) if year else rule_sets).order_by("-year", "-version")


@declare("add")
@login_required
def scheme_create(request: HttpRequest) -> HttpResponse:
    """新建考核方案 — for a region the office covers."""
    regions = guards.regions_for(request.user, Scheme, "add").order_by("path")
    if not regions.exists():
        raise Http404
    form = forms.SchemeForm(request.POST or None, regions=regions, rule_sets=_rule_sets(request))
    made: dict[str, Any] = {}

    def create(data: dict[str, Any]) -> None:
        made["scheme"] = services.create_scheme(actor=request.user, **data)

    if submitted(request, form, create, _("考核方案已建立，请添加考核对象和考核项目。")):
        return redirect(made["scheme"])
    return _form_page(request, form, title=_("新建考核方案"))


@declare("change")
@login_required
def scheme_edit(request: HttpRequest, public_id) -> HttpResponse:
    scheme = _scheme(request, public_id)
    initial = {
        f: getattr(scheme, f) for f in ("name", "basis", "pass_score", "excellent_score", "appeal_days")
    }
    initial["veto_rule_set"] = scheme.veto_rule_set.public_id if scheme.veto_rule_set_id else None
    form = forms.SchemeForm(
        request.POST or None, initial=initial, rule_sets=_rule_sets(request, scheme.year), editing=True
    )
    if submitted(
        request, form, lambda d: services.edit_scheme(actor=request.user, scheme=scheme, **d), _("已保存。")
    ):
        return redirect(scheme)
    return _form_page(request, form, title=_("修改方案"), scheme=scheme)


@declare("change")
@login_required
def scheme_revise(request: HttpRequest, public_id) -> HttpResponse:
    """修订方案 — the next version with the same bodies and items, and its reason."""
    scheme = _scheme(request, public_id)
    form = forms.ReviseForm(request.POST or None)
    made: dict[str, Any] = {}

    def revise(data: dict[str, Any]) -> None:
        made["scheme"] = services.revise_scheme(actor=request.user, scheme=scheme, reason=data["reason"])

    if submitted(request, form, revise, _("已生成方案新版本，可在新版本中调整。")):
        return redirect(made["scheme"])
    note = _("已发布的考核结果保持不变；新版本复制本版的考核对象和考核项目，可再修改后重新计算。")
    return _form_page(request, form, title=_("修订方案（新版本）"), scheme=scheme, note=note)


@declare("change")
@login_required
def body_add(request: HttpRequest, public_id) -> HttpResponse:
    """添加考核对象 — units, enterprises and committees in the scheme's region, as the user sees them."""
    from anze.enterprises.models import Enterprise
    from anze.org.models import Committee, Unit

    scheme = _scheme(request, public_id)
    inside = scheme.region.path
    form = forms.BodyForm(
        request.POST or None,
        units=Unit.objects.restrict(request.user, "view")
        .filter(region__path__startswith=inside)
        .order_by("name"),
        enterprises=Enterprise.objects.restrict(request.user, "view")
        .filter(region__path__startswith=inside)
        .order_by("name"),
        committees=Committee.objects.restrict(request.user, "view")
        .filter(region__path__startswith=inside)
        .order_by("name"),
    )

    def add(data: dict[str, Any]) -> None:
        services.add_body(actor=request.user, scheme=scheme, **{**data, "order": data["order"] or 0})

    if submitted(request, form, add, _("已添加考核对象。")):
        return redirect(scheme)
    return _form_page(request, form, title=_("添加考核对象"), scheme=scheme)


@declare("change")
@login_required
@require_POST
def body_remove(request: HttpRequest, public_id) -> HttpResponse:
    body = get_restricted_or_404(
        AssessedBody.objects.select_related("scheme", "unit"), request.user, "change", public_id=public_id
    )
    scheme = _scheme(request, body.scheme.public_id)
    return posted(
        request, lambda: services.remove_body(actor=request.user, body=body), _("已移出考核对象。"), scheme
    )


def _item_data(data: dict[str, Any]) -> dict[str, Any]:
    return {**data, "fact": data.get("fact") or ""}


@declare("change")
@login_required
def item_add(request: HttpRequest, public_id) -> HttpResponse:
    scheme = _scheme(request, public_id)
    form = forms.ItemForm(request.POST or None)
    if submitted(
        request,
        form,
        lambda d: services.add_item(actor=request.user, scheme=scheme, **_item_data(d)),
        _("已添加考核项目。"),
    ):
        return redirect(scheme)
    return _form_page(request, form, title=_("添加考核项目"), scheme=scheme)


def _item(request: HttpRequest, public_id) -> Item:
    return get_restricted_or_404(
        Item.objects.select_related("scheme__region"), request.user, "change", public_id=public_id
    )


@declare("change")
@login_required
def item_edit(request: HttpRequest, public_id) -> HttpResponse:
    item = _item(request, public_id)
    fields = (
        "key",
        "title",
        "points",
        "method",
        "fact",
        "target",
        "floor",
        "per",
        "cap",
        "pass_mark",
        "kinds",
    )
    initial = {f: getattr(item, f) for f in fields}
    initial["bands"] = json.dumps(item.bands) if item.bands else ""
    initial["criteria"] = item.criteria
    form = forms.ItemForm(request.POST or None, initial=initial)
    if submitted(
        request,
        form,
        lambda d: services.edit_item(actor=request.user, item=item, **_item_data(d)),
        _("已保存考核项目。"),
    ):
        return redirect(item.scheme)
    return _form_page(request, form, title=_("修改考核项目 %(item)s") % {"item": item}, scheme=item.scheme)


@declare("change")
@login_required
@require_POST
def item_remove(request: HttpRequest, public_id) -> HttpResponse:
    item = _item(request, public_id)
    return posted(
        request,
        lambda: services.remove_item(actor=request.user, item=item),
        _("已删除考核项目。"),
        item.scheme,
    )


@declare("change")
@login_required
def rule_set_create(request: HttpRequest, public_id) -> HttpResponse:
    """新建一票否决规则集 — for the scheme's region and year; the scheme then uses it."""
    scheme = _scheme(request, public_id)
    form = forms.RuleSetForm(request.POST or None)
    if submitted(
        request,
        form,
        lambda d: services.create_rule_set(
            actor=request.user, region=scheme.region, year=scheme.year, scheme=scheme, **d
        ),
        _("已建立一票否决规则集，请添加否决情形。"),
    ):
        return redirect(scheme)
    return _form_page(request, form, title=_("新建一票否决规则集"), scheme=scheme)


@declare("change")
@login_required
def rule_add(request: HttpRequest, public_id) -> HttpResponse:
    """添加否决情形 — to the rule set the scheme uses."""
    scheme = _scheme(request, public_id)
    rule_set = scheme.veto_rule_set
    if rule_set is None:
        return redirect("assessment:rule_set_create", public_id=scheme.public_id)
    rule_set = get_restricted_or_404(VetoRuleSet.objects, request.user, "change", pk=rule_set.pk)
    form = forms.RuleForm(request.POST or None)
    if submitted(
        request,
        form,
        lambda d: services.add_rule(actor=request.user, rule_set=rule_set, **d),
        _("已添加否决情形。"),
    ):
        return redirect(scheme)
    return _form_page(request, form, title=_("添加否决情形"), scheme=scheme)


def _rule(request: HttpRequest, public_id, scheme_id) -> tuple[VetoRule, Scheme]:
    rule = get_restricted_or_404(
        VetoRule.objects.select_related("rule_set"), request.user, "change", public_id=public_id
    )
    scheme = _scheme(request, scheme_id)
    return rule, scheme


@declare("change")
@login_required
def rule_edit(request: HttpRequest, scheme_id, public_id) -> HttpResponse:
    rule, scheme = _rule(request, public_id, scheme_id)
    fields = ("key", "title", "condition", "grade", "at_least", "kinds", "outcome")
    form = forms.RuleForm(request.POST or None, initial={f: getattr(rule, f) for f in fields})
    if submitted(
        request, form, lambda d: services.edit_rule(actor=request.user, rule=rule, **d), _("已保存否决情形。")
    ):
        return redirect(scheme)
    return _form_page(request, form, title=_("修改否决情形 %(rule)s") % {"rule": rule}, scheme=scheme)


@declare("change")
@login_required
@require_POST
def rule_remove(request: HttpRequest, scheme_id, public_id) -> HttpResponse:
    rule, scheme = _rule(request, public_id, scheme_id)
    return posted(
        request, lambda: services.remove_rule(actor=request.user, rule=rule), _("已删除否决情形。"), scheme
    )
