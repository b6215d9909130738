"""DingTalk (钉钉) group robot: markdown messages, optionally signed (加签) with HMAC-SHA256."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import urllib.parse
from typing import Any

from anze.supervision.channels.base import post_json


def sign(secret: str, timestamp_ms: int) -> str:
    """The `sign` parameter: base64(HMAC-SHA256(key=secret, timestamp + "\\n" + secret)), URL-encoded."""
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest))


def signed_url(url: str, secret: str, timestamp_ms: int) -> str:
    if not secret:
        return url
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}timestamp={timestamp_ms}&sign={sign(secret, timestamp_ms)}"


def payload(title: str, text: str) -> dict[str, Any]:
    return {"msgtype": "markdown", "markdown": {"title": title, "text": text}}


def send(endpoint: Any, message: Any, *, now: dt.datetime) -> str:
    # DingTalk checks the signature's timestamp against its own clock (within an hour), so sign with
    # the real time, not the ladder's business `now`.
    timestamp_ms = int(dt.datetime.now(dt.UTC).timestamp() * 1000)
    return post_json(
        signed_url(endpoint.target, endpoint.secret, timestamp_ms), payload(message.title, message.markdown)
    )
