"""Read-only audit API: the same readers, scope and filters as the audit log page."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from anze.audit import access
from anze.audit.api.serializers import AuditEventSerializer
from anze.audit.filters import AuditEventFilterSet
from anze.core.api.pagination import CursorPagination
from anze.core.api.permissions import RestrictedPermission


class IsAuditReader(BasePermission):
    """Only the auditor, the audit admin and the city/county offices read the trail (三权分立)."""

    message = "the audit trail is open to audit readers only"

    def has_permission(self, request: Request, view: Any) -> bool:
        return access.is_audit_reader(request.user)


class AuditEventPagination(CursorPagination):
    """Newest first; a cursor, not a page number, so paging stays fast over millions of events."""

    ordering = "-sequence"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


@extend_schema_view(
    get=extend_schema(
        summary="List audit events",
        description="The append-only audit trail, newest first, filtered like the audit log page. Open to "
        "the auditor and the audit admin (everything) and the city/county offices (their region).",
        tags=["audit"],
    )
)
class AuditEventListAPIView(generics.ListAPIView):
    """审计事件列表 — read-only."""

    permission_action = "view"
    permission_classes = [RestrictedPermission, IsAuditReader]
    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilterSet
    pagination_class = AuditEventPagination

    def get_queryset(self) -> QuerySet:
        return access.visible_events(self.request.user).select_related("actor")


@extend_schema_view(get=extend_schema(summary="Retrieve one audit event", tags=["audit"]))
class AuditEventDetailAPIView(generics.RetrieveAPIView):
    """审计事件 — one event by its sequence number."""

    permission_action = "view"
    permission_classes = [RestrictedPermission, IsAuditReader]
    serializer_class = AuditEventSerializer
    lookup_field = "sequence"

    def get_queryset(self) -> QuerySet:
        return access.visible_events(self.request.user).select_related("actor")
