"""A rescue agreement covers an enterprise through the existing enterprise rule `rescue`; when it ends, or its
team is disbanded, the enterprise is no longer covered and the rule is unmet."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from anze.emergency import services
from anze.emergency.errors import NotAllowedError
from anze.emergency.models import RescueAgreement
from anze.emergency.tests import factories as f
from anze.enterprises.choices import ComplianceStatus, Reason, RescueKind
from anze.enterprises.models import ComplianceResult, RescueArrangement
from anze.enterprises.tests.factories import load_reference, make_enterprise

pytestmark = pytest.mark.django_db


@pytest.fixture
def chemical(org):
    load_reference(org["linyi"])
    return make_enterprise(org["luozhuang"], industry="26")  # a chemical producer: high-risk, needs rescue


def rescue(enterprise):
    return ComplianceResult.objects.get(enterprise=enterprise, rule__code="rescue")


def test_an_agreement_with_a_team_meets_the_rescue_rule_and_ending_it_unmeets_it(org, alice, chemical):
    today = timezone.localdate()
    assert rescue(chemical).reason == Reason.MISSING
    team = f.team(org["luozhuang"], name="罗庄化工园区专业救援队")

    agreement = services.sign_agreement(
        actor=alice, enterprise=chemical, team=team, signed_on=today - dt.timedelta(days=30),
        valid_from=today - dt.timedelta(days=30), valid_until=today + dt.timedelta(days=335), number="XY-2026-01",
    )  # fmt: skip

    assert rescue(chemical).is_met
    arrangement = agreement.arrangement
    assert (arrangement.kind, arrangement.name) == (RescueKind.AGREEMENT, team.name)

    services.end_agreement(actor=alice, agreement=agreement, ended_on=today - dt.timedelta(days=1))
    found = rescue(chemical)
    assert not found.is_met and found.reason == Reason.EXPIRED
    assert chemical.summary.compliance == ComplianceStatus.NON_COMPLIANT


def test_disbanding_a_team_leaves_its_enterprises_uncovered(org, alice, bob, chemical):
    today = timezone.localdate()
    team = f.team(org["luozhuang"])
    services.sign_agreement(actor=alice, enterprise=chemical, team=team, signed_on=today - dt.timedelta(days=90),
                            valid_from=today - dt.timedelta(days=90), valid_until=None)  # fmt: skip
    assert rescue(chemical).is_met

    services.disband_team(actor=alice, team=team, disbanded_on=today - dt.timedelta(days=1), reason="整合")

    assert rescue(chemical).reason == Reason.EXPIRED


def test_an_enterprise_team_is_its_own_rescue_record(org, chemical):
    from anze.emergency.choices import TeamKind

    team = f.team(org["luozhuang"], kind=TeamKind.ENTERPRISE, enterprise=chemical, name="某化工企业救援队")
    assert team.arrangement.kind == RescueKind.OWN_TEAM
    assert rescue(chemical).is_met


def test_a_county_office_cannot_sign_for_an_enterprise_and_nothing_is_written(org, bob, chemical):
    today = timezone.localdate()
    team = f.team(org["luozhuang"])
    with pytest.raises(NotAllowedError):
        services.sign_agreement(actor=bob, enterprise=chemical, team=team, signed_on=today, valid_from=today,
                                valid_until=None)  # fmt: skip
    assert not RescueAgreement.objects.exists() and not RescueArrangement.objects.exists()
