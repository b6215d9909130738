"""The monitoring on-line rate as an assessment fact: the 30 days up to the end of the count, counted over
the points of the enterprises in a county, under a supervising department, or of a state enterprise."""

from __future__ import annotations

import datetime as dt

import pytest

from anze.assessment import facts, services
from anze.assessment.choices import BodyKind, ScoringMethod
from anze.assessment.tests.conftest import at

pytestmark = pytest.mark.django_db


def test_the_on_line_rate_counts_the_points_that_reported_in_the_last_30_days(org, alice):
    from anze.enforcement.tests.factories import make_enterprise
    from anze.monitoring.tests.factories import feed, make_point

    scheme = services.create_scheme(actor=alice, region=org["linyi"], year=2025, name="2025年度考核细则")
    services.add_item(actor=alice, scheme=scheme, key="M", title="监测数据在线率", points=10,
                      method=ScoringMethod.RATE, fact="monitoring.online_rate", target=95, floor=50)  # fmt: skip
    county = services.add_body(actor=alice, scheme=scheme, kind=BodyKind.COUNTY, unit=org["lanshan_gov"])
    department = services.add_body(
        actor=alice, scheme=scheme, kind=BodyKind.DEPARTMENT, unit=org["luozhuang_emergency"]
    )
    # Given two points in 兰山区 (under 市交通局): one reported on 11-20, the other last on 10-15 (before
    # the 30 days up to 11-30); and one point in 罗庄区 under 罗庄区应急局, retired on 10-31 (not expected).
    lanshan = make_enterprise(org["lanshan"], county=org["lanshan"], supervising_unit=org["city_transport"])
    luozhuang = make_enterprise(
        org["luozhuang"], county=org["luozhuang"], supervising_unit=org["luozhuang_emergency"]
    )
    since = at("2025-01-01", hour=0)
    reporting, silent = make_point(lanshan, in_service_from=since), make_point(lanshan, in_service_from=since)
    make_point(luozhuang, in_service_from=since, in_service_until=at("2025-10-31", hour=0))
    feed(reporting, [50.0], start=at("2025-11-20"))
    feed(silent, [50.0], start=at("2025-10-15"))
    # When the on-line rate is read for the count up to 11-30:
    period = services.period_of(scheme, dt.date(2025, 11, 30))
    found = facts.PROVIDERS["monitoring.online_rate"].read([county, department], period)
    # Then 兰山区政府 has 1 of 2 points on line (50.0%), and 罗庄区应急局 has no point to count (full points).
    assert found[county.pk]["value"] == "50.0"
    assert (found[county.pk]["numerator"], found[county.pk]["denominator"]) == (1, 2)
    assert department.pk not in found
    run = services.compute_results(actor=alice, scheme=scheme, as_of=dt.date(2025, 11, 30))
    scores = {r.body_id: r.items[0]["score"] for r in run.results.all()}
    assert scores == {county.pk: "0.00", department.pk: "10.00"}
