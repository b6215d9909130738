"""A witness of the audit chain outside the database (ADR 0003).

The chain catches an edited row, but whoever owns the database can edit a row, recompute every later hash
and move the head, and the chain then verifies. A witness stops that: on a schedule the head (its sequence
and hash) is written down as a signed statement and published where a database administrator has no hand:

- a file in `ANZE_AUDIT_WITNESS_DIR` (default `$ANZE_DATA_DIR/audit-witness/`), for off-site keeping (ship it
  with the logs to the SOC, or to write-once storage);
- the auditors' inboxes (`ANZE_AUDIT_WITNESS_EMAILS`), with the file attached;
- optionally an RFC 3161 time-stamping authority (`ANZE_AUDIT_TSA_URL`), whose signed reply (`.tsr`) is kept
  beside the file and proves the statement existed at that time.

The statement is signed with Ed25519 (`cryptography`) under the key in `ANZE_AUDIT_WITNESS_KEY_FILE` (default
`$ANZE_DATA_DIR/audit_witness_key`, created with mode 600 on first use); the auditor keeps the public key
(`anze audit witness --public-key`). `anze audit verify --against FILE` checks the signature, recomputes every
hash from #1 to the witnessed sequence and compares the last with the witnessed hash: a rewrite anywhere
before the witnessed head, however consistent, no longer arrives at the same hash.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import logging
import os
import secrets
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from anze.audit.models import AuditChainHead, AuditEvent
from anze.audit.partitions import archived
from anze.audit.services import record
from anze.audit.verify import verify_chain

logger = logging.getLogger(__name__)

FORMAT = "anze-audit-witness/1"
ALGORITHM = "Ed25519"
WITNESS_ACTOR = "audit-witness"


class WitnessError(ValueError):
    """A witness file that cannot be read or whose signature does not hold."""


# -- settings ---------------------------------------------------------------------------------------------


def witness_dir() -> Path:
    return Path(getattr(settings, "ANZE_AUDIT_WITNESS_DIR", "") or settings.DATA_DIR / "audit-witness")


def key_file() -> Path:
    return Path(
        getattr(settings, "ANZE_AUDIT_WITNESS_KEY_FILE", "") or settings.DATA_DIR / "audit_witness_key"
    )


def interval() -> dt.timedelta:
    return dt.timedelta(hours=int(getattr(settings, "ANZE_AUDIT_WITNESS_HOURS", 24)))


# -- keys -------------------------------------------------------------------------------------------------


def signing_key() -> Ed25519PrivateKey:
    """The witness key; created (mode 600) when the file does not exist yet."""
    path = key_file()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
        return key
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise WitnessError(f"{path} does not hold an Ed25519 private key")
    return key


def public_key_pem(key: Ed25519PrivateKey | None = None) -> str:
    public = (key or signing_key()).public_key()
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def _raw_public(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(public: Ed25519PublicKey) -> str:
    """A short name of a public key (SM3 of its raw bytes), printed in every witness."""
    return hashlib.new("sm3", _raw_public(public)).hexdigest()[:16]


def load_public_key(pem: bytes) -> Ed25519PublicKey:
    public = serialization.load_pem_public_key(pem)
    if not isinstance(public, Ed25519PublicKey):
        raise WitnessError("the public key is not an Ed25519 key")
    return public


# -- the statement ----------------------------------------------------------------------------------------


def canonical(statement: dict[str, Any]) -> bytes:
    return json.dumps(statement, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def head_statement(now: dt.datetime) -> dict[str, Any]:
    """What is witnessed: the chain head's sequence and hash, when, and where."""
    head = AuditChainHead.objects.filter(pk=1).first()
    return {
        "format": FORMAT,
        "sequence": head.sequence if head else 0,
        "hash": head.hash if head else "",
        "witnessed_at": now.astimezone(dt.UTC).isoformat(),
        "site": (settings.ALLOWED_HOSTS or ["anze"])[0],
    }


def sign(statement: dict[str, Any], key: Ed25519PrivateKey) -> dict[str, Any]:
    public = key.public_key()
    return {
        "statement": statement,
        "algorithm": ALGORITHM,
        "key_id": key_id(public),
        "public_key": base64.b64encode(_raw_public(public)).decode(),
        "signature": base64.b64encode(key.sign(canonical(statement))).decode(),
    }


def read_witness(path: Path, *, trusted: Ed25519PublicKey | None = None) -> dict[str, Any]:
    """The statement of a witness file whose signature holds under the trusted key (default: this site's)."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
        statement = document["statement"]
        signature = base64.b64decode(document["signature"], validate=True)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise WitnessError(f"{path} is not a witness file: {exc}") from exc
    if statement.get("format") != FORMAT or document.get("algorithm") != ALGORITHM:
        raise WitnessError(f"{path}: unknown witness format or algorithm")
    public = trusted or signing_key().public_key()
    try:
        public.verify(signature, canonical(statement))
    except InvalidSignature:
        raise WitnessError(
            f"{path}: the signature does not hold under key {key_id(public)} (the file was changed, or signed "
            f"with another key: {document.get('key_id')})"
        ) from None
    return statement


# -- publishing -------------------------------------------------------------------------------------------


@dataclass
class Publication:
    """One witness and where it went."""

    statement: dict[str, Any]
    path: Path
    mailed_to: list[str] = field(default_factory=list)
    timestamp_path: Path | None = None
    failures: list[str] = field(default_factory=list)


def publish_witness(*, now: dt.datetime | None = None) -> Publication:
    """Sign the current head and publish it: the file, the auditors' mail, the TSA when configured.

    A destination that fails is reported (and written to the audit event) without stopping the others;
    the file is always written first. One audit event records the publication.
    """
    now = now or timezone.now()
    key = signing_key()
    statement = head_statement(now)
    document = sign(statement, key)
    content = json.dumps(document, ensure_ascii=False, indent=2).encode() + b"\n"
    directory = witness_dir()
    directory.mkdir(parents=True, exist_ok=True)
    stamp = now.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    path = directory / f"audit-witness-{statement['sequence']:012d}-{stamp}.json"
    path.write_bytes(content)
    publication = Publication(statement, path)
    _mail(publication, content)
    _timestamp(publication, content)
    with transaction.atomic():
        record(
            "audit.witness",
            actor=WITNESS_ACTOR,
            obj=("audit.auditchainhead", str(statement["sequence"]), f"#{statement['sequence']}"),
            after={
                "sequence": statement["sequence"],
                "hash": statement["hash"],
                "file": path.name,
                "mailed_to": publication.mailed_to,
                "timestamped": publication.timestamp_path is not None,
            },
            success=not publication.failures,
            reason="; ".join(publication.failures),
        )
    return publication


def _mail(publication: Publication, content: bytes) -> None:
    recipients = list(getattr(settings, "ANZE_AUDIT_WITNESS_EMAILS", []) or [])
    if not recipients:
        return
    statement = publication.statement
    message = EmailMessage(
        subject=f"[安责] 审计链见证 #{statement['sequence']}",
        body=(
            f"审计链头：第 {statement['sequence']} 条\n哈希（SM3）：{statement['hash']}\n"
            f"见证时间：{statement['witnessed_at']}\n\n请保存本邮件及附件（已签名）。核对：anze audit verify --against "
            f"{publication.path.name}\n"
        ),
        to=recipients,
    )
    message.attach(publication.path.name, content, "application/json")
    try:
        message.send()
    except Exception as exc:  # noqa: BLE001 (a mail failure must not stop the file and the event)
        publication.failures.append(f"mail: {exc}")
        logger.warning("audit witness mail failed: %s", exc)
    else:
        publication.mailed_to = recipients


# -- RFC 3161 ---------------------------------------------------------------------------------------------


def _der(tag: int, body: bytes) -> bytes:
    length = len(body)
    if length < 0x80:
        return bytes([tag, length]) + body
    size = length.to_bytes((length.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(size)]) + size + body


def _der_int(value: int) -> bytes:
    raw = value.to_bytes(value.bit_length() // 8 + 1, "big", signed=False)
    return _der(0x02, raw)


SHA256_OID = bytes.fromhex("0609608648016503040201")  # 2.16.840.1.101.3.4.2.1


def timestamp_request(content: bytes, *, nonce: int | None = None) -> bytes:
    """A DER TimeStampReq (RFC 3161 §2.4.1) for SHA-256 of `content`, asking for the TSA's certificate."""
    imprint = _der(0x30, _der(0x30, SHA256_OID + b"\x05\x00") + _der(0x04, hashlib.sha256(content).digest()))
    fields = _der_int(1) + imprint
    if nonce is not None:
        fields += _der_int(nonce)
    fields += b"\x01\x01\xff"  # certReq TRUE
    return _der(0x30, fields)


def _timestamp(publication: Publication, content: bytes) -> None:
    url = getattr(settings, "ANZE_AUDIT_TSA_URL", "") or ""
    if not url:
        return
    request = urllib.request.Request(
        url,
        data=timestamp_request(content, nonce=secrets.randbits(63)),
        headers={"Content-Type": "application/timestamp-query"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (a configured https URL)
            reply = response.read(1024 * 1024)
    except OSError as exc:
        publication.failures.append(f"tsa: {exc}")
        logger.warning("audit witness time-stamp failed: %s", exc)
        return
    path = publication.path.with_suffix(".tsr")
    path.write_bytes(reply)
    publication.timestamp_path = path


# -- the schedule -----------------------------------------------------------------------------------------


def latest_witness_time() -> dt.datetime | None:
    event = AuditEvent.objects.filter(action="audit.witness", success=True).order_by("-sequence").first()
    return event.occurred_at if event else None


def witness_when_due(now: dt.datetime) -> Publication | None:
    """The scheduled job (`anze tick`, hourly): publish when the last witness is older than the interval."""
    last = latest_witness_time()
    if last is not None and now - last < interval():
        return None
    return publish_witness(now=now)


# -- checking against a witness ---------------------------------------------------------------------------


@dataclass
class WitnessCheck:
    """What `verify --against` found."""

    statement: dict[str, Any]
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_against(path: Path, *, trusted: Ed25519PublicKey | None = None) -> WitnessCheck:
    """Recompute every hash from #1 to the witnessed head and compare the last with the witnessed hash."""
    statement = read_witness(path, trusted=trusted)
    check = WitnessCheck(statement)
    sequence, witnessed = int(statement["sequence"]), statement["hash"]
    if sequence == 0:
        return check
    # Events detached past the retention are proven up to the hash their detachment recorded (partitions.py).
    gone = archived()
    through = gone.through if gone is not None and gone.through < sequence else 0
    result = verify_chain(start=1, limit=sequence - through)
    for problem in result.problems:
        check.problems.append(f"#{problem.sequence} {problem.kind}: {problem.message}")
    event = AuditEvent.objects.filter(sequence=sequence).first()
    if event is None:
        check.problems.append(f"#{sequence}, the witnessed head, is missing: the chain was cut back")
    elif event.hash != witnessed or event.computed_hash() != witnessed:
        check.problems.append(
            f"#{sequence} hashes to {event.computed_hash()[:16]}…, the witness of {statement['witnessed_at']} says "
            f"{witnessed[:16]}…: the chain up to #{sequence} was rewritten (its hashes recomputed)"
        )
    elif result.checked != sequence - through:
        check.problems.append(f"only {result.checked} of the {sequence - through} witnessed events were found")
    return check
