"""Bad filter values are a 400 or are ignored, on every list page and API list, never a 500.

The lists and their filters are discovered, not listed by hand: every route without an argument that answers
200 to one of the personas, and for each, the filters of its FilterSet, the fields of the forms it builds from
the query string, its pagination parameters and the query parameters its code reads by name. A new list or a
new filter is covered without touching this test.
"""

from __future__ import annotations

import inspect
import re

import pytest
from django.forms import BaseForm
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django_filters import FilterSet

from anze.core.tests.test_routes import all_routes

# A non-ASCII digit (str.isdigit() says yes, int() says no; nor is it a UUID or a date), a number too big for
# any column, and a NUL character (PostgreSQL refuses it in text).
JUNK = ("²", "9" * 30, "nul\x00")
UNIVERSAL = ("page", "sort")
SKIPPED_PREFIXES = ("admin:", "api-schema", "api-docs", "javascript-catalog", "set_language")
_PARAM_READ = re.compile(
    r"""(?:GET|query_params)(?:\.get(?:list)?\(|\[)\s*["']([\w-]+)["']"""
    r"""|["']([\w-]+)["']\s+(?:not\s+)?in\s+(?:self\.)?request\.(?:GET|query_params)"""
    r"""|\w+_param\(\s*(?:self\.)?request,\s*["']([\w-]+)["']"""
)
_BUILT_FROM_QUERY = re.compile(r"(\w+)\(\s*(?:self\.)?request\.(?:GET|query_params)")


def _view_objects(callback) -> list:
    """The function or the classes (with their Anze ancestors) behind a URL's callback."""
    cls = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if cls is None:
        return [inspect.unwrap(callback)]
    return [klass for klass in cls.__mro__ if klass.__module__.startswith("anze.")]


def _form_names(form_or_filterset) -> set[str]:
    if isinstance(form_or_filterset, type) and issubclass(form_or_filterset, FilterSet):
        fields = form_or_filterset().form.fields
    elif isinstance(form_or_filterset, type) and issubclass(form_or_filterset, BaseForm):
        fields = form_or_filterset.base_fields
    else:
        return set()
    names = set()
    for name, field in fields.items():
        suffixes = getattr(field.widget, "suffixes", None)
        names.update(
            f"{name}_{suffix}" if suffix else name for suffix in suffixes
        ) if suffixes else names.add(name)
    return names


def filter_params(callback) -> dict[str, object]:
    """Every query parameter the list behind `callback` reads → what validates it: a FilterSet or form class
    (the same class validates the same way on every list that uses it), else the view itself."""
    params: dict[str, object] = dict.fromkeys(UNIVERSAL, callback)
    cls = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if cls is not None:
        filterset = getattr(cls, "filterset_class", None)
        params.update(dict.fromkeys(_form_names(filterset), filterset))
        paginator = getattr(cls, "pagination_class", None)
        for attr in ("page_query_param", "page_size_query_param", "cursor_query_param"):
            if paginator is not None and getattr(paginator, attr, None):
                params[getattr(paginator, attr)] = callback
    for obj in _view_objects(callback):
        try:
            source = inspect.getsource(obj)
        except (OSError, TypeError):
            continue
        params.update(dict.fromkeys((a or b or c for a, b, c in _PARAM_READ.findall(source)), callback))
        namespace = vars(inspect.getmodule(obj))
        for built in _BUILT_FROM_QUERY.findall(source):
            params.update(dict.fromkeys(_form_names(namespace.get(built)), namespace.get(built)))
    return params


def list_routes() -> list[tuple[str, str, object]]:
    """Routes without arguments, with a name to reverse."""
    routes = []
    for route, name, callback in all_routes():
        if (
            not name
            or name.endswith(":")
            or name.startswith(SKIPPED_PREFIXES)
            or "<" in route
            or "(?P" in route
        ):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        routes.append((url, name, callback))
    return routes


@pytest.fixture
def personas(alice, bob, charlie, dave, security_admin, audit_admin, enterprise_user):
    from anze.accounts.tests.helpers import sign_in_admin

    clients = []
    for user in (alice, bob, charlie, dave, enterprise_user):
        client = Client(raise_request_exception=False)
        client.force_login(user)
        clients.append(client)
    for admin in (security_admin, audit_admin):
        clients.append(sign_in_admin(Client(raise_request_exception=False), admin))
    return clients


@pytest.fixture
def enterprise_user(org, alice):
    """An enterprise's user, with a hidden danger and a risk point so the lists have rows."""
    from anze.accounts.roles import Role
    from anze.enterprises.models import EnterpriseMembership
    from anze.prevention.tests.factories import make_enterprise, report
    from conftest import make_user

    enterprise = make_enterprise(org["lanshan"], supervising_unit=org["lanshan_emergency"])
    report(enterprise, alice, grade="major", register=True)
    user = make_user("ent", (Role.ENTERPRISE, {}))
    EnterpriseMembership.objects.create(user=user, enterprise=enterprise)
    return user


def test_the_walk_finds_the_lists_and_their_filters():
    found = {name: filter_params(callback) for _url, name, callback in list_routes()}
    assert "enterprise" in found["prevention:hidden_danger_list"]
    assert "enterprise" in found["prevention:risk_point_list"]
    assert {"status", "grade", "after"} <= set(found["prevention:hidden_danger_list"])
    assert any(name.startswith("api:") and params for name, params in found.items())


@pytest.mark.django_db
def test_every_filter_of_every_list_survives_junk(personas):
    failures, walked, seen = [], 0, set()
    for url, name, callback in list_routes():
        client = next((c for c in personas if c.get(url).status_code == 200), None)
        if client is None:
            continue
        for param, owner in sorted(filter_params(callback).items()):
            if (owner, param) in seen:
                continue
            seen.add((owner, param))
            for junk in JUNK:
                walked += 1
                status = client.get(url, {param: junk}).status_code
                if status not in (200, 400):
                    failures.append(f"{name} ?{param}={junk!r} → {status}")
    assert walked > 200
    assert not failures, "\n".join(failures)
