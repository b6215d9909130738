"""Template helpers for plan pages: badge colours and links to organization pages when they exist."""

from __future__ import annotations

from django import template
from django.urls import NoReverseMatch, reverse

from anze.plans.choices import badge as choice_badge

register = template.Library()


@register.filter
def badge(value: str) -> str:
    """The Bootstrap colour for a plan status or role value."""
    return choice_badge(str(value))


@register.simple_tag(takes_context=True)
def unit_url(context, unit) -> str:
    """The unit's responsibilities page, or "" when the reader may not open it (the page shows plain text:
    a unit user may not open the other units' pages, which would answer 404)."""
    if not unit:
        return ""
    request = context.get("request")
    if request is not None:
        visible = _visible_unit_ids(request)
        if visible is not None and unit.pk not in visible:
            return ""
    return reverse("plans:unit_responsibilities", args=[unit.public_id])


def _visible_unit_ids(request) -> frozenset[int] | None:
    """The ids of the units the reader may view (None: all of them), once per request."""
    if not hasattr(request, "_anze_visible_unit_ids"):
        from anze.core.restrict import ALL, scope_q
        from anze.org.models import Unit

        q = scope_q(Unit, request.user, "view")
        if q is ALL:
            ids = None
        elif q is None:
            ids = frozenset()
        else:
            ids = frozenset(Unit.objects.filter(q).values_list("pk", flat=True))
        request._anze_visible_unit_ids = ids
    return request._anze_visible_unit_ids


@register.simple_tag
def person_url(person) -> str:
    return reverse("plans:person_clauses", args=[person.public_id]) if person else ""


@register.simple_tag
def org_url(obj) -> str:
    """The organization app's own page for a unit, group or person, or "" while it has none."""
    if obj is None:
        return ""
    name = {
        "unit": "org:unit_detail",
        "unitgroup": "org:unitgroup_detail",
        "person": "org:person_detail",
    }.get(obj._meta.model_name)
    if not name:
        return ""
    try:
        return reverse(name, args=[obj.public_id])
    except NoReverseMatch:
        return ""


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.simple_tag
def compare_versions(diff):
    """A stored version diff as a document comparison (see plans/comparison.py)."""
    from anze.plans.comparison import compare_versions as compare

    return compare(diff)
