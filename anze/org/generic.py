"""Generic list, detail and edit views: each concrete page is configuration over these.

Lists are filtered by a FilterSet (state in the URL), paged and sorted on the server, exported as .xlsx
with exactly the filtered, sorted rows and visible columns, and always start from
`restrict(user, "view")`. Details go through `get_restricted_or_404`. Edits call a service; the
service checks the scope again and writes the audit event.
"""

from __future__ import annotations

import io
from typing import Any, ClassVar

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from anze.audit.services import record_standalone
from anze.core.exports import safe_cell  # noqa: F401  (re-exported: other apps import it from here)
from anze.core.restrict import get_restricted_or_404
from anze.org.models import Region

EXPORT_MAX_ROWS = 50_000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def record_service_refusal(request: HttpRequest, error: PermissionDenied, obj: Model | None = None) -> None:
    """A refusal raised inside a service is shown on the page and kept in the trail as access.denied."""
    record_standalone(
        "access.denied",
        actor=request.user,
        obj=obj if obj is not None and obj.pk else ("path", request.path[:64], ""),
        success=False,
        reason=(f"{request.method} {request.path}: " + (str(error) or "refused by the service"))[:500],
    )


def table_to_xlsx(table: Any, title: str) -> bytes:
    """The table's visible columns and all its rows as an .xlsx workbook."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    widths: dict[int, int] = {}
    for row in table.as_values():
        cells = ["" if v is None else safe_cell(str(v) if not isinstance(v, int | float) else v) for v in row]
        for i, cell in enumerate(cells):
            widths[i] = min(max(widths.get(i, 0), len(str(cell)) * 2 + 2), 60)
        sheet.append(cells)
    for i, width in widths.items():
        sheet.column_dimensions[get_column_letter(i + 1)].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def can(user: Any, action: str, obj: Model) -> bool:
    """Whether `user` may do `action` to `obj` (one indexed query)."""
    return type(obj).objects.restrict(user, action).filter(pk=obj.pk).exists()


def can_add_anywhere(user: Any, model: type[Model] = Region) -> bool:
    """Organization records are placed by region: one may add `model` records where its role table
    grants `add` over a region (a county may add units, not Region rows)."""
    from anze.org.services._common import placeable_regions_q

    where = placeable_regions_q(user, "add", model)
    return where is not None and Region.objects.filter(where).exists()


class ObjectListView(LoginRequiredMixin, SingleTableMixin, FilterView):
    """A list page: headline cards, filters in the URL, server-side paging and sorting, .xlsx export."""

    permission_action = "view"
    template_name = "org/object_list.html"
    table_pagination = {"per_page": 50}
    title: ClassVar[str] = ""
    add_url_name: ClassVar[str | None] = None

    def base_queryset(self) -> QuerySet:
        raise NotImplementedError

    def get_queryset(self) -> QuerySet:
        return self.base_queryset().restrict(self.request.user, "view")

    def cards(self, queryset: QuerySet) -> list[dict[str, Any]]:
        return []

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.GET.get("export") == "xlsx":
            return self.export()
        return super().get(request, *args, **kwargs)

    def export(self) -> HttpResponse:
        filterset = self.get_filterset(self.get_filterset_class())
        queryset = filterset.qs if filterset.is_valid() else self.get_queryset().none()
        table = self.get_table_class()(queryset, order_by=self.request.GET.get("sort") or None)
        # Sorted as on the page first, then capped: the export is the list as shown, every page of it.
        table.data.data = table.data.data[:EXPORT_MAX_ROWS]
        content = table_to_xlsx(table, str(self.title))
        query = self.request.GET.copy()
        query.pop("export", None)
        record_standalone(
            "org.export",
            actor=self.request.user,
            obj=(self.model._meta.label_lower, "", str(self.title)),
            reason=f"xlsx; filters: {query.urlencode()[:400]}",
        )
        response = HttpResponse(content, content_type=XLSX_TYPE)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="{self.model._meta.model_name}-{stamp}.xlsx"'
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        query["export"] = "xlsx"
        context.update(
            title=self.title,
            cards=self.cards(self.object_list),
            export_url=f"?{query.urlencode()}",
            add_url_name=self.add_url_name
            if self.add_url_name and can_add_anywhere(self.request.user, self.model)
            else None,
        )
        return context


class ObjectDetailView(LoginRequiredMixin, DetailView):
    """A detail page: the object only if the user may view it, else 404 (and an audit event)."""

    permission_action = "view"
    edit_url_name: ClassVar[str | None] = None

    def base_queryset(self) -> QuerySet:
        return self.model.objects.all()

    def get_object(self, queryset: QuerySet | None = None) -> Model:
        return get_restricted_or_404(
            self.base_queryset(), self.request.user, "view", public_id=self.kwargs["public_id"]
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_change"] = can(self.request.user, "change", self.object)
        context["edit_url_name"] = self.edit_url_name
        return context


class ServiceFormView(LoginRequiredMixin, FormView):
    """A create or edit page whose save calls a service; refused or invalid input changes nothing."""

    permission_action = "change"
    template_name = "org/object_form.html"
    model: ClassVar[type[Model]]
    title: ClassVar[str] = ""
    object: Model | None = None

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if self.permission_action == "add":
            if not can_add_anywhere(request.user, self.model):
                raise PermissionDenied(_("您无权新增此类记录。"))
        else:
            self.object = get_restricted_or_404(
                self.model.objects.all(), request.user, "change", public_id=kwargs["public_id"]
            )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        if self.object is not None:
            kwargs["instance"] = self.object
        return kwargs

    def save(self, form: Any) -> Model:
        raise NotImplementedError

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            obj = self.save(form)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
            return self.form_invalid(form)
        except PermissionDenied as error:
            record_service_refusal(self.request, error, getattr(self, "object", None))
            form.add_error(None, str(error) or _("您无权执行此操作。"))
            return self.form_invalid(form)
        return HttpResponseRedirect(self.success_url_for(obj))

    def success_url_for(self, obj: Model) -> str:
        return obj.get_absolute_url()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        cancel_url = (
            self.object.get_absolute_url()
            if self.object is not None
            else reverse(f"org:{self.model._meta.model_name}_list")
        )
        context.update(title=self.title, object=self.object, cancel_url=cancel_url)
        return context
