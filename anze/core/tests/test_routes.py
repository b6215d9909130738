"""Every route declares its permission, and signed-out visitors are kept out of internal pages."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from anze.core.permissions import declared_action

# Django's and third parties' own views that carry their own access rules.
EXEMPT_PREFIXES = ("admin:", "django.contrib.admin", "i18n", "set_language", "django.views.i18n")
EXEMPT_NAMES = {"api-schema", "api-docs", "api-docs-oauth2-redirect", "javascript-catalog"}


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or ""
            yield from _walk(
                pattern.url_patterns, prefix + str(pattern.pattern), f"{namespace}{ns}:" if ns else namespace
            )
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), f"{namespace}{pattern.name or ''}", pattern.callback


def all_routes():
    return list(_walk(get_resolver().url_patterns))


def test_there_are_routes_to_check():
    assert len(all_routes()) > 20


@pytest.mark.parametrize("route,name,callback", all_routes(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_view_declares_its_permission(route, name, callback):
    module = getattr(callback, "__module__", "") or ""
    if name in EXEMPT_NAMES or name.startswith(EXEMPT_PREFIXES) or module.startswith(EXEMPT_PREFIXES):
        pytest.skip("framework view with its own access rules")
    if module.startswith(("drf_spectacular", "rest_framework.routers", "django.contrib.admin")):
        pytest.skip("framework view with its own access rules")
    assert declared_action(callback), f"{route} ({name}) declares no permission: use @declare(...) or permission_action"
