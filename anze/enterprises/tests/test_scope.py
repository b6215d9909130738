"""Who sees and changes which enterprise: counties, departments, the office, the auditor, enterprise users."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from anze.enterprises import services
from anze.enterprises.models import Enterprise, InsurancePolicy
from anze.org.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(make_enterprise):
    """罗庄 chemicals (罗庄区应急局), 兰山 road transport (市交通运输局), 兰山 residential services (no one)."""
    return {
        "luozhuang_chem": make_enterprise(industry="26", region="luozhuang", name="罗庄化工"),
        "lanshan_road": make_enterprise(industry="54", region="lanshan", name="兰山运输"),
        "lanshan_gap": make_enterprise(industry="80", region="lanshan", name="兰山家政"),
    }


def visible(user):
    return set(Enterprise.objects.restrict(user, "view").values_list("name", flat=True))


def test_departments_are_derived_from_the_industry_and_the_nearest_region(three, org):
    assert three["luozhuang_chem"].supervising_unit == org["luozhuang_emergency"]
    assert three["lanshan_road"].supervising_unit == org["city_transport"]
    assert three["lanshan_gap"].supervising_unit is None


def test_each_persona_sees_its_own(three, alice, bob, charlie, dave):
    assert visible(alice) == {"罗庄化工", "兰山运输", "兰山家政"}
    assert visible(bob) == {"兰山运输", "兰山家政"}
    assert visible(charlie) == {"罗庄化工"}
    assert visible(dave) == {"罗庄化工", "兰山运输", "兰山家政"}


def test_enterprise_user_sees_only_its_enterprise_and_nothing_before_binding(three, erin):
    assert visible(erin) == set()
    services.add_member(actor=None, enterprise=three["luozhuang_chem"], user=erin)
    erin.forget_assignments()
    assert visible(erin) == {"罗庄化工"}


def test_enterprise_role_never_reaches_region_scoped_data(three, erin):
    """Before the Scope.enterprise lookup, an area-less enterprise assignment fell through to "everything"."""
    services.add_member(actor=None, enterprise=three["luozhuang_chem"], user=erin)
    assert not Unit.objects.restrict(erin, "view").exists()
    assert not Unit.objects.restrict(erin, "change").exists()


def test_enterprise_user_keeps_its_own_records(three, erin, signed_in):
    enterprise = three["luozhuang_chem"]
    services.add_member(actor=None, enterprise=enterprise, user=erin)
    client = signed_in(erin)
    response = client.post(
        reverse("enterprises:record_add", args=[enterprise.public_id, "insurance"]),
        {"insurer": "人保财险", "policy_number": "P1", "starts_on": "2025-01-01", "ends_on": "2099-12-31",
         "persons_covered": "100", "cover_per_person": "400000"},
    )  # fmt: skip
    assert response.status_code == 302
    assert InsurancePolicy.objects.filter(enterprise=enterprise).count() == 1
    assert enterprise.results.get(rule__code="liability_insurance").is_met


def test_enterprise_user_cannot_touch_another_enterprise(three, erin, signed_in):
    services.add_member(actor=None, enterprise=three["luozhuang_chem"], user=erin)
    other = three["lanshan_road"]
    client = signed_in(erin)
    assert client.get(reverse("enterprises:enterprise_detail", args=[other.public_id])).status_code == 404
    response = client.post(
        reverse("enterprises:record_add", args=[other.public_id, "insurance"]),
        {"insurer": "x", "policy_number": "P", "starts_on": "2025-01-01", "ends_on": "2099-12-31",
         "persons_covered": "1", "cover_per_person": "400000"},
    )  # fmt: skip
    assert response.status_code == 404
    assert not InsurancePolicy.objects.exists()


def test_enterprise_user_cannot_edit_the_registry_entry(three, erin, signed_in):
    enterprise = three["luozhuang_chem"]
    services.add_member(actor=None, enterprise=enterprise, user=erin)
    client = signed_in(erin)
    response = client.post(
        reverse("enterprises:enterprise_edit", args=[enterprise.public_id]), {"name": "改名"}
    )
    assert response.status_code == 404
    enterprise.refresh_from_db()
    assert enterprise.name == "罗庄化工"


def test_department_reads_but_does_not_keep_records(three, charlie, signed_in):
    enterprise = three["luozhuang_chem"]
    client = signed_in(charlie)
    assert client.get(enterprise.get_absolute_url()).status_code == 200
    url = reverse("enterprises:record_add", args=[enterprise.public_id, "drill"])
    assert (
        client.post(url, {"held_on": "2025-01-01", "kind": "on_site", "participants": "3"}).status_code == 404
    )


def test_county_registers_in_its_county_only(reference, bob, org):
    from anze.enterprises.generate import credit_code
    from anze.enterprises.models import Industry

    industry = Industry.objects.get(code="26")
    with pytest.raises(services.PermissionDenied):
        services.create_enterprise(actor=bob, name="越界", credit_code=credit_code(9, "371311"),
                                   region=org["luozhuang"], industry=industry, employee_count=5)  # fmt: skip
    assert not Enterprise.objects.filter(name="越界").exists()
    made = services.create_enterprise(actor=bob, name="本区", credit_code=credit_code(10, "371302"),
                                      region=org["lanshan"], industry=industry, employee_count=5)  # fmt: skip
    assert made.county == org["lanshan"]


def test_bad_credit_code_is_refused(reference, org):
    from anze.enterprises.models import Industry

    with pytest.raises(services.ValidationError) as caught:
        services.create_enterprise(actor=None, name="错码", credit_code="91371302MA3C12345X", region=org["lanshan"],
                                   industry=Industry.objects.get(code="26"), employee_count=5)  # fmt: skip
    assert "credit_code" in caught.value.error_dict


def test_record_change_writes_one_audit_event(three):
    from anze.audit.models import AuditEvent

    enterprise = three["luozhuang_chem"]
    before = AuditEvent.objects.count()
    policy = services.add_record(
        InsurancePolicy, actor=None, enterprise=enterprise, insurer="x", policy_number="P", persons_covered=1,
        starts_on=dt.date(2025, 1, 1), ends_on=dt.date(2025, 12, 31), cover_per_person=400_000,
    )  # fmt: skip
    assert AuditEvent.objects.count() == before + 1
    assert AuditEvent.objects.order_by("-sequence").first().action == "enterprises.insurancepolicy.create"
    services.delete_record(policy, actor=None)
    assert AuditEvent.objects.count() == before + 2
