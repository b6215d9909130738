"""The demo shows the dual prevention loop at work: graded risk points and hidden dangers in every stage."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from anze.prevention.choices import HiddenDangerStatus
from anze.prevention.models import HiddenDanger, RiskPoint

pytestmark = pytest.mark.django_db


def test_the_demo_loads_risk_points_and_hidden_dangers_in_every_stage_once(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    out = io.StringIO()
    call_command("demo", "--enterprises", "20", stdout=out)
    assert "双重预防演示数据已载入" in out.getvalue()

    assert RiskPoint.objects.count() >= 30
    assert {p.level for p in RiskPoint.objects.all()} >= {1, 2, 3}  # graded, several levels
    statuses = set(HiddenDanger.objects.values_list("status", flat=True))
    assert statuses >= {
        HiddenDangerStatus.REGISTERED,
        HiddenDangerStatus.RECTIFYING,
        HiddenDangerStatus.AWAITING_ACCEPTANCE,
        HiddenDangerStatus.ACCEPTED,
    }
    major = HiddenDanger.objects.filter(grade="major")
    assert major.exists() and all(hd.reported_at for hd in major)  # 重大: reported to the department
    own = HiddenDanger.objects.filter(enterprise__memberships__user__username="demo_enterprise")
    assert own.count() >= 4  # the demo enterprise account sees its own loop

    before = (RiskPoint.objects.count(), HiddenDanger.objects.count())
    call_command("demo", "--enterprises", "20", stdout=io.StringIO())
    assert (RiskPoint.objects.count(), HiddenDanger.objects.count()) == before
