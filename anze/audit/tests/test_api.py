"""GET /api/audit/events/: read-only, the same readers, scope and filters as the audit log page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from anze.accounts.roles import Role
from anze.audit.models import AuditEvent
from anze.audit.services import record_standalone

pytestmark = pytest.mark.django_db

EVENTS = reverse("api:audit-event-list")


def sequences(response) -> set[int]:
    return {row["sequence"] for row in response.json()["results"]}


def test_anonymous_is_refused(client, events):
    response = client.get(EVENTS)

    assert response.status_code in (401, 403)
    assert "results" not in response.json()


def test_auditor_lists_every_event_with_every_field(signed_in, dave, events):
    response = signed_in(dave).get(EVENTS)

    assert response.status_code == 200
    assert {e.sequence for e in events.values()} <= sequences(response)
    row = next(r for r in response.json()["results"] if r["sequence"] == events["lanshan"].sequence)
    assert row["hash"] == events["lanshan"].hash
    assert row["ip"] == "192.0.2.10"
    assert row["after"] == {"phone": "2"}
    assert row["actor_label"] == "alice"


def test_county_office_lists_only_its_county(signed_in, bob, events):
    shown = sequences(signed_in(bob).get(EVENTS))

    assert shown == {events["lanshan"].sequence}


def test_unit_persona_is_refused_and_the_refusal_audited(signed_in, charlie, events):
    response = signed_in(charlie).get(EVENTS)

    assert response.status_code == 403
    assert AuditEvent.objects.filter(action="access.denied", actor=charlie).exists()


@pytest.mark.parametrize("role", [Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN])
def test_system_and_security_admins_are_refused(admin_client, events, role):
    client, user = admin_client(role)

    response = client.get(EVENTS)

    assert response.status_code == 403
    assert AuditEvent.objects.filter(action="access.denied", actor=user).exists()


def test_audit_admin_lists_events(admin_client, events):
    client, _ = admin_client(Role.AUDIT_ADMIN)

    assert {e.sequence for e in events.values()} <= sequences(client.get(EVENTS))


def test_filters_are_the_pages_filters(signed_in, dave, events):
    client = signed_in(dave)

    assert sequences(client.get(EVENTS, {"success": "false"})) == {events["login"].sequence}
    assert sequences(client.get(EVENTS, {"ip": "198.51.100.3"})) == {events["login"].sequence}
    assert client.get(EVENTS, {"ip": "nonsense"}).status_code == 400


def test_paging_uses_a_cursor(signed_in, dave):
    for _ in range(7):
        record_standalone("test.thing.update", actor=None)
    client = signed_in(dave)

    newest = list(AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True))

    first = client.get(EVENTS, {"page_size": 5}).json()
    second = client.get(first["next"]).json()

    assert [r["sequence"] for r in first["results"]] == newest[:5]
    assert [r["sequence"] for r in second["results"]] == newest[5:10]


def test_one_event_by_sequence_and_out_of_scope_is_404(signed_in, bob, events):
    client = signed_in(bob)

    own = client.get(reverse("api:audit-event-detail", args=[events["lanshan"].sequence]))
    other = client.get(reverse("api:audit-event-detail", args=[events["city"].sequence]))

    assert own.status_code == 200
    assert other.status_code == 404


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_api_is_read_only(signed_in, dave, events, method):
    client = signed_in(dave)
    url = reverse("api:audit-event-detail", args=[events["city"].sequence])

    response = getattr(client, method)(url, data={}, content_type="application/json")

    assert response.status_code in (403, 405)
    assert AuditEvent.objects.get(sequence=events["city"].sequence).reason == ""


def test_the_schema_documents_the_audit_endpoints(signed_in, dave):
    response = signed_in(dave).get(reverse("api-schema"), {"format": "json"})

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/audit/events/" in paths
    assert set(paths["/api/audit/events/"]) == {"get"}
