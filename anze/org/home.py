"""The organization's panel on the home page: counts of what the user may see, each linking to its list."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _


def panel(request: HttpRequest) -> dict[str, Any] | None:
    """Cards of counts the user may see, each linking to the list behind it: for the system administrator,
    who keeps the organization's data (the other roles' home pages show their work instead)."""
    from anze.accounts.roles import Role
    from anze.org.models import Committee, Person, Region, Unit, UnitGroup

    if not (request.user.is_superuser or request.user.has_role(Role.SYSTEM_ADMIN)):
        return None
    cards = []
    for label, model, url_name in (
        (_("行政区划"), Region, "org:region_list"),
        (_("单位"), Unit, "org:unit_list"),
        (_("单位集合"), UnitGroup, "org:unitgroup_list"),
        (_("人员"), Person, "org:person_list"),
        (_("委员会"), Committee, "org:committee_list"),
    ):
        count = model.objects.restrict(request.user, "view").count()
        cards.append({"label": label, "value": count, "url": reverse(url_name)})
    return {"cards": cards}
