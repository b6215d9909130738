"""The blacklist through the services: proposals from recorded facts (the rules themselves are tested pure in
test_listing_rules.py), the procedure notice → objection → decision → repair / restore / expiry, the public
list and the draw's higher ratio for listed enterprises."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from anze.enforcement import errors, listing, services
from anze.enforcement.choices import ListingStatus
from anze.enforcement.models import Listing
from anze.enforcement.tests.factories import accident, approved_plan, make_enterprise


@pytest.fixture
def proposed(alice, org, lanshan_enterprise):
    past = timezone.now() - dt.timedelta(days=200)
    a = accident(alice, enterprise=lanshan_enterprise, deaths=3, occurred_at=past)
    accident(alice, enterprise=lanshan_enterprise, deaths=4, occurred_at=past + dt.timedelta(days=30))
    services.record_misreport(
        actor=alice, accident=a, kind="concealed", found_on=timezone.localdate(), description="隐瞒1人死亡"
    )
    assert services.propose_listings(actor=alice) == 2
    assert services.propose_listings(actor=alice) == 0
    return Listing.objects.get(rule="two_larger_accidents")


def test_the_procedure_lists_for_three_years(alice, org, proposed):
    today = dt.date(2026, 3, 2)
    with pytest.raises(errors.TransitionError):
        services.decide_listing(
            actor=alice, listing_row=proposed, decided_on=today, list_it=True, decision_number="X"
        )
    services.notify_listing(
        actor=alice, listing_row=proposed, department=org["city_emergency"], noticed_on=today
    )
    with pytest.raises(errors.EnforcementError) as exc:
        services.decide_listing(
            actor=alice,
            listing_row=proposed,
            decided_on=today + dt.timedelta(days=2),
            list_it=True,
            decision_number="临应急失信〔2026〕1号",
        )
    assert exc.value.code == "objection_period_running"
    row = services.decide_listing(
        actor=alice,
        listing_row=proposed,
        decided_on=today + dt.timedelta(days=6),
        list_it=True,
        decision_number="临应急失信〔2026〕1号",
        objection="未提出",
    )
    assert row.status == ListingStatus.LISTED and row.expires_on == dt.date(2029, 3, 8)


def listed(alice, org, row, day=dt.date(2026, 3, 2)):
    services.notify_listing(actor=alice, listing_row=row, department=org["city_emergency"], noticed_on=day)
    return services.decide_listing(
        actor=alice,
        listing_row=row,
        decided_on=day + dt.timedelta(days=6),
        list_it=True,
        decision_number="临应急失信〔2026〕1号",
    )


def test_repair_after_twelve_months_and_fraud_restores(alice, org, proposed):
    row = listed(alice, org, proposed, day=timezone.localdate())
    with pytest.raises(errors.EnforcementError):
        services.repair_listing(
            actor=alice,
            listing_row=row,
            repaired_on=row.listed_on + dt.timedelta(days=300),
            reason="整改到位",
        )
    row = services.repair_listing(
        actor=alice,
        listing_row=row,
        repaired_on=listing.repair_from(row.listed_on),
        reason="整改到位并公开承诺",
    )
    assert row.status == ListingStatus.REPAIRED
    row = services.restore_listing(actor=alice, listing_row=row, reason="整改材料系伪造")
    assert row.status == ListingStatus.LISTED and row.expires_on == listing.expires_on(row.listed_on)


def test_expiry_stops_publication(client, alice, org, proposed):
    row = listed(alice, org, proposed)
    body = client.get(reverse("enforcement_public:listing_list")).content.decode()
    assert row.enterprise.name in body
    now = timezone.make_aware(dt.datetime.combine(row.expires_on, dt.time(8)))
    assert services.expire_listings(now=now) == 1
    assert services.expire_listings(now=now) == 0
    row.refresh_from_db()
    assert row.status == ListingStatus.EXPIRED
    assert row.enterprise.name not in client.get(reverse("enforcement_public:listing_list")).content.decode()


def test_a_listed_enterprise_is_drawn_at_the_listed_ratio(alice, org, proposed):
    row = listed(alice, org, proposed)
    enterprises = [make_enterprise(org["lanshan"]) for _ in range(30)]
    plan, share, _people = approved_plan(
        alice, org, enterprises, ratios={"A": "0", "B": "0", "C": "0", "D": "0"}, listed_ratio="1"
    )
    draw = services.perform_draw(
        actor=alice, draw=services.commit_draw(actor=alice, plan=plan, sector=share, round=1)
    )
    assert [s.enterprise_id for s in draw.selections.all()] == [row.enterprise_id]


def test_listing_pages_and_scope(signed_in, alice, bob, charlie, org, proposed):
    c = signed_in(alice)
    assert (
        "12个月内发生2起以上较大生产安全事故" in c.get(reverse("enforcement:listing_list")).content.decode()
    )
    response = c.post(
        reverse("enforcement:listing_action", args=[proposed.public_id, "notify"]),
        {"department": org["city_emergency"].public_id, "on": "2026-03-02", "objection_days": 5},
    )
    assert response.status_code == 302
    proposed.refresh_from_db()
    assert proposed.status == ListingStatus.NOTICED
    assert signed_in(charlie).get(proposed.get_absolute_url()).status_code == 404


def test_api_lists_and_notifies(signed_in, alice, org, proposed):
    c = signed_in(alice)
    rows = c.get("/api/listings/").json()["results"]
    assert {r["rule"] for r in rows} == {"two_larger_accidents", "concealed_or_false_report"}
    response = c.post(
        f"/api/listings/{proposed.public_id}/handle/",
        {"action": "notify", "on": "2026-03-02", "department": str(org["city_emergency"].public_id)},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["status"] == "noticed"
    response = c.post(
        f"/api/listings/{proposed.public_id}/handle/",
        {"action": "decide", "on": "2026-03-03", "decision_number": "x"},
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json()["code"] == "objection_period_running"


def test_joint_punishment_is_flagged_wherever_the_enterprise_appears(signed_in, alice, org, proposed):
    # Given an enterprise on the list and others that are not
    others = [make_enterprise(org["lanshan"], supervising_unit=org["lanshan_emergency"]) for _ in range(3)]
    row = listed(alice, org, proposed)
    c = signed_in(alice)
    detail = c.get(row.enterprise.get_absolute_url()).content.decode()
    assert "联合惩戒" in detail and row.get_absolute_url() in detail
    # Then the enterprise list flags it once, in the same number of queries as with a second one listed
    page = c.get(reverse("enterprises:enterprise_list")).content.decode()
    assert page.count(">联合惩戒<") == 1
    assert "联合惩戒" not in c.get(others[0].get_absolute_url()).content.decode()
    with CaptureQueriesContext(connection) as one:
        c.get(reverse("enterprises:enterprise_list"))
    # When the listing moves to another enterprise and a third one is listed too
    Listing.objects.filter(pk=row.pk).update(enterprise=others[1])
    Listing.objects.create(
        enterprise=others[2],
        region_path=row.region_path,
        rule="without_permit",
        fact_key="penalty:0",
        fact_on=row.fact_on,
        status=ListingStatus.LISTED,
        listed_on=row.listed_on,
        expires_on=row.expires_on,
    )
    with CaptureQueriesContext(connection) as two:
        page = c.get(reverse("enterprises:enterprise_list")).content.decode()
    assert page.count(">联合惩戒<") == 2 and len(two) == len(one)
    # And expiry takes the flag away
    services.expire_listings(now=timezone.make_aware(dt.datetime.combine(row.expires_on, dt.time(8))))
    assert "联合惩戒" not in c.get(others[1].get_absolute_url()).content.decode()


def penalty_with(alice, org, enterprise, number, **overrides):
    fields = dict(
        decision_number=f"（临）应急罚〔2026〕{number}号",
        department=org["city_emergency"],
        party_kind="unit",
        party_name=enterprise.name,
        facts="违法事实",
        legal_basis="《安全生产法》第一百一十四条",
        penalty_type="fine",
        amount=3_000_000,
        decided_on=dt.date(2026, 3, 2),
        enterprise=enterprise,
    )
    fields.update(overrides)
    return services.decide_penalty(actor=alice, **fields)


def test_penalty_grounds_propose_the_unit_and_its_principal_where_the_rule_names_them(alice, org):
    # Given a unit fined 2–5 times, an agency's false report, a refusal to pay, and operating without a permit
    units = [make_enterprise(org["lanshan"], supervising_unit=org["lanshan_emergency"]) for _ in range(4)]
    for unit in units:
        unit.principal = "张三丰"
        unit.save(update_fields=["principal"])
    penalty_with(alice, org, units[0], 1, aggravated_fine=True)
    penalty_with(alice, org, units[1], 2, agency_misconduct=True)
    penalty_with(alice, org, units[2], 3, refused_enforcement=True)
    penalty_with(alice, org, units[3], 4, without_permit=True)
    # When the rules run
    assert services.propose_listings(actor=alice) == 5
    # Then each unit is proposed, and for operating without a permit its 主要负责人 too
    got = {(row.enterprise_id, row.rule, row.subject_kind) for row in Listing.objects.all()}
    assert got == {
        (units[0].pk, "aggravated_fine", "unit"),
        (units[1].pk, "agency_misconduct", "unit"),
        (units[2].pk, "refused_enforcement", "unit"),
        (units[3].pk, "without_permit", "unit"),
        (units[3].pk, "without_permit", "person"),
    }
    person = Listing.objects.get(subject_kind="person")
    assert person.person_name == "张三丰" and "张三丰" in person.subject


def test_a_ground_needs_a_registered_unit_and_a_multiple_fine_is_a_fine(alice, org, lanshan_enterprise):
    with pytest.raises(errors.EnforcementError) as refused:
        penalty_with(
            alice, org, lanshan_enterprise, 5, aggravated_fine=True, penalty_type="warning", amount=0
        )
    assert refused.value.code == "aggravated_fine_not_a_fine"
    with pytest.raises(errors.EnforcementError) as refused:
        services.decide_penalty(
            actor=alice,
            decision_number="（临）应急罚〔2026〕6号",
            department=org["city_emergency"],
            party_kind="person",
            party_name="李四",
            facts="违法事实",
            legal_basis="《安全生产法》",
            penalty_type="fine",
            amount=1000,
            decided_on=dt.date(2026, 3, 2),
            county=org["lanshan"],
            refused_enforcement=True,
        )
    assert refused.value.code == "listing_ground_needs_enterprise"


def test_a_listed_person_is_masked_in_public_and_the_unit_alone_is_flagged(client, alice, org):
    unit = make_enterprise(org["lanshan"], supervising_unit=org["lanshan_emergency"], name="兰山烟花")
    unit.principal = "王小明"
    unit.save(update_fields=["principal"])
    penalty_with(alice, org, unit, 7, without_permit=True)
    services.propose_listings(actor=alice)
    for row in Listing.objects.all():
        listed(alice, org, row)
    body = client.get(reverse("enforcement_public:listing_list")).content.decode()
    assert "王**（兰山烟花主要负责人）" in body and "王小明" not in body
    # The draw's pool counts the unit once, not its principal's listing
    assert list(services.listed_enterprise_ids(type(unit).objects.all())) == [unit.pk]


def test_no_repair_when_a_newer_case_arose_since_the_listing(alice, org, proposed):
    row = listed(alice, org, proposed, day=timezone.localdate())
    later = penalty_with(alice, org, row.enterprise, 8, refused_enforcement=True)
    later.decided_on = row.listed_on + dt.timedelta(days=40)
    later.save(update_fields=["decided_on"])
    services.propose_listings(actor=alice)
    with pytest.raises(errors.EnforcementError) as refused:
        services.repair_listing(
            actor=alice, listing_row=row, repaired_on=listing.repair_from(row.listed_on), reason="整改到位"
        )
    assert refused.value.code == "new_case_since_listing" and "拒不履行" in refused.value.message_zh


# -- persons found responsible, and the catch-all case ---------------------------------------------------------


def investigated(alice, org, enterprise, *, deaths=10):
    a = accident(
        alice, enterprise=enterprise, deaths=deaths, occurred_at=timezone.now() - dt.timedelta(days=40)
    )
    services.open_investigation(
        actor=alice,
        accident=a,
        lead_unit=org["city_emergency"],
        opened_on=timezone.localdate() - dt.timedelta(days=39),
    )
    return a


def test_persons_an_investigation_finds_responsible_are_listed_beside_the_unit(
    client, alice, org, lanshan_enterprise
):
    # Given a 重大 accident of a unit with a 主要负责人 on record, under investigation
    lanshan_enterprise.principal = "张三丰"
    lanshan_enterprise.save(update_fields=["principal"])
    a = investigated(alice, org, lanshan_enterprise)
    # Then nobody can be named before the investigation's report is in
    with pytest.raises(errors.TransitionError) as refused:
        services.name_responsible_person(
            actor=alice,
            accident=a,
            name="李安全",
            position="安全总监",
            found_on=timezone.localdate(),
            basis="调查报告",
        )
    assert refused.value.code == "investigation_not_submitted"
    # When the report names two persons
    services.submit_investigation(actor=alice, accident=a, submitted_on=timezone.localdate())
    for name, position in (("李安全", "安全总监"), ("赵班长", "当班班长")):
        services.name_responsible_person(
            actor=alice,
            accident=a,
            name=name,
            position=position,
            found_on=timezone.localdate(),
            basis="事故调查报告",
        )
    with pytest.raises(errors.EnforcementError) as refused:
        services.name_responsible_person(
            actor=alice,
            accident=a,
            name="李安全",
            position="安全总监",
            found_on=timezone.localdate(),
            basis="x",
        )
    assert refused.value.code == "person_exists"
    assert services.propose_listings(actor=alice) == 4
    assert services.propose_listings(actor=alice) == 0
    # Then the unit, its 主要负责人 and both persons are proposed under the accident
    got = {
        (row.subject_kind, row.person_name, row.person_role)
        for row in Listing.objects.filter(rule="major_accident")
    }
    assert got == {
        ("unit", "", ""),
        ("person", "张三丰", "主要负责人"),
        ("person", "李安全", "安全总监"),
        ("person", "赵班长", "当班班长"),
    }
    # And once listed, the public list masks the person's name
    person = Listing.objects.get(person_name="李安全")
    assert person.responsible_person.basis == "事故调查报告" and person.fact_key == f"accident:{a.pk}"
    listed(alice, org, person)
    body = client.get(reverse("enforcement_public:listing_list")).content.decode()
    assert "李**（兰山化工安全总监）" in body and "李安全" not in body


def test_an_agency_is_listed_with_its_directly_responsible_staff(signed_in, alice, org):
    agency = make_enterprise(
        org["lanshan"], supervising_unit=org["lanshan_emergency"], name="临沂某安全评价公司"
    )
    other = make_enterprise(org["lanshan"], supervising_unit=org["lanshan_emergency"], name="兰山建材")
    false_report = penalty_with(alice, org, agency, 21, agency_misconduct=True)
    plain = penalty_with(alice, org, other, 22, refused_enforcement=True)
    c = signed_in(alice)
    # When the department names the staff on the decision's page
    response = c.post(
        reverse("enforcement:penalty_responsible", args=[false_report.public_id]),
        {
            "name": "钱评价",
            "position": "项目负责人（签字评价师）",
            "found_on": "2026-03-02",
            "basis": "处罚决定书",
        },
    )
    assert response.status_code == 302
    # Then only a decision recording an agency's misconduct takes named staff
    with pytest.raises(errors.EnforcementError) as refused:
        services.name_responsible_person(
            actor=alice, penalty=plain, name="孙某", position="经理", found_on=dt.date(2026, 3, 2), basis="x"
        )
    assert refused.value.code == "not_an_agency_case"
    assert services.propose_listings(actor=alice) == 3
    got = {
        (row.enterprise_id, row.rule, row.subject_kind, row.person_name)
        for row in Listing.objects.filter(fact_key__startswith="penalty:")
    }
    assert got == {
        (agency.pk, "agency_misconduct", "unit", ""),
        (agency.pk, "agency_misconduct", "person", "钱评价"),
        (other.pk, "refused_enforcement", "unit", ""),
    }
    page = c.get(false_report.get_absolute_url()).content.decode()
    assert "钱评价" in page and "项目负责人（签字评价师）" in page


def test_the_catch_all_is_proposed_by_hand_and_decided_like_every_case(
    signed_in, alice, org, lanshan_enterprise
):
    penalty = penalty_with(alice, org, lanshan_enterprise, 31)
    grounded = penalty_with(alice, org, lanshan_enterprise, 32, refused_enforcement=True)
    c = signed_in(alice)
    url = reverse("enforcement:penalty_propose_listing", args=[penalty.public_id])
    # A proposal without a legal basis is refused, and nothing is proposed
    c.post(url, {"reasons": "一年内三次被处罚仍不整改", "legal_basis": ""})
    assert not Listing.objects.exists()
    # When the department writes its reasons and the legal basis
    response = c.post(
        url, {"reasons": "一年内三次被处罚仍不整改", "legal_basis": "《安全生产严重失信主体名单管理办法》"}
    )
    row = Listing.objects.get(rule="other_serious")
    assert response.status_code == 302 and response["Location"] == row.get_absolute_url()
    assert (row.status, row.fact_key, row.subject_kind) == ("proposed", f"penalty:{penalty.pk}", "unit")
    # Then it cannot be proposed twice, nor on a decision that records a named ground
    for target, code in ((penalty, "already_proposed"), (grounded, "named_ground_applies")):
        with pytest.raises(errors.EnforcementError) as refused:
            services.propose_catch_all_listing(
                actor=alice, penalty=target, reasons="理由", legal_basis="依据"
            )
        assert refused.value.code == code
    # And it goes through notice, objection and decision like the rules' proposals; the rules leave it alone
    row = listed(alice, org, row)
    assert row.status == ListingStatus.LISTED
    services.propose_listings(actor=alice)
    assert Listing.objects.filter(rule="other_serious").count() == 1
    page = c.get(row.get_absolute_url()).content.decode()
    assert "一年内三次被处罚仍不整改" in page and "《安全生产严重失信主体名单管理办法》" in page


def test_the_api_names_persons_and_proposes_the_catch_all_through_the_same_services(signed_in, alice, org):
    agency = make_enterprise(org["lanshan"], supervising_unit=org["lanshan_emergency"], name="某检测检验公司")
    false_report = penalty_with(alice, org, agency, 41, agency_misconduct=True)
    plain = penalty_with(alice, org, agency, 42)
    c = signed_in(alice)
    body = {"name": "周检测", "position": "检验员", "found_on": "2026-03-02", "basis": "处罚决定书"}
    response = c.post(
        f"/api/penalties/{false_report.public_id}/responsible/", body, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["responsible_persons"][0]["name"] == "周检测"
    response = c.post(f"/api/penalties/{plain.public_id}/responsible/", body, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "not_an_agency_case"
    response = c.post(
        f"/api/penalties/{plain.public_id}/propose-listing/",
        {"reasons": "情节严重", "legal_basis": "第十条"},
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["rule"] == "other_serious"
    assert response.json()["legal_basis"] == "第十条"
    a = investigated(alice, org, agency)
    services.submit_investigation(actor=alice, accident=a, submitted_on=timezone.localdate())
    response = c.post(
        f"/api/accidents/{a.public_id}/handle/",
        {
            "action": "responsible",
            "name": "吴某",
            "position": "直接责任人员",
            "on": "2026-03-02",
            "basis": "调查报告",
        },
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["responsible_persons"][0]["name"] == "吴某"
    services.propose_listings(actor=alice)
    rows = c.get("/api/listings/?rule=major_accident").json()["results"]
    assert {(r["subject_kind"], r["person_name"], r["person_role"]) for r in rows} == {
        ("unit", "", ""),
        ("person", "吴某", "直接责任人员"),
    }


def test_the_listing_export_is_the_list_with_its_filters_and_scope(signed_in, alice, charlie, org, proposed):
    import io

    from openpyxl import load_workbook

    def exported(client, query=""):
        response = client.get(reverse("enforcement:listing_export") + query)
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.content)).active
        return [row for row in sheet.iter_rows(min_row=2, values_only=True)]

    rows = exported(signed_in(alice), "?status=proposed")
    assert sorted(r[3] for r in rows) == ["12个月内发生2起以上较大生产安全事故", "瞒报、谎报生产安全事故"]
    assert exported(signed_in(alice), "?status=listed") == []
    assert exported(signed_in(charlie)) == []


def test_the_public_api_lists_what_the_public_page_lists_masked_alike(client, alice, org):
    unit = make_enterprise(org["lanshan"], supervising_unit=org["lanshan_emergency"], name="兰山烟花")
    unit.principal = "王小明"
    unit.save(update_fields=["principal"])
    penalty_with(alice, org, unit, 7, without_permit=True)
    services.propose_listings(actor=alice)
    rows = list(Listing.objects.all())
    listed(alice, org, rows[0])  # the other stays proposed: not published

    answer = client.get("/api/public/listings/")  # no sign-in

    assert answer.status_code == 200
    results = answer.json()["results"]
    assert [r["subject"] for r in results] == [rows[0].public_subject]
    assert "王小明" not in answer.content.decode()
    assert results[0]["credit_code"] == unit.credit_code and results[0]["rule"] == "without_permit"
    assert client.get("/api/public/listings/", {"q": "别家"}).json()["results"] == []
