"""Headline numbers of emergency capacity in a user's scope, each with the link to the list it counts.
A fixed number of queries whatever the rows."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from anze.emergency.choices import DrillStatus, IncidentStatus, Readiness, TeamStatus
from anze.emergency.models import GovernmentDrill, Incident, MinimumLevel, RescueTeam, StockBatch
from anze.emergency.services.alerts import usable_stock


def overview_cards(user: Any) -> list[dict[str, Any]]:
    today = timezone.localdate()
    teams = (
        RescueTeam.objects.restrict(user, "view")
        .filter(status=TeamStatus.ACTIVE)
        .aggregate(
            all=Count("pk"),
            limited=Count("pk", filter=Q(readiness=Readiness.LIMITED)),
            unavailable=Count("pk", filter=Q(readiness=Readiness.UNAVAILABLE)),
        )
    )
    batches = StockBatch.objects.restrict(user, "view").aggregate(
        expiring=Count(
            "pk",
            filter=Q(on_hand__gt=0, expires_on__gte=today, expires_on__lte=today + dt.timedelta(days=30)),
        ),  # fmt: skip
        expired=Count("pk", filter=Q(on_hand__gt=0, expires_on__lt=today)),
    )
    below = (
        MinimumLevel.objects.restrict(user, "view")
        .annotate(stock=usable_stock(today))
        .filter(stock__lt=F("minimum"))
    ).count()
    open_incidents = Incident.objects.restrict(user, "view").filter(status=IncidentStatus.OPEN).count()
    planned = GovernmentDrill.objects.restrict(user, "view").filter(status=DrillStatus.PLANNED).count()
    teams_url = reverse("emergency:team_list")
    batches_url = reverse("emergency:batch_list")
    return [
        {"label": _("在编救援队伍"), "value": teams["all"], "url": f"{teams_url}?status=active"},
        {"label": _("部分可出动"), "value": teams["limited"], "url": f"{teams_url}?status=active&readiness=limited",
         "tone": "warning"},
        {"label": _("不可出动"), "value": teams["unavailable"],
         "url": f"{teams_url}?status=active&readiness=unavailable", "tone": "danger"},
        {"label": _("低于最低储备"), "value": below, "url": reverse("emergency:minimum_list") + "?state=below",
         "tone": "danger"},
        {"label": _("30日内临期批次"), "value": batches["expiring"], "url": f"{batches_url}?state=expiring",
         "tone": "warning"},
        {"label": _("已过期未处理批次"), "value": batches["expired"], "url": f"{batches_url}?state=expired",
         "tone": "danger"},
        {"label": _("处置中的事件"), "value": open_incidents,
         "url": reverse("emergency:incident_list") + "?status=open", "tone": "danger"},
        {"label": _("待举行的演练"), "value": planned, "url": reverse("emergency:drill_list") + "?status=planned"},
    ]  # fmt: skip
