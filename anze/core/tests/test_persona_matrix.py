"""No 越权 / IDOR (等保 L3-CES1-09, ASVS 4.2.1): every route that takes an object id × persona × an object of
another county or unit. The answer is never 200: 403, 404 or a redirect to sign-in (405 where the route does
not accept the method), and nothing changes.

bob is the 兰山区 county office, charlie the 罗庄区应急管理局 unit user. Reference data that every internal
user may read (Scope.internal_view) is left out of the GET pool only; writes to it are tried like the rest.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import UUIDConverter
from django.urls.resolvers import RoutePattern

from anze.accounts.roles import Role
from conftest import make_user

pytestmark = pytest.mark.django_db

ALLOWED = {403, 404, 405}
SKIP_PREFIXES = ("admin:",)
# Audit actions that a refused request may write (the refusal itself); anything else means a change.
REFUSAL_ACTIONS = ("access.denied", "auth.")


def _walk(patterns: list[Any], namespace: str = "") -> Any:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or ""
            yield from _walk(pattern.url_patterns, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", pattern


def _id_kwargs(pattern: URLPattern) -> list[str] | None:
    """The names of the pattern's object-id arguments, or None when it takes anything else."""
    if isinstance(pattern.pattern, RoutePattern):
        converters = pattern.pattern.converters
        if not converters or not all(isinstance(c, UUIDConverter) for c in converters.values()):
            return None
        return list(converters)
    names = list(pattern.pattern.regex.groupindex)
    if not names or "format" in names:
        return None
    if not all(name == "public_id" or name.endswith("public_id") or name == "pk" for name in names):
        return None
    return names


def id_routes() -> list[tuple[str, list[str]]]:
    routes: dict[str, list[str]] = {}
    for name, pattern in _walk(get_resolver().url_patterns):
        if name.startswith(SKIP_PREFIXES):
            continue
        kwargs = _id_kwargs(pattern)
        if kwargs and name not in routes:
            routes[name] = kwargs
    return sorted(routes.items())


def _url(name: str, kwargs: list[str], object_id: uuid.UUID) -> str | None:
    try:
        return reverse(name, kwargs={key: str(object_id) for key in kwargs})
    except Exception:  # noqa: BLE001 - a pattern whose id is not a public_id (e.g. an int pk)
        return None


@pytest.fixture
def pool(org, alice, bob, charlie):
    """Objects outside bob's county (兰山区) and outside charlie's unit (罗庄区应急管理局)."""
    from anze.org.tests.factories import CommitteeFactory, PersonFactory, PostFactory, UnitGroupFactory

    luozhuang, lanshan = org["luozhuang"], org["lanshan"]
    other_user = make_user("zhang", (Role.UNIT, {"unit": org["luozhuang_gov"]}))
    objects = {
        "bob": [
            org["luozhuang_emergency"],
            org["luozhuang_gov"],
            luozhuang,
            PersonFactory(region=luozhuang),
            UnitGroupFactory(region=luozhuang),
            CommitteeFactory(region=luozhuang),
            PostFactory(unit=org["luozhuang_gov"]),
            charlie,
            other_user,
            alice,
        ],
        "charlie": [
            org["luozhuang_gov"],
            org["lanshan_emergency"],
            lanshan,
            PersonFactory(region=lanshan),
            UnitGroupFactory(region=lanshan),
            CommitteeFactory(region=lanshan),
            PostFactory(unit=org["lanshan_emergency"]),
            bob,
            other_user,
            alice,
        ],
    }
    return objects


def _readable_by_every_insider(obj: Any) -> bool:
    scope = getattr(type(obj), "scope", None)
    return bool(scope and scope.internal_view)


def _fingerprint(objects: list[Any]) -> dict[Any, Any]:
    state = {}
    for obj in objects:
        fresh = type(obj)._default_manager.filter(pk=obj.pk).first()
        state[(type(obj).__name__, obj.pk)] = (
            None if fresh is None else repr(sorted(model_to_dict(fresh).items()))
        )
    return state


def _changes() -> int:
    from anze.audit.models import AuditEvent

    events = AuditEvent.objects.all()
    for prefix in REFUSAL_ACTIONS:
        events = events.exclude(action__startswith=prefix)
    return events.count()


def _clients(user: Any) -> tuple[Client, Client]:
    from rest_framework.authtoken.models import Token

    page = Client()
    page.force_login(user)
    token = Token.objects.create(user=user)
    api = Client(headers={"Authorization": f"Token {token.key}"})
    return page, api


def _acceptable(response: Any) -> bool:
    if response.status_code in ALLOWED:
        return True
    return response.status_code == 302 and reverse("accounts:login") in response.get("Location", "")


def test_there_are_id_routes_to_check():
    names = {name for name, _ in id_routes()}
    assert {"org:unit_detail", "org:unit_update", "api:unit-detail"} <= names, sorted(names)


@pytest.mark.parametrize("persona", ["bob", "charlie"])
@pytest.mark.parametrize("method", ["get", "post", "patch"])
def test_no_route_serves_or_changes_another_areas_object(persona, method, pool, request):
    user = request.getfixturevalue(persona)
    page, api = _clients(user)
    objects = pool[persona]
    if method == "get":
        objects = [obj for obj in objects if not _readable_by_every_insider(obj)]
    before, changes = _fingerprint(pool[persona]), _changes()
    problems = []
    for name, kwargs in id_routes():
        is_api = name.startswith("api:")
        if method == "patch" and not is_api:
            continue
        client = api if is_api else page
        for obj in objects:
            url = _url(name, kwargs, obj.public_id)
            if url is None:
                continue
            if method == "get":
                response = client.get(url)
            elif is_api:
                response = getattr(client, method)(url, data={}, content_type="application/json")
            else:
                response = client.post(url, data={})
            if not _acceptable(response):
                problems.append(f"{method.upper()} {url} ({name}) as {persona} → {response.status_code}")
    assert not problems, "\n".join(problems)
    assert _fingerprint(pool[persona]) == before
    assert _changes() == changes
