"""The plan page shows, under each clause, the compliance indicators of the rules derived from it, by scope."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from anze.accounts.roles import Role
from anze.duties.tests.factories import make_clause
from anze.enterprises.tests import factories as f
from conftest import make_user

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2025, 6, 16, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def indicated(org):
    """设置安全总监 tied to a clause; in 罗庄区 one chemical works meets it and one does not, in 兰山区 one does not."""
    with time_machine.travel(NOW, tick=False):
        rule_set = f.load_reference(org["linyi"])
        clause = make_clause(org["linyi"], [org["city_emergency"]], text="高危行业企业按规定设置安全总监。")
        rule = rule_set.rules.get(code="safety_director")
        rule.clause = clause
        rule.save(update_fields=["clause"])
        meets = f.make_enterprise(org["luozhuang"], employees=300, name="罗庄达标化工")
        f.director(meets, started_on=dt.date(2024, 1, 1))
        f.make_enterprise(org["luozhuang"], employees=300, name="罗庄缺总监化工")
        f.make_enterprise(org["lanshan"], employees=300, name="兰山缺总监化工")
    return {"clause": clause, "rule": rule, "plan": clause.version.plan}


def _page(client, plan):
    response = client.get(reverse("plans:plan_detail", args=[plan.public_id]))
    assert response.status_code == 200
    return response


def _indicators(response):
    """The rows of the enterprises' card on the first clause (each registered indicator is a card)."""
    cards = response.context["tree"][0]["tasks"][0]["clauses"][0]["indicators"]
    return [row for card in cards if card["key"] == "enterprises" for row in card["rows"]]


def test_clause_shows_its_rule_with_counts_rate_and_a_link_to_the_failing_enterprises(
    indicated, alice, signed_in
):
    client = signed_in(alice)
    response = _page(client, indicated["plan"])
    [row] = _indicators(response)
    assert row["rule"] == indicated["rule"]
    assert (row["applicable"], row["met"], row["unmet"], row["rate"]) == (3, 1, 2, 33.3)
    body = response.content.decode()
    assert "企业合规指标" in body and "设置安全总监" in body and "33.3%" in body
    unmet_url = reverse("enterprises:enterprise_list") + f"?rule={indicated['rule'].public_id}"
    assert row["unmet_url"] == unmet_url and f'href="{unmet_url}"' in body

    listed = client.get(unmet_url).content.decode()
    assert "罗庄缺总监化工" in listed and "兰山缺总监化工" in listed and "罗庄达标化工" not in listed


def test_each_persona_counts_only_the_enterprises_in_its_scope(indicated, org, bob, charlie, dave, signed_in):
    expected = {
        bob: (1, 0, 1, 0.0),  # 兰山区's county office: 兰山区 only
        charlie: (2, 1, 1, 50.0),  # 罗庄区应急局: the two 罗庄区 works it supervises
        dave: (3, 1, 2, 33.3),  # the auditor reads everything
    }
    for user, figures in expected.items():
        client = signed_in(user)
        [row] = _indicators(_page(client, indicated["plan"]))
        assert (row["applicable"], row["met"], row["unmet"], row["rate"]) == figures, user.username
        client.logout()
    # A department that supervises none of them reads the plan but gets no figures and no card.
    transport = make_user("tina", (Role.UNIT, {"unit": org["city_transport"]}))
    response = _page(signed_in(transport), indicated["plan"])
    assert _indicators(response) == []
    assert "企业合规指标" not in response.content.decode()


def test_a_clause_without_rules_shows_no_card(indicated, org, alice, signed_in):
    other = make_clause(org["linyi"], [org["city_emergency"]])
    response = _page(signed_in(alice), other.version.plan)
    assert _indicators(response) == []
    assert "企业合规指标" not in response.content.decode()
