"""Enterprise pages: the directory, each enterprise's compliance card and records, the dashboard, gaps."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from anze.audit.services import record_standalone
from anze.core import registry
from anze.core.permissions import declare
from anze.core.replica import reads_from_replica
from anze.core.restrict import get_restricted_or_404
from anze.enterprises import services, stats
from anze.enterprises.choices import badge
from anze.enterprises.filtersets import EnterpriseFilterSet
from anze.enterprises.forms import RECORD_KINDS, EnterpriseForm
from anze.enterprises.models import (
    ComplianceResult,
    Enterprise,
    EnterpriseRecordsAccess,
    Industry,
    IndustrySupervisor,
)
from anze.enterprises.tables import EnterpriseTable
from anze.org.generic import EXPORT_MAX_ROWS, XLSX_TYPE, table_to_xlsx

_LIST_RELATED = ("county", "industry", "supervising_unit", "summary")


def _apply_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class EnterpriseListView(LoginRequiredMixin, SingleTableMixin, FilterView):
    """企业名录 — headline numbers, filters in the URL, server-side paging and sorting, .xlsx export."""

    permission_action = "view"
    table_class = EnterpriseTable
    filterset_class = EnterpriseFilterSet
    template_name = "enterprises/enterprise_list.html"
    table_pagination = {"per_page": 50}

    def get_queryset(self):
        return Enterprise.objects.restrict(self.request.user, "view").select_related(*_LIST_RELATED)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.GET.get("export") == "xlsx":
            return self.export()
        return super().get(request, *args, **kwargs)

    def export(self) -> HttpResponse:
        filterset = self.get_filterset(self.get_filterset_class())
        queryset = filterset.qs if filterset.is_valid() else self.get_queryset().none()
        table = EnterpriseTable(queryset, order_by=self.request.GET.get("sort") or None)
        table.data.data = table.data.data[:EXPORT_MAX_ROWS]
        table.flags_by_enterprise = registry.badges_for_enterprises(
            self.request.user, [e.pk for e in table.data.data]
        )
        content = table_to_xlsx(table, _("企业名录"))
        query = self.request.GET.copy()
        query.pop("export", None)
        record_standalone(
            "enterprises.enterprise.export",
            actor=self.request.user,
            obj=("enterprises.enterprise", "", "企业名录"),
            reason=f"xlsx; filters: {query.urlencode()[:400]}",
        )
        response = HttpResponse(content, content_type=XLSX_TYPE)
        response["Content-Disposition"] = (
            f'attachment; filename="enterprises-{timezone.localtime():%Y%m%d-%H%M}.xlsx"'
        )
        return response

    def get_table(self, **kwargs: Any) -> EnterpriseTable:
        table = super().get_table(**kwargs)
        # The flags of the shown page only, one query per registered badge whatever the page size.
        shown = [row.record.pk for row in table.page.object_list] if hasattr(table, "page") else []
        table.flags_by_enterprise = registry.badges_for_enterprises(self.request.user, shown)
        return table

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        query["export"] = "xlsx"
        context["export_url"] = f"?{query.urlencode()}"
        context["cards"] = stats.cards(stats.headline(self.object_list))
        context["can_add"] = services.may_add_anywhere(self.request.user)
        return context


@declare("view")
@login_required
def enterprise_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    """企业合规卡 — the registry entry, every applicable rule with its verdict and reason, the records."""
    enterprise = get_restricted_or_404(
        Enterprise.objects.select_related("region", "county", "industry", "supervising_unit", "summary"),
        request.user,
        "view",
        public_id=public_id,
    )
    results = (
        ComplianceResult.objects.filter(enterprise=enterprise)
        .select_related("rule", "rule__clause", "rule__clause__task")
        .order_by("is_met", "rule__order")
    )
    user = request.user
    sections = []
    for kind, (model, _form) in RECORD_KINDS.items():
        rows = list(model.objects.filter(enterprise=enterprise).order_by("-pk")[:50])
        sections.append({"kind": kind, "title": model._meta.verbose_name, "rows": rows})
    return render(
        request,
        "enterprises/enterprise_detail.html",
        {
            "enterprise": enterprise,
            "object": enterprise,
            "results": results,
            "sections": sections,
            "can_change": Enterprise.objects.restrict(user, "change").filter(pk=enterprise.pk).exists(),
            "can_keep": services.may_keep_records(user, enterprise, "add"),
            "can_delete": services.may_keep_records(user, enterprise, "delete"),
            "flags": registry.badges_for_enterprises(user, [enterprise.pk]).get(enterprise.pk, []),
            "compliance_badge": badge(enterprise.compliance),
            "status_badge": badge(enterprise.status),
        },
    )


def _enterprise_form(request: HttpRequest, enterprise: Enterprise | None) -> HttpResponse:
    form = EnterpriseForm(request.POST or None, instance=enterprise, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in services.ENTERPRISE_FIELDS}
        if enterprise is None and not data["categories"]:
            data["categories"] = None  # the industry's default
        try:
            if enterprise is None:
                enterprise = services.create_enterprise(actor=request.user, **data)
                messages.success(request, _("已登记企业。"))
            else:
                services.update_enterprise(enterprise, actor=request.user, **data)
                messages.success(request, _("已保存，并已重新评估合规状态。"))
            return redirect(enterprise.get_absolute_url())
        except ValidationError as error:
            _apply_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
    title = _("登记企业") if enterprise is None else _("修改企业信息")
    return render(request, "enterprises/form.html", {"form": form, "title": title, "object": enterprise,
                                                    "enterprise": enterprise})  # fmt: skip


@declare("add")
@login_required
def enterprise_create(request: HttpRequest) -> HttpResponse:
    if not services.may_add_anywhere(request.user):
        raise PermissionDenied(_("您无权登记企业。"))
    return _enterprise_form(request, None)


@declare("change")
@login_required
def enterprise_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    enterprise = get_restricted_or_404(Enterprise.objects.all(), request.user, "change", public_id=public_id)
    return _enterprise_form(request, enterprise)


def _kind(kind: str) -> tuple[type, type]:
    if kind not in RECORD_KINDS:
        raise Http404(_("未知记录类别。"))
    return RECORD_KINDS[kind]


@declare("add")
@login_required
def record_add(request: HttpRequest, public_id: str, kind: str) -> HttpResponse:
    """Add a record to one's own enterprise (an enterprise user) or as the office."""
    model, form_class = _kind(kind)
    enterprise = get_restricted_or_404(
        EnterpriseRecordsAccess.objects.all(), request.user, "add", public_id=public_id
    )
    form = form_class(request.POST or None, enterprise=enterprise)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_record(model, actor=request.user, enterprise=enterprise, **form.cleaned_data)
            messages.success(
                request, _("已保存%(what)s，并已重新评估合规状态。") % {"what": model._meta.verbose_name}
            )
            return redirect(enterprise.get_absolute_url())
        except ValidationError as error:
            _apply_errors(form, error)
    title = _("新增%(what)s") % {"what": model._meta.verbose_name}
    return render(request, "enterprises/form.html", {"form": form, "title": title, "enterprise": enterprise})


@declare("change")
@login_required
def record_edit(request: HttpRequest, kind: str, record_id: str) -> HttpResponse:
    model, form_class = _kind(kind)
    obj = get_restricted_or_404(
        model.objects.select_related("enterprise"), request.user, "change", public_id=record_id
    )
    form = form_class(request.POST or None, instance=obj, enterprise=obj.enterprise)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_record(obj, actor=request.user, **form.cleaned_data)
            messages.success(request, _("已保存，并已重新评估合规状态。"))
            return redirect(obj.enterprise.get_absolute_url())
        except ValidationError as error:
            _apply_errors(form, error)
    title = _("修改%(what)s") % {"what": model._meta.verbose_name}
    return render(
        request,
        "enterprises/form.html",
        {"form": form, "title": title, "enterprise": obj.enterprise, "object": obj},
    )


@declare("delete")
@login_required
@require_POST
def record_delete(request: HttpRequest, kind: str, record_id: str) -> HttpResponse:
    model, _form = _kind(kind)
    obj = get_restricted_or_404(
        model.objects.select_related("enterprise"), request.user, "delete", public_id=record_id
    )
    enterprise = obj.enterprise
    try:
        services.delete_record(obj, actor=request.user)
        messages.success(request, _("已删除，并已重新评估合规状态。"))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(enterprise.get_absolute_url())


@declare("view")
@login_required
@reads_from_replica
def dashboard(request: HttpRequest) -> HttpResponse:
    """合规看板 — rates by county, by supervising department and by rule, within the reader's scope."""
    enterprises, results = stats.scoped(request.user)
    counties = stats.by_county(enterprises)
    units = stats.by_unit(enterprises)
    return render(
        request,
        "enterprises/dashboard.html",
        {
            "cards": stats.cards(stats.headline(enterprises)),
            "by_county": counties,
            "by_unit": units,
            "by_rule": stats.by_rule(results),
            "charts": {
                "chart-county": stats.chart_option(counties, _("各县区企业合规率")),
                "chart-unit": stats.chart_option(units, _("各主管部门企业合规率")),
            },
        },
    )


@declare("view")
@login_required
def gaps(request: HttpRequest) -> HttpResponse:
    """监管空白 — enterprises no department covers, by industry, and the industries mapped to no one."""
    enterprises = Enterprise.objects.restrict(request.user, "view").filter(supervising_unit__isnull=True)
    by_industry = (
        enterprises.order_by()
        .values("industry__code", "industry__name")
        .annotate(n=Count("pk"), high_risk=Count("pk", filter=Q(is_high_risk=True)))
        .order_by("-n")
    )
    mapped = set(IndustrySupervisor.objects.values_list("industry_id", flat=True))
    industries = {i.pk: i for i in Industry.objects.order_by("code")}

    def covered(industry: Industry | None) -> bool:
        while industry is not None:
            if industry.pk in mapped:
                return True
            industry = industries.get(industry.parent_id)
        return False

    unmapped = [i for i in industries.values() if not covered(i)]
    rows = [{**row, "url": stats.list_url(gap="true", industry=row["industry__code"])} for row in by_industry]
    return render(
        request,
        "enterprises/gaps.html",
        {
            "rows": rows,
            "total": sum(r["n"] for r in rows),
            "unmapped": unmapped,
            "list_url": stats.list_url(gap="true"),
        },
    )


@declare("view")
@login_required
def my_enterprise(request: HttpRequest) -> HttpResponse:
    """An enterprise user's own card (the first of their enterprises), else the directory."""
    first = Enterprise.objects.restrict(request.user, "view").filter(memberships__user=request.user).first()
    if first is not None:
        return redirect(first.get_absolute_url())
    return redirect("enterprises:enterprise_list")
