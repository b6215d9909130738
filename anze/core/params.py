"""Query-string values read by hand (filters, keyset paging): a malformed value is a 400 that names the
parameter and says what it should be, never a 500. FilterSets validate their own; these are for the rest."""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.exceptions import BadRequest
from django.http import HttpRequest
from django.utils.translation import gettext as _

# Beyond this an integer no longer fits a 64-bit column (SQLite and PostgreSQL bigint).
MAX_BIGINT = 2**63 - 1


class BadQueryParameter(BadRequest):
    """A query parameter with a value it cannot have; the error page shows `message_zh`."""

    def __init__(self, name: str, expected: str) -> None:
        self.name = name
        self.message_zh = _("参数 %(name)s 的值无效：应为%(expected)s。") % {
            "name": name,
            "expected": expected,
        }
        super().__init__(self.message_zh)


def _raw(request: HttpRequest, name: str) -> str:
    return (request.GET.get(name) or "").strip()


def int_param(
    request: HttpRequest,
    name: str,
    default: int | None = None,
    *,
    minimum: int = 0,
    maximum: int = MAX_BIGINT,
) -> int | None:
    """A whole number within [minimum, maximum], `default` when absent."""
    raw = _raw(request, name)
    if not raw:
        return default
    if not (raw.isascii() and raw.lstrip("-").isdigit()) or not minimum <= int(raw) <= maximum:
        raise BadQueryParameter(name, _("%(min)s 到 %(max)s 之间的整数") % {"min": minimum, "max": maximum})
    return int(raw)


def uuid_param(request: HttpRequest, name: str) -> uuid.UUID | None:
    """A public id (UUID), None when absent."""
    raw = _raw(request, name)
    if not raw:
        return None
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise BadQueryParameter(name, _("记录编号（UUID）")) from None


def month_param(request: HttpRequest, name: str, default: dt.date) -> dt.date:
    """The first day of a month given as YYYY-MM (years 2000–2100), `default` when absent."""
    raw = _raw(request, name)
    if not raw:
        return default
    try:
        first = dt.date.fromisoformat(raw + "-01") if raw.isascii() and len(raw) == 7 else None
    except ValueError:
        first = None
    if first is None or not 2000 <= first.year <= 2100:
        raise BadQueryParameter(name, _("年月，如 2026-03"))
    return first


def paginate_table(table, request: HttpRequest, *, per_page: int) -> None:
    """Page a django-tables2 table by ?page=N; a page past the last shows the last one."""
    from django.core.paginator import EmptyPage

    page = int_param(request, "page", 1, minimum=1)
    try:
        table.paginate(page=page, per_page=per_page)
    except EmptyPage:
        table.paginate(page=table.paginator.num_pages, per_page=per_page)


def code_param(request: HttpRequest, name: str, *, digits: int) -> str | None:
    """A code of `digits` ASCII digits (e.g. a six-digit 区划代码), None when absent."""
    raw = _raw(request, name)
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit() and len(raw) == digits):
        raise BadQueryParameter(name, _("%(n)s 位数字代码") % {"n": digits})
    return raw
