"""A 重大 hidden danger is closed only after the supervising department reviews its rectification: the
enterprise applies for 销号, the department accepts (closing it and its 挂牌督办 case) or returns it; the
enterprise's own users can no longer accept or close it, on the pages, the API or the services."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from rest_framework.test import APIClient

from anze.accounts.roles import Role
from anze.enterprises.models import EnterpriseMembership
from anze.prevention import errors
from anze.prevention.choices import HiddenDangerStatus, PhotoStage
from anze.prevention.models import HiddenDanger
from anze.prevention.services import (
    accept_rectification,
    add_photo,
    close_hidden_danger,
    reject_rectification,
    save_rectification_plan,
    start_rectification,
    submit_rectification,
)
from anze.prevention.tests.factories import SIX_ELEMENTS, jpeg_bytes, report
from anze.supervision.choices import CaseStatus
from anze.supervision.models import Case
from conftest import make_user


@pytest.fixture
def staff(org, lanshan_enterprise):
    """The enterprise's two users (one rectifies, the other would accept) and the supervising department."""
    users = {}
    for name in ("ent_safety", "ent_manager"):
        users[name] = make_user(name, (Role.ENTERPRISE, {}))
        EnterpriseMembership.objects.create(user=users[name], enterprise=lanshan_enterprise)
    users["department"] = make_user("lanshan_dept", (Role.UNIT, {"unit": org["lanshan_emergency"]}))
    return users


def applied_for_closure(enterprise, staff) -> HiddenDanger:
    """A registered 重大 hidden danger, rectified, with the enterprise's application for 销号."""
    hd = report(enterprise, staff["ent_safety"], grade="major", register=True)
    save_rectification_plan(actor=staff["ent_safety"], hd=hd, **SIX_ELEMENTS)
    hd = start_rectification(actor=staff["ent_safety"], hd=hd)
    add_photo(actor=staff["ent_safety"], hd=hd, stage=PhotoStage.AFTER, data=jpeg_bytes())
    return submit_rectification(actor=staff["ent_safety"], hd=hd, note="已整改，申请销号")


def case_of(hd) -> Case:
    return Case.objects.get(content_type=ContentType.objects.get_for_model(hd), object_id=hd.pk)


def test_the_enterprise_cannot_accept_or_return_its_own_major_hidden_danger(lanshan_enterprise, staff):
    hd = applied_for_closure(lanshan_enterprise, staff)
    assert case_of(hd).status == CaseStatus.OPEN
    for step in (
        lambda: accept_rectification(actor=staff["ent_manager"], hd=hd, note="自验合格"),
        lambda: reject_rectification(actor=staff["ent_manager"], hd=hd, note="再改"),
    ):
        with pytest.raises(errors.NotAllowedError) as refused:
            step()
        assert refused.value.code == errors.DEPARTMENT_REVIEW_REQUIRED
    hd.refresh_from_db()
    assert hd.status == HiddenDangerStatus.AWAITING_ACCEPTANCE and hd.accepted_by is None
    assert case_of(hd).status == CaseStatus.OPEN


def test_the_department_returns_then_accepts_and_the_case_closes_with_it(lanshan_enterprise, staff):
    hd = applied_for_closure(lanshan_enterprise, staff)
    hd = reject_rectification(actor=staff["department"], hd=hd, note="整改后照片不清晰")
    assert hd.status == HiddenDangerStatus.RECTIFYING and case_of(hd).status == CaseStatus.OPEN
    hd = submit_rectification(actor=staff["ent_safety"], hd=hd, note="补充照片，再次申请销号")
    hd = accept_rectification(actor=staff["department"], hd=hd, note="现场复核合格")
    assert hd.status == HiddenDangerStatus.CLOSED and hd.closed_at and hd.accepted_by == staff["department"]
    case = case_of(hd)
    assert case.status == CaseStatus.RESOLVED and case.resolved_at and hd.title in case.resolution


def test_an_accepted_major_one_from_before_is_closed_only_by_the_department(lanshan_enterprise, staff):
    hd = applied_for_closure(lanshan_enterprise, staff)
    HiddenDanger.objects.filter(pk=hd.pk).update(
        status=HiddenDangerStatus.ACCEPTED, accepted_by=staff["ent_manager"], accepted_at=hd.rectified_at
    )
    hd.refresh_from_db()
    with pytest.raises(errors.NotAllowedError):
        close_hidden_danger(actor=staff["ent_manager"], hd=hd)
    hd = close_hidden_danger(actor=staff["department"], hd=hd)
    assert hd.status == HiddenDangerStatus.CLOSED and case_of(hd).status == CaseStatus.RESOLVED


def test_a_general_hidden_danger_is_still_accepted_by_the_enterprise(lanshan_enterprise, staff):
    hd = report(lanshan_enterprise, staff["ent_safety"], register=True)
    hd = start_rectification(actor=staff["ent_safety"], hd=hd)
    add_photo(actor=staff["ent_safety"], hd=hd, stage=PhotoStage.AFTER, data=jpeg_bytes())
    hd = submit_rectification(actor=staff["ent_safety"], hd=hd, note="已整改")
    hd = accept_rectification(actor=staff["ent_manager"], hd=hd)
    assert close_hidden_danger(actor=staff["ent_manager"], hd=hd).status == HiddenDangerStatus.CLOSED


def test_pages_offer_the_review_to_the_department_only(client, lanshan_enterprise, staff):
    hd = applied_for_closure(lanshan_enterprise, staff)
    client.force_login(staff["ent_manager"])
    page = client.get(hd.get_absolute_url()).content.decode()
    assert "待行业主管部门审核" in page and "审核通过，销号" not in page
    client.post(reverse("prevention:hidden_danger_action", args=[hd.public_id, "accept"]), {"note": "自验"})
    hd.refresh_from_db()
    assert hd.status == HiddenDangerStatus.AWAITING_ACCEPTANCE
    client.force_login(staff["department"])
    assert "审核通过，销号" in client.get(hd.get_absolute_url()).content.decode()
    client.post(reverse("prevention:hidden_danger_action", args=[hd.public_id, "accept"]), {"note": "合格"})
    hd.refresh_from_db()
    assert hd.status == HiddenDangerStatus.CLOSED and case_of(hd).status == CaseStatus.RESOLVED


def test_the_api_refuses_the_enterprise_and_lets_the_department_close(lanshan_enterprise, staff):
    hd = applied_for_closure(lanshan_enterprise, staff)
    api = APIClient()
    api.force_authenticate(staff["ent_manager"])
    url = f"/api/hidden-dangers/{hd.public_id}/transition/"
    refused = api.post(url, {"action": "accept", "note": "自验"}, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "department_review_required"
    api.force_authenticate(staff["department"])
    accepted = api.post(url, {"action": "accept", "note": "合格"}, format="json")
    assert accepted.status_code == 200 and accepted.json()["status"] == HiddenDangerStatus.CLOSED
