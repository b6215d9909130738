"""No dead ends: signed in as each demo role, follow every link of every page the navigation offers.

Nothing answers 404 or a server error. A link a person may not follow is not shown to them.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from urllib.parse import urldefrag

import pytest
from django.core.management import call_command
from django.urls import reverse

from anze.accounts.roles import Role

pytestmark = pytest.mark.django_db

HREF = re.compile(r'href="([^"]+)"')
# Links that end the session or switch language are not pages; static files are served by WhiteNoise.
NOT_PAGES = ("/accounts/logout/", "/i18n/", "/static/", "/media/", "mailto:", "tel:", "javascript:")
ADMINS = {Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN}


def internal_links(html: str) -> set[str]:
    links = set()
    for raw in HREF.findall(html):
        href = urldefrag(raw.replace("&amp;", "&"))[0]
        if not href or not href.startswith("/") or href.startswith("//") or href.startswith(NOT_PAGES):
            continue
        links.add(href)
    return links


def nav_links(html: str) -> set[str]:
    start = html.find('id="anze-nav"')
    if start < 0:
        start = html.find("<nav")
    end = html.find("</nav>", start)
    return internal_links(html[start:end])


@pytest.fixture
def demo(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    call_command("demo", "--enterprises", "30", stdout=io.StringIO())
    from anze.accounts.demo import DEMO_PASSWORD, DEMO_USERS

    return DEMO_PASSWORD, DEMO_USERS


def sign_in(client, username: str, password: str, role: str):
    from anze.accounts.models import User
    from anze.accounts.tests.helpers import add_totp_device, fresh_totp_token

    response = client.post(reverse("accounts:login"), {"username": username, "password": password})
    assert response.status_code == 302, f"{username} could not sign in"
    if role in ADMINS:
        device = add_totp_device(User.objects.get(username=username))
        response = client.post(reverse("accounts:otp_verify"), {"token": fresh_totp_token(device)})
        assert response.status_code == 302, f"{username} could not pass the second factor"
    return client


def walk(client) -> tuple[dict[str, list[str]], int]:
    """Every page of the navigation, and every link on those pages: (dead link → pages linking it), count."""
    home = client.get("/", follow=True)
    assert home.status_code == 200
    pages = {"/"} | nav_links(home.content.decode())
    linked_from: dict[str, set[str]] = defaultdict(set)
    dead: dict[str, list[str]] = {}
    seen: dict[str, int] = {}
    for page in sorted(pages):
        response = client.get(page)
        seen[page] = response.status_code
        if response.status_code >= 400:
            dead[page] = ["(navigation)"]
            continue
        if "text/html" in response.get("Content-Type", ""):
            for link in internal_links(response.content.decode()):
                linked_from[link].add(page)
    for link in sorted(linked_from):
        if link in seen:
            status = seen[link]
        else:
            status = client.get(link).status_code
            seen[link] = status
        if status == 404 or status >= 500:
            dead.setdefault(link, []).extend(sorted(linked_from[link]))
    return dead, len(seen)


def test_every_role_follows_every_link_of_its_pages_without_a_dead_end(demo, client):
    password, users = demo
    report = []
    for username, _display, role, _area, _person in users:
        client.logout()
        sign_in(client, username, password, role)
        dead, count = walk(client)
        assert count > 3, f"{username} reached almost nothing"
        for link, pages in dead.items():
            report.append(f"{username}: {link} ← {', '.join(pages[:3])}")
    assert report == [], f"{len(report)} dead links:\n" + "\n".join(report[:80])
