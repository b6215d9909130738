"""CappedPaginator: counts no further than its cap, and says when the list holds more."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from anze.core.pagination import CappedPaginator
from anze.org.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def regions():
    from anze.org.choices import RegionLevel

    province = Region.objects.create(code="370000", name="山东省", level=RegionLevel.PROVINCE)
    for n in range(12):
        Region.objects.create(code=f"3713{n:02d}", name=f"县区{n}", level=RegionLevel.COUNTY, parent=province)
    return Region.objects.order_by("code")


@pytest.mark.parametrize(
    ("cap", "count", "capped", "pages"), [(5, 5, True, 3), (13, 13, False, 7), (50, 13, False, 7)]
)
def test_the_count_stops_at_the_cap(regions, cap, count, capped, pages):
    paginator = CappedPaginator(regions, 2, cap=cap)
    assert (paginator.count, paginator.capped, paginator.num_pages) == (count, capped, pages)
    last = paginator.page(pages)
    assert list(last.object_list) == list(regions[(pages - 1) * 2 : min(pages * 2, count)])


def test_a_queryset_is_counted_by_one_limited_query(regions):
    paginator = CappedPaginator(regions, 2, cap=5)
    with CaptureQueriesContext(connection) as queries:
        assert paginator.count == 5
    assert len(queries) == 1
    assert "LIMIT 6" in queries[0]["sql"].upper()


def test_a_table_pages_its_queryset_through_the_cap(regions, rf):
    import django_tables2 as tables

    class RegionTable(tables.Table):
        class Meta:
            model = Region
            fields = ("code", "name")

    table = RegionTable(regions)
    table.paginate(paginator_class=CappedPaginator, per_page=4, page=2, cap=6)
    assert (table.paginator.count, table.paginator.capped, table.paginator.num_pages) == (6, True, 2)
    assert [row.record.code for row in table.page.object_list] == [r.code for r in regions[4:6]]


def test_a_list_is_counted_by_its_length():
    paginator = CappedPaginator(list(range(7)), 3, cap=10)
    assert (paginator.count, paginator.capped) == (7, False)
    assert (
        CappedPaginator(list(range(12)), 3, cap=10).count,
        CappedPaginator(list(range(12)), 3, cap=10).num_pages,
    ) == (10, 4)
