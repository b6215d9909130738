"""Deployment-level controls the accounts app owns: SM self-test, superusers, default accounts, the admin
network, the nightly account job, and the API schema."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.hashers import check_password
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from anze.accounts import checks, crypto, services
from anze.accounts.models import User
from anze.accounts.roles import Role
from anze.accounts.tests.helpers import make_admin, sign_in_admin
from anze.audit.models import AuditEvent
from conftest import STRONG_PASSWORD, make_user


def test_sm3_and_sm4_known_answers():
    assert crypto.sm3_hex(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    assert (
        crypto.sm4_ecb_encrypt_block(crypto.SM4_KEY, crypto.SM4_KEY).hex()
        == "681edf34d206965e86b3e94f536e4246"
    )
    assert crypto.self_test_failures() == []
    assert checks.check_sm_algorithms() == []


def test_a_failing_sm_self_test_is_a_system_check_error(monkeypatch):
    monkeypatch.setattr(crypto, "SM3_ABC", "0" * 64)
    monkeypatch.setattr(checks, "self_test_failures", crypto.self_test_failures)
    [error] = checks.check_sm_algorithms()
    assert error.id == "anze.E003" and error.level >= 40


def test_sm_self_test_is_registered():
    from django.core.checks import registry

    assert checks.check_sm_algorithms in registry.registry.get_checks()


@override_settings(DEBUG=False)
def test_active_superuser_fails_the_check_in_production(db):
    User.objects.create_superuser("ops_zhang", password=STRONG_PASSWORD)
    [error] = checks.check_no_active_superuser()
    assert error.id == "anze.E001" and error.level >= 40


@override_settings(DEBUG=False)
def test_inactive_superuser_passes_the_check(db):
    User.objects.create_superuser("ops_zhang", password=STRONG_PASSWORD, is_active=False)
    assert checks.check_no_active_superuser() == []


@override_settings(DEBUG=True)
def test_superuser_is_tolerated_in_debug(db):
    User.objects.create_superuser("ops_zhang", password=STRONG_PASSWORD)
    assert checks.check_no_active_superuser() == []


@pytest.mark.parametrize("name", ["admin", "Root", "test", "SA"])
def test_default_account_names_fail_the_check(name, db):
    User.objects.create_user(name, password=STRONG_PASSWORD)
    with override_settings(DEBUG=False):
        [error] = checks.check_no_default_accounts()
        assert error.id == "anze.E002" and error.level >= 40
    with override_settings(DEBUG=True):
        [warning] = checks.check_no_default_accounts()
        assert warning.id == "anze.W002"


def test_a_fresh_database_has_no_default_accounts_or_superuser(db):
    assert not User.objects.filter(username__in=["admin", "root", "test", "sa"]).exists()
    assert not User.objects.filter(is_superuser=True).exists()
    with override_settings(DEBUG=False):
        assert checks.check_no_default_accounts() == []
        assert checks.check_no_active_superuser() == []


@pytest.mark.parametrize("password", ["admin", "123456", "password", "admin123", "Admin@123"])
def test_no_known_default_password_verifies(password, alice):
    assert not check_password(password, alice.password)


# -- the administration network (等保 L3-CES1-19) --------------------------------------------------------


@pytest.fixture
def security(org):
    return make_admin("sec_li", Role.SECURITY_ADMIN)


@pytest.mark.parametrize("path", ["/admin/", "/accounts/manage/users/", "/api/manage/anything/"])
def test_admin_paths_from_outside_the_allow_list_are_refused(path, security, client, settings):
    sign_in_admin(client, security)
    settings.ANZE_SECURITY = {**settings.ANZE_SECURITY, "ADMIN_ALLOWED_NETWORKS": ["10.20.0.0/16"]}
    response = client.get(path, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action="access.denied", reason__contains="allow-list").count() == 1


def test_admin_paths_from_the_allow_list_work(security, client, settings):
    sign_in_admin(client, security)
    settings.ANZE_SECURITY = {**settings.ANZE_SECURITY, "ADMIN_ALLOWED_NETWORKS": ["10.20.0.0/16"]}
    assert client.get(reverse("accounts:user_list"), REMOTE_ADDR="10.20.3.4").status_code == 200


def test_management_api_answers_with_a_code(client, settings, db):
    settings.ANZE_SECURITY = {**settings.ANZE_SECURITY, "ADMIN_ALLOWED_NETWORKS": ["10.20.0.0/16"]}
    response = client.get("/api/manage/users/", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 403 and response.json()["code"] == "admin_network"


def test_ordinary_pages_are_not_limited_by_network(alice, signed_in, settings):
    client = signed_in(alice)
    settings.ANZE_SECURITY = {**settings.ANZE_SECURITY, "ADMIN_ALLOWED_NETWORKS": ["10.20.0.0/16"]}
    assert client.get(reverse("accounts:profile"), REMOTE_ADDR="203.0.113.9").status_code == 200


# -- the nightly account job (等保 L3-CES1-07) ------------------------------------------------------------


def test_nightly_job_stops_idle_and_expired_accounts_once(org):
    now = timezone.now()
    idle = make_user("idle_user")
    User.objects.filter(pk=idle.pk).update(last_login=now - dt.timedelta(days=91))
    never = make_user("never_user")
    User.objects.filter(pk=never.pk).update(last_login=None, date_joined=now - dt.timedelta(days=100))
    expired = make_user("expired_user", valid_until=now - dt.timedelta(hours=1))
    User.objects.filter(pk=expired.pk).update(last_login=now)
    recent = make_user("recent_user")
    User.objects.filter(pk=recent.pk).update(last_login=now - dt.timedelta(days=89))
    new = make_user("new_user")  # never signed in, joined today

    assert services.deactivate_idle_accounts(now=now) == 3
    assert services.deactivate_idle_accounts(now=now) == 0  # safe to run twice
    states = dict(User.objects.values_list("username", "is_active"))
    assert states == {
        "idle_user": False,
        "never_user": False,
        "expired_user": False,
        "recent_user": True,
        "new_user": True,
    }
    events = AuditEvent.objects.filter(action="accounts.user.deactivate")
    assert events.count() == 3
    assert {e.actor_label for e in events} == {"system"}
    assert events.get(object_id=str(expired.public_id)).reason == "account validity ended"
    new.refresh_from_db()
    assert new.is_active and new.last_login is None  # the new account is left exactly as it was
    assert not events.filter(object_id=str(new.public_id)).exists()


def test_deactivated_idle_account_cannot_sign_in(org, client):
    now = timezone.now()
    idle = make_user("idle_user")
    User.objects.filter(pk=idle.pk).update(last_login=now - dt.timedelta(days=91))
    services.deactivate_idle_accounts(now=now)
    response = client.post(reverse("accounts:login"), {"username": "idle_user", "password": STRONG_PASSWORD})
    assert response.status_code == 200 and "已停用" in response.content.decode()


def test_nightly_job_is_scheduled_at_two(db):
    from anze.accounts import tasks

    task = tasks.deactivate_idle_accounts_nightly.task_class()
    assert task.validate_datetime(dt.datetime(2026, 3, 1, 2, 0))
    assert not task.validate_datetime(dt.datetime(2026, 3, 1, 3, 0))
    assert tasks.deactivate_idle_accounts_nightly.call_local() == 0


def test_bootstrap_command_creates_the_first_security_admin_only(db):
    from io import StringIO

    from django.core.management import CommandError, call_command

    call_command(
        "createsecurityadmin",
        "--username",
        "sec_first",
        "--password-stdin",
        stdin=StringIO("Chu-Shi-Mi-Ma-9\n"),
        stdout=StringIO(),
    )
    user = User.objects.get(username="sec_first")
    assert user.has_role(Role.SECURITY_ADMIN) and user.must_change_password
    with pytest.raises(CommandError, match="security_admin_exists"):
        call_command(
            "createsecurityadmin",
            "--username",
            "sec_second",
            "--password-stdin",
            stdin=StringIO("Chu-Shi-Mi-Ma-9\n"),
            stdout=StringIO(),
        )


# -- declarations and the schema -----------------------------------------------------------------------


def test_every_accounts_route_declares_its_permission():
    from django.urls import get_resolver

    from anze.core.permissions import declared_action

    resolver = get_resolver()
    missing = []
    for namespace in ("accounts",):
        for name in resolver.namespace_dict[namespace][1].reverse_dict:
            if isinstance(name, str):
                continue
            if declared_action(name) is None:
                missing.append(name)
    assert not missing


def test_api_routes_declare_their_permission():
    from django.urls import resolve

    from anze.core.permissions import declared_action

    for name in ("api:auth-token", "api:auth-logout", "api:auth-password", "api:users-me"):
        assert declared_action(resolve(reverse(name)).func), name


def test_schema_generates_without_warnings():
    from django.urls import include, path
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    GENERATOR_STATS.reset()
    # Only this app's routes: other apps' schemas are their own tests' business.
    generator = SchemaGenerator(patterns=[path("api/", include(("anze.accounts.api.urls", "api")))])
    schema = generator.get_schema(request=None, public=True)
    paths = schema["paths"]
    assert "/api/auth/token/" in paths and "/api/users/me/" in paths
    own = [p for p in paths if p.startswith(("/api/auth/", "/api/users/"))]
    assert own
    assert not GENERATOR_STATS._warn_cache and not GENERATOR_STATS._error_cache
