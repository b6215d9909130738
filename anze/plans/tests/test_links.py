"""No dead ends: a unit or county user sees links only to the unit pages it may open, the rest as text."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from anze.plans import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed_plan(linyi, alice, seed_upload):
    return services.import_plan(seed_upload, actor=alice, region=linyi)


def _unit_links(html: str) -> set[str]:
    prefix = reverse("plans:unit_responsibilities", args=["00000000-0000-0000-0000-000000000000"]).split(
        "0000"
    )[0]
    return {link for link in re.findall(r'href="([^"]+)"', html) if link.startswith(prefix)}


@pytest.mark.parametrize("persona", ["charlie", "bob"])
def test_every_unit_link_on_the_matrix_and_the_plan_page_opens(persona, seed_plan, signed_in, request):
    client = signed_in(request.getfixturevalue(persona))
    pages = [
        client.get(reverse("plans:matrix")),
        client.get(reverse("plans:plan_detail", args=[seed_plan.plan.public_id])),
    ]

    for page in pages:
        html = page.content.decode()
        assert page.status_code == 200
        assert "市应急局" in html or "临沂市应急管理局" in html  # units out of scope still named, as text
        for link in _unit_links(html):
            assert client.get(link).status_code == 200, link


def test_the_office_keeps_every_unit_link(seed_plan, signed_in, alice):
    client = signed_in(alice)
    html = client.get(reverse("plans:matrix")).content.decode()

    links = _unit_links(html)

    assert len(links) > 20
    assert html.count('<th class="anze-unit" scope="col"><a ') == html.count('<th class="anze-unit"')


def test_a_not_found_page_keeps_the_navigation_for_a_signed_in_user(signed_in, charlie, client):
    missing = reverse("plans:unit_responsibilities", args=["00000000-0000-0000-0000-000000000000"])

    anonymous = client.get("/no-such-page/")
    assert anonymous.status_code == 404 and "主导航" not in anonymous.content.decode()

    response = signed_in(charlie).get(missing)

    html = response.content.decode()
    assert response.status_code == 404
    assert 'aria-label="主导航"' in html and reverse("duties:my_duties") in html
    assert "页面不存在" in html
