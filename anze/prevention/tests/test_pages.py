import datetime as dt
import json
import re

import pytest
from django.urls import reverse

from anze.accounts.roles import Role
from anze.prevention.choices import HiddenDangerStatus
from anze.prevention.models import HiddenDanger
from anze.prevention.services import register_hidden_danger
from anze.prevention.tests.factories import report
from conftest import make_user


@pytest.fixture
def two_dangers(lanshan_enterprise, luozhuang_enterprise, alice):
    return report(lanshan_enterprise, alice, title="兰山的隐患"), report(
        luozhuang_enterprise, alice, title="罗庄的隐患"
    )


def test_office_sees_every_county_county_only_its_own(client, signed_in, alice, bob, two_dangers):
    url = reverse("prevention:hidden_danger_list")
    body = signed_in(alice).get(url).content.decode()
    assert "兰山的隐患" in body and "罗庄的隐患" in body
    client.logout()
    body = signed_in(bob).get(url).content.decode()
    assert "兰山的隐患" in body and "罗庄的隐患" not in body


def test_out_of_scope_detail_is_404(client, signed_in, bob, two_dangers):
    _, luozhuang = two_dangers
    response = signed_in(bob).get(luozhuang.get_absolute_url())
    assert response.status_code == 404


def test_unit_sees_what_it_supervises(client, signed_in, charlie, two_dangers):
    body = signed_in(charlie).get(reverse("prevention:hidden_danger_list")).content.decode()
    assert "罗庄的隐患" in body and "兰山的隐患" not in body


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("prevention:hidden_danger_list"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_auditor_cannot_change(client, signed_in, dave, two_dangers):
    hd = two_dangers[0]
    response = signed_in(dave).post(
        reverse("prevention:hidden_danger_action", args=[hd.public_id, "register"])
    )
    assert response.status_code == 404
    hd.refresh_from_db()
    assert hd.status == HiddenDangerStatus.FOUND


def test_county_registers_through_the_page(client, signed_in, bob, two_dangers):
    hd = two_dangers[0]
    response = signed_in(bob).post(
        reverse("prevention:hidden_danger_action", args=[hd.public_id, "register"])
    )
    assert response.status_code == 302
    hd.refresh_from_db()
    assert hd.status == HiddenDangerStatus.REGISTERED


def test_refused_transition_shows_a_message_and_changes_nothing(client, signed_in, alice, two_dangers):
    hd = two_dangers[0]
    response = signed_in(alice).post(
        reverse("prevention:hidden_danger_action", args=[hd.public_id, "close"]), follow=True
    )
    assert "未经验收" in response.content.decode()
    hd.refresh_from_db()
    assert hd.status == HiddenDangerStatus.FOUND


def test_list_pages_with_keyset(client, signed_in, alice, lanshan_enterprise, settings):
    from anze.prevention import views

    for i in range(5):
        report(lanshan_enterprise, alice, title=f"隐患{i}")
    views.PAGE_SIZE = 2
    try:
        c = signed_in(alice)
        first = c.get(reverse("prevention:hidden_danger_list")).content.decode()
        assert "隐患4" in first and "隐患2" not in first
        after = re.search(r"after=(\d+)", first).group(1)
        second = c.get(reverse("prevention:hidden_danger_list") + f"?after={after}").content.decode()
        assert "隐患2" in second and "隐患4" not in second
    finally:
        views.PAGE_SIZE = 50


def test_list_query_count_does_not_grow_with_rows(
    client, signed_in, alice, lanshan_enterprise, django_assert_max_num_queries
):
    for i in range(30):
        report(lanshan_enterprise, alice, title=f"隐患{i}")
    c = signed_in(alice)
    with django_assert_max_num_queries(20):
        assert c.get(reverse("prevention:hidden_danger_list")).status_code == 200


def test_create_hidden_danger_page(client, signed_in, bob, lanshan_enterprise):
    response = signed_in(bob).post(
        reverse("prevention:hidden_danger_create"),
        {
            "enterprise": lanshan_enterprise.pk,
            "source": "government_inspection",
            "grade": "general",
            "title": "消防通道堵塞",
            "description": "仓库消防通道堆放货物",
            "place": "仓库",
            "responsible_person": "赵六",
            "found_on": "2026-03-01",
            "deadline": "2026-03-05",
        },
    )
    assert response.status_code == 302
    hd = HiddenDanger.objects.get(title="消防通道堵塞")
    assert hd.status == HiddenDangerStatus.REGISTERED and hd.found_by == bob


def test_stats_page_counts_per_county_and_quarter(client, signed_in, alice, two_dangers):
    register_hidden_danger(actor=alice, hd=two_dangers[0])
    response = signed_in(alice).get(reverse("prevention:hidden_danger_stats") + "?year=2026")
    assert response.status_code == 200
    quarters = response.context["quarters"]
    assert quarters[0]["total"] == 2  # both found on 2026-03-02
    assert {c["name"] for c in response.context["counties"]} == {"兰山区", "罗庄区"}
    assert 'data-chart="chart-hd-quarters"' in response.content.decode()


def test_risk_point_page_renders_four_colour_charts(client, signed_in, alice, lanshan_enterprise):
    from decimal import Decimal

    from anze.prevention.services import create_risk_point

    create_risk_point(
        actor=alice,
        enterprise=lanshan_enterprise,
        name="罐区",
        hazard_factors="泄漏",
        controls="监测",
        responsible_person="王",
        method="lec",
        lec_likelihood=Decimal(6),
        lec_exposure=Decimal(6),
        lec_consequence=Decimal(15),
        control_level="company",
        assessed_on=dt.date(2026, 1, 1),
        reassess_on=dt.date(2027, 1, 1),
    )
    body = signed_in(alice).get(reverse("prevention:risk_point_list")).content.decode()
    assert 'data-chart="chart-risk-county"' in body and "anze-risk-red" in body
    option = json.loads(
        re.search(r'<script id="chart-risk-county" type="application/json">(.*?)</script>', body, re.S).group(
            1
        )
    )
    assert [s["itemStyle"]["color"] for s in option["series"]] == ["#d9262c", "#f08c00", "#f5d000", "#1f6fd1"]
    assert "<script>" not in body  # CSP: no inline scripts


def test_enterprise_user_sees_only_its_own(
    client, signed_in, org, lanshan_enterprise, luozhuang_enterprise, alice
):
    from anze.enterprises.models import EnterpriseMembership

    report(lanshan_enterprise, alice, title="兰山的隐患")
    report(luozhuang_enterprise, alice, title="罗庄的隐患")
    user = make_user("ent", (Role.ENTERPRISE, {}))
    EnterpriseMembership.objects.create(user=user, enterprise=lanshan_enterprise)
    body = signed_in(user).get(reverse("prevention:hidden_danger_list")).content.decode()
    assert "兰山的隐患" in body and "罗庄的隐患" not in body
