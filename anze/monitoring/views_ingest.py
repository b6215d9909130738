"""The HTTP door: a batch of canonical messages uploaded with the enterprise's token.

    POST /monitoring/ingest/   Authorization: Bearer <token>   Content-Type: application/json
    body: one canonical message, or a JSON array of them (docs/monitoring.md)

The answer says how many readings were stored and rejected and why; rejected messages are kept.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from anze.core.permissions import PUBLIC, declare
from anze.monitoring import ingest, services

MAX_BODY = 8 * 1024 * 1024


def _batch(request: HttpRequest) -> tuple[Any, list[tuple[str, bytes]]] | JsonResponse:
    """The token's enterprise and the uploaded messages (topic "http", payload), or the refusal to answer."""
    header = request.headers.get("Authorization", "")
    token = header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else ""
    enterprise = services.enterprise_for_token(token) if token else None
    if enterprise is None:
        return JsonResponse(
            {
                "code": "unauthorized",
                "message": "缺少或无效的上传凭据：请在请求头中提供 Authorization: Bearer <token>。",
            },
            status=401,
        )
    if len(request.body) > MAX_BODY:
        return JsonResponse({"code": "too_large", "message": "请求体超过 8 MB，请分批上传。"}, status=413)
    try:
        data = json.loads(request.body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        data = None
    items = data if isinstance(data, list) else [data]
    payloads = [("http", json.dumps(item, ensure_ascii=False).encode() if item is not None else request.body)
                for item in items]  # fmt: skip
    return enterprise, payloads


def _answer(outcome: Any) -> JsonResponse:
    return JsonResponse(
        {
            "stored": outcome.stored,
            "rejected": outcome.rejected,
            "rejected_messages": outcome.rejected_messages,
            "alarms_raised": outcome.raised,
            "reasons": outcome.reasons[:50],
        },
        status=200 if outcome.rejected_messages == 0 else 207,
    )


@declare(PUBLIC)  # no session: the enterprise's bearer token is checked below
@csrf_exempt  # authenticated by a bearer token, never by a session cookie
@require_POST
def ingest_batch(request: HttpRequest) -> JsonResponse:
    batch = _batch(request)
    if isinstance(batch, JsonResponse):
        return batch
    enterprise, payloads = batch
    return _answer(
        ingest.accept(
            payloads, channel="http", actor=f"monitoring.http:{enterprise.pk}", enterprise=enterprise
        )
    )


@declare(PUBLIC)  # no session: the enterprise's bearer token is checked below
@csrf_exempt  # authenticated by a bearer token, never by a session cookie
@require_POST
def ingest_vehicle_positions(request: HttpRequest) -> JsonResponse:
    """POST /monitoring/ingest/vehicles/ — canonical position messages of the token's enterprise (one, or a
    JSON array of them); answered like the readings' door."""
    from anze.monitoring import vehicles

    batch = _batch(request)
    if isinstance(batch, JsonResponse):
        return batch
    enterprise, payloads = batch
    return _answer(
        vehicles.accept_positions(
            payloads, channel="http", actor=f"monitoring.http:{enterprise.pk}", enterprise=enterprise
        )
    )
