"""Builders for supervision tests: a clause with a duty, open occurrences, a policy, endpoints, a robot server."""

from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

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


class RobotServer:
    """A real HTTP server on 127.0.0.1 standing in for a group robot; fails the first `failures` POSTs with 500."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.requests: list[dict[str, Any]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length).decode("utf-8"))
                server.requests.append(
                    {"path": self.path, "body": body, "type": self.headers["Content-Type"]}
                )
                if len(server.requests) <= server.failures:
                    self.send_response(500)
                    self.end_headers()
                    self.wfile.write(b"internal error")
                    return
                answer = json.dumps({"errcode": 0, "errmsg": "ok"}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> RobotServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
