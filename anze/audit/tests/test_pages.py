"""The audit pages: who may read what (三权分立), filters, export, detail, verification, purge, history."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.template import Context, Template
from django.urls import reverse

from anze.accounts.roles import Role
from anze.audit.models import AuditEvent
from anze.audit.services import record_standalone
from anze.audit.tests.helpers import raw, triggers_lifted
from conftest import make_user

pytestmark = pytest.mark.django_db

LIST = reverse("audit:event_list")


def shown_sequences(response) -> set[int]:
    return {row.record.sequence for row in response.context["table"].page.object_list}


def test_anonymous_is_sent_to_login(client, events):
    response = client.get(LIST)

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_auditor_reads_every_event(signed_in, dave, events):
    response = signed_in(dave).get(LIST)

    assert response.status_code == 200
    assert {e.sequence for e in events.values()} <= shown_sequences(response)


def test_audit_admin_reads_every_event(admin_client, events):
    client, _ = admin_client(Role.AUDIT_ADMIN)

    response = client.get(LIST)

    assert response.status_code == 200
    assert {e.sequence for e in events.values()} <= shown_sequences(response)


def test_city_office_reads_its_city_but_not_unplaced_events(signed_in, alice, events):
    shown = shown_sequences(signed_in(alice).get(LIST))

    assert {events["lanshan"].sequence, events["luozhuang"].sequence, events["city"].sequence} <= shown
    assert events["login"].sequence not in shown


def test_county_office_reads_only_its_county(signed_in, bob, events):
    shown = shown_sequences(signed_in(bob).get(LIST))

    assert events["lanshan"].sequence in shown
    assert not {events["luozhuang"].sequence, events["city"].sequence, events["login"].sequence} & shown


def test_county_office_gets_404_for_another_countys_event(signed_in, bob, events):
    client = signed_in(bob)

    assert client.get(reverse("audit:event_detail", args=[events["lanshan"].sequence])).status_code == 200
    assert client.get(reverse("audit:event_detail", args=[events["luozhuang"].sequence])).status_code == 404


@pytest.mark.parametrize("role", [Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN])
def test_system_and_security_admins_are_refused_and_the_refusal_is_audited(admin_client, events, role):
    client, user = admin_client(role)
    before = AuditEvent.objects.count()

    responses = [
        client.get(LIST),
        client.get(reverse("audit:event_detail", args=[events["city"].sequence])),
        client.get(reverse("audit:verify")),
    ]

    assert [r.status_code for r in responses] == [403, 403, 403]
    denied = AuditEvent.objects.filter(sequence__gt=before, action="access.denied", actor=user)
    assert denied.count() == 3
    assert not denied.filter(success=True).exists()


def test_unit_persona_is_refused(signed_in, charlie, events):
    assert signed_in(charlie).get(LIST).status_code == 403


def test_filters_narrow_the_list_and_stay_in_the_url(signed_in, dave, events):
    client = signed_in(dave)

    by_ip = shown_sequences(client.get(LIST, {"ip": "198.51.100.3"}))
    by_actor = shown_sequences(client.get(LIST, {"actor": "mallory"}))
    by_result = shown_sequences(client.get(LIST, {"success": "false", "action": "auth."}))
    by_type = shown_sequences(
        client.get(LIST, {"object_type": "org.unit", "object_id": events["city"].object_id})
    )

    assert by_ip == by_actor == by_result == {events["login"].sequence}
    assert by_type == {events["city"].sequence}


def test_an_invalid_filter_shows_an_error_not_a_crash(signed_in, dave, events):
    response = signed_in(dave).get(LIST, {"ip": "not-an-ip"})

    assert response.status_code == 200
    assert response.context["filter"].errors


def test_the_list_pages_on_the_server(signed_in, dave):
    for i in range(60):
        record_standalone("test.thing.update", actor=None, reason=str(i))
    client = signed_in(dave)

    first = client.get(LIST)
    second = client.get(LIST, {"page": 2})

    assert len(shown_sequences(first)) == 50
    assert shown_sequences(first).isdisjoint(shown_sequences(second))


def test_csv_export_holds_exactly_the_filtered_rows_and_is_audited(signed_in, bob, events):
    response = signed_in(bob).get(LIST, {"export": "csv", "action": "org."})

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [int(row[0]) for row in rows[1:]] == [events["lanshan"].sequence]
    export = AuditEvent.objects.filter(action="audit.export").get()
    assert export.actor_label == "bob"
    assert "action=org." in export.reason


def test_xlsx_export_opens_with_the_same_rows(signed_in, dave, events):
    from openpyxl import load_workbook

    response = signed_in(dave).get(LIST, {"export": "xlsx", "actor": "alice"})

    sheet = load_workbook(io.BytesIO(response.content)).active
    sequences = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sequences == sorted((events[k].sequence for k in ("lanshan", "luozhuang", "city")), reverse=True)


def test_detail_shows_every_field_and_that_the_hash_verifies(signed_in, dave, events):
    event = events["lanshan"]

    response = signed_in(dave).get(reverse("audit:event_detail", args=[event.sequence]))

    assert response.status_code == 200
    assert (response.context["hash_ok"], response.context["link_ok"]) == (True, True)
    body = response.content.decode()
    for text in (event.hash, event.prev_hash, event.request_id, "192.0.2.10", event.scope_path):
        assert text in body


def test_detail_shows_a_tampered_event_as_broken(signed_in, dave, events):
    with triggers_lifted():
        raw("UPDATE audit_auditevent SET reason = 'edited' WHERE sequence = %s", [events["city"].sequence])

    response = signed_in(dave).get(reverse("audit:event_detail", args=[events["city"].sequence]))

    assert response.context["hash_ok"] is False


def test_audit_admin_runs_verification_and_it_is_audited(admin_client, events):
    client, user = admin_client(Role.AUDIT_ADMIN)

    assert client.get(reverse("audit:verify")).status_code == 200
    response = client.post(reverse("audit:verify"), {"start": "1"})

    assert response.status_code == 200
    assert response.context["result"].ok
    assert AuditEvent.objects.filter(action="audit.verify", actor=user, success=True).exists()


def test_verification_page_reports_the_break(admin_client, events):
    client, _ = admin_client(Role.AUDIT_ADMIN)
    with triggers_lifted():
        raw("DELETE FROM audit_auditevent WHERE sequence = %s", [events["luozhuang"].sequence])

    result = client.post(reverse("audit:verify")).context["result"]

    assert not result.ok
    assert [(p.sequence, p.kind) for p in result.problems] == [(events["luozhuang"].sequence, "deleted")]


def test_auditor_may_read_but_not_run_verification(signed_in, dave):
    assert signed_in(dave).post(reverse("audit:verify")).status_code == 403


@pytest.mark.parametrize("method", ["get", "post", "delete"])
def test_purge_is_refused_for_everyone_signed_in_and_audited_anonymous_not(admin_client, client, method):
    anonymous = getattr(client, method)(reverse("audit:purge"))
    admin, user = admin_client(Role.AUDIT_ADMIN)
    by_admin = getattr(admin, method)(reverse("audit:purge"))

    assert (anonymous.status_code, by_admin.status_code) == (302, 403)
    assert reverse("accounts:login") in anonymous["Location"]
    refused = AuditEvent.objects.filter(action="audit.purge_refused", success=False)
    assert refused.count() == 1
    assert refused.filter(actor=user).exists()
    assert not refused.filter(actor_label="anonymous").exists()


def test_history_tag_shows_the_objects_events_newest_first_with_the_diff(org, alice, events):
    html = Template("{% load audit %}{% audit_history unit %}").render(
        Context({"unit": org["lanshan_emergency"], "user": alice})
    )

    assert "变更记录" in html
    assert "alice" in html or "安委办 Alice" in html
    assert "联系电话" in html  # the field's verbose name
    assert "<del" in html and ">1</del>" in html and ">2</ins>" in html


def test_history_tag_pages_older_events_through_htmx(org, alice):
    unit = org["city_transport"]
    for i in range(25):
        record_standalone(
            "org.unit.update", actor=alice, obj=unit, before={"sort_order": i}, after={"sort_order": i + 1}
        )

    html = Template("{% load audit %}{% audit_history unit %}").render(Context({"unit": unit, "user": alice}))

    assert html.count('class="list-group-item"') == 20
    assert html.count("sort_order") == 0 and html.count("排序") == 20
    older = reverse("audit:history", args=["org.unit", str(unit.public_id)]) + "?before=6"
    assert f'hx-get="{older}"' in html


def test_history_url_follows_the_objects_own_scope(signed_in, bob, org, events):
    client = signed_in(bob)
    own = reverse("audit:history", args=["org.unit", str(org["lanshan_emergency"].public_id)])
    other = reverse("audit:history", args=["org.unit", str(org["luozhuang_emergency"].public_id)])

    response = client.get(own, headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert "联系电话" in response.content.decode()
    assert client.get(other).status_code == 404
    assert client.get(reverse("audit:history", args=["org.unit", "not-a-uuid"])).status_code == 404
    assert client.get(reverse("audit:history", args=["no.such", "1"])).status_code == 404


@pytest.mark.skipif(connection.vendor != "sqlite", reason="query count pinned on SQLite")
def test_the_list_page_query_count_does_not_grow_with_rows(signed_in, dave, django_assert_max_num_queries):
    client = signed_in(dave)
    for _ in range(5):
        record_standalone("test.thing.update", actor=None)
    client.get(LIST)
    for _ in range(40):
        record_standalone("test.thing.update", actor=None)

    with django_assert_max_num_queries(15):
        assert client.get(LIST).status_code == 200


@pytest.mark.parametrize("role", [Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN])
def test_history_url_is_closed_to_the_system_and_security_admins(admin_client, role, alice):
    client, user = admin_client(role)
    record_standalone(
        "accounts.user.update", actor=user, obj=alice, before={"email": "a"}, after={"email": "b"}
    )
    url = reverse("audit:history", args=["accounts.user", str(alice.public_id)])

    response = client.get(url, headers={"HX-Request": "true"})

    assert response.status_code == 403
    assert "accounts.user.update" not in response.content.decode()
    assert AuditEvent.objects.filter(action="access.denied", actor=user).exists()


@pytest.mark.parametrize("role", [Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.UNIT])
def test_history_tag_shows_nothing_to_non_readers(org, alice, events, role):
    area = {"unit": org["lanshan_emergency"]} if role == Role.UNIT else {}
    user = make_user(f"reader{role}".replace("_", ""), (role, area))

    html = Template("{% load audit %}{% audit_history unit %}").render(
        Context({"unit": org["lanshan_emergency"], "user": user})
    )

    assert "变更记录" not in html and "联系电话" not in html


def test_history_tag_narrows_to_the_readers_region(org, bob):
    unit = org["lanshan_emergency"]
    record_standalone("org.unit.update", actor=bob, obj=unit, before={"phone": "1"}, after={"phone": "2"})

    html = Template("{% load audit %}{% audit_history unit %}").render(Context({"unit": unit, "user": bob}))
    anonymous = Template("{% load audit %}{% audit_history unit %}").render(Context({"unit": unit}))

    assert "联系电话" in html
    assert "联系电话" not in anonymous
