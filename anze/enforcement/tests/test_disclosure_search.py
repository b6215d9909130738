"""The public penalty search: whichever way it finds the rows (walking the newest decisions for a common
keyword, the trigram index for a rare one, a whole credit code by its own index), a page holds exactly the
matching published decisions, newest decision first."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.http import QueryDict
from django.urls import reverse

from anze.enforcement import disclosure_search, services
from anze.enforcement.models import Penalty
from anze.enforcement.tests.factories import make_enterprise

FACTS = ["特种作业人员未持证上岗", "未建立事故隐患排查治理制度", "未按规定设置安全警示标志"]


@pytest.fixture
def published(alice, org, monkeypatch):
    """17 published decisions over two counties and two years, and one unpublished; pages of 4."""
    monkeypatch.setattr(disclosure_search, "PAGE_SIZE", 4)
    lanshan = make_enterprise(org["lanshan"], supervising_unit=org["lanshan_emergency"], name="兰山化工")
    luozhuang = make_enterprise(
        org["luozhuang"], supervising_unit=org["luozhuang_emergency"], name="罗庄机械"
    )
    for n in range(18):
        subject = lanshan if n % 2 else luozhuang
        p = services.decide_penalty(
            actor=alice,
            decision_number=f"（临）应急罚〔{2025 + n % 2}〕{n + 1}号",
            department=org["city_emergency"],
            party_kind="unit",
            party_name=subject.name,
            facts=FACTS[n % 3],
            legal_basis="《安全生产法》第九十七条",
            penalty_type="fine" if n % 4 else "warning",
            amount=Decimal(10000) if n % 4 else Decimal(0),
            decided_on=dt.date(2025, 1, 1) + dt.timedelta(days=(n * 97) % 600),
            enterprise=subject,
        )
        if n < 17:
            services.publish_penalty(actor=alice, penalty=p, published_on=p.decided_on)
    return lanshan, luozhuang


def expected(**filters) -> list[int]:
    """The reference answer, computed in Python over every row."""
    rows = [p for p in Penalty.objects.select_related("county") if p.published_on is not None]
    q = filters.get("q", "")
    rows = [p for p in rows if q.upper() in p.search_text.upper()]
    if "county" in filters:
        rows = [p for p in rows if p.county.code == filters["county"]]
    if "year" in filters:
        rows = [p for p in rows if p.decided_on.year == int(filters["year"])]
    if "type" in filters:
        rows = [p for p in rows if p.penalty_type == filters["type"]]
    return [p.pk for p in sorted(rows, key=lambda p: (p.decided_on, p.pk), reverse=True)]


def pages(filters: dict[str, str]) -> list[int]:
    found, page = [], 1
    while True:
        result = disclosure_search.search(QueryDict(mutable=True) | filters, page)
        found += [p.pk for p in result.rows]
        if not result.has_next:
            return found
        page += 1


SEARCHES = [
    {},
    {"q": "特种作业"},
    {"q": "未按规定", "county": "371302"},
    {"q": "〔2026〕", "year": "2025"},
    {"q": "兰山化工", "type": "warning"},
    {"q": "3号"},
    {"q": "没有这样的事实"},
    {"q": "50%_"},
]


def test_every_page_holds_the_matches_newest_first(published):
    for filters in SEARCHES:
        assert pages(filters) == expected(**filters), filters


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the walk is PostgreSQL's")
def test_walking_the_newest_decisions_finds_the_same_pages(published, monkeypatch):
    # Given every keyword taken as common, so the search walks the date order instead of the index
    monkeypatch.setattr(disclosure_search, "COMMON_MATCHES", 0)
    # Then the pages are the same, also when the walk stops short of the matches and the index takes over
    for window in (disclosure_search.WINDOW, 5):
        monkeypatch.setattr(disclosure_search, "WINDOW", window)
        for filters in SEARCHES:
            assert pages(filters) == expected(**filters), (window, filters)


def test_a_whole_credit_code_finds_its_party(published):
    lanshan, _luozhuang = published
    found = pages({"q": lanshan.credit_code.lower()})
    assert found and found == [
        pk for pk in expected() if Penalty.objects.get(pk=pk).credit_code == lanshan.credit_code
    ]


def test_the_page_beyond_the_last_browsable_one_is_refused(client, published):
    url = reverse("enforcement_public:penalty_list")
    assert client.get(f"{url}?page={disclosure_search.MAX_PAGE}").status_code == 200
    assert client.get(f"{url}?page={disclosure_search.MAX_PAGE + 1}").status_code == 400


def test_the_public_api_pages_the_same_search_without_signing_in(client, published):
    lanshan, _luozhuang = published
    first = client.get("/api/public/penalties/", {"q": "兰山"})
    second = client.get("/api/public/penalties/", {"q": "兰山", "page": 2})

    assert first.status_code == 200 and first.json()["has_next"] is True
    numbers = [r["decision_number"] for r in first.json()["results"] + second.json()["results"]]
    assert (
        numbers == [Penalty.objects.get(pk=pk).decision_number for pk in expected(q="兰山")][: len(numbers)]
    )
    assert all(r["party"] == "兰山化工" for r in first.json()["results"])
    assert client.get("/api/public/penalties/", {"page": disclosure_search.MAX_PAGE + 1}).status_code == 400


def test_the_public_api_masks_a_natural_person_and_never_shows_the_identity_number(client, alice, org):
    p = services.decide_penalty(
        actor=alice, decision_number="（临）应急罚〔2026〕99号", department=org["city_emergency"], party_kind="person",
        party_name="李四光", party_id_number="370102199001011231", facts="未持证上岗", legal_basis="《安全生产法》",
        penalty_type="fine", amount=Decimal(2000), decided_on=dt.date(2026, 3, 2), county=org["lanshan"],
    )  # fmt: skip
    services.publish_penalty(actor=alice, penalty=p, published_on=dt.date(2026, 3, 20))

    body = client.get("/api/public/penalties/").content.decode()

    assert "李**" in body and "李四光" not in body and "370102199001011231" not in body
    row = client.get("/api/public/penalties/").json()["results"][0]
    assert row["published_late"] is True  # 13 working days after the decision (7 allowed)
