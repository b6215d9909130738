"""Traffic lights (红黄绿灯) for clauses, units, counties and leaders, computed set-based in the database.

红灯: an open 督办 case; 黄灯: an overdue open occurrence not (yet) a case; 绿灯: neither.
One aggregate query per dimension: counts grouped in SQL, the light derived from the counts.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from anze.duties.choices import OPEN_STATUSES
from anze.supervision import ladder
from anze.supervision.choices import OPEN_CASE_STATUSES

DIMENSIONS = {
    "unit": ("unit_id", "unit__name", "unit_id", "unit__name"),
    "county": ("unit__region_id", "unit__region__name", "region_id", "region__name"),
    "clause": ("duty__clause_id", "duty__clause__key", "clause_id", "clause__key"),
}


def lights(occurrences: Any, cases: Any, dimension: str, *, today: dt.date) -> list[dict[str, Any]]:
    """Rows {id, name, overdue, open_cases, light} for one dimension over already-restricted querysets."""
    if dimension == "leader":
        return leader_lights(occurrences, cases, today=today)
    occ_key, occ_name, case_key, case_name = DIMENSIONS[dimension]
    rows: dict[Any, dict[str, Any]] = {}
    overdue = (
        occurrences.values(group_key=F(occ_key), group_name=F(occ_name))
        .annotate(n=Count("id", filter=Q(status__in=OPEN_STATUSES, due_on__lt=today)))
        .order_by()
    )
    for row in overdue:
        rows[row["group_key"]] = {
            "id": row["group_key"],
            "name": row["group_name"],
            "overdue": row["n"],
            "open_cases": 0,
        }
    open_cases = (
        cases.filter(status__in=OPEN_CASE_STATUSES)
        .values(group_key=F(case_key), group_name=F(case_name))
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in open_cases:
        entry = rows.setdefault(
            row["group_key"],
            {"id": row["group_key"], "name": row["group_name"], "overdue": 0, "open_cases": 0},
        )
        entry["open_cases"] = row["n"]
    for entry in rows.values():
        entry["light"] = ladder.light(open_cases=entry["open_cases"], overdue=entry["overdue"])
    order = {"red": 0, "yellow": 1, "green": 2}
    return sorted(
        rows.values(), key=lambda r: (order[r["light"]], -r["open_cases"], -r["overdue"], str(r["name"]))
    )


def leader_lights(occurrences: Any, cases: Any, *, today: dt.date) -> list[dict[str, Any]]:
    """Per leader (牵头/分工负责): their clauses' overdue occurrences and open cases, one query each."""
    from anze.plans.choices import LEADER_ROLES
    from anze.plans.models import ClauseAssignment

    led = ClauseAssignment.objects.filter(role__in=list(LEADER_ROLES), person__isnull=False)
    overdue_q = (
        occurrences.filter(status__in=OPEN_STATUSES, due_on__lt=today, duty__clause_id=OuterRef("clause_id"))
        .order_by()
        .values("duty__clause_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    cases_q = (
        cases.filter(status__in=OPEN_CASE_STATUSES, clause_id=OuterRef("clause_id"))
        .order_by()
        .values("clause_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    per_clause = led.annotate(
        overdue=Coalesce(Subquery(overdue_q), 0), open_cases=Coalesce(Subquery(cases_q), 0)
    ).values("person_id", "person__name", "clause_id", "overdue", "open_cases")
    rows: dict[int, dict[str, Any]] = {}
    seen: set[tuple[int, int]] = set()
    for row in per_clause:
        if (row["person_id"], row["clause_id"]) in seen:
            continue
        seen.add((row["person_id"], row["clause_id"]))
        entry = rows.setdefault(
            row["person_id"],
            {"id": row["person_id"], "name": row["person__name"], "overdue": 0, "open_cases": 0},
        )
        entry["overdue"] += row["overdue"]
        entry["open_cases"] += row["open_cases"]
    for entry in rows.values():
        entry["light"] = ladder.light(open_cases=entry["open_cases"], overdue=entry["overdue"])
    order = {"red": 0, "yellow": 1, "green": 2}
    return sorted(
        rows.values(), key=lambda r: (order[r["light"]], -r["open_cases"], -r["overdue"], str(r["name"]))
    )
