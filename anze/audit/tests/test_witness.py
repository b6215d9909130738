"""The chain's witness outside the database: a signed head, published on a schedule to a file and the auditors'
mail; `anze audit verify --against FILE` catches a rewrite that recomputed every hash, which plain
verification cannot."""

from __future__ import annotations

import io
import json
import shutil
import subprocess

import django
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core import mail
from django.core.management import CommandError, call_command

from anze.audit import witness
from anze.audit.db import TABLE
from anze.audit.models import AuditChainHead, AuditEvent
from anze.audit.tests.helpers import append, raw, triggers_lifted
from anze.core import registry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def witness_home(settings, tmp_path):
    settings.ANZE_AUDIT_WITNESS_DIR = tmp_path / "witness"
    settings.ANZE_AUDIT_WITNESS_KEY_FILE = tmp_path / "keys" / "audit_witness_key"
    settings.ANZE_AUDIT_WITNESS_EMAILS = ["auditor@jw.linyi.gov.cn"]
    settings.ANZE_AUDIT_TSA_URL = ""
    return tmp_path


def run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("audit", *args, stdout=out)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue()
    return 0, out.getvalue()


def rewrite_everything_from(sequence: int, reason: str) -> None:
    """What a database owner can do: edit an event, recompute every later hash and link, and move the head."""
    events = list(AuditEvent.objects.filter(sequence__gte=sequence - 1).order_by("sequence"))
    previous = events[0].hash if sequence > 1 else None
    with triggers_lifted():
        for event in events[1:] if sequence > 1 else events:
            if event.sequence == sequence:
                event.reason = reason
            if previous is not None:
                event.prev_hash = previous
            event.hash = event.computed_hash()
            raw(
                f"UPDATE {TABLE} SET reason = %s, prev_hash = %s, hash = %s WHERE id = %s",
                [event.reason, event.prev_hash, event.hash, event.pk],
            )
            previous = event.hash
        AuditChainHead.objects.filter(pk=1).update(hash=previous)


def test_a_witness_is_a_signed_file_mailed_to_the_auditors_and_audited(witness_home):
    append(5)
    publication = witness.publish_witness()
    document = json.loads(publication.path.read_text())
    assert document["statement"]["sequence"] == 5
    assert document["statement"]["hash"] == AuditEvent.objects.get(sequence=5).hash
    assert document["algorithm"] == "Ed25519" and document["signature"]
    assert witness.read_witness(publication.path)["sequence"] == 5
    [message] = mail.outbox
    assert message.to == ["auditor@jw.linyi.gov.cn"] and document["statement"]["hash"] in message.body
    assert message.attachments[0][0] == publication.path.name
    event = AuditEvent.objects.get(action="audit.witness")
    assert event.sequence == 6 and event.after["hash"] == document["statement"]["hash"]
    assert (witness_home / "keys" / "audit_witness_key").stat().st_mode & 0o777 == 0o600


def test_verify_against_the_witness_catches_a_rewrite_that_plain_verify_misses():
    append(10)
    witnessed = witness.publish_witness().path
    append(4)
    assert run("verify", "--against", str(witnessed))[0] == 0

    rewrite_everything_from(3, "无人知晓的修改")

    code, output = run("verify")
    assert code == 0 and "chain intact" in output  # the rewrite is consistent: the chain alone cannot tell
    code, output = run("verify", "--against", str(witnessed))
    assert code == 1
    assert "#10" in output and "rewritten" in output and "BROKEN" in output


def test_a_rewrite_after_the_witnessed_head_is_not_blamed_on_it():
    append(6)
    witnessed = witness.publish_witness().path
    append(4)
    rewrite_everything_from(9, "见证之后的修改")
    assert run("verify", "--against", str(witnessed))[0] == 0  # what the witness covers still holds


def test_a_chain_cut_back_before_the_witness_is_caught():
    append(6)
    witnessed = witness.publish_witness().path
    with triggers_lifted():
        raw(f"DELETE FROM {TABLE} WHERE sequence >= 5")
        AuditChainHead.objects.filter(pk=1).update(sequence=4, hash=AuditEvent.objects.get(sequence=4).hash)
    assert run("verify")[0] == 0
    code, output = run("verify", "--against", str(witnessed))
    assert code == 1 and "missing" in output


def test_an_edited_or_foreign_witness_is_refused(witness_home):
    append(3)
    path = witness.publish_witness().path
    document = json.loads(path.read_text())
    document["statement"]["hash"] = "0" * 64
    forged = witness_home / "forged.json"
    forged.write_text(json.dumps(document))
    with pytest.raises(CommandError, match="signature does not hold"):
        run("verify", "--against", str(forged))
    other = witness_home / "other.pem"
    other.write_bytes(
        Ed25519PrivateKey.generate()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    with pytest.raises(CommandError, match="another key"):
        run("verify", "--against", str(path), "--public-key", str(other))
    kept = witness_home / "kept.pem"
    kept.write_text(witness.public_key_pem())
    assert run("verify", "--against", str(path), "--public-key", str(kept))[0] == 0


def test_the_witness_is_a_scheduled_job_that_publishes_when_due():
    job = next(job for job in registry.jobs() if job.key == "audit.witness")
    append(2)
    first = job.func(AuditEvent.objects.get(sequence=2).occurred_at)
    assert first is not None and first.statement["sequence"] == 2
    soon = AuditEvent.objects.get(action="audit.witness").occurred_at + witness.interval() / 2
    assert job.func(soon) is None
    later = soon + witness.interval()
    assert job.func(later).statement["sequence"] == 3
    assert AuditEvent.objects.filter(action="audit.witness").count() == 2


def test_a_mail_failure_does_not_stop_the_file(settings):
    # A real SMTP client against a port where nothing listens.
    smtp = "django.core.mail.backends.smtp.EmailBackend"
    if django.VERSION >= (6, 1):
        settings.MAILERS = {"default": {"BACKEND": smtp, "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 5}}}
    else:
        settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT = smtp, "127.0.0.1", 9
    append(1)
    publication = witness.publish_witness()
    assert publication.path.exists() and publication.failures and not publication.mailed_to
    event = AuditEvent.objects.get(action="audit.witness")
    assert not event.success and "mail" in event.reason


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
def test_the_time_stamp_request_is_what_openssl_makes(tmp_path):
    content = b'{"statement": "witness"}\n'
    path = tmp_path / "w.json"
    path.write_bytes(content)
    expected = subprocess.run(
        ["openssl", "ts", "-query", "-data", str(path), "-sha256", "-no_nonce", "-cert"],
        capture_output=True,
        check=True,
    ).stdout
    assert witness.timestamp_request(content) == expected
