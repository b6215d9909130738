"""Audit pages: the log with filters and export, one event, chain verification, object history.

There is no page that changes, prunes or disables the trail; /audit/purge/ exists only to refuse
and record who asked.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, models
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_protect
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin
from django_tables2.paginators import LazyPaginator

from anze.audit import access
from anze.audit.filters import AuditEventFilterSet
from anze.audit.history import HISTORY_PAGE_SIZE, changes_of, history_context
from anze.audit.services import record_standalone
from anze.audit.tables import AuditEventTable, export_csv, export_xlsx
from anze.audit.verify import verify_chain, verify_event
from anze.core.params import int_param
from anze.core.permissions import declare
from anze.core.restrict import get_restricted_or_404

EXPORT_FORMATS = ("csv", "xlsx")
MAX_PAGE = 10**9
SORTABLE = {"sequence", "-sequence", "occurred_at", "-occurred_at"}


def export_max_rows() -> int:
    return int(getattr(settings, "ANZE_AUDIT_EXPORT_MAX_ROWS", 100_000))


def verify_page_limit() -> int:
    return int(getattr(settings, "ANZE_AUDIT_VERIFY_PAGE_LIMIT", 200_000))


@method_decorator(login_required, name="dispatch")
class AuditEventListView(SingleTableMixin, FilterView):
    """审计日志 — filtered, paged on the server, exported exactly as filtered and sorted."""

    permission_action = "view"
    table_class = AuditEventTable
    filterset_class = AuditEventFilterSet
    template_name = "audit/event_list.html"
    # No COUNT(*) over millions of rows: the pager only looks one page ahead.
    table_pagination = {"per_page": 50, "paginator_class": LazyPaginator}

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            access.require_reader(request.user, request.path)
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self) -> models.QuerySet:
        return access.visible_events(self.request.user)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # The lazy pager computes the offset before asking: a page number no column can hold is a 400.
        int_param(request, "page", 1, minimum=1, maximum=MAX_PAGE)
        export = request.GET.get("export")
        if export in EXPORT_FORMATS:
            return self.export(export)
        return super().get(request, *args, **kwargs)

    def export(self, fmt: str) -> HttpResponse:
        filterset = self.filterset_class(self.request.GET, queryset=self.get_queryset(), request=self.request)
        if not filterset.is_valid():
            return super().get(self.request)
        sort = self.request.GET.get("sort", "-sequence")
        events = filterset.qs.order_by(sort if sort in SORTABLE else "-sequence", "-sequence")[
            : export_max_rows()
        ]
        query = self.request.GET.copy()
        query.pop("export", None)
        record_standalone(
            "audit.export", actor=self.request.user, reason=f"{fmt}; filters: {query.urlencode()[:400]}"
        )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        if fmt == "csv":
            response: HttpResponse = StreamingHttpResponse(
                export_csv(events), content_type="text/csv; charset=utf-8"
            )
        else:
            response = HttpResponse(
                export_xlsx(events),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.{fmt}"'
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        query.pop("export", None)
        context["export_xlsx_url"] = f"?{query.urlencode()}&export=xlsx" if query else "?export=xlsx"
        context["export_csv_url"] = f"?{query.urlencode()}&export=csv" if query else "?export=csv"
        context["export_max_rows"] = export_max_rows()
        context["is_audit_admin"] = access.is_audit_admin(self.request.user)
        return context


@declare("view")
@login_required
def event_detail(request: HttpRequest, sequence: int) -> HttpResponse:
    """One event with every field, and whether its hash and its link to the previous event hold."""
    access.require_reader(request.user, request.path)
    event = get_restricted_or_404(
        access.visible_events(request.user), request.user, "view", sequence=sequence
    )
    hash_ok, link_ok = verify_event(event)
    return render(
        request,
        "audit/event_detail.html",
        {
            "event": event,
            "changes": changes_of(event),
            "hash_ok": hash_ok,
            "link_ok": link_ok,
            "computed_hash": event.computed_hash(),
        },
    )


@declare("view")
@login_required
@csrf_protect
def verify(request: HttpRequest) -> HttpResponse:
    """The audit administrator runs a bounded chain verification and sees the result."""
    access.require_admin(request.user, request.path)
    limit = verify_page_limit()
    result = None
    start = 1
    if request.method == "POST":
        try:
            start = max(int(request.POST.get("start", "1")), 1)
        except ValueError:
            start = 1
        result = verify_chain(start=start, limit=limit)
        try:
            record_standalone(
                "audit.verify",
                actor=request.user,
                success=result.ok,
                reason=result.summary(),
            )
        except DatabaseError:
            # A forged row sitting beyond the head blocks new appends; the page still shows what it found.
            pass
    return render(request, "audit/verify.html", {"result": result, "start": start, "limit": limit})


@declare("delete")
@login_required
def purge(request: HttpRequest) -> HttpResponse:
    """Nothing purges the audit trail. Asking is refused (403) for every signed-in user and written to the
    trail; anonymous callers are sent to sign in first, so they cannot fill the permanent trail."""
    record_standalone(
        "audit.purge_refused",
        actor=request.user,
        success=False,
        reason=f"{request.method} {request.path}: the audit trail is append-only and never pruned",
    )
    raise PermissionDenied("the audit trail is never purged")


def _history_target(object_type: str, object_id: str) -> type[models.Model]:
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        raise Http404("unknown object type") from None
    if not hasattr(model._default_manager, "restrict"):
        raise Http404("object type has no history page")
    return model


@declare("view")
@login_required
def history(request: HttpRequest, object_type: str, object_id: str) -> HttpResponse:
    """An object's events as an htmx fragment, for audit readers who may view the object itself.

    The system and security administrators may view some objects (users, units) but never the trail.
    """
    access.require_reader(request.user, request.path)
    model = _history_target(object_type, object_id)
    id_field = "public_id" if any(f.name == "public_id" for f in model._meta.fields) else "pk"
    try:
        model._meta.get_field("public_id" if id_field == "public_id" else model._meta.pk.name).to_python(
            object_id
        )
    except ValidationError:
        raise Http404("no such object") from None
    obj = get_restricted_or_404(model._default_manager.all(), request.user, "view", **{id_field: object_id})
    try:
        before = int(request.GET["before"]) if "before" in request.GET else None
    except ValueError:
        before = None
    context = history_context(obj, user=request.user, before=before, limit=HISTORY_PAGE_SIZE)
    return render(request, "audit/_history.html", context)
