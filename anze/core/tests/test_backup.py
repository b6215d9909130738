"""`anze backup` / `anze restore`: a round trip gives back the same site; a wrong target or backup is refused."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.db import connection

from anze.audit.services import record_standalone
from anze.core.backup import BackupError, create_backup, restore_backup, row_counts
from anze.duties import services
from anze.duties.models import Evidence, Occurrence
from anze.duties.scheduling import materialize_occurrences
from anze.duties.tests.conftest import at
from anze.duties.tests.factories import make_clause, make_duty

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


@pytest.fixture
def media_root(settings, tmp_path):
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


@pytest.fixture
def site(transactional_db, org, media_root, request):
    """A small site with committed rows, audit events and evidence files (pg_dump reads committed data)."""
    with time_machine.travel(at("2021-04-08"), tick=False):
        charlie = request.getfixturevalue("charlie")  # the unit role starts on the travelled-to day
        clause = make_clause(org["linyi"], [org["luozhuang_emergency"], org["lanshan_emergency"]])
        make_duty(clause)
        materialize_occurrences(now=at("2021-04-08"), horizon_days=0)
        occurrence = Occurrence.objects.get(unit=org["luozhuang_emergency"], period_start=dt.date(2021, 1, 1))
        services.submit_report(
            occurrence,
            actor=charlie,
            text="3月30日召开一季度安全形势分析会。",
            evidence_on=dt.date(2021, 3, 30),
            files=[("会议纪要.pdf", PDF), ("现场照片.png", PNG)],
        )
    record_standalone("test.backup", actor=None)
    assert Evidence.objects.count() == 2
    return media_root


def _anze(*args: str, database_url: str, media: Path, data: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.update(
        ANZE_TESTING="1",
        ANZE_DATABASE_URL=database_url,
        ANZE_TEST_DATABASE_URL=database_url,
        ANZE_MEDIA_DIR=str(media),
        ANZE_DATA_DIR=str(data),
        DJANGO_SETTINGS_MODULE="anze.test_settings",
    )
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "anze.cli", *args], env=env, capture_output=True, text=True, check=False
    )


@pytest.fixture
def empty_database(tmp_path):
    """The URL of a new, empty database of the same kind as the test database."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    db = connection.settings_dict
    name = f"{db['NAME']}_restore"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    auth = f"{db['USER']}:{db['PASSWORD']}@" if db.get("PASSWORD") else f"{db['USER']}@"
    yield f"postgres://{auth}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_a_round_trip_restores_the_same_rows_a_verifying_chain_and_identical_evidence(
    site, tmp_path, empty_database
):
    before = row_counts()
    create_backup(tmp_path / "backup")
    restored_media = tmp_path / "restored-media"

    restored = _anze("restore", str(tmp_path / "backup"), database_url=empty_database, media=restored_media,
                     data=tmp_path / "data")  # fmt: skip
    verified = _anze(
        "audit", "verify", database_url=empty_database, media=restored_media, data=tmp_path / "data"
    )
    counted = _anze(
        "shell", "-c", "import json; from anze.core.backup import row_counts; print(json.dumps(row_counts()))",
        database_url=empty_database, media=restored_media, data=tmp_path / "data",
    )  # fmt: skip

    assert restored.returncode == 0, restored.stderr
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert json.loads(counted.stdout.strip().splitlines()[-1]) == before
    assert before["duties_evidence"] == 2 and before["audit_auditevent"] > 0
    evidence = _files(site)
    assert len(evidence) == 2
    assert _files(restored_media) == evidence


def test_a_restore_into_a_database_in_use_is_refused(site, tmp_path, settings):
    create_backup(tmp_path / "backup")
    settings.MEDIA_ROOT = str(tmp_path / "empty-media")
    events = row_counts()["audit_auditevent"]

    with pytest.raises(BackupError, match="目标数据库不是空的"):
        restore_backup(tmp_path / "backup")
    assert row_counts()["audit_auditevent"] == events


def test_a_backup_whose_files_do_not_match_the_manifest_is_refused(site, tmp_path, empty_database):
    create_backup(tmp_path / "backup")
    evidence = next(p for p in (tmp_path / "backup" / "media").rglob("*") if p.is_file())
    evidence.write_bytes(evidence.read_bytes() + b"tampered")

    restored = _anze("restore", str(tmp_path / "backup"), database_url=empty_database,
                     media=tmp_path / "restored-media", data=tmp_path / "data")  # fmt: skip

    assert restored.returncode != 0
    assert "校验和不符" in restored.stderr
    assert not (tmp_path / "restored-media").exists()


def test_a_backup_into_a_directory_that_is_not_empty_is_refused(site, tmp_path):
    (tmp_path / "backup").mkdir()
    (tmp_path / "backup" / "old.txt").write_text("x")

    with pytest.raises(BackupError, match="不是空的"):
        create_backup(tmp_path / "backup")
