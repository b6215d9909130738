import datetime as dt
from decimal import Decimal

from anze.prevention.choices import RiskLevel
from anze.prevention.scoring import Band, BandTable, Level
from anze.prevention.services import create_band_table, create_risk_point, reassess_risk_point


def _point(enterprise, actor, **kw):
    fields = dict(
        name="液氨储罐区",
        place="罐区",
        activity="装卸",
        hazard_factors="泄漏、中毒",
        controls="检测报警、喷淋",
        responsible_person="王五",
        method="lec",
        lec_likelihood=Decimal(6),
        lec_exposure=Decimal(6),
        lec_consequence=Decimal(15),
        control_level="company",
        assessed_on=dt.date(2026, 3, 1),
        reassess_on=dt.date(2027, 3, 1),
    )
    fields.update(kw)
    return create_risk_point(actor=actor, enterprise=enterprise, **fields)


def test_lec_point_is_graded_with_the_default_table(lanshan_enterprise, alice):
    point = _point(lanshan_enterprise, alice)
    assert point.score == Decimal(540) and point.level == RiskLevel.MAJOR and point.band_table is None


def test_ls_point_is_graded(lanshan_enterprise, alice):
    point = _point(
        lanshan_enterprise,
        alice,
        method="ls",
        lec_likelihood=None,
        lec_exposure=None,
        lec_consequence=None,
        ls_likelihood=3,
        ls_severity=4,
    )
    assert point.score == 12 and point.level == RiskLevel.GENERAL


def test_a_region_table_in_force_overrides_the_default(org, lanshan_enterprise, alice):
    stricter = BandTable(
        (
            Band(Level.MAJOR, Decimal(12)),
            Band(Level.LARGER, Decimal(9)),
            Band(Level.GENERAL, Decimal(4)),
            Band(Level.LOW, Decimal(1)),
        ),
    )
    row = create_band_table(
        actor=alice, method="ls", effective_from=dt.date(2026, 1, 1), table=stricter, region=org["linyi"]
    )
    create_band_table(
        actor=alice, method="ls", effective_from=dt.date(2027, 1, 1), table=stricter, region=org["lanshan"]
    )
    point = _point(
        lanshan_enterprise,
        alice,
        method="ls",
        lec_likelihood=None,
        lec_exposure=None,
        lec_consequence=None,
        ls_likelihood=3,
        ls_severity=4,
    )
    assert (
        point.level == RiskLevel.MAJOR and point.band_table == row
    )  # the 2027 county table is not yet in force


def test_reassessment_regrades(lanshan_enterprise, alice):
    point = _point(lanshan_enterprise, alice)
    point = reassess_risk_point(
        actor=alice,
        point=point,
        lec_likelihood=Decimal(1),
        assessed_on=dt.date(2026, 6, 1),
        reassess_on=dt.date(2027, 6, 1),
    )
    assert point.score == Decimal(90) and point.level == RiskLevel.GENERAL
