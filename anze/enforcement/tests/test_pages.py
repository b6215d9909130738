"""Accident pages: the list with headline numbers, the report form, the detail with its steps and actions."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from anze.enforcement.choices import AccidentGrade, AccidentStatus, ReportLevel
from anze.enforcement.models import Accident
from anze.enforcement.tests.factories import accident


def test_list_shows_cards_and_only_the_scope(signed_in, alice, bob, lanshan_enterprise, luozhuang_enterprise):
    accident(alice, enterprise=lanshan_enterprise, title="兰山爆燃", deaths=3)
    accident(alice, enterprise=luozhuang_enterprise, title="罗庄坍塌")
    response = signed_in(bob).get(reverse("enforcement:accident_list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "兰山爆燃" in body and "罗庄坍塌" not in body
    assert f"grade={AccidentGrade.LARGER.value}" in body


def test_list_filters_by_grade(signed_in, alice, lanshan_enterprise):
    accident(alice, enterprise=lanshan_enterprise, title="较大一起", deaths=3)
    accident(alice, enterprise=lanshan_enterprise, title="一般一起", deaths=1)
    body = signed_in(alice).get(reverse("enforcement:accident_list") + "?grade=larger").content.decode()
    assert "较大一起" in body and "一般一起" not in body


def test_report_form_grades_and_redirects(signed_in, alice, lanshan_enterprise):
    occurred = timezone.localtime() - dt.timedelta(hours=2)
    response = signed_in(alice).post(
        reverse("enforcement:accident_create"),
        {
            "title": "储罐爆炸",
            "occurred_at": occurred.strftime("%Y-%m-%dT%H:%M"),
            "place": "罐区",
            "accident_type": "hazardous_chemicals",
            "enterprise": str(lanshan_enterprise.public_id),
            "deaths": 0,
            "missing": 0,
            "serious_injuries": 12,
            "direct_loss": "300",
        },
    )
    a = Accident.objects.get(title="储罐爆炸")
    assert response.status_code == 302 and response["Location"] == a.get_absolute_url()
    assert a.grade == AccidentGrade.LARGER and a.enterprise == lanshan_enterprise


def test_report_form_without_a_unit_keeps_the_input(signed_in, alice):
    response = signed_in(alice).post(
        reverse("enforcement:accident_create"),
        {
            "title": "无单位",
            "occurred_at": "2026-03-02T08:00",
            "place": "路口",
            "accident_type": "other",
            "deaths": 0,
            "missing": 0,
            "serious_injuries": 0,
            "direct_loss": "0",
        },
    )
    assert response.status_code == 200
    assert "请选择事故单位" in response.content.decode() and "无单位" in response.content.decode()
    assert not Accident.objects.exists()


def test_detail_and_an_action(signed_in, alice, lanshan_enterprise):
    a = accident(alice, enterprise=lanshan_enterprise, deaths=3)
    c = signed_in(alice)
    body = c.get(a.get_absolute_url()).content.decode()
    assert "省级应急管理部门" in body and "成立调查组" in body
    reached = timezone.localtime()
    response = c.post(
        reverse("enforcement:accident_action", args=[a.public_id, "reach"]),
        {"level": ReportLevel.CITY, "reached_at": reached.strftime("%Y-%m-%dT%H:%M")},
    )
    assert response.status_code == 302
    assert a.steps.get(level=ReportLevel.CITY).done_at is not None


def test_a_refused_action_says_why_and_changes_nothing(signed_in, alice, lanshan_enterprise):
    a = accident(alice, enterprise=lanshan_enterprise, deaths=3)
    response = signed_in(alice).post(
        reverse("enforcement:accident_action", args=[a.public_id, "close"]), {"on": "2026-03-02"}, follow=True
    )
    assert "不能结案" in response.content.decode()
    assert Accident.objects.get(pk=a.pk).status == AccidentStatus.REPORTED


def test_out_of_scope_detail_and_action_are_404(signed_in, alice, bob, luozhuang_enterprise):
    a = accident(alice, enterprise=luozhuang_enterprise, deaths=3)
    c = signed_in(bob)
    assert c.get(a.get_absolute_url()).status_code == 404
    response = c.post(
        reverse("enforcement:accident_action", args=[a.public_id, "misreport"]),
        {"kind": "concealed", "found_on": "2026-03-02", "description": "x"},
    )
    assert response.status_code == 404
    assert not a.misreports.exists()


def test_auditor_reads_but_cannot_act(signed_in, alice, dave, lanshan_enterprise):
    a = accident(alice, enterprise=lanshan_enterprise, deaths=3)
    c = signed_in(dave)
    assert c.get(a.get_absolute_url()).status_code == 200
    assert (
        c.post(
            reverse("enforcement:accident_action", args=[a.public_id, "misreport"]),
            {"kind": "concealed", "found_on": "2026-03-02", "description": "x"},
        ).status_code
        == 404
    )
    assert c.get(reverse("enforcement:accident_create")).status_code == 404
