"""Template filters of the emergency pages."""

from __future__ import annotations

from typing import Any

from django import template

from anze.emergency.views_common import may_open_overview

register = template.Library()


@register.filter
def opens_emergency_overview(user: Any) -> bool:
    """Whether `user` may open 应急能力总览, so a breadcrumb links to it only then."""
    return may_open_overview(user)
