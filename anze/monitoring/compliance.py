"""重大危险源 filing and re-evaluation — the enterprise compliance rules fed by the major hazards kept here.

《危险化学品重大危险源监督管理暂行规定》 (原安监总局令第40号, amended by 令第79号): art. 23 files a major hazard with the
county 应急管理部门 within 15 days of finishing its safety evaluation report; art. 11 has the evaluation repeated
at least every three years. Only installations identified as major (S ≥ 1) count.

Two requirements, both judged per enterprise over its major hazards in one grouped pass, in the engine's
set-based statement (anze/enterprises/engine.py), registered there from MonitoringConfig.ready():

- `major_hazard_filing` (params `{"days": 15}`): unmet when a hazard was filed more than `days` after its
  evaluation (评估后逾期备案) or is still unfiled `days` after it (评估后逾期未备案); the earliest such hazard
  explains it, with the days taken.
- `major_hazard_evaluation` (params `{"years": 3}`): unmet when a hazard's last evaluation is older than
  `years` (超期未重新评估), with the oldest one's evaluation date.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from anze.audit.services import record
from anze.enterprises.choices import Reason, Requirement, RuleSetStatus, Severity
from anze.enterprises.engine import Verdict, has, lookup, sql, value
from anze.monitoring.models import MajorHazard

FILING_DAYS = 15
EVALUATION_YEARS = 3
SOURCE = "《危险化学品重大危险源监督管理暂行规定》（原国家安全监管总局令第40号）"
CONDITION = {"attr": "has_major_hazard", "op": "eq", "value": True}
RULES = (
    {
        "code": "major_hazard_filing",
        "title": "重大危险源安全评估后15日内备案",
        "requirement": Requirement.MAJOR_HAZARD_FILING,
        "params": {"days": FILING_DAYS},
        "clause_ref": f"{SOURCE}第二十三条：危险化学品单位在完成重大危险源安全评估报告或者安全评价报告后15日内，"
        "应当填写重大危险源备案申请表，连同本规定第二十二条规定的重大危险源档案材料，报送所在地县级人民政府安全生产"
        "监督管理部门备案。",
    },
    {
        "code": "major_hazard_evaluation",
        "title": "重大危险源至少每三年进行一次安全评估",
        "requirement": Requirement.MAJOR_HAZARD_EVALUATION,
        "params": {"years": EVALUATION_YEARS},
        "clause_ref": f"{SOURCE}第十一条：重大危险源安全评估……应当每三年进行一次。",
    },
)


def years_after(day: dt.date, years: int) -> dt.date:
    """The same day `years` later (29 February falls on 28 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def years_before(day: dt.date, years: int) -> dt.date:
    """The earliest evaluation date still in force on `day` is the day after this one."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _days(params: dict[str, Any]) -> int:
    return int(params.get("days", FILING_DAYS))


def filing_verdict(params: dict[str, Any], today: dt.date, own: Q) -> Verdict:
    """The verdict of a `major_hazard_filing` rule (see the module's docstring)."""
    days = _days(params)
    allowed = dt.timedelta(days=days)
    majors = MajorHazard.objects.filter(own, is_major=True, assessed_on__lte=today)
    filed_late = Q(filed_on__isnull=False, filed_on__gt=F("assessed_on") + allowed)
    not_filed = Q(filed_on__isnull=True, assessed_on__lt=today - allowed)
    facts = (
        majors.order_by()
        .values("enterprise_id")
        .annotate(filed_late=Count("pk", filter=filed_late), not_filed=Count("pk", filter=not_filed))
    )
    unfiled = majors.filter(not_filed).order_by("assessed_on", "id")
    late = majors.filter(filed_late).order_by("assessed_on", "id")
    any_late = f"({has('h', 'filed_late')} OR {has('h', 'not_filed')})"
    return Verdict(
        facts={"h": facts},
        reasons=[
            (has("h", "not_filed"), Reason.HAZARD_NOT_FILED),
            (has("h", "filed_late"), Reason.HAZARD_FILED_LATE),
        ],
        reason_date=sql(
            "CASE WHEN {} THEN {} WHEN {} THEN {} END",
            has("h", "not_filed"),
            lookup(unfiled, "assessed_on"),
            has("h", "filed_late"),
            lookup(late, "assessed_on"),
        ),  # fmt: skip
        reason_label=sql(
            "CASE WHEN {} THEN {} WHEN {} THEN {} END",
            has("h", "not_filed"),
            lookup(unfiled, "name"),
            has("h", "filed_late"),
            lookup(late, "name"),
        ),  # fmt: skip
        reason_value=sql("CASE WHEN {} THEN {} END", any_late, value(days)),
    )


def evaluation_verdict(params: dict[str, Any], today: dt.date, own: Q) -> Verdict:
    """The verdict of a `major_hazard_evaluation` rule (see the module's docstring)."""
    years = int(params.get("years", EVALUATION_YEARS))
    majors = MajorHazard.objects.filter(own, is_major=True, assessed_on__lte=today)
    # Due again `years` after the evaluation: overdue from the day after.
    stale = Q(assessed_on__lt=years_before(today, years))
    facts = majors.order_by().values("enterprise_id").annotate(stale=Count("pk", filter=stale))
    oldest = majors.filter(stale).order_by("assessed_on", "id")
    return Verdict(
        facts={"h": facts},
        reasons=[(has("h", "stale"), Reason.EVALUATION_DUE)],
        reason_date=sql("CASE WHEN {} THEN {} END", has("h", "stale"), lookup(oldest, "assessed_on")),
        reason_label=sql("CASE WHEN {} THEN {} END", has("h", "stale"), lookup(oldest, "name")),
        reason_value=sql("CASE WHEN {} THEN {} END", has("h", "stale"), value(years)),
    )


VERDICTS = {
    Requirement.MAJOR_HAZARD_FILING: filing_verdict,
    Requirement.MAJOR_HAZARD_EVALUATION: evaluation_verdict,
}


@transaction.atomic
def adopt_hazard_rules(*, actor: Any, region: Any, effective_from: dt.date | None = None) -> int:
    """Add the filing and re-evaluation rules to `region`'s rule set in force as a new published version
    (nothing when it has them already); returns the rules added."""
    from anze.enterprises import services as enterprise_services
    from anze.enterprises.models import Rule, RuleSet

    current = RuleSet.objects.filter(region=region, status=RuleSetStatus.ACTIVE).order_by("-version").first()
    if current is None:
        return 0
    have = set(current.rules.filter(requirement__in=list(VERDICTS)).values_list("code", flat=True))
    missing = [r for r in RULES if r["code"] not in have]
    if not missing:
        return 0
    effective_from = effective_from or timezone.localdate()
    draft = enterprise_services.create_rule_set_version(current, actor=actor, effective_from=effective_from)
    last = draft.rules.order_by("-order").values_list("order", flat=True).first() or 0
    added = [
        Rule.objects.create(
            rule_set=draft,
            code=r["code"],
            title=r["title"],
            requirement=r["requirement"],
            condition=CONDITION,
            params=r["params"],
            severity=Severity.HIGH,
            clause_ref=r["clause_ref"],
            order=last + i,
        )
        for i, r in enumerate(missing, start=1)
    ]
    record(
        "monitoring.rules.adopt",
        actor=actor,
        obj=draft,
        after={"rules": [r.code for r in added], "version": draft.version},
    )
    enterprise_services.publish_rule_set(draft, actor=actor)
    return len(added)
