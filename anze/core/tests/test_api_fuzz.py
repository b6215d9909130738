"""schemathesis over the OpenAPI schema, bounded, on every run of the suite; `make fuzz` runs it in full
(scripts/fuzz.py: the Linyi demo, six personas, fifty examples per operation).

Here: the suite's personas (office, unit, auditor) with an API token each against a live server on the test
database; every operation gets generated requests, valid and invalid. No answer may be a server error, and
every answer must have the content type and, for documented statuses, the body the schema says.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

ST = Path(sys.executable).parent / "st"
CHECKS = "not_a_server_error,response_schema_conformance,content_type_conformance"
# Signing in, out and changing the password would end the persona's token in the middle of the run.
SIGN_IN_PATHS = "^/api/auth/"

pytestmark = [
    pytest.mark.topology,
    pytest.mark.skipif(shutil.which(str(ST)) is None, reason="schemathesis is not installed (pip install -e .[dev])"),
]


@pytest.fixture
def schema_file(tmp_path):
    target = tmp_path / "schema.json"
    call_command("spectacular", "--format", "openapi-json", "--file", str(target))
    return target


def _failures(done: subprocess.CompletedProcess) -> str:
    """The failures schemathesis reports (its FAILURES section onwards), for the assertion message."""
    start = done.stdout.find("FAILURES")
    return done.stdout[max(start, 0) :][:8000] + done.stderr[-2000:]


def _fuzz(schema_file: Path, base: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [str(ST), "run", str(schema_file), "--url", base, "--checks", CHECKS, "--phases", "fuzzing",
         "--max-examples", "2", "--workers", "1", "--seed", "2026", "--generation-database", "none",
         "--suppress-health-check", "all", "--no-color", "--request-timeout", "60", *args],  # fmt: skip
        cwd=schema_file.parent,  # schemathesis keeps its state in the working directory
        capture_output=True,
        text=True,
        timeout=900,
    )


@pytest.mark.parametrize("persona", ["alice", "charlie", "dave"])
def test_no_server_error_and_every_answer_as_the_schema_says(
    persona, request, transactional_db, live_server, schema_file
):
    from rest_framework.authtoken.models import Token

    user = request.getfixturevalue(persona)
    token = Token.objects.create(user=user)

    done = _fuzz(
        schema_file, live_server.url, "--header", f"Authorization: Token {token.key}",
        "--exclude-path-regex", SIGN_IN_PATHS,
    )  # fmt: skip

    assert done.returncode == 0, _failures(done)
    assert "API Operations" in done.stdout  # it ran


def test_the_sign_in_endpoints_without_a_token(transactional_db, live_server, schema_file, alice):
    done = _fuzz(schema_file, live_server.url, "--include-path-regex", SIGN_IN_PATHS)

    assert done.returncode == 0, _failures(done)


@pytest.mark.django_db
def test_an_api_address_that_matches_no_endpoint_answers_json(client, alice):
    client.force_login(alice)

    response = client.post("/api/accidents/a.b/handle/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content)["code"] == "not_found"
