"""Paging for the API: a page number or cursor that cannot be read is a 400 naming the parameter (DRF's own
classes answer 404, as if the list did not exist)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError


class PageNumberPagination(pagination.PageNumberPagination):
    """?page=N; a page that is not a number or lies past the last one is a 400."""

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound as exc:
            raise ValidationError(
                {self.page_query_param: [_("页码无效：%(detail)s") % {"detail": exc.detail}]},
                code="invalid_page",
            ) from None


class CursorPagination(pagination.CursorPagination):
    """Keyset paging; a cursor not made by this list is a 400."""

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except NotFound:
            raise ValidationError(
                {self.cursor_query_param: [_("游标无效：请使用上一页响应中的 next 或 previous 链接。")]},
                code="invalid_cursor",
            ) from None
