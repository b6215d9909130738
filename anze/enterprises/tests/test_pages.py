"""Every enterprise page answers for the office, exports what it shows, and edits go through services."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from anze.enterprises.choices import RuleSetStatus
from anze.enterprises.models import Enterprise, Rule, RuleSet

pytestmark = pytest.mark.django_db


@pytest.fixture
def made(make_enterprise):
    return [
        make_enterprise(industry="26", region="luozhuang", name="罗庄化工", employees=320),
        make_enterprise(industry="80", region="lanshan", name="兰山家政"),
    ]


def test_office_pages_answer(made, alice, signed_in):
    client = signed_in(alice)
    rule_set = RuleSet.objects.get()
    for url in (
        reverse("enterprises:enterprise_list"),
        reverse("enterprises:enterprise_list") + "?compliance=non_compliant&category=hazardous_chemicals",
        made[0].get_absolute_url(),
        reverse("enterprises:enterprise_edit", args=[made[0].public_id]),
        reverse("enterprises:record_add", args=[made[0].public_id, "drill"]),
        reverse("enterprises:dashboard"),
        reverse("enterprises:gaps"),
        reverse("enterprises:import"),
        reverse("enterprises:ruleset_list"),
        rule_set.get_absolute_url(),
        reverse("enterprises:enterprise_create"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    card = client.get(made[0].get_absolute_url()).content.decode()
    assert "没有相关记录" in card and "设置安全总监" in card


def test_gaps_page_lists_the_uncovered_enterprise(made, alice, signed_in):
    body = signed_in(alice).get(reverse("enterprises:gaps")).content.decode()
    assert "居民服务业" in body


def test_list_filters_and_export_the_same_rows(made, alice, signed_in):
    client = signed_in(alice)
    page = client.get(reverse("enterprises:enterprise_list") + "?gap=true").content.decode()
    assert "兰山家政" in page and "罗庄化工" not in page
    response = client.get(reverse("enterprises:enterprise_list") + "?gap=true&export=xlsx")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] == "兰山家政"


def test_list_query_count_does_not_grow_with_rows(
    make_enterprise, alice, signed_in, django_assert_max_num_queries
):
    client = signed_in(alice)
    for n in range(8):
        make_enterprise(industry="26", name=f"企业{n}")
    with django_assert_max_num_queries(16):
        assert client.get(reverse("enterprises:enterprise_list")).status_code == 200


def test_office_creates_an_enterprise_through_the_form(reference, alice, signed_in, org):
    from anze.enterprises.generate import credit_code
    from anze.enterprises.models import Industry

    response = signed_in(alice).post(
        reverse("enterprises:enterprise_create"),
        {"name": "新登记化工", "credit_code": credit_code(77, "371311"), "region": org["luozhuang"].pk,
         "industry": Industry.objects.get(code="26").pk, "employee_count": "12", "status": "operating"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    made = Enterprise.objects.get(name="新登记化工")
    assert (
        made.category_list == ["hazardous_chemicals"] and made.supervising_unit == org["luozhuang_emergency"]
    )


def test_bad_credit_code_on_the_form_is_shown_next_to_the_field(reference, alice, signed_in, org):
    from anze.enterprises.models import Industry

    response = signed_in(alice).post(
        reverse("enterprises:enterprise_create"),
        {"name": "错码", "credit_code": "91371311MA3C123450", "region": org["luozhuang"].pk,
         "industry": Industry.objects.get(code="26").pk, "employee_count": "12", "status": "operating"},
    )  # fmt: skip
    assert response.status_code == 200 and "统一社会信用代码无效" in response.content.decode()
    assert not Enterprise.objects.filter(name="错码").exists()


def test_rules_are_versioned_and_thresholds_are_configuration(made, alice):
    from anze.enterprises import services

    active = RuleSet.objects.get()
    draft = services.create_rule_set_version(active, actor=alice, effective_from=active.effective_from)
    rule = draft.rules.get(code="safety_director")
    services.update_rule(
        rule, actor=alice,
        condition={"all": [{"attr": "is_high_risk", "op": "eq", "value": True},
                           {"attr": "employee_count", "op": "gte", "value": 500}]},
    )  # fmt: skip
    with pytest.raises(services.ValidationError):
        services.update_rule(active.rules.get(code="safety_director"), actor=alice, title="x")
    services.publish_rule_set(draft, actor=alice)
    services.evaluate_all(actor=alice)
    active.refresh_from_db()
    assert active.status == RuleSetStatus.RETIRED
    assert not made[0].results.filter(rule__code="safety_director").exists()  # 320 < 500 now
    assert made[0].results.filter(rule__rule_set=draft).exists()


def test_a_condition_naming_an_unknown_attribute_is_refused(reference, alice):
    from anze.enterprises import services

    draft = services.create_rule_set_version(RuleSet.objects.get(), actor=alice, effective_from="2030-01-01")
    with pytest.raises(services.ValidationError):
        services.update_rule(
            draft.rules.first(), actor=alice, condition={"attr": "password", "op": "eq", "value": 1}
        )


def test_county_cannot_evaluate_or_edit_rules(made, bob, signed_in):
    client = signed_in(bob)
    rule = Rule.objects.first()
    assert client.post(reverse("enterprises:evaluate")).status_code == 403
    assert client.get(reverse("enterprises:rule_edit", args=[rule.public_id])).status_code == 404


def test_api_lists_within_scope_and_shows_results(made, charlie, signed_in):
    client = signed_in(charlie)
    listing = client.get("/api/enterprises/").json()
    names = [row["name"] for row in listing.get("results", listing)]
    assert names == ["罗庄化工"]
    detail = client.get(f"/api/enterprises/{made[0].public_id}/").json()
    assert any(r["rule_code"] == "safety_director" and not r["is_met"] for r in detail["results"])
    assert client.get(f"/api/enterprises/{made[1].public_id}/").status_code == 404


def test_rule_set_and_rule_pages_are_read_only(reference, signed_in, alice):
    client = signed_in(alice)
    rule_set = reference["rule_set"]
    for url in (
        reverse("enterprises:ruleset_detail", kwargs={"public_id": rule_set.public_id}),
        reverse("enterprises:rule_detail", kwargs={"public_id": rule_set.rules.first().public_id}),
    ):
        assert client.get(url).status_code in (200, 302)
        assert client.post(url).status_code == 405


def test_every_date_on_a_record_form_is_a_date_picker():
    from django.db import models

    from anze.enterprises.forms import RECORD_KINDS

    seen = 0
    for model, form_class in RECORD_KINDS.values():
        form = form_class()
        for name, field in form.fields.items():
            if isinstance(model._meta.get_field(name), models.DateField):
                assert field.widget.input_type == "date", f"{model.__name__}.{name}"
                assert 'type="date"' in str(form[name])
                seen += 1
    assert seen >= 10
