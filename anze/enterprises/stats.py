"""Compliance rates for the dashboard and for the plan clauses the rules come from, within a user's scope.

Every figure is a grouped COUNT over the scoped enterprises or results (one query per table), and every
number links to the enterprise list filtered to the rows it counts.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from anze.enterprises.choices import ComplianceStatus, EnterpriseStatus
from anze.enterprises.models import ComplianceResult, Enterprise, Rule


def rate(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def list_url(**filters: Any) -> str:
    query = urlencode({k: v for k, v in filters.items() if v not in (None, "")})
    return reverse("enterprises:enterprise_list") + (f"?{query}" if query else "")


def _counts(enterprises: QuerySet) -> dict[str, Any]:
    return {
        "total": Count("pk"),
        "operating": Count("pk", filter=Q(status=EnterpriseStatus.OPERATING)),
        "evaluated": Count("summary"),
        "compliant": Count("pk", filter=Q(summary__compliance=ComplianceStatus.COMPLIANT)),
        "non_compliant": Count("pk", filter=Q(summary__compliance=ComplianceStatus.NON_COMPLIANT)),
        "gaps": Count("pk", filter=Q(supervising_unit__isnull=True)),
    }


def headline(enterprises: QuerySet) -> dict[str, Any]:
    head = enterprises.order_by().aggregate(**_counts(enterprises))
    head["rate"] = rate(head["compliant"], head["evaluated"])
    return head


def cards(head: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"label": _("企业总数"), "value": head["total"], "url": list_url()},
        {
            "label": _("在营企业"),
            "value": head["operating"],
            "url": list_url(status=EnterpriseStatus.OPERATING),
        },
        {
            "label": _("合规率"),
            "value": "—" if head["rate"] is None else f"{head['rate']}%",
            "url": list_url(compliance=ComplianceStatus.COMPLIANT),
            "tone": "success",
        },
        {
            "label": _("不合规企业"),
            "value": head["non_compliant"],
            "url": list_url(compliance=ComplianceStatus.NON_COMPLIANT),
            "tone": "danger",
        },
        {
            "label": _("监管空白"),
            "value": head["gaps"],
            "url": reverse("enterprises:gaps"),
            "tone": "warning",
        },
    ]


def _rows(enterprises: QuerySet, key: str, label: str, public: str, param: str) -> list[dict[str, Any]]:
    grouped = (
        enterprises.order_by().values(key, label, public).annotate(**_counts(enterprises)).order_by(label)
    )
    rows = []
    for row in grouped:
        ident = row[public]
        rows.append(
            {
                "label": row[label] or _("（无主管部门）"),
                "total": row["total"],
                "evaluated": row["evaluated"],
                "compliant": row["compliant"],
                "non_compliant": row["non_compliant"],
                "rate": rate(row["compliant"], row["evaluated"]),
                "urls": {
                    "total": list_url(**{param: ident}) if ident else list_url(gap="true"),
                    "compliant": list_url(**{param: ident, "compliance": ComplianceStatus.COMPLIANT}),
                    "non_compliant": list_url(**{param: ident, "compliance": ComplianceStatus.NON_COMPLIANT}),
                },
            }
        )
    return rows


def by_county(enterprises: QuerySet) -> list[dict[str, Any]]:
    return _rows(enterprises, "county_id", "county__name", "county__public_id", "county")


def by_unit(enterprises: QuerySet) -> list[dict[str, Any]]:
    return _rows(
        enterprises, "supervising_unit_id", "supervising_unit__short_name", "supervising_unit__public_id",
        "supervising_unit",
    )  # fmt: skip


def _figures_by_rule(results: QuerySet) -> dict[int, dict[str, Any]]:
    """Applicable and met counts of each rule over `results`, in one grouped query."""
    grouped = (
        results.order_by()
        .values("rule_id")
        .annotate(applicable=Count("pk"), met=Count("pk", filter=Q(is_met=True)))
    )
    return {row["rule_id"]: row for row in grouped}


def _indicator(rule: Rule, figures: dict[str, Any]) -> dict[str, Any]:
    return {
        "rule": rule,
        "applicable": figures["applicable"],
        "met": figures["met"],
        "unmet": figures["applicable"] - figures["met"],
        "rate": rate(figures["met"], figures["applicable"]),
        "unmet_url": list_url(rule=rule.public_id),
    }


def by_rule(results: QuerySet) -> list[dict[str, Any]]:
    """Each rule in force: how many enterprises it applies to, how many meet it, the rate."""
    figures = _figures_by_rule(results)
    rules = Rule.objects.filter(pk__in=figures).select_related("clause", "rule_set").order_by("order", "id")
    return [_indicator(rule, figures[rule.pk]) for rule in rules]


def chart_option(rows: list[dict[str, Any]], title: str) -> dict[str, Any]:
    """An ECharts bar chart of compliance rates; clicking a bar opens the list behind it."""
    return {
        "title": {"text": title, "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 40, "right": 16, "bottom": 70, "top": 40},
        "xAxis": {"type": "category", "data": [r["label"] for r in rows], "axisLabel": {"rotate": 40}},
        "yAxis": {"type": "value", "max": 100, "name": "%"},
        "series": [
            {
                "type": "bar",
                "name": _("合规率"),
                "data": [{"value": r["rate"] or 0, "url": r["urls"]["total"]} for r in rows],
            }
        ],
    }


def clause_url(clause: Any) -> str:
    """The clause on its plan's page: the current version's page, or the page of the version it belongs to."""
    plan = clause.version.plan
    url = reverse("plans:plan_detail", kwargs={"public_id": plan.public_id})
    if plan.current_version_id != clause.version_id:
        url += "?" + urlencode({"version": clause.version.number})
    return f"{url}#clause-{clause.key}"


def indicators_for_clauses(clauses: Any, user: Any) -> dict[int, list[dict[str, Any]]]:
    """The compliance rates of the rules derived from `clauses`, by clause id, within what `user` may see.

    `clauses` is anything `rule__clause__in` takes (clause objects, ids, or a queryset of either, which
    becomes a subquery). Two queries however many clauses, rules or results: the results grouped by rule,
    then the rules with their clauses and plans. Clauses come in plan order, each clause's rules in theirs.
    """
    results = ComplianceResult.objects.restrict(user, "view").filter(rule__clause__in=clauses)
    figures = _figures_by_rule(results)
    rules = (
        Rule.objects.filter(pk__in=figures)
        .select_related("clause__task", "clause__version__plan")
        .order_by(
            "clause__version__plan__title",
            "clause__version__number",
            "clause__task__order",
            "clause__order",
            "order",
            "id",
        )
    )
    by_clause: dict[int, list[dict[str, Any]]] = {}
    for rule in rules:
        row = _indicator(rule, figures[rule.pk])
        row["clause_url"] = clause_url(rule.clause)
        by_clause.setdefault(rule.clause_id, []).append(row)
    return by_clause


def clause_indicator(user: Any, clause_ids: Any) -> dict[int, list[dict[str, Any]]]:
    """The indicator registered with anze.core.registry for the plan and duty pages."""
    return indicators_for_clauses(clause_ids, user)


def clause_indicators(clause: Any, user: Any) -> list[dict[str, Any]]:
    """The compliance rates of the rules that come from `clause`, within what `user` may see.

    For the plans and duties pages: a clause's indicator is the share of applicable enterprises in the
    reader's scope that meet each rule derived from it.
    """
    return indicators_for_clauses([clause.pk], user).get(clause.pk, [])


def scoped(user: Any) -> tuple[QuerySet, QuerySet]:
    return Enterprise.objects.restrict(user, "view"), ComplianceResult.objects.restrict(user, "view")
