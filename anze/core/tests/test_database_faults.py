"""A database that goes away answers a clear 503 page, saves nothing half-way, and is used again as soon as
it returns, without restarting Anze.

Real processes (anze/core/tests/topology.py): a gunicorn node on a copy of the test database, broken for
real. On PostgreSQL the database refuses connections and every open one is cut, which is what a restart or
a failover does to the application; on SQLite another process holds the write lock past the busy timeout.
"""

from __future__ import annotations

import json

import pytest
from django.db import InterfaceError, OperationalError
from django.test import Client
from django.urls import reverse

from anze.core.tests import topology
from conftest import STRONG_PASSWORD

pytestmark = [pytest.mark.topology]

LOGIN = "/accounts/login/"


@pytest.fixture
def shared(transactional_db, alice, django_db_blocker, tmp_path):
    """alice (committed) in a database the test's processes share."""
    with django_db_blocker.unblock(), topology.shared_database(tmp_path) as database:
        yield database


@pytest.fixture
def node(shared, tmp_path):
    # A one-second busy timeout makes SQLite's lock fault show quickly; PostgreSQL ignores it.
    with topology.Cluster(tmp_path, shared, ANZE_SQLITE_BUSY_TIMEOUT="1") as cluster:
        yield cluster.web(workers=1)


def _outage(shared):
    if shared.vendor == "postgresql":
        return topology.postgres_refusing(shared)
    return topology.sqlite_write_locked(shared)


def _sign_in(browser):
    browser.get(LOGIN)
    return browser.post(LOGIN, {"username": "alice", "password": STRONG_PASSWORD})


def _sessions(shared) -> int:
    return shared.scalar("SELECT COUNT(*) FROM django_session")


def test_a_sign_in_while_the_database_is_away_answers_503_and_saves_nothing(shared, node):
    browser = topology.Browser(node.url)
    assert browser.get(LOGIN).status == 200
    sessions_before = _sessions(shared)

    with _outage(shared):
        response = browser.post(LOGIN, {"username": "alice", "password": STRONG_PASSWORD})

    assert response.status == 503
    assert response.headers["retry-after"] == "30"
    assert "服务暂时不可用" in response.body and "本次操作没有保存" in response.body
    assert response.headers["x-request-id"] in response.body  # the error id to quote
    assert "Traceback" not in response.body and "OperationalError" not in response.body
    assert _sessions(shared) == sessions_before
    assert shared.scalar("SELECT last_login FROM accounts_user WHERE username = %s", ("alice",)) is None


def test_the_same_processes_serve_again_when_the_database_returns(shared, node):
    browser = topology.Browser(node.url)
    assert _sign_in(browser).status == 302  # a kept connection, then cut below
    pids_before = node.pid

    with _outage(shared):
        during = topology.Browser(node.url)
        assert _sign_in(during).status == 503

    after = topology.Browser(node.url)
    assert _sign_in(after).status == 302
    assert browser.get("/").status == 200  # the session made before the outage still works
    assert node.alive() and node.pid == pids_before
    health = topology.Browser(node.url).get("/healthz").json()
    assert health["checks"]["database"]["ok"] is True


def test_healthz_and_the_api_name_the_database_while_it_is_away(shared, node):
    if shared.vendor != "postgresql":
        pytest.skip("SQLite keeps answering reads while a writer holds the lock")
    browser = topology.Browser(node.url)
    assert _sign_in(browser).status == 302

    with _outage(shared):
        health = topology.Browser(node.url).get("/healthz")
        api = browser.get("/api/org/units/")

    body = health.json()
    assert health.status == 503
    assert "database" in body["failing"]
    assert body["checks"]["database"] == {"ok": False, "reason": "OperationalError"}
    assert api.status == 503 and api.headers["content-type"] == "application/json"
    assert api.json()["code"] == "database_unavailable"


@pytest.mark.django_db
@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_an_api_request_gets_a_503_json_answer_with_a_code(error, settings, alice):
    # The handler the server calls for an uncaught exception, on the two errors a lost database raises.
    from anze.core.views import server_error

    request = Client().get("/").wsgi_request
    request.path = "/api/org/units/"
    request.request_id = "abc123"
    try:
        raise error("server closed the connection unexpectedly")
    except error:
        response = server_error(request)

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    assert body["code"] == "database_unavailable" and body["error_id"] == "abc123"
    assert "closed" not in response.content.decode()


@pytest.mark.django_db
def test_other_server_errors_keep_the_500_page(alice):
    from anze.core.views import server_error

    request = Client().get(reverse("accounts:login")).wsgi_request
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        response = server_error(request)

    assert response.status_code == 500
    assert "boom" not in response.content.decode()


def test_the_shared_copy_is_made_while_another_session_holds_the_test_database(
    transactional_db, alice, django_db_blocker, tmp_path
):
    """A session the suite cannot close (a live server thread's, kept for CONN_MAX_AGE) stays untouched, and
    the processes still get a copy holding what the test committed."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("a template copy is PostgreSQL's")
    other = topology._pg_connect(connection.settings_dict, connection.settings_dict["NAME"])
    try:
        with django_db_blocker.unblock(), topology.shared_database(tmp_path) as database:
            with topology._pg_connect(database.settings, database.settings["NAME"]) as copy:
                names = copy.execute("SELECT username FROM accounts_user").fetchall()
        assert ("alice",) in names
        assert other.execute("SELECT 1").fetchone() == (1,)  # the other session was left alone
    finally:
        other.close()
