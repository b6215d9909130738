"""API parity: every action posted from an enforcement page has an API route that does the same, every list
page an API list, and every list page an .xlsx export of what it shows.

The table below names each page action (URL name and, for the pages that post several, the action in the
URL) and its API twin. The test fails when a page gains a POST action that is not in the table, when a
table entry's API route does not resolve or does not take POST, or when an API `action` is not one the
route's body accepts.
"""

from __future__ import annotations

import uuid

import pytest
from django.urls import URLPattern, resolve, reverse

from anze.core.permissions import declared_action
from anze.enforcement import urls as page_urls
from anze.enforcement.api.serializers import (
    AccidentActionSerializer,
    InspectionActionSerializer,
    ListingActionSerializer,
)

ID = uuid.uuid4()

# (page URL name, action in the page's URL or None) → (API path, the body's `action` or None)
PAGE_ACTIONS = {
    ("accident_create", None): ("/api/accidents/", None),
    ("accident_action", "reach"): ("/api/accidents/{id}/handle/", "reach"),
    ("accident_action", "follow-up"): ("/api/accidents/{id}/handle/", "follow_up"),
    ("accident_action", "investigate"): ("/api/accidents/{id}/handle/", "investigate"),
    ("accident_action", "extend"): ("/api/accidents/{id}/handle/", "extend"),
    ("accident_action", "submit"): ("/api/accidents/{id}/handle/", "submit"),
    ("accident_action", "reply"): ("/api/accidents/{id}/handle/", "reply"),
    ("accident_action", "close"): ("/api/accidents/{id}/handle/", "close"),
    ("accident_action", "misreport"): ("/api/accidents/{id}/handle/", "misreport"),
    ("accident_action", "responsible"): ("/api/accidents/{id}/handle/", "responsible"),
    ("step_complete", None): ("/api/accident-steps/{id}/complete/", None),
    ("plan_approve", None): ("/api/inspection-plans/{id}/approve/", None),
    ("draw_commit", None): ("/api/inspection-plans/{id}/commit/", None),
    ("draw_action", "draw"): ("/api/draws/{id}/draw/", None),
    ("draw_action", "rerun"): ("/api/draws/{id}/rerun/", None),
    ("inspection_action", "checks"): ("/api/inspections/{id}/handle/", "check"),
    ("inspection_action", "finding"): ("/api/inspections/{id}/handle/", "finding"),
    ("inspection_action", "complete"): ("/api/inspections/{id}/handle/", "complete"),
    ("inspection_photos", None): ("/api/inspections/{id}/photos/", None),
    ("finding_rectified", None): ("/api/findings/{id}/rectified/", None),
    ("penalty_create", None): ("/api/penalties/", None),
    ("penalty_publish", None): ("/api/penalties/{id}/publish/", None),
    ("penalty_responsible", None): ("/api/penalties/{id}/responsible/", None),
    ("penalty_propose_listing", None): ("/api/penalties/{id}/propose-listing/", None),
    ("listing_action", "notify"): ("/api/listings/{id}/handle/", "notify"),
    ("listing_action", "decide"): ("/api/listings/{id}/handle/", "decide"),
    ("listing_action", "repair"): ("/api/listings/{id}/handle/", "repair"),
    ("listing_action", "restore"): ("/api/listings/{id}/handle/", "restore"),
}
ACTION_BODIES = {
    "/api/accidents/{id}/handle/": AccidentActionSerializer,
    "/api/inspections/{id}/handle/": InspectionActionSerializer,
    "/api/listings/{id}/handle/": ListingActionSerializer,
}
# List page → (API list, the page's .xlsx export)
PAGE_LISTS = {
    "accident_list": ("/api/accidents/", "accident_export"),
    "plan_list": ("/api/inspection-plans/", "plan_export"),
    "inspection_list": ("/api/inspections/", "inspection_export"),
    "inspection_today": ("/api/inspections/?mine=true", "inspection_export"),
    "penalty_list": ("/api/penalties/", "penalty_export"),
    "listing_list": ("/api/listings/", "listing_export"),
}


def page_patterns() -> list[URLPattern]:
    return [p for p in page_urls.urlpatterns if isinstance(p, URLPattern)]


def test_every_page_action_is_in_the_table():
    changing = {p.name for p in page_patterns() if declared_action(p.callback) in ("add", "change")}
    assert changing == {name for name, _ in PAGE_ACTIONS}


def test_every_list_page_is_in_the_table():
    lists = {
        p.name
        for p in page_patterns()
        if declared_action(p.callback) == "view"
        and "public_id" not in str(p.pattern)
        and "export" not in p.name
    }
    assert lists == set(PAGE_LISTS)


@pytest.mark.parametrize(("page", "api"), sorted(PAGE_ACTIONS.items()))
def test_the_api_twin_takes_the_action(page, api):
    path, action = api
    match = resolve(path.format(id=ID))
    viewset_actions = match.func.actions
    assert "post" in viewset_actions, f"{page} → {path} takes no POST"
    if action is not None:
        choices = ACTION_BODIES[path]().fields["action"].choices
        assert action in choices, f"{page}: the API does not accept action {action!r}"


@pytest.mark.parametrize(("page", "twin"), sorted(PAGE_LISTS.items()))
def test_every_list_has_an_api_list_and_an_export(page, twin):
    api, export = twin
    assert resolve(api.split("?")[0]).func.actions.get("get") == "list"
    assert reverse(f"enforcement:{export}").endswith(".xlsx")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "page", ["plan_list", "inspection_list", "listing_list", "penalty_list", "accident_list"]
)
def test_the_list_pages_link_their_export(signed_in, alice, page):
    body = signed_in(alice).get(reverse(f"enforcement:{page}")).content.decode()
    assert reverse(f"enforcement:{PAGE_LISTS[page][1]}") in body
