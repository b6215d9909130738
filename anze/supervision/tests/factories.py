"""Builders for supervision tests: a clause with a duty, occurrences, a policy, endpoints, an HTTPS robot, a clock."""

from __future__ import annotations

import datetime as dt
import functools
import ipaddress
import json
import ssl
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from django.test import override_settings
from django.utils import timezone

from anze.duties.models import Occurrence
from anze.duties.tests.factories import make_clause, make_duty
from anze.supervision.models import Endpoint, EscalationPolicy


def at(day: str, hour: int = 9, minute: int = 0) -> dt.datetime:
    """An aware datetime in Asia/Shanghai."""
    return timezone.make_aware(dt.datetime.fromisoformat(day).replace(hour=hour, minute=minute))


def make_policy(region: Any, **fields: Any) -> EscalationPolicy:
    defaults = {
        "name": "默认督办规则",
        "remind_workdays": 3,
        "case_after_workdays": 5,
        "case_deadline_workdays": 10,
    }
    return EscalationPolicy.objects.create(region=region, **{**defaults, **fields})


def make_occurrences(org: dict, units: list[Any], due_on: dt.date, *, leader: Any = None) -> list[Occurrence]:
    clause = make_clause(org["linyi"], units, leader=leader)
    duty = make_duty(clause, title="每季度召开安全形势分析会")
    start = due_on.replace(day=1)
    return [
        Occurrence.objects.create(duty=duty, unit=unit, period_start=start, period_end=due_on, due_on=due_on)
        for unit in units
    ]


def make_endpoint(region: Any, channel: str, target: str, **fields: Any) -> Endpoint:
    return Endpoint.objects.create(
        name=f"{channel} 群", channel=channel, target=target, region=region, **fields
    )


@functools.cache
def robot_certificate() -> tuple[str, str, str]:
    """A CA and a server certificate for 127.0.0.1 made with `cryptography`: (CA bundle, cert, key) files."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    def name(common: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])

    # Fixed, wide validity: tests freeze the clock (time_machine) but OpenSSL checks against the real one.
    since, until = dt.datetime(2020, 1, 1, tzinfo=dt.UTC), dt.datetime(2045, 1, 1, tzinfo=dt.UTC)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(name("Anze test CA"))
        .issuer_name(name("Anze test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(since)
        .not_valid_after(until)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    leaf = (
        x509.CertificateBuilder()
        .subject_name(name("127.0.0.1"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(since)
        .not_valid_after(until)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    directory = Path(tempfile.mkdtemp(prefix="anze-robot-"))
    files = (directory / "ca.pem", directory / "cert.pem", directory / "key.pem")
    files[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    files[1].write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    files[2].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return tuple(str(f) for f in files)  # type: ignore[return-value]


Answer = tuple[int, dict[str, Any], dict[str, str]]
OK: Answer = (200, {"errcode": 0, "errmsg": "ok"}, {})


class RobotServer:
    """A real HTTPS server on 127.0.0.1 standing in for a group robot, with its own CA trusted by Anze.

    While it runs, ANZE_WEBHOOK_HOSTS names it, private addresses are allowed and ANZE_WEBHOOK_CA_BUNDLE
    trusts its CA. It fails the first `failures` POSTs with HTTP 500; `answers` (status, JSON, headers)
    are given to the next POSTs in turn; every other POST gets {"errcode": 0}. Each request is recorded
    with the time it arrived.
    """

    def __init__(self, failures: int = 0, answers: list[Answer] | None = None) -> None:
        self.failures = failures
        self.answers = list(answers or [])
        self.requests: list[dict[str, Any]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length).decode("utf-8"))
                server.requests.append(
                    {
                        "path": self.path,
                        "body": body,
                        "type": self.headers["Content-Type"],
                        "arrived": time.monotonic(),
                    }
                )
                if len(server.requests) <= server.failures:
                    self.send_response(500)
                    self.end_headers()
                    self.wfile.write(b"internal error")
                    return
                status, data, headers = server.answers.pop(0) if server.answers else OK
                answer = json.dumps(data).encode()
                self.send_response(status)
                for header, value in {"Content-Type": "application/json", **headers}.items():
                    self.send_header(header, value)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: Any) -> None:
                pass

        ca, cert, key = robot_certificate()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        host, port = self.httpd.server_address[:2]
        self.settings = override_settings(
            ANZE_WEBHOOK_HOSTS=[f"{host}:{port}"], ANZE_WEBHOOK_ALLOW_PRIVATE=True, ANZE_WEBHOOK_CA_BUNDLE=ca
        )

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"https://{host}:{port}"

    def __enter__(self) -> RobotServer:
        self.settings.enable()
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.settings.disable()


class FakeClock:
    """The dispatcher's clock in tests: starts at `start` and moves `step` each time it is read."""

    def __init__(self, start: dt.datetime, step: dt.timedelta = dt.timedelta(seconds=1)) -> None:
        self.now, self.step = start, step

    def __call__(self) -> dt.datetime:
        moment = self.now
        self.now += self.step
        return moment

    def advance(self, delta: dt.timedelta) -> None:
        self.now += delta
