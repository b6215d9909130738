"""Each role's home page is its to-do and state, in its scope, built from the panels the apps register.

Every number links to the list behind it, and that list holds exactly that many rows; the page's query
count does not grow with the rows.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from anze.accounts.roles import Role
from anze.duties.choices import OccurrenceStatus
from anze.duties.models import Occurrence
from anze.duties.scheduling import materialize_occurrences
from anze.duties.tests.factories import make_clause, make_duty

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 4, 8, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def leader(frozen, org):
    from anze.org.models import Person
    from conftest import make_user

    person = Person.objects.create(name="侯晓滨", region=org["linyi"])
    return make_user("lee", (Role.LEADER, {"region": org["linyi"]}), person=person)


def _work(org, leader, units, *, title="每季度召开安全形势分析会"):
    """A quarterly and a monthly duty on `units`, led by `leader`, materialized for 2026 up to today."""
    clause = make_clause(org["linyi"], units, leader=leader.person, text=title)
    make_duty(
        clause,
        rrule="FREQ=MONTHLY;INTERVAL=3",
        start_on=dt.date(2026, 1, 1),
        title=title,
        needs_sign_off=True,
    )
    make_duty(clause, rrule="FREQ=MONTHLY", start_on=dt.date(2026, 1, 1), title=title + "（月）")
    materialize_occurrences(now=TODAY, horizon_days=60)
    return clause


@pytest.fixture
def world(frozen, org, leader, alice):
    """Work for three units in two counties, reports in every state, a case with an extension request,
    hidden dangers and enterprises."""
    from anze.supervision.services import open_case, request_extension
    from anze.supervision.tests.factories import make_policy

    units = [org["city_emergency"], org["lanshan_emergency"], org["luozhuang_emergency"]]
    _work(org, leader, units)
    past = Occurrence.objects.filter(due_on__lt=TODAY.date()).order_by("due_on", "unit_id")
    first, second = (past.filter(unit=unit).first() for unit in units[:2])
    third = past.filter(unit=units[2], duty__needs_sign_off=True).first()  # then waits for the leader
    Occurrence.objects.filter(pk=first.pk).update(status=OccurrenceStatus.RETURNED, touched=True)
    Occurrence.objects.filter(pk=second.pk).update(
        status=OccurrenceStatus.SUBMITTED, touched=True, submitted_at=TODAY
    )
    Occurrence.objects.filter(pk=third.pk).update(
        status=OccurrenceStatus.ACCEPTED, late=False, touched=True, submitted_at=TODAY, accepted_at=TODAY
    )
    make_policy(org["linyi"])
    case = open_case(
        actor=alice, unit=org["luozhuang_emergency"], title="逾期督办", deadline=dt.date(2026, 4, 30)
    )
    from conftest import make_user

    unit_user = make_user("luo_unit", (Role.UNIT, {"unit": org["luozhuang_emergency"]}))
    request_extension(case, actor=unit_user, reason="需协调", requested_deadline=dt.date(2026, 5, 30))
    return {"units": units}


def _panels(client):
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    return response, response.content.decode()


def _links_with_numbers(html):
    """(url, number) of every card on the page: <a class="card anze-card" href=…> … anze-card-value">N<."""
    cards = re.findall(
        r'<a class="card anze-card[^"]*" href="([^"]+)">\s*<div class="card-body">\s*'
        r'<div class="anze-card-value">([^<]+)</div>',
        html,
    )
    return [(url.replace("&amp;", "&"), value.strip()) for url, value in cards]


def _list_count(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    context = response.context
    if "table" in context and context["table"] is not None:
        return len(context["table"].data)  # the whole filtered list, not one page
    if "total" in context:
        return int(str(context["total"]).rstrip("+"))
    raise AssertionError(f"no list on {url}")


@pytest.mark.parametrize("persona", ["alice", "bob", "charlie", "lee", "dave"])
def test_every_number_on_the_home_page_opens_a_list_of_exactly_that_many(persona, world, signed_in, request):
    user = request.getfixturevalue(persona) if persona != "lee" else request.getfixturevalue("leader")
    client = signed_in(user)
    _response, html = _panels(client)

    cards = [(url, value) for url, value in _links_with_numbers(html) if value.isdigit()]

    assert len(cards) >= 3, html
    for url, value in cards:
        assert _list_count(client, url) == int(value), (persona, url)


def test_the_office_sees_its_areas_to_do(world, signed_in, alice):
    _response, html = _panels(signed_in(alice))

    for label in (
        "本周到期未办结",
        "逾期未办",
        "待审核报送",
        "待领导签批",
        "逾期未办 · 按单位",
        "逾期未办 · 按分管领导",
        "督办中",
        "延期申请待审批",
        "未销号隐患",
        "不合规企业",
    ):
        assert label in html, label
    assert 'data-chart="home-on-time-by-month"' in html
    # The organization's five counts are for the system administrator now, not the office's to-do.
    assert "委员会" not in re.sub(r"<nav.*?</nav>", "", html, flags=re.S)


def test_a_unit_sees_its_own_items_by_urgency_and_its_cases(world, signed_in, charlie, org):
    response, html = _panels(signed_in(charlie))

    assert "本单位待办" in html and "被退回待重报" in html and "本单位督办中" in html
    assert "逾期督办" in html  # its case, by deadline
    assert "按单位" not in html  # not the office's overview


def test_a_leader_sees_what_waits_for_its_sign_off_and_its_clauses(world, signed_in, leader):
    occurrence = Occurrence.objects.filter(status=OccurrenceStatus.ACCEPTED).first()
    assert occurrence.duty.needs_sign_off

    _response, html = _panels(signed_in(leader))

    assert "待我签批" in html and "分管条款" in html and "1.1" in html
    sign_off = next(value for url, value in _links_with_numbers(html) if "state=sign_off" in url)
    assert sign_off == "1"


def test_an_enterprise_user_sees_its_compliance_card_and_hidden_dangers_and_finds_it_in_the_navigation(
    org, signed_in, frozen
):
    from anze.enterprises.services import add_member
    from anze.prevention.tests import factories as pf
    from conftest import make_user

    erin = make_user("erin", (Role.ENTERPRISE, {}), display_name="企业 Erin")
    enterprise = pf.make_enterprise(org["linyi"], county=org["lanshan"], name="兰山化工有限公司")
    add_member(actor=None, enterprise=enterprise, user=erin)
    pf.report(enterprise, erin, found_on=dt.date(2026, 3, 20), deadline=dt.date(2026, 4, 1))
    client = signed_in(erin)

    _response, html = _panels(client)

    assert "企业合规卡" in html and "兰山化工有限公司" in html
    assert "未销号隐患" in html and "配电箱未接地" in html
    assert reverse("enterprises:mine") in html  # 我的企业 in its navigation
    assert "行政区划" not in html  # no counts of regions and committees
    for url, value in _links_with_numbers(html):
        if value.isdigit():
            assert _list_count(client, url) == int(value), url


@pytest.mark.parametrize("persona", ["dave", "security_admin", "system_admin", "audit_admin"])
def test_auditors_and_administrators_get_a_home_page_of_their_own(
    persona, org, request, signed_in, signed_in_admin
):
    user = request.getfixturevalue(persona)
    client = signed_in(user) if persona == "dave" else signed_in_admin(user)

    _response, html = _panels(client)

    expected = {
        "dave": "近7天越权访问",
        "security_admin": "已锁定账号",
        "system_admin": "已锁定账号",
        "audit_admin": "近7天越权访问",
    }[persona]
    assert expected in html
    for url, value in _links_with_numbers(html):
        if value.isdigit():
            assert _list_count(client, url) == int(value), (persona, url)


@pytest.mark.parametrize("persona", ["alice", "charlie", "lee"])
def test_the_home_pages_query_count_does_not_grow_with_the_rows(persona, world, org, signed_in, request):
    from anze.org.choices import UnitKind
    from anze.org.models import Unit

    user = request.getfixturevalue(persona) if persona != "lee" else request.getfixturevalue("leader")
    client = signed_in(user)
    client.get(reverse("core:home"))  # warm the session and caches
    before = Occurrence.objects.count()
    with CaptureQueriesContext(connection) as few:
        _panels(client)

    more = [
        Unit.objects.create(
            name=f"临沂市第{n}局",
            short_name=f"第{n}局",
            kind=UnitKind.GOVERNMENT_DEPARTMENT,
            region=org["linyi"],
        )
        for n in range(4)
    ]
    _work(
        org,
        user if persona == "lee" else request.getfixturevalue("leader"),
        [*more, org["luozhuang_emergency"]],
        title="各单位每月开展隐患排查",
    )
    Occurrence.objects.filter(
        unit=org["luozhuang_emergency"], due_on__lt=TODAY.date(), status="pending"
    ).update(status=OccurrenceStatus.RETURNED, touched=True)
    assert Occurrence.objects.count() > 2 * before
    with CaptureQueriesContext(connection) as many:
        _panels(client)

    assert len(many) == len(few), "\n".join(q["sql"][:200] for q in many)
