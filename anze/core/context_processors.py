"""Template context every page needs: the navigation for the user's roles."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from anze.core.navigation import navigation_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The user's navigation, worked out once a request: a page that renders a table renders a template of
    its own (django-tables2's `render_table`), which runs every context processor again."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_sections": []}
    sections = getattr(request, "_anze_nav_sections", None)
    if sections is None:
        sections = request._anze_nav_sections = navigation_for(request)
    return {"nav_sections": sections}
