"""The 双重预防 panel on the home page: hidden dangers open, overdue, major and awaiting acceptance.

For the office, county offices and inspectors over their area; for an enterprise user over its own
enterprise, with its open hidden dangers by deadline. Each count is the count of the ledger its link opens
(the ledger's own filters); one aggregate query and one short list, whatever the number of rows.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from anze.accounts.roles import Role
from anze.prevention.choices import OPEN_STATUSES, HiddenDangerGrade, HiddenDangerStatus
from anze.prevention.models import HiddenDanger

ROLES = (Role.OFFICE, Role.COUNTY, Role.INSPECTOR, Role.ENTERPRISE)
TOP = 5


def panel(request: HttpRequest) -> dict[str, Any] | None:
    user = request.user
    if not (user.is_superuser or user.has_role(*ROLES)):
        return None
    today = timezone.localdate()
    scoped = HiddenDanger.objects.restrict(user, "view")
    open_q = Q(status__in=OPEN_STATUSES)
    figures = scoped.aggregate(
        open=Count("pk", filter=open_q),
        overdue=Count("pk", filter=open_q & Q(deadline__lt=today)),
        major=Count("pk", filter=open_q & Q(grade=HiddenDangerGrade.MAJOR)),
        awaiting=Count("pk", filter=Q(status=HiddenDangerStatus.AWAITING_ACCEPTANCE)),
    )
    ledger = reverse("prevention:hidden_danger_list")
    cards = [
        {"label": _("未销号隐患"), "value": figures["open"], "url": f"{ledger}?open=on"},
        {
            "label": _("逾期未整改"),
            "value": figures["overdue"],
            "url": f"{ledger}?overdue=on",
            "tone": "danger",
        },
        {
            "label": _("重大隐患（未销号）"),
            "value": figures["major"],
            "url": f"{ledger}?grade={HiddenDangerGrade.MAJOR}&open=on",
            "tone": "warning",
        },
        {
            "label": _("待验收"),
            "value": figures["awaiting"],
            "url": f"{ledger}?status={HiddenDangerStatus.AWAITING_ACCEPTANCE}",
        },
    ]
    urgent = []
    if user.has_role(Role.ENTERPRISE):
        urgent = list(scoped.filter(open_q).order_by("deadline", "id")[:TOP])
    return {"cards": cards, "urgent": urgent, "today": today, "ledger": ledger}
