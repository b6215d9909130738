"""主要负责人和安全管理人员考核合格 — the enterprise compliance rule fed by training's certificates.

Safety Law art. 27 para. 2: the principal and the safety managers of 高危行业 enterprises (mines, metal
smelting, construction, road transport, hazardous chemicals, fireworks, civil explosives) must pass the
competent department's 安全生产知识和管理能力考核. The rule (requirement `training_certificate`, params
`{"post": "principal" | "safety_manager"}`) is met while the enterprise holds a certificate of that post
in force today. Otherwise the reason is 考核未通过 when someone of that post failed an exam within the last
year, 已过期 when only expired certificates remain, and 无记录 when there never was one.

The verdict is one grouped pass over certificates and one over failed attempts, in the engine's set-based
statement (anze/enterprises/engine.py), registered there from TrainingConfig.ready().
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from anze.audit.services import record
from anze.enterprises.choices import Reason, Requirement, RuleSetStatus, Severity
from anze.enterprises.engine import Sql, Verdict, col, has, lookup, none, sql
from anze.training.choices import Post
from anze.training.models import Candidate, Certificate

FAILURE_LOOKBACK_DAYS = 365
SOURCE = "《中华人民共和国安全生产法》第二十七条第二款"
CONDITION = {"attr": "is_high_risk", "op": "eq", "value": True}
RULES = (
    {
        "code": "principal_certificate",
        "title": "主要负责人安全生产知识和管理能力考核合格",
        "post": Post.PRINCIPAL,
    },
    {
        "code": "safety_manager_certificate",
        "title": "安全生产管理人员安全生产知识和管理能力考核合格",
        "post": Post.SAFETY_MANAGER,
    },
)


def certificate_verdict(params: dict[str, Any], today: dt.date, own: Q) -> Verdict:
    """The verdict of a `training_certificate` rule (see the module's docstring)."""
    post = params.get("post", Post.PRINCIPAL)
    certificates = Certificate.objects.filter(own, post=post)
    current = Q(issued_on__lte=today, expires_on__gte=today)
    expired = Q(expires_on__lt=today)
    since = timezone.make_aware(
        dt.datetime.combine(today - dt.timedelta(days=FAILURE_LOOKBACK_DAYS), dt.time())
    )
    facts = (
        certificates.order_by()
        .values("enterprise_id")
        .annotate(
            current=Count("pk", filter=current),
            expired=Count("pk", filter=expired),
            first_end=Min("expires_on", filter=current),
            last_end=Max("expires_on", filter=expired),
        )
    )
    failures = (
        Candidate.objects.filter(own, post=post, attempt__passed=False, attempt__submitted_at__gte=since)
        .order_by()
        .values("enterprise_id")
        .annotate(failed=Count("pk"))
    )
    holder = lookup(certificates.filter(current).order_by("-expires_on", "-id"), "holder")
    return Verdict(
        facts={"t": facts, "x": failures},
        reasons=[
            (f"{none('t', 'current')} AND {has('x', 'failed')}", Reason.NOT_PASSED),
            (f"{none('t', 'current')} AND {has('t', 'expired')}", Reason.EXPIRED),
            (none("t", "current"), Reason.MISSING),
        ],
        reason_date=sql(
            "CASE WHEN {} THEN {} ELSE {} END",
            has("t", "current"),
            col("t", "first_end"),
            col("t", "last_end"),
        ),
        reason_label=sql("CASE WHEN {} THEN {} END", has("t", "current"), holder),
        reason_value=Sql("NULL"),
    )


@transaction.atomic
def adopt_certificate_rules(*, actor: Any, region: Any, effective_from: dt.date | None = None) -> int:
    """Add the two certificate rules to `region`'s rule set as a new published version (nothing when its
    rule set in force has them already); returns the rules added."""
    from anze.enterprises import services as enterprise_services
    from anze.enterprises.models import Rule, RuleSet

    current = RuleSet.objects.filter(region=region, status=RuleSetStatus.ACTIVE).order_by("-version").first()
    if current is None:
        return 0
    have = set(
        current.rules.filter(requirement=Requirement.TRAINING_CERTIFICATE).values_list("code", flat=True)
    )
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
            requirement=Requirement.TRAINING_CERTIFICATE,
            condition=CONDITION,
            params={"post": str(r["post"])},
            severity=Severity.HIGH,
            clause_ref=f"{SOURCE}：生产经营单位的主要负责人和安全生产管理人员必须具备与本单位所从事的生产经营活动相应的"
            "安全生产知识和管理能力；高危行业生产经营单位的主要负责人和安全生产管理人员，应当由主管的负有安全生产"
            "监督管理职责的部门对其安全生产知识和管理能力考核合格。",
            order=last + i,
        )
        for i, r in enumerate(missing, start=1)
    ]
    record(
        "training.rules.adopt",
        actor=actor,
        obj=draft,
        after={"rules": [r.code for r in added], "version": draft.version},
    )
    enterprise_services.publish_rule_set(draft, actor=actor)
    return len(added)
