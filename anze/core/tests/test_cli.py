"""The real `anze` command, run as the README shows it: it finds the data directory's keys as `make run` does,
says in one line what to do when there are none, and parses a plan without any key."""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from anze.cli import REPO_DIR, data_dir, use_data_dir_keys
from anze.plans.tests.conftest import seed_path

ANZE = Path(sys.executable).parent / "anze"


def run_anze(*args: str, data: Path, **extra: str) -> subprocess.CompletedProcess:
    """The installed `anze` script from the repository root, with no ANZE_* variable but the data directory."""
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith("ANZE_") and k != "DJANGO_SETTINGS_MODULE"
    }
    return subprocess.run(
        [str(ANZE), *args],
        cwd=REPO_DIR,
        env={**clean, "ANZE_DATA_DIR": str(data), **extra},
        capture_output=True,
        text=True,
        timeout=300,
    )


def made_by_make_run(directory: Path) -> Path:
    """The key files `make run` writes into the data directory."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "secret_key").write_text(secrets.token_urlsafe(64) + "\n")
    (directory / "pii_key").write_text(secrets.token_hex(16) + "\n")
    return directory


def database_for_the_command(directory: Path) -> dict[str, str]:
    """The test database where the command finds it: SQLite at the data directory's default place; on
    PostgreSQL the URL a deployment sets."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(directory / "anze.sqlite3")
        connection.connection.backup(target)
        target.close()
        return {}
    db = connection.settings_dict
    return {
        "ANZE_DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    }


def test_the_data_directory_defaults_to_var_in_the_repository():
    assert data_dir({}) == REPO_DIR / "var"
    assert data_dir({"ANZE_DATA_DIR": "/srv/anze"}) == Path("/srv/anze")


def test_keys_are_taken_from_the_data_directory_unless_a_variable_names_them(tmp_path):
    made_by_make_run(tmp_path)
    environ = {"ANZE_DATA_DIR": str(tmp_path)}
    use_data_dir_keys(environ, ["tick"])
    assert environ["ANZE_SECRET_KEY_FILE"] == str(tmp_path / "secret_key")
    assert environ["ANZE_PII_KEY"] == (tmp_path / "pii_key").read_text().strip()
    given = {"ANZE_DATA_DIR": str(tmp_path), "ANZE_SECRET_KEY": "x" * 60, "ANZE_PII_KEY": "ab" * 16}
    use_data_dir_keys(given, ["tick"])
    assert "ANZE_SECRET_KEY_FILE" not in given and given["ANZE_PII_KEY"] == "ab" * 16


def test_plan_parse_needs_no_key(tmp_path):
    result = run_anze("plan", "parse", str(seed_path()), "--json", data=tmp_path / "empty")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["doc_number"] == "办字〔2020〕23号"


@pytest.mark.parametrize(
    "args",
    [("tick",), ("audit", "verify"), ("pii", "rekey"), ("plan", "import", "plan.txt")],
    ids=lambda a: " ".join(a),
)
def test_without_a_key_the_command_says_what_to_do_in_one_line(tmp_path, args):
    result = run_anze(*args, data=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1
    assert "make run" in result.stderr and "ANZE_SECRET_KEY" in result.stderr


def test_without_a_pii_key_rekey_says_what_to_do_in_one_line(tmp_path):
    made_by_make_run(tmp_path)
    (tmp_path / "pii_key").unlink()
    result = run_anze("pii", "rekey", data=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1
    assert "ANZE_PII_KEY is not set" in result.stderr and "make run" in result.stderr


@pytest.mark.django_db(transaction=True)
def test_after_make_run_every_readme_command_works_as_written(org, tmp_path):
    data = made_by_make_run(tmp_path / "var")
    database = database_for_the_command(data)

    imported = run_anze("plan", "import", str(seed_path()), "--region", "371300", data=data, **database)
    assert imported.returncode == 0, imported.stderr
    assert "已导入" in imported.stdout

    ticked = run_anze("tick", data=data, **database)
    assert ticked.returncode == 0, ticked.stderr
    assert "overdue_marked" in json.loads(ticked.stdout)["duties.tick"]  # each registered job's result

    verified = run_anze("audit", "verify", data=data, **database)
    assert verified.returncode == 0, verified.stderr
    assert "chain intact" in verified.stdout

    rekeyed = run_anze("pii", "rekey", data=data, **database)
    assert rekeyed.returncode == 0, rekeyed.stderr
    assert "0 unreadable" in rekeyed.stdout

    parsed = run_anze("plan", "parse", str(seed_path()), "--json", data=data, **database)
    assert parsed.returncode == 0 and json.loads(parsed.stdout)["title"]
