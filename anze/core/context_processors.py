"""Template context every page needs: the navigation for the user's roles."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from anze.core.navigation import navigation_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_sections": []}
    return {"nav_sections": navigation_for(request)}
