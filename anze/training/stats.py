"""Exam statistics in a user's scope: pass rates by industry and county, and the weakest questions.

Every figure carries the URL of the answer sheets it counts (the 答卷 list with the filter that gives
exactly that number). Counted over handed-in attempts of enterprise candidates (industry and county are the
enterprise's); the weakest questions over all answers given, with at least MIN_ANSWERS of them.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, F, FloatField, Q
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils.translation import gettext as _

from anze.training.models import Answer, Attempt

MIN_ANSWERS = 5
WEAKEST = 10


def _rate(passed: int, total: int) -> float | None:
    return round(100 * passed / total, 1) if total else None


def figures(user: Any) -> dict[str, Any]:
    base = reverse("training:attempt_list")
    finished = Attempt.objects.restrict(user, "view").filter(passed__isnull=False)
    totals = finished.aggregate(total=Count("pk"), passed=Count("pk", filter=Q(passed=True)))
    grouped = finished.filter(candidate__enterprise__isnull=False)
    by_industry = [
        {
            "label": f"{row['code']} {row['name']}",
            "total": row["total"],
            "passed": row["passed"],
            "rate": _rate(row["passed"], row["total"]),
            "url": f"{base}?finished=yes&industry={row['code']}",
            "passed_url": f"{base}?industry={row['code']}&passed=yes",
            "failed_url": f"{base}?industry={row['code']}&passed=no",
        }
        for row in grouped.values(
            code=F("candidate__enterprise__industry__code"), name=F("candidate__enterprise__industry__name")
        )
        .annotate(total=Count("pk"), passed=Count("pk", filter=Q(passed=True)))
        .order_by("code")
    ]
    by_county = [
        {
            "label": row["name"],
            "total": row["total"],
            "passed": row["passed"],
            "rate": _rate(row["passed"], row["total"]),
            "url": f"{base}?finished=yes&county={row['code']}",
            "passed_url": f"{base}?county={row['code']}&passed=yes",
            "failed_url": f"{base}?county={row['code']}&passed=no",
        }
        for row in grouped.values(
            code=F("candidate__enterprise__county__code"), name=F("candidate__enterprise__county__name")
        )
        .annotate(total=Count("pk"), passed=Count("pk", filter=Q(passed=True)))
        .order_by("code")
    ]
    weakest = [
        {
            "stem": row["stem"],
            "topic": row["topic"],
            "total": row["total"],
            "wrong": row["wrong"],
            "rate": _rate(row["wrong"], row["total"]),
            "url": f"{base}?wrong_question={row['public_id']}",
            "bank_url": reverse("training:bank_detail", kwargs={"public_id": row["bank"]})
            + "?"
            + urlencode({"q": row["stem"][:30]}),
        }
        for row in Answer.objects.restrict(user, "view")
        .filter(is_correct__isnull=False)
        .values(
            public_id=F("question__public_id"),
            stem=F("question__stem"),
            topic=F("question__topic"),
            bank=F("question__bank__public_id"),
        )
        .annotate(total=Count("pk"), wrong=Count("pk", filter=Q(is_correct=False)))
        .filter(total__gte=MIN_ANSWERS, wrong__gt=0)
        .annotate(share=Cast("wrong", FloatField()) / Cast("total", FloatField()))
        .order_by("-share", "-total", "public_id")[:WEAKEST]
    ]
    return {
        "total": totals["total"],
        "passed": totals["passed"],
        "rate": _rate(totals["passed"], totals["total"]),
        "cards": [
            {"label": _("已交卷"), "value": totals["total"], "url": base + "?finished=yes"},
            {"label": _("合格"), "value": totals["passed"], "url": base + "?passed=yes"},
            {
                "label": _("不合格"),
                "value": totals["total"] - totals["passed"],
                "url": base + "?passed=no",
                "tone": "danger",
            },
        ],
        "by_industry": by_industry,
        "by_county": by_county,
        "weakest": weakest,
        "min_answers": MIN_ANSWERS,
    }
