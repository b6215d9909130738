"""The 督办 panel on the home page: open cases by step and extension requests waiting, in the user's scope.

Each count is the count of the list its link opens (the case list's and the extension list's own `status`
filter); two aggregate queries and one short list, whatever the number of cases.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from anze.accounts.roles import Role
from anze.supervision.choices import CaseStatus, ExtensionStatus
from anze.supervision.models import Case, ExtensionRequest

ROLES = (Role.OFFICE, Role.COUNTY, Role.UNIT, Role.AUDITOR)
TOP = 5


def panel(request: HttpRequest) -> dict[str, Any] | None:
    user = request.user
    if not (user.is_superuser or user.has_role(*ROLES)):
        return None
    cases = Case.objects.restrict(user, "view")
    figures = cases.aggregate(
        open=Count("pk", filter=Q(status=CaseStatus.OPEN)),
        circulated=Count("pk", filter=Q(status=CaseStatus.CIRCULATED)),
    )
    waiting = ExtensionRequest.objects.restrict(user, "view").filter(status=ExtensionStatus.PENDING).count()
    case_list = reverse("supervision:case_list")
    own = user.has_role(Role.UNIT) and not user.has_role(Role.OFFICE, Role.COUNTY)
    cards = [
        {
            "label": _("本单位督办中") if own else _("督办中"),
            "value": figures["open"],
            "url": f"{case_list}?status={CaseStatus.OPEN}",
            "tone": "warning",
        },
        {
            "label": _("已通报"),
            "value": figures["circulated"],
            "url": f"{case_list}?status={CaseStatus.CIRCULATED}",
            "tone": "danger",
        },
        {
            "label": _("延期申请待审批"),
            "value": waiting,
            "url": f"{reverse('supervision:extension_list')}?status={ExtensionStatus.PENDING}",
        },
    ]
    urgent = list(
        cases.filter(status__in=[CaseStatus.OPEN, CaseStatus.CIRCULATED])
        .select_related("unit")
        .order_by("deadline", "id")[:TOP]
    )
    return {"cards": cards, "urgent": urgent, "today": timezone.localdate(), "case_list": case_list}
