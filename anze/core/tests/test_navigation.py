"""What each role's navigation offers."""

from __future__ import annotations

from django.urls import reverse

from anze.accounts.roles import Role
from conftest import make_user


def _nav(client, user) -> str:
    client.force_login(user)
    html = client.get(reverse("core:home")).content.decode()
    return html[html.index('id="anze-nav"') : html.index("</nav>", html.index('id="anze-nav"'))]


def test_the_traffic_lights_are_in_the_office_navigation(client, alice):
    assert f'href="{reverse("supervision:lights")}"' in _nav(client, alice)


def test_the_api_documentation_is_offered_to_the_office_only_not_to_units_or_enterprises(client, alice, charlie, org):
    docs = f'href="{reverse("api-docs")}"'
    assert docs in _nav(client, alice)
    assert docs not in _nav(client, charlie)
    enterprise_user = make_user("erin", (Role.ENTERPRISE, {}))
    assert docs not in _nav(client, enterprise_user)


def test_the_home_page_links_to_the_public_portal(client, charlie):
    client.force_login(charlie)
    assert f'href="{reverse("public:home")}"' in client.get(reverse("core:home")).content.decode()


def test_a_page_with_a_table_works_out_the_navigation_once(client, alice, monkeypatch):
    """render_table renders a template of its own, which runs the context processors again."""
    from anze.core import context_processors, navigation

    calls = []
    real = navigation.navigation_for

    def counted(request):
        calls.append(request)
        return real(request)

    monkeypatch.setattr(context_processors, "navigation_for", counted)
    client.force_login(alice)
    response = client.get(reverse("duties:occurrence_list"))
    assert response.status_code == 200
    assert 'id="anze-nav"' in response.content.decode()
    assert len(calls) == 1
