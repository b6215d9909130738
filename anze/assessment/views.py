"""Pages of assessment: the office's year (charts, results, what-if), the explain page of each body, self-
assessment and review, appeals, and the awards list. Views parse input and render; services decide."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from anze.assessment import errors, forms, services
from anze.assessment.actions import posted, submitted
from anze.assessment.choices import AppealStatus, EntryStatus, RunStatus, VetoOutcome
from anze.assessment.filtersets import AppealFilterSet, BodyResultFilterSet
from anze.assessment.models import (
    Appeal,
    AssessedBody,
    Award,
    BodyResult,
    Entry,
    EntryEvidence,
    Run,
    Scheme,
    SelfAssessment,
    VetoRuleSet,
)
from anze.assessment.tables import AppealTable
from anze.audit.services import record_standalone
from anze.core.permissions import declare
from anze.core.restrict import get_restricted_or_404
from anze.duties.evidence import EvidenceError, read_uploads, sm3_hex


def _may(model, user, action: str, pk: int) -> bool:
    return model.objects.restrict(user, action).filter(pk=pk).exists()


# The badge colours of the outcomes (danger, warning, and primary for none), so the charts read like the table.
_COLOURS = {"veto": "#dc3545", "yellow": "#ffc107", "none": "#0d6efd"}


def _results_chart(results: list[BodyResult]) -> dict[str, Any]:
    """Totals by body (bars coloured by outcome); clicking a bar opens the body's explanation."""
    return {
        "title": {"text": _("各对象总分"), "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 40, "right": 20, "top": 40, "bottom": 90},
        "xAxis": {
            "type": "category",
            "data": [str(r.body)[:8] for r in results],
            "axisLabel": {"rotate": 40},
        },
        "yAxis": {"type": "value"},
        "series": [
            {
                "name": _("总分"),
                "type": "bar",
                "data": [
                    {
                        "value": float(r.total),
                        "url": r.get_absolute_url(),
                        "itemStyle": {"color": _COLOURS[r.outcome]},
                    }
                    for r in results
                ],
            }
        ],
    }


def _outcome_chart(counts: dict[str, int], urls: dict[str, str]) -> dict[str, Any]:
    return {
        "title": {"text": _("否决与黄牌"), "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "item"},
        "series": [
            {
                "type": "pie",
                "radius": ["40%", "65%"],
                "data": [
                    {
                        "name": str(VetoOutcome(k).label),
                        "value": v,
                        "url": urls[k],
                        "itemStyle": {"color": _COLOURS[k]},
                    }
                    for k, v in counts.items()
                ],
            }
        ],
    }


@declare("view")
@login_required
def index(request: HttpRequest) -> HttpResponse:
    """年度考核: the schemes in scope, newest year first, each with its latest results."""
    schemes = Scheme.objects.restrict(request.user, "view").select_related("region", "veto_rule_set")
    schemes = list(schemes.order_by("-year", "region__path", "-version")[:50])
    runs = {}
    visible = services.readable(Run.objects.filter(scheme__in=schemes), request.user)
    for run in visible.exclude(status=RunStatus.SUPERSEDED).order_by("number"):
        runs[run.scheme_id] = run
    rows = [{"scheme": s, "run": runs.get(s.pk)} for s in schemes]
    may_create = services.regions_for(request.user, Scheme, "add").exists()
    return render(request, "assessment/index.html", {"rows": rows, "may_create": may_create})


@declare("view")
@login_required
def scheme_detail(request: HttpRequest, public_id) -> HttpResponse:
    scheme = get_restricted_or_404(
        Scheme.objects.select_related("region", "veto_rule_set"), request.user, "view", public_id=public_id
    )
    may_change = _may(Scheme, request.user, "change", scheme.pk)
    context = {
        "scheme": scheme,
        "items": scheme.items.order_by("order"),
        "bodies": scheme.bodies.select_related("unit", "committee", "enterprise").order_by("kind", "order"),
        "rules": scheme.veto_rule_set.rules.order_by("order") if scheme.veto_rule_set_id else [],
        "runs": services.readable(scheme.runs.all(), request.user).order_by("-number"),
        "may_change": may_change,
        # Published results freeze the scheme: the office then revises it (a new version) instead.
        "editable": may_change and not scheme.runs.filter(status__in=services.SHOWN).exists(),
        "may_change_rules": scheme.veto_rule_set_id is not None
        and _may(VetoRuleSet, request.user, "change", scheme.veto_rule_set_id),
    }
    return render(request, "assessment/scheme_detail.html", context)


@declare("change")
@login_required
@require_POST
def scheme_compute(request: HttpRequest, public_id) -> HttpResponse:
    scheme = get_restricted_or_404(Scheme.objects, request.user, "change", public_id=public_id)
    return posted(
        request,
        lambda: services.compute_results(actor=request.user, scheme=scheme),
        _("已按当前数据计算考核结果（草稿）。"),
        scheme,
        to_result=True,
    )


@declare("view")
@login_required
def run_detail(request: HttpRequest, public_id) -> HttpResponse:
    """The year's results: cards, charts, the ranked table with last year, the leaders' roll-up."""
    run = get_restricted_or_404(
        services.readable(Run.objects.select_related("scheme", "scheme__region"), request.user),
        request.user,
        "view",
        public_id=public_id,
    )
    scoped = BodyResult.objects.restrict(request.user, "view").filter(run=run)
    filters = BodyResultFilterSet(request.GET, queryset=scoped)
    if not filters.is_valid():
        raise BadRequest(
            _("筛选条件无效：%(errors)s")
            % {"errors": "；".join(f"{k}：{' '.join(v)}" for k, v in filters.errors.items())}
        )
    outcome = filters.form.cleaned_data.get("outcome")
    results = list(scoped.select_related("body__unit", "body__committee").order_by("rank", "id"))
    counts = {k: sum(1 for r in results if r.outcome == k) for k in VetoOutcome.values}
    urls = {k: f"{run.get_absolute_url()}?outcome={k}" for k in VetoOutcome.values}
    shown = list(filters.qs.select_related("body__unit", "body__committee").order_by("rank", "id"))
    context = {
        "run": run,
        "scheme": run.scheme,
        "results": shown,
        "counts": counts,
        "urls": urls,
        "outcome": outcome,
        "charts": {"chart-totals": _results_chart(results), "chart-outcomes": _outcome_chart(counts, urls)},
        "may_change": _may(Run, request.user, "change", run.pk),
        "reason_form": forms.ReasonForm(),
        "appeals": Appeal.objects.restrict(request.user, "view")
        .filter(result__run=run, status=AppealStatus.FILED)
        .count(),
    }
    return render(request, "assessment/run_detail.html", context)  # fmt: skip


@declare("change")
@login_required
@require_POST
def run_action(request: HttpRequest, public_id, action: str) -> HttpResponse:
    run = get_restricted_or_404(
        Run.objects.select_related("scheme"), request.user, "change", public_id=public_id
    )
    try:
        if action == "publish":
            services.publish_results(actor=request.user, run=run)
            messages.success(request, _("已发布，结果及所依据的数据已冻结。"))
        elif action == "recompute":
            run = services.compute_results(actor=request.user, scheme=run.scheme)
            messages.success(request, _("已重新计算。"))
        elif action == "correct":
            form = forms.ReasonForm(request.POST)
            if not form.is_valid():
                raise errors.AssessmentError("更正须写明理由。", "reason_required")
            run = services.correct_results(actor=request.user, run=run, reason=form.cleaned_data["reason"])
            messages.success(request, _("已生成更正后的新版本。"))
        else:
            raise Http404
    except errors.AssessmentError as exc:
        messages.error(request, exc.message_zh)
    return redirect(run)


@declare("view")
@login_required
def result_detail(request: HttpRequest, public_id) -> HttpResponse:
    """Why a body scored what it did: each item's rule, value and facts; each veto's rule and facts; the
    body's self-assessment beside the office's score; appeals."""
    result = get_restricted_or_404(
        services.readable(
            BodyResult.objects.select_related("run", "run__scheme", "body__unit__region", "body__committee"),
            request.user,
            "run",
        ),
        request.user,
        "view",
        public_id=public_id,
    )
    entries = {e.item.key: e for e in Entry.objects.filter(body=result.body).select_related("item")}
    rows = []
    for item in result.items:
        entry = entries.get(item["key"])
        difference = None if entry is None else Decimal(str(entry.score)) - Decimal(item["score"])
        rows.append({**item, "entry": entry, "difference": difference})
    reproduced = services.reproduce(result)
    reproducible = reproduced.total == result.total and reproduced.outcome == result.outcome
    run = result.run
    context = {
        "result": result,
        "run": run,
        "rows": rows,
        "reproducible": reproducible,
        "appeals": result.appeals.select_related("item").order_by("-filed_at"),
        "appeal_form": forms.AppealForm(items=run.scheme.items.order_by("order"))
        if run.status_choice.can_appeal() and services.may_write_for(request.user, result.body)
        else None,
    }
    return render(request, "assessment/result_detail.html", context)  # fmt: skip


@declare("add")
@login_required
@require_POST
def result_appeal(request: HttpRequest, public_id) -> HttpResponse:
    result = get_restricted_or_404(
        BodyResult.objects.select_related("run__scheme", "body__unit__region"),
        request.user,
        "view",
        public_id=public_id,
    )
    if not services.may_write_for(request.user, result.body):
        raise Http404
    form = forms.AppealForm(request.POST, items=result.run.scheme.items.all())
    if not form.is_valid():
        messages.error(request, _("请写明申诉理由。"))
        return redirect(result)
    try:
        services.file_appeal(
            actor=request.user,
            result=result,
            reason=form.cleaned_data["reason"],
            item=form.cleaned_data["item"],
        )
    except errors.AssessmentError as exc:
        messages.error(request, exc.message_zh)
    else:
        messages.success(request, _("申诉已提交。"))
    return redirect(result)  # fmt: skip


def _body(request: HttpRequest, public_id) -> AssessedBody:
    return get_restricted_or_404(
        AssessedBody.objects.select_related("scheme", "unit__region", "committee"),
        request.user,
        "view",
        public_id=public_id,
    )


@declare("view")
@login_required
def body_entries(request: HttpRequest, public_id) -> HttpResponse:
    """自评: the body's entries item by item beside the office's result, with the difference and the totals;
    the unit submits each item and then the whole (which locks it), the office reviews each entry."""
    body = _body(request, public_id)
    entries = list(
        Entry.objects.restrict(request.user, "view")
        .filter(body=body)
        .select_related("item")
        .prefetch_related("files")
        .order_by("item__order")
    )
    submitted_as_whole = SelfAssessment.objects.filter(body=body).select_related("submitted_by").first()
    may_submit = services.may_write_for(request.user, body)
    form = None
    if may_submit:
        returned = [e.item_id for e in entries if e.status == EntryStatus.RETURNED]
        items = body.scheme.items.order_by("order")
        open_items = items.filter(pk__in=returned) if submitted_as_whole else items
        if open_items.exists():
            form = forms.EntryForm(request.POST or None, request.FILES or None, items=open_items)

            def submit(data: dict[str, Any]) -> None:
                try:
                    files = read_uploads(data["files"])
                except EvidenceError as exc:
                    raise errors.AssessmentError(exc.message_zh, exc.code, field="files") from None
                services.submit_entry(
                    actor=request.user, body=body, item=data["item"], score=data["score"], note=data["note"],
                    files=files,
                )  # fmt: skip

            if submitted(request, form, submit, _("该项自评已保存，等待安委办审核。")):
                return redirect("assessment:body_entries", public_id=body.public_id)
    if request.method == "POST" and form is None:
        raise Http404
    result = services.latest_result(body, request.user)
    context = {
        "body": body,
        "entries": entries,
        "form": form,
        "self_assessment": submitted_as_whole,
        "whole_form": forms.SelfAssessmentForm() if may_submit and submitted_as_whole is None else None,
        "result": result,
        "compared": services.comparison(body, result, entries),
        "review_form": forms.ReviewForm() if services.may_review(request.user, body.scheme) else None,
    }
    return render(request, "assessment/body_entries.html", context)  # fmt: skip


@declare("add")
@login_required
@require_POST
def body_submit(request: HttpRequest, public_id) -> HttpResponse:
    """报送自评 — the whole self-assessment, which locks it."""
    body = _body(request, public_id)
    if not services.may_write_for(request.user, body):
        raise Http404
    form = forms.SelfAssessmentForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    return posted(
        request,
        lambda: services.submit_self_assessment(actor=request.user, body=body, note=note),
        _("自评已报送并锁定。"),
        reverse("assessment:body_entries", args=[body.public_id]),
    )


@declare("view")
@login_required
def entry_evidence(request: HttpRequest, public_id) -> HttpResponse:
    """自评佐证材料下载 — only within scope, as an attachment, after checking its SM3 digest."""
    item = get_restricted_or_404(EntryEvidence.objects, request.user, "view", public_id=public_id)
    try:
        with default_storage.open(item.file.name, "rb") as handle:
            content = handle.read()
    except FileNotFoundError:
        raise Http404(_("文件不存在。")) from None
    if sm3_hex(content) != item.sm3:
        record_standalone(
            "assessment.evidence.integrity_failed",
            actor=request.user,
            obj=item,
            success=False,
            reason="stored file does not match its SM3 digest",
        )
        raise Http404(_("存储的佐证材料与上传时的摘要不一致，已拒绝下载。"))
    response = FileResponse(
        io.BytesIO(content), as_attachment=True, filename=item.original_name, content_type=item.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@declare("view")
@login_required
def my_self_assessments(request: HttpRequest) -> HttpResponse:
    """本单位自评 — the bodies of the user's own units, newest year first, with where each self-assessment is."""
    units = [a.unit_id for a in request.user.active_assignments() if a.unit_id]
    bodies = (
        AssessedBody.objects.restrict(request.user, "view")
        .filter(unit_id__in=units)
        .select_related("scheme", "unit", "committee", "self_assessment")
        .order_by("-scheme__year", "-scheme__version", "kind")[:100]
    )
    return render(request, "assessment/my_self_assessments.html", {"bodies": bodies})


@declare("change")
@login_required
@require_POST
def entry_review(request: HttpRequest, public_id) -> HttpResponse:
    entry = get_restricted_or_404(
        Entry.objects.select_related("body__unit__region", "body__scheme"),
        request.user,
        "view",
        public_id=public_id,
    )
    if not services.may_review(request.user, entry.body.scheme):
        raise Http404
    form = forms.ReviewForm(request.POST)
    back = reverse("assessment:body_entries", args=[entry.body.public_id])
    if not form.is_valid():
        messages.error(request, _("请选择审核意见。"))
        return redirect(back)
    return posted(
        request,
        lambda: services.review_entry(
            actor=request.user,
            entry=entry,
            accept=form.cleaned_data["accept"],
            note=form.cleaned_data["note"],
        ),
        _("已审核。"),
        back,
    )


@declare("view")
@login_required
def appeal_list(request: HttpRequest) -> HttpResponse:
    rows = Appeal.objects.restrict(request.user, "view").select_related(
        "result__body__unit", "result__body__committee", "result__run__scheme", "item"
    )
    filters = AppealFilterSet(request.GET, queryset=rows)
    if not filters.is_valid():
        raise BadRequest(
            _("筛选条件无效：%(errors)s")
            % {"errors": "；".join(f"{k}：{' '.join(v)}" for k, v in filters.errors.items())}
        )
    table = AppealTable(filters.qs)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    status = filters.form.cleaned_data.get("status")
    return render(request, "assessment/appeal_list.html", {"table": table, "status": status, "statuses": AppealStatus.choices})  # fmt: skip


@declare("view")
@login_required
def appeal_detail(request: HttpRequest, public_id) -> HttpResponse:
    appeal = get_restricted_or_404(
        Appeal.objects.select_related("result__body__unit__region", "result__run__scheme", "item"),
        request.user,
        "view",
        public_id=public_id,
    )
    may_decide = appeal.status_choice.can_decide() and services.may_review(
        request.user, appeal.result.run.scheme
    )
    form = forms.DecideAppealForm(request.POST or None) if may_decide else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                services.decide_appeal(
                    actor=request.user,
                    appeal=appeal,
                    upheld=form.cleaned_data["upheld"],
                    decision=form.cleaned_data["decision"],
                    adjusted_score=form.cleaned_data["adjusted_score"],
                )
            except errors.AssessmentError as exc:
                form.add_error(None, exc.message_zh)
            else:
                messages.success(request, _("已裁定；如改定了分数，请在考核结果页以“更正”生成新版本。"))
                return redirect("assessment:appeal_detail", public_id=appeal.public_id)
    return render(request, "assessment/appeal_detail.html", {"appeal": appeal, "form": form})  # fmt: skip


@declare("view")
@login_required
def what_if(request: HttpRequest, public_id) -> HttpResponse:
    """假如: bodies one accident or one failed item away from a veto or a 黄牌, from today's facts."""
    scheme = get_restricted_or_404(
        Scheme.objects.select_related("veto_rule_set"), request.user, "change", public_id=public_id
    )
    rows = services.what_if(scheme)
    return render(request, "assessment/what_if.html", {"scheme": scheme, "rows": rows})  # fmt: skip


@declare("view")
@login_required
def award_list(request: HttpRequest) -> HttpResponse:
    """评先树优: nominations recorded; a vetoed unit or its leaders are refused with the reason."""
    from anze.org.models import Person, Unit

    awards = Award.objects.restrict(request.user, "view").select_related("unit", "person", "region")
    may_add = _may_record_award(request.user)
    form = None
    if may_add:
        form = forms.AwardForm(
            request.POST or None,
            units=Unit.objects.restrict(request.user, "view").order_by("name"),
            people=Person.objects.restrict(request.user, "view").order_by("name"),
        )
        if request.method == "POST" and form.is_valid():
            region = _office_region(request.user)
            try:
                services.record_award(
                    actor=request.user,
                    region=region,
                    year=form.cleaned_data["year"],
                    title=form.cleaned_data["title"],
                    unit=form.cleaned_data["unit"],
                    person=form.cleaned_data["person"],
                )
            except errors.AssessmentError as exc:
                form.add_error(None, exc.message_zh)
            else:
                messages.success(request, _("已记录。"))
                return redirect("assessment:award_list")
    elif request.method == "POST":
        raise Http404
    page = Paginator(awards.order_by("-year", "title", "id"), 50).get_page(request.GET.get("page"))
    return render(request, "assessment/award_list.html", {"page": page, "form": form})  # fmt: skip


def _office_region(user):
    from anze.accounts.roles import Role

    for assignment in user.active_assignments():
        if assignment.role == Role.OFFICE and assignment.region_id:
            return assignment.region
    from anze.org.models import Region

    return Region.objects.order_by("path").first()


def _may_record_award(user) -> bool:
    return services.may(user, Award, "add")
