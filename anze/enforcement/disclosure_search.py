"""The public penalty search (行政处罚公示): published decisions, newest decision first, one page at a time.

A keyword is a substring of the search text (decision number, the party as shown, credit code, the facts'
opening), so the result must be ordered by the decision date whatever the keyword. Over a million decisions
on PostgreSQL no single plan is fast for every keyword: a common one (a phrase of the facts) matches a fifth
of the table, and sorting all its matches costs seconds; a rare one (a name, a credit code) is found at once
by the trigram index (migration 0004), while walking the date order to find it costs seconds too. And the
planner cannot tell the two apart, because it does not know how many rows a substring matches.

So the search asks in two steps, each with a plan that is bounded by construction:

1. The newest `WINDOW` decisions that pass the other filters, walked in date order through an index, are
   searched for the keyword (a LIMIT inside a subquery, which PostgreSQL cannot push the keyword into). When
   the page is filled from them, it is exact: no older decision can come before them.
2. Otherwise the keyword is rare among recent decisions, and the trigram index finds every match (the keyword
   inside an `OFFSET 0` subquery, so the planner takes the matches first and sorts only them).

Only a keyword that is common among old decisions but absent from recent ones (a past year's number) makes
step 2 sort many matches; the year filter narrows such a search. SQLite has no trigram index: there the
same filters run as one query, which is fine at its scale. No count of all matches is made: the page says
whether a next page exists by asking for one row more.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import F, QuerySet

from anze.enforcement.choices import PenaltyType
from anze.enforcement.models import Penalty
from anze.org.models import Region

PAGE_SIZE = 50
MAX_PAGE = 100  # 5,000 decisions: enough to browse; beyond that, narrow the search
MAX_KEYWORD = 50
WINDOW = 200_000  # how far back the walk for a common keyword goes before the index takes over
SAMPLE_ROWS = 5_000  # rows sampled to tell a common keyword from a rare one
COMMON_MATCHES = 2_000  # estimated matches from which sorting them all costs more than walking
USCC = re.compile(r"[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}")
ORDER = ("-decided_on", "-id")


@dataclass(frozen=True)
class SearchPage:
    """One page of published decisions (with their county and department) and whether another follows."""

    rows: list[Penalty]
    has_next: bool


def keyword(params: Any) -> str:
    """The search keyword: without NUL characters (no database stores one), trimmed, at most 50 characters."""
    return (params.get("q") or "").replace("\x00", "").strip()[:MAX_KEYWORD]


def filtered(params: Any) -> QuerySet[Penalty]:
    """Published decisions passing the filters other than the keyword (year, county, type, late only)."""
    rows = Penalty.objects.filter(published_on__isnull=False)
    year = params.get("year") or ""
    if year.isascii() and year.isdigit() and 1900 <= int(year) <= 9999:
        rows = rows.filter(decided_on__year=int(year))
    county = params.get("county") or ""
    if county:
        # The county's id, not a join on its code: the planner then walks the (county, date) index.
        county_id = Region.objects.filter(code=county).values_list("pk", flat=True).first()
        rows = rows.filter(county_id=county_id) if county_id else rows.none()
    kind = params.get("type") or ""
    if kind in PenaltyType.values:
        rows = rows.filter(penalty_type=kind)
    if params.get("late") == "1":
        rows = rows.filter(published_on__gt=F("disclosure_due"))
    return rows


def public_penalties(params: Any) -> QuerySet[Penalty]:
    """Every published decision matching the parameters, newest decision first (one query; for small sets)."""
    rows = filtered(params)
    q = keyword(params)
    if q:
        rows = rows.filter(search_text__icontains=q)
    return rows.order_by(*ORDER)


def search(params: Any, page: int) -> SearchPage:
    """Page `page` (from 1) of the public search."""
    offset = (page - 1) * PAGE_SIZE
    wanted = offset + PAGE_SIZE + 1
    rows, q = filtered(params), keyword(params)
    if USCC.fullmatch(q.upper()):
        rows, q = rows.filter(credit_code=q.upper()), ""  # a whole credit code: its own index, exactly
    if not q or connection.vendor != "postgresql":
        if q:
            rows = rows.filter(search_text__icontains=q)
        ids = list(rows.order_by(*ORDER).values_list("pk", flat=True)[:wanted])
    else:
        ids = _postgres_ids(rows, q, wanted)
    page_ids = ids[offset : offset + PAGE_SIZE]
    found = Penalty.objects.filter(pk__in=page_ids).select_related("county", "department")
    return SearchPage(rows=list(found.order_by(*ORDER)), has_next=len(ids) > offset + PAGE_SIZE)


def _postgres_ids(rows: QuerySet[Penalty], q: str, wanted: int) -> list[int]:
    """The first `wanted` matches' ids: walking the newest decisions when the keyword is common, else by the
    trigram index."""
    pattern = f"%{connection.ops.prep_for_like_query(q)}%"
    if _estimated_matches(pattern) >= COMMON_MATCHES:
        newest = rows.order_by(*ORDER).values("id", "decided_on", "search_text")[:WINDOW]
        sql, params = newest.query.sql_with_params()
        # The walk is lazy: it stops at the page's last match, so a common keyword costs a few pages' rows.
        # Only an index in date order walks lazily; the planner, not knowing how soon the page fills, would
        # rather fetch every row passing the other filters and sort them, so sorting is off for this query.
        ids = _ids(
            f'SELECT w.id FROM ({sql}) w WHERE UPPER(w."search_text"::text) LIKE UPPER(%s) '
            f'ORDER BY w."decided_on" DESC, w."id" DESC LIMIT %s',
            [*params, pattern, wanted],
            walk=True,
        )
        if len(ids) == wanted or not rows.order_by(*ORDER)[WINDOW - 1 : WINDOW].exists():
            return ids  # the page filled from the newest decisions, or they are all there is
    everything = rows.filter(search_text__icontains=q).values("id", "decided_on")
    sql, params = everything.query.sql_with_params()
    return _ids(
        f'SELECT w.id FROM ({sql} OFFSET 0) w ORDER BY w."decided_on" DESC, w."id" DESC LIMIT %s',
        [*params, wanted],
    )


def _estimated_matches(pattern: str) -> float:
    """How many published decisions the pattern matches, estimated from a repeatable sample of the table's
    pages (a few thousand rows, a few milliseconds)."""
    table = Penalty._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [table])
        total = max(float(cursor.fetchone()[0]), 0.0)
        if total < SAMPLE_ROWS:
            return 0.0  # a small table: the index path is cheap whatever the keyword
        cursor.execute(
            f'SELECT count(*), count(*) FILTER (WHERE UPPER("search_text"::text) LIKE UPPER(%s)) '
            f"FROM {connection.ops.quote_name(table)} TABLESAMPLE SYSTEM (%s) REPEATABLE (0) "
            f'WHERE "published_on" IS NOT NULL',
            [pattern, 100.0 * SAMPLE_ROWS / total],
        )
        sampled, hits = cursor.fetchone()
    return total * hits / sampled if sampled else 0.0


def _ids(sql: str, params: list[Any], *, walk: bool = False) -> list[int]:
    with transaction.atomic(), connection.cursor() as cursor:
        if walk:
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]
