"""Recomputing lateness (逾期) from the facts on record: set-based, one UPDATE per distinct deadline.

A report is late when the server received it (its `submitted_at`) after the deadline's day: the item's due
date, or the later date a granted extension moved it to. The date the unit gives for the work
(`evidence_on`) plays no part. An item is late when its latest report was, or, while still owed, when its
deadline has passed.

The functions take the model classes as arguments so a data migration can pass its historical models.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Case, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

OPEN = ("pending", "returned")


def day_after_starts(day: dt.date) -> dt.datetime:
    """The first instant after `day` ends, in the project's time zone: a report from then on is late."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def recompute(occurrence_model: Any, report_model: Any, *, today: dt.date, occurrences: Any = None) -> int:
    """Set `late` on the reports and items of `occurrences` (all when None) and each item's `submitted_at`
    from its latest report. Returns how many items were looked at."""
    items = occurrence_model.objects.all() if occurrences is None else occurrences
    item_ids = items.values("pk")
    reports = report_model.objects.filter(occurrence_id__in=item_ids)
    deadlines = (
        reports.annotate(deadline=Coalesce("occurrence__extended_until", "occurrence__due_on"))
        .values_list("deadline", flat=True)
        .distinct()
    )
    for deadline in list(deadlines):
        # "Coalesce(extended_until, due_on) = deadline", written so both databases use plain columns.
        same = Q(occurrence__extended_until=deadline) | Q(
            occurrence__extended_until__isnull=True, occurrence__due_on=deadline
        )
        reports.filter(same).update(
            late=Case(
                When(submitted_at__gte=day_after_starts(deadline), then=Value(True)),
                default=Value(False),
            )
        )
    latest = report_model.objects.filter(occurrence_id=OuterRef("pk")).order_by("-number")
    reported = occurrence_model.objects.filter(pk__in=reports.values("occurrence_id"))
    reported.update(submitted_at=Subquery(latest.values("submitted_at")[:1]))
    reported.exclude(status__in=OPEN).update(late=Subquery(latest.values("late")[:1]))
    still_owed = occurrence_model.objects.filter(pk__in=item_ids, status__in=OPEN)
    past = Q(due_on__lt=today) & (Q(extended_until__isnull=True) | Q(extended_until__lt=today))
    still_owed.filter(past).update(late=True)
    still_owed.exclude(past).update(late=False)
    return items.count()
