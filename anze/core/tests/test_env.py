"""Settings come from the environment through strict readers; malformed values stop start-up."""

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from anze.core.env import Env


@pytest.mark.parametrize("raw,expected", [("1", True), ("true", True), ("ON", True), ("0", False), ("no", False)])
def test_bool_accepts_the_usual_spellings(raw, expected):
    assert Env({"ANZE_X": raw}).bool("ANZE_X") is expected


def test_bool_refuses_an_unknown_value_and_names_the_variable():
    with pytest.raises(ImproperlyConfigured, match="ANZE_DEBUG='maybe'"):
        Env({"ANZE_DEBUG": "maybe"}).bool("ANZE_DEBUG")


def test_int_refuses_text_and_values_below_the_floor():
    with pytest.raises(ImproperlyConfigured, match="ANZE_LOCKOUT_FAILURES"):
        Env({"ANZE_LOCKOUT_FAILURES": "five"}).int("ANZE_LOCKOUT_FAILURES", 5)
    with pytest.raises(ImproperlyConfigured, match="minimum of 8"):
        Env({"ANZE_PASSWORD_MIN_LENGTH": "6"}).int("ANZE_PASSWORD_MIN_LENGTH", 8, minimum=8)


def test_url_checks_the_scheme():
    with pytest.raises(ImproperlyConfigured, match="ANZE_DATABASE_URL"):
        Env({"ANZE_DATABASE_URL": "mysql://x/y"}).url("ANZE_DATABASE_URL", schemes=("sqlite", "postgres"))
    assert Env({}).url("ANZE_REDIS_URL", "") == ""


def test_list_splits_on_commas():
    assert Env({"ANZE_ALLOWED_HOSTS": "a.gov.cn, b.gov.cn,"}).list("ANZE_ALLOWED_HOSTS") == ["a.gov.cn", "b.gov.cn"]


def _settings_in_subprocess(env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ANZE_") and k != "DJANGO_SETTINGS_MODULE"}
    return subprocess.run(
        [sys.executable, "-c", "import anze.settings"],
        env={**clean, **env},
        capture_output=True,
        text=True,
        cwd=os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(__file__)))),
    )


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = _settings_in_subprocess({"ANZE_DATA_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "ANZE_SECRET_KEY is not set" in result.stderr


def test_production_refuses_the_development_key(tmp_path):
    key = "anze-insecure-development-key-do-not-use-in-production"
    result = _settings_in_subprocess({"ANZE_DATA_DIR": str(tmp_path), "ANZE_SECRET_KEY": key})
    assert result.returncode != 0
    assert "development default" in result.stderr


def test_a_malformed_variable_stops_start_up_with_its_name(tmp_path):
    result = _settings_in_subprocess({"ANZE_DATA_DIR": str(tmp_path), "ANZE_DEBUG": "perhaps"})
    assert result.returncode != 0
    assert "ANZE_DEBUG='perhaps'" in result.stderr


def test_audit_retention_below_six_months_is_refused(tmp_path):
    result = _settings_in_subprocess(
        {"ANZE_DATA_DIR": str(tmp_path), "ANZE_DEBUG": "1", "ANZE_AUDIT_RETENTION_DAYS": "183"}
    )
    assert result.returncode != 0
    assert "ANZE_AUDIT_RETENTION_DAYS=183" in result.stderr


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(db):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        mode = cursor.fetchone()[0]
    # The in-memory test database cannot use WAL; the file database does (checked in test_sqlite_file_wal).
    assert mode in {"wal", "memory"}
    assert connection.settings_dict["OPTIONS"]["timeout"] >= 1


def test_sqlite_file_database_uses_wal(tmp_path):
    code = (
        "import django; django.setup(); from django.db import connection; c = connection.cursor(); "
        "c.execute('PRAGMA journal_mode'); print(c.fetchone()[0]); c.execute('PRAGMA busy_timeout'); print(c.fetchone()[0])"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ANZE_") and k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "ANZE_DATA_DIR": str(tmp_path), "ANZE_DEBUG": "1", "DJANGO_SETTINGS_MODULE": "anze.settings"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    mode, timeout_ms = result.stdout.split()
    assert mode == "wal"
    assert int(timeout_ms) >= 1000
