"""Which band table grades a risk point: checked against an independent reading of the rule over random
sets of stored tables (the most specific region's table in force on the date, else the built-in default)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anze.prevention.bands import band_table_for
from anze.prevention.choices import AssessmentMethod
from anze.prevention.models import RiskBandTable
from anze.prevention.scoring import DEFAULT_LEC_BANDS, DEFAULT_LS_BANDS, Level

pytestmark = pytest.mark.django_db

DAYS = [dt.date(2024, 1, 1) + dt.timedelta(days=90 * i) for i in range(6)]
PLACES = [None, "shandong", "linyi", "lanshan", "luozhuang"]
METHODS = [AssessmentMethod.LEC, AssessmentMethod.LS]


def bands_marked(mark: int) -> dict:
    """A valid table whose red threshold identifies it."""
    return {"bands": [{"level": 1, "threshold": 1000 + mark}, {"level": 4, "threshold": 1}], "floor": 4}


def depth(org, place) -> int:
    return 0 if place is None else org[place].path.count("/") - 1


def oracle(org, rows, place, method, on):
    """The stored row that applies, read from the rule: same method, in force, region an ancestor or self."""
    target = org[place].path
    usable = [
        r for r in rows
        if r["method"] == method and r["effective_from"] <= on
        and (r["region"] is None or target.startswith(org[r["region"]].path))
    ]  # fmt: skip
    if not usable:
        return None
    return max(usable, key=lambda r: (depth(org, r["region"]), r["effective_from"]))["mark"]


table_rows = st.lists(
    st.tuples(st.sampled_from(PLACES), st.sampled_from(METHODS), st.sampled_from(DAYS)),
    max_size=8,
    unique=True,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=table_rows,
    place=st.sampled_from(["lanshan", "luozhuang", "linyi"]),
    method=st.sampled_from(METHODS),
    on=st.sampled_from([d + dt.timedelta(days=offset) for d in DAYS for offset in (-1, 0)]),
)
def test_the_table_that_applies_is_the_one_the_rule_names(org, rows, place, method, on):
    with transaction.atomic():
        stored = []
        for mark, (region, row_method, effective_from) in enumerate(rows):
            RiskBandTable.objects.create(
                region=None if region is None else org[region],
                method=row_method,
                effective_from=effective_from,
                bands=bands_marked(mark),
            )
            stored.append({"region": region, "method": row_method, "effective_from": effective_from, "mark": mark})
        table, row = band_table_for(org[place].path, method, on)
        expected = oracle(org, stored, place, method, on)
        if expected is None:
            assert row is None
            assert table == (DEFAULT_LEC_BANDS if method == AssessmentMethod.LEC else DEFAULT_LS_BANDS)
        else:
            assert row is not None
            assert table.bands[0].threshold == 1000 + expected
        transaction.set_rollback(True)


def test_an_ls_table_never_grades_lec_points(org):
    RiskBandTable.objects.create(region=org["luozhuang"], method=AssessmentMethod.LS,
                                 effective_from=DAYS[0], bands=bands_marked(1))  # fmt: skip
    table, row = band_table_for(org["luozhuang"].path, AssessmentMethod.LEC, DAYS[3])
    assert row is None
    assert table == DEFAULT_LEC_BANDS
    assert table.grade(321) == Level.MAJOR


def test_a_newer_national_table_replaces_the_older_one_from_its_date(org):
    old = RiskBandTable.objects.create(region=None, method=AssessmentMethod.LEC, effective_from=DAYS[0],
                                       bands=bands_marked(1))  # fmt: skip
    new = RiskBandTable.objects.create(region=None, method=AssessmentMethod.LEC, effective_from=DAYS[2],
                                       bands=bands_marked(2))  # fmt: skip
    assert band_table_for(org["lanshan"].path, AssessmentMethod.LEC, DAYS[2] - dt.timedelta(days=1))[1] == old
    assert band_table_for(org["lanshan"].path, AssessmentMethod.LEC, DAYS[2])[1] == new
    assert band_table_for(org["lanshan"].path, AssessmentMethod.LEC, DAYS[0] - dt.timedelta(days=1))[1] is None


def test_a_county_table_beats_a_newer_city_table_but_not_another_countys(org):
    city = RiskBandTable.objects.create(region=org["linyi"], method=AssessmentMethod.LS, effective_from=DAYS[3],
                                        bands=bands_marked(1))  # fmt: skip
    county = RiskBandTable.objects.create(region=org["lanshan"], method=AssessmentMethod.LS,
                                          effective_from=DAYS[0], bands=bands_marked(2))  # fmt: skip
    assert band_table_for(org["lanshan"].path, AssessmentMethod.LS, DAYS[4])[1] == county
    assert band_table_for(org["luozhuang"].path, AssessmentMethod.LS, DAYS[4])[1] == city


def test_a_floor_of_no_grade_survives_storage(org):
    RiskBandTable.objects.create(region=None, method=AssessmentMethod.LS, effective_from=DAYS[0],
                                 bands={"bands": [{"level": 1, "threshold": 20}], "floor": None})  # fmt: skip
    table, _ = band_table_for(org["lanshan"].path, AssessmentMethod.LS, DAYS[1])
    assert table.floor is None
    assert table.grade(19) is None
    assert table.grade(20) == Level.MAJOR


def test_choosing_a_table_is_one_query_however_many_regions_have_one(org, django_assert_num_queries):
    for place in ("shandong", "linyi", "lanshan", "luozhuang"):
        RiskBandTable.objects.create(region=org[place], method=AssessmentMethod.LS, effective_from=DAYS[0],
                                     bands=bands_marked(len(place)))  # fmt: skip
    with django_assert_num_queries(1):
        _, row = band_table_for(org["lanshan"].path, AssessmentMethod.LS, DAYS[1])
        assert row.region == org["lanshan"]
