"""/healthz: database, queue, last scheduled run and audit chain head, for a load balancer and monitoring."""

from __future__ import annotations

import datetime as dt
import json
import socket

import pytest
from django.urls import reverse
from django.utils import timezone

from anze.audit.models import AuditChainHead
from anze.audit.services import record_standalone
from anze.core import registry
from anze.duties.models import JobRun
from anze.duties.scheduling import TICK_JOB, run_tick


def _free_port() -> int:
    # A port nothing listens on: bound and released, so a connection to it is refused.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _redis_listening() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def scheduled(db):
    """The scheduled run has just finished (what `anze tick` and the hourly job record)."""
    return run_tick(now=timezone.now())


def _health(client):
    response = client.get(reverse("core:healthz"))
    return response, json.loads(response.content)


def test_a_healthy_site_answers_200_with_every_part_ok_and_without_login(client, scheduled):
    record_standalone("test.health", actor=None)

    response, body = _health(client)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    assert body["status"] == "ok" and body["failing"] == []
    assert set(body["checks"]) >= {"database", "queue", "schedule", "audit_chain"}
    assert all(check["ok"] for check in body["checks"].values())
    head = AuditChainHead.objects.get(pk=1)
    assert body["checks"]["audit_chain"] == {"ok": True, "sequence": head.sequence, "hash": head.hash}
    assert body["checks"]["schedule"]["job"] == TICK_JOB
    assert body["checks"]["schedule"]["last_success_at"] is not None


def test_the_report_reveals_no_secrets(client, scheduled, settings):
    settings.REDIS_URL = f"redis://:s3cret-pass@127.0.0.1:{_free_port()}/0"

    response, _body = _health(client)

    text = response.content.decode()
    assert settings.SECRET_KEY not in text
    assert "s3cret-pass" not in text
    assert "127.0.0.1" not in text
    assert str(settings.DATABASES["default"]["NAME"]) not in text
    assert "refused" not in text  # the exception's message stays in the log


def test_a_site_whose_scheduled_run_never_finished_answers_503_naming_the_schedule(client, db):
    response, body = _health(client)

    assert response.status_code == 503
    assert body["status"] == "fail"
    assert body["failing"] == ["schedule"]
    assert body["checks"]["schedule"]["last_success_at"] is None


def test_a_stale_scheduled_run_answers_503_even_if_a_later_run_failed(client, scheduled):
    JobRun.objects.filter(name=TICK_JOB).update(
        last_finished_at=timezone.now() - dt.timedelta(hours=4), last_error="RuntimeError: boom"
    )

    response, body = _health(client)

    assert response.status_code == 503
    assert body["failing"] == ["schedule"]
    assert body["checks"]["schedule"]["last_run_failed"] is True
    assert "boom" not in response.content.decode()


def test_redis_down_the_site_keeps_serving_pages_and_healthz_says_the_queue_is_down(
    client, scheduled, alice, signed_in, settings
):
    settings.REDIS_URL = f"redis://127.0.0.1:{_free_port()}/0"
    signed_in(alice)

    page = client.get(reverse("core:home"))
    response, body = _health(client)

    assert page.status_code == 200
    assert response.status_code == 503
    assert body["failing"] == ["queue"]
    assert body["checks"]["queue"] == {"ok": False, "reason": "ConnectionError"}
    assert body["checks"]["database"]["ok"] is True


@pytest.mark.skipif(not _redis_listening(), reason="no Redis at 127.0.0.1:6379")
def test_a_reachable_redis_is_reported_ok(client, scheduled, settings):
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"

    response, body = _health(client)

    assert response.status_code == 200
    assert body["checks"]["queue"] == {"ok": True, "backend": "redis"}


def test_without_redis_the_huey_storage_is_read(client, scheduled, settings):
    settings.REDIS_URL = ""

    _response, body = _health(client)

    assert body["checks"]["queue"]["ok"] is True
    assert body["checks"]["queue"]["pending"] == 0


def test_an_audit_head_that_disagrees_with_the_newest_event_answers_503(client, scheduled):
    record_standalone("test.health", actor=None)
    AuditChainHead.objects.filter(pk=1).update(sequence=999_999)

    response, body = _health(client)

    assert response.status_code == 503
    assert body["failing"] == ["audit_chain"]


def test_a_check_that_raises_is_named_failing_and_the_others_still_run(client, scheduled):
    def broken() -> dict:
        raise RuntimeError("internal detail")

    with registry.isolated():
        registry.add_health_check("test.broken", broken)
        response, body = _health(client)

    assert response.status_code == 503
    assert body["failing"] == ["test.broken"]
    assert body["checks"]["test.broken"] == {"ok": False, "reason": "RuntimeError"}
    assert "internal detail" not in response.content.decode()
    assert body["checks"]["database"]["ok"] is True
