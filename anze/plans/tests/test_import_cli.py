"""`anze plan parse FILE --json` writes nothing; `anze plan import` imports, once; bad files fail loudly."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from anze.audit.models import AuditEvent
from anze.plans.models import Plan, PlanVersion, SourceDocument
from anze.plans.tests.conftest import seed_path
from anze.plans.tests.factories import bad_inputs, stored_files

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("plan", *args, stdout=out)
    return out.getvalue()


def test_parse_prints_the_interchange_json_and_writes_nothing(media_root):
    output = run("parse", str(seed_path()), "--json")
    data = json.loads(output)
    assert data["doc_number"] == "办字〔2020〕23号"
    assert sum(len(t["clauses"]) for s in data["sections"] for t in s["tasks"]) == 16
    assert "临沂市" in output  # not \u escapes
    assert not Plan.objects.exists() and not AuditEvent.objects.exists() and stored_files(media_root) == []


def test_import_creates_the_plan_once(linyi, media_root):
    output = run("import", str(seed_path()), "--region", "371300")
    assert "第 1 版" in output and "未对应" not in output
    events = AuditEvent.objects.count()
    again = run("import", str(seed_path()), "--region", "371300")
    assert "未变化" in again
    assert PlanVersion.objects.count() == 1 and AuditEvent.objects.count() == events
    assert AuditEvent.objects.get(action="plans.plan.import").source == "command"


def test_dry_run_writes_nothing(linyi, media_root):
    output = run("import", str(seed_path()), "--region", "371300", "--dry-run")
    assert "试运行" in output
    assert (
        not Plan.objects.exists() and not SourceDocument.objects.exists() and stored_files(media_root) == []
    )


@pytest.mark.parametrize("name,content,code", bad_inputs(), ids=lambda v: v if isinstance(v, str) else "")
def test_bad_files_fail_with_the_code_and_write_nothing(linyi, tmp_path, media_root, name, content, code):
    path = tmp_path / name
    path.write_bytes(content)
    for args in (("parse", str(path), "--json"), ("import", str(path), "--region", "371300")):
        with pytest.raises(CommandError, match=code):
            run(*args)
    assert (
        not Plan.objects.exists() and not SourceDocument.objects.exists() and stored_files(media_root) == []
    )


def test_the_command_exits_non_zero_with_the_message_on_stderr(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    proc = subprocess.run(
        [sys.executable, "-m", "anze.cli", "plan", "parse", str(path), "--json"],
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "ANZE_TESTING": "1"},
    )
    assert proc.returncode != 0
    assert "empty_file" in proc.stderr and "文件为空" in proc.stderr
    assert proc.stdout == ""
