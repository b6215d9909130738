"""The HTTP batch upload: an enterprise's token lets it upload its own readings and nothing else."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse

from anze.audit.models import AuditEvent
from anze.monitoring import services
from anze.monitoring.adapters import canonical
from anze.monitoring.models import Reading, RejectedMessage
from anze.monitoring.tests.factories import T0, make_point

pytestmark = pytest.mark.django_db


def post(client, body: bytes, token: str | None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.post(reverse("monitoring:ingest"), body, content_type="application/json", **headers)


def test_a_token_uploads_a_batch_of_messages(client, lanshan_enterprise):
    point = make_point(lanshan_enterprise, in_service_from=T0)
    _, token = services.issue_ingest_token(actor=None, enterprise=lanshan_enterprise, label="DCS 网关")
    messages = [json.loads(canonical.encode(lanshan_enterprise.credit_code, "GW", [(point.code, T0, v)]))
                for v in (50.0, 51.0)]  # fmt: skip

    response = post(client, json.dumps(messages).encode(), token)

    assert response.status_code == 200
    assert response.json()["stored"] == 2
    assert Reading.objects.filter(point=point).count() == 2
    assert AuditEvent.objects.filter(action="monitoring.issue_ingest_token").count() == 1


def test_without_a_valid_token_nothing_is_stored(client, lanshan_enterprise):
    point = make_point(lanshan_enterprise)
    body = canonical.encode(lanshan_enterprise.credit_code, "GW", [(point.code, T0, 50.0)])

    assert post(client, body, None).status_code == 401
    assert post(client, body, "anze_wrong").status_code == 401
    assert not Reading.objects.exists()


def test_a_revoked_token_is_refused(client, lanshan_enterprise):
    row, token = services.issue_ingest_token(actor=None, enterprise=lanshan_enterprise, label="旧网关")
    services.revoke_ingest_token(row, actor=None)
    assert post(client, b"{}", token).status_code == 401


def test_a_token_cannot_upload_for_another_enterprise(client, lanshan_enterprise, luozhuang_enterprise):
    other = make_point(luozhuang_enterprise)
    _, token = services.issue_ingest_token(actor=None, enterprise=lanshan_enterprise, label="兰山")
    body = canonical.encode(luozhuang_enterprise.credit_code, "GW", [(other.code, T0, 50.0)])

    response = post(client, body, token)

    assert response.status_code == 207
    assert not Reading.objects.exists()
    assert RejectedMessage.objects.get().reason == "unknown_gateway"


def test_an_unreadable_body_is_kept_and_answered_with_the_reason(client, lanshan_enterprise):
    _, token = services.issue_ingest_token(actor=None, enterprise=lanshan_enterprise, label="x")
    response = post(client, b"not json", token)
    assert response.status_code == 207
    assert "JSON" in response.json()["reasons"][0]
    assert RejectedMessage.objects.get().payload == "not json"


def test_the_stored_reading_keeps_the_gateways_time(client, lanshan_enterprise):
    point = make_point(lanshan_enterprise)
    _, token = services.issue_ingest_token(actor=None, enterprise=lanshan_enterprise, label="x")
    at = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    post(client, canonical.encode(lanshan_enterprise.credit_code, "GW", [(point.code, at, 50.0)]), token)
    assert Reading.objects.get().at == at
