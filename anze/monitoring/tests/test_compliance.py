"""Filing within 15 days of the evaluation and re-evaluation every three years (40号令 art. 23 and 11), judged by
the enterprise rules: the verdicts, the services that record filing and re-evaluation, and who may."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from anze.accounts.roles import Role
from anze.audit.models import AuditEvent
from anze.enterprises.choices import ComplianceStatus, Reason, Requirement
from anze.enterprises.models import EnterpriseMembership
from anze.monitoring import services
from anze.monitoring.compliance import adopt_hazard_rules, years_after
from anze.monitoring.errors import MonitoringError
from anze.monitoring.hazards import Substance
from conftest import make_user

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def rules(org):
    from anze.enterprises.tests.factories import load_reference

    load_reference(org["linyi"])
    assert adopt_hazard_rules(actor=None, region=org["linyi"]) == 2
    return org


def _hazard(enterprise, *, assessed_on, ammonia=40, name="液氨罐区"):
    return services.assess_major_hazard(
        actor=None, enterprise=enterprise, substances=[Substance("氨", Decimal(ammonia))], name=name,
        unit_kind="storage", people_exposed=60, assessed_on=assessed_on, main_responsible="张三",
        technical_responsible="李四", operating_responsible="王五",
    )  # fmt: skip


def _result(enterprise, requirement):
    return enterprise.results.select_related("rule").get(rule__requirement=requirement)


def _days_ago(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)


# -- filing within 15 days -------------------------------------------------------------------------------


def test_a_major_hazard_not_filed_15_days_after_its_evaluation_makes_the_enterprise_non_compliant(
    rules, lanshan_enterprise
):
    # given a major hazard evaluated 16 days ago and never filed
    _hazard(lanshan_enterprise, assessed_on=_days_ago(16))

    # then the filing rule is unmet, naming the unit, its evaluation date and the 15 days
    result = _result(lanshan_enterprise, Requirement.MAJOR_HAZARD_FILING)
    assert not result.is_met and result.reason == Reason.HAZARD_NOT_FILED
    assert (result.reason_label, result.reason_date, result.reason_value) == ("液氨罐区", _days_ago(16), 15)
    assert "液氨罐区" in result.describe() and "超过 15 日仍未备案" in result.describe()
    lanshan_enterprise.refresh_from_db()
    assert lanshan_enterprise.has_major_hazard  # registering a major hazard marks the enterprise
    assert lanshan_enterprise.summary.compliance == ComplianceStatus.NON_COMPLIANT


def test_within_15_days_of_the_evaluation_an_unfiled_hazard_is_not_yet_late(rules, lanshan_enterprise):
    _hazard(lanshan_enterprise, assessed_on=_days_ago(15))
    assert _result(lanshan_enterprise, Requirement.MAJOR_HAZARD_FILING).is_met


@pytest.mark.parametrize(("filed_after", "met"), [(0, True), (15, True), (16, False), (40, False)])
def test_filing_on_the_15th_day_is_on_time_and_on_the_16th_late(rules, lanshan_enterprise, filed_after, met):
    hazard = _hazard(lanshan_enterprise, assessed_on=_days_ago(60))
    services.file_major_hazard(
        hazard, actor=None, filed_on=_days_ago(60 - filed_after), authority="兰山区应急管理局"
    )

    result = _result(lanshan_enterprise, Requirement.MAJOR_HAZARD_FILING)
    assert result.is_met is met
    if not met:
        assert result.reason == Reason.HAZARD_FILED_LATE and "未在 15 日内备案" in result.describe()


def test_a_unit_below_the_critical_quantity_needs_no_filing(rules, lanshan_enterprise):
    # 5 t of ammonia (Q = 10 t) is not a major hazard: nothing to file, and filing it is refused
    hazard = _hazard(lanshan_enterprise, assessed_on=_days_ago(100), ammonia=5)
    with pytest.raises(MonitoringError, match="未构成重大危险源"):
        services.file_major_hazard(hazard, actor=None, filed_on=_days_ago(90), authority="兰山区应急管理局")
    lanshan_enterprise.refresh_from_db()
    assert not lanshan_enterprise.has_major_hazard


def test_the_earliest_late_unit_explains_the_result_and_unfiled_wins_over_filed_late(
    rules, lanshan_enterprise
):
    late = _hazard(lanshan_enterprise, assessed_on=_days_ago(200), name="甲罐区")
    services.file_major_hazard(late, actor=None, filed_on=_days_ago(100), authority="兰山区应急管理局")
    _hazard(lanshan_enterprise, assessed_on=_days_ago(30), name="乙罐区")
    _hazard(lanshan_enterprise, assessed_on=_days_ago(50), name="丙罐区")

    result = _result(lanshan_enterprise, Requirement.MAJOR_HAZARD_FILING)
    assert result.reason == Reason.HAZARD_NOT_FILED
    assert (result.reason_label, result.reason_date) == ("丙罐区", _days_ago(50))


@pytest.mark.parametrize(
    ("filed_on", "message"),
    [
        (lambda h: h.assessed_on - dt.timedelta(days=1), "早于本次安全评估日期"),
        (lambda h: TODAY + dt.timedelta(days=1), "晚于今天"),
    ],
)
def test_a_filing_date_before_the_evaluation_or_in_the_future_is_refused(
    rules, lanshan_enterprise, filed_on, message
):
    hazard = _hazard(lanshan_enterprise, assessed_on=_days_ago(20))
    with pytest.raises(MonitoringError, match=message):
        services.file_major_hazard(
            hazard, actor=None, filed_on=filed_on(hazard), authority="兰山区应急管理局"
        )
    hazard.refresh_from_db()
    assert hazard.filed_on is None
    assert not AuditEvent.objects.filter(action="monitoring.file_major_hazard").exists()


def test_filing_is_audited_with_before_and_after(rules, lanshan_enterprise):
    hazard = _hazard(lanshan_enterprise, assessed_on=_days_ago(20))
    services.file_major_hazard(hazard, actor=None, filed_on=_days_ago(10), authority=" 兰山区应急管理局 ")

    event = AuditEvent.objects.get(action="monitoring.file_major_hazard")
    assert event.before["filed_on"] is None
    assert event.after == {"filed_on": _days_ago(10).isoformat(), "filing_authority": "兰山区应急管理局"}


# -- re-evaluation every three years ---------------------------------------------------------------------


def test_an_evaluation_is_due_three_years_on_and_overdue_the_day_after(rules, lanshan_enterprise):
    three_years_ago = years_after(TODAY, -3)
    hazard = _hazard(lanshan_enterprise, assessed_on=three_years_ago)
    services.file_major_hazard(hazard, actor=None, filed_on=three_years_ago, authority="兰山区应急管理局")
    assert _result(lanshan_enterprise, Requirement.MAJOR_HAZARD_EVALUATION).is_met

    older = _hazard(lanshan_enterprise, assessed_on=three_years_ago - dt.timedelta(days=1), name="旧罐区")
    services.file_major_hazard(older, actor=None, filed_on=older.assessed_on, authority="兰山区应急管理局")
    result = _result(lanshan_enterprise, Requirement.MAJOR_HAZARD_EVALUATION)
    assert not result.is_met and result.reason == Reason.EVALUATION_DUE
    assert (result.reason_label, result.reason_date, result.reason_value) == ("旧罐区", older.assessed_on, 3)
    assert "已超过 3 年未重新评估" in result.describe()


def test_re_evaluating_grades_again_and_must_be_filed_again(rules, lanshan_enterprise):
    # given a unit evaluated four years ago and filed then: its evaluation is overdue
    hazard = _hazard(lanshan_enterprise, assessed_on=years_after(TODAY, -4))
    services.file_major_hazard(hazard, actor=None, filed_on=hazard.assessed_on, authority="兰山区应急管理局")
    assert not _result(lanshan_enterprise, Requirement.MAJOR_HAZARD_EVALUATION).is_met

    # when it is evaluated again 20 days ago with 120 t of ammonia (S = 12, R = 1.5 · 2 · 12 = 36 → 三级)
    services.reassess_major_hazard(
        hazard,
        actor=None,
        assessed_on=_days_ago(20),
        substances=[Substance("氨", Decimal(120))],
        people_exposed=60,
    )

    # then it is graded from the new quantities, the filing is cleared, and the new evaluation is owed a filing
    hazard.refresh_from_db()
    assert (hazard.s_value, hazard.r_value, hazard.level) == (Decimal("12"), Decimal("36"), 3)
    assert hazard.filed_on is None and hazard.filing_authority == ""
    assert list(hazard.substances.values_list("name", "quantity_t")) == [("氨", Decimal("120.000"))]
    assert _result(lanshan_enterprise, Requirement.MAJOR_HAZARD_EVALUATION).is_met
    assert _result(lanshan_enterprise, Requirement.MAJOR_HAZARD_FILING).reason == Reason.HAZARD_NOT_FILED
    event = AuditEvent.objects.get(action="monitoring.reassess_major_hazard")
    assert event.before["substances"] == [["氨", "", "40.000"]] and event.after["substances"] == [
        ["氨", "", "120.000"]
    ]


def test_a_re_evaluation_not_newer_than_the_last_is_refused(rules, lanshan_enterprise):
    hazard = _hazard(lanshan_enterprise, assessed_on=_days_ago(20))
    with pytest.raises(MonitoringError, match="须晚于上次评估日期"):
        services.reassess_major_hazard(
            hazard,
            actor=None,
            assessed_on=_days_ago(20),
            substances=[Substance("氨", Decimal(50))],
            people_exposed=0,
        )
    hazard.refresh_from_db()
    assert hazard.substances.get().quantity_t == Decimal(40)


# -- who may ------------------------------------------------------------------------------------------------


def test_an_enterprise_files_its_own_hazard_and_not_another_ones(
    rules, lanshan_enterprise, luozhuang_enterprise
):
    own = _hazard(lanshan_enterprise, assessed_on=_days_ago(20))
    other = _hazard(luozhuang_enterprise, assessed_on=_days_ago(20))
    user = make_user("lanshan_ent", (Role.ENTERPRISE, {}))
    EnterpriseMembership.objects.create(user=user, enterprise=lanshan_enterprise)

    services.file_major_hazard(own, actor=user, filed_on=_days_ago(5), authority="兰山区应急管理局")
    with pytest.raises(MonitoringError, match="无权"):
        services.file_major_hazard(other, actor=user, filed_on=_days_ago(5), authority="罗庄区应急管理局")
    with pytest.raises(MonitoringError, match="无权"):
        services.register_major_hazard(
            actor=user, enterprise=luozhuang_enterprise, substances=[Substance("氨", Decimal(40))], name="新罐区",
            unit_kind="storage", people_exposed=0, assessed_on=_days_ago(3), main_responsible="甲",
            technical_responsible="乙", operating_responsible="丙",
        )  # fmt: skip
    other.refresh_from_db()
    assert other.filed_on is None
    assert not luozhuang_enterprise.major_hazards.filter(name="新罐区").exists()


# -- the pages ----------------------------------------------------------------------------------------------


@pytest.fixture
def lanshan_user(lanshan_enterprise):
    user = make_user("lanshan_ent", (Role.ENTERPRISE, {}))
    EnterpriseMembership.objects.create(user=user, enterprise=lanshan_enterprise)
    return user


def _substance_rows(*rows):
    data = {"substances-TOTAL_FORMS": "4", "substances-INITIAL_FORMS": "0"}
    for i, (name, cls, qty) in enumerate(rows):
        data |= {
            f"substances-{i}-name": name,
            f"substances-{i}-hazard_class": cls,
            f"substances-{i}-quantity_t": qty,
        }
    return data


def test_an_enterprise_registers_a_unit_and_sees_it_graded_and_owed_a_filing(
    rules, lanshan_user, lanshan_enterprise
):
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(lanshan_user)
    assert "登记重大危险源" in client.get(reverse("monitoring:hazard_list")).content.decode()

    response = client.post(
        reverse("monitoring:hazard_create"),
        {
            "enterprise": lanshan_enterprise.pk, "name": "液氯库", "unit_kind": "storage", "people_exposed": "120",
            "assessed_on": _days_ago(20).isoformat(), "main_responsible": "张三", "technical_responsible": "李四",
            "operating_responsible": "王五",
        } | _substance_rows(("氯", "", "10"), ("甲醇", "W5.3", "250")),
    )  # fmt: skip

    # Cl₂ 10 t (Q 5, β 4), methanol 250 t (Q 500, β 1): S = 2.5, R = 2.0 · (8 + 0.5) = 17 → 三级
    assert response.status_code == 302, re.findall(
        r"(?:invalid-feedback|alert)[^>]*>([^<]+)", response.content.decode()
    )
    hazard = lanshan_enterprise.major_hazards.get(name="液氯库")
    assert response.url == hazard.get_absolute_url()
    assert (hazard.s_value, hazard.r_value, hazard.level) == (Decimal("2.5"), Decimal("17"), 3)
    page = client.get(hazard.get_absolute_url()).content.decode()
    assert "逾期未备案" in page and (hazard.assessed_on + dt.timedelta(days=15)).isoformat() in page

    client.post(
        reverse("monitoring:hazard_file", args=[hazard.public_id]),
        {"filed_on": _days_ago(2).isoformat(), "authority": "兰山区应急管理局"},
    )
    page = client.get(hazard.get_absolute_url()).content.decode()
    assert "兰山区应急管理局" in page and "逾期备案" in page


def test_a_row_with_a_name_and_no_quantity_is_refused_naming_the_substance(
    rules, lanshan_user, lanshan_enterprise
):
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(lanshan_user)
    response = client.post(
        reverse("monitoring:hazard_create"),
        {
            "enterprise": lanshan_enterprise.pk, "name": "液氨罐区", "unit_kind": "storage", "people_exposed": "0",
            "assessed_on": _days_ago(2).isoformat(), "main_responsible": "甲", "technical_responsible": "乙",
            "operating_responsible": "丙",
        } | _substance_rows(("氨", "", "")),
    )  # fmt: skip
    assert response.status_code == 400
    assert "请填写“氨”的设计最大量" in response.content.decode()
    assert not lanshan_enterprise.major_hazards.exists()


def test_another_enterprise_cannot_open_the_filing_or_re_evaluation_of_a_unit(
    rules, lanshan_user, luozhuang_enterprise
):
    from django.test import Client
    from django.urls import reverse

    other = _hazard(luozhuang_enterprise, assessed_on=_days_ago(20))
    client = Client()
    client.force_login(lanshan_user)
    assert client.get(reverse("monitoring:hazard_reassess", args=[other.public_id])).status_code == 404
    response = client.post(
        reverse("monitoring:hazard_file", args=[other.public_id]),
        {"filed_on": _days_ago(2).isoformat(), "authority": "x"},
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.filed_on is None
