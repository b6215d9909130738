"""Pages of a long list that never count past what anyone pages through.

A province's office looks at lists of hundreds of thousands of rows (every overdue item of 20,000 units); a
paginator counts them all on every page, which on PostgreSQL is a parallel scan of the table. Nobody pages
through more than `CAP` rows: the list says it holds more than that, offers its first `CAP` rows, and asks to
narrow it by its filters. The count stops at `CAP + 1` rows (`SELECT COUNT(*) FROM (… LIMIT CAP + 1)`, in no
order, so the planner takes them from whichever index the filter uses).
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

CAP = 10_000


class CappedPaginator(Paginator):
    """A Paginator over at most `cap` rows; `capped` says whether the list holds more."""

    cap = CAP

    def __init__(self, object_list, per_page, *args, cap: int | None = None, **kwargs) -> None:
        super().__init__(object_list, per_page, *args, **kwargs)
        if cap is not None:
            self.cap = cap

    @cached_property
    def _seen(self) -> int:
        """The rows counted, at most cap + 1."""
        rows = self.object_list
        # A django-tables2 table pages its BoundRows, whose data wraps the (ordered) queryset.
        data = getattr(getattr(rows, "data", rows), "data", rows)
        # Any cap + 1 matching rows tell the count: unordered, the planner reads them from the filter's index.
        return data.order_by()[: self.cap + 1].count() if isinstance(data, QuerySet) else len(rows)

    @cached_property
    def count(self) -> int:
        return min(self._seen, self.cap)

    @property
    def capped(self) -> bool:
        return self._seen > self.cap
