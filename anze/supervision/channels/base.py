"""What every channel shares: the error it raises, the message text and a small JSON POST over urllib."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

TIMEOUT_SECONDS = 10
MAX_ANSWER = 2000


class ChannelError(RuntimeError):
    """A channel could not deliver; the message says why (recorded on the Delivery)."""


def mask_target(target: str) -> str:
    """A channel address fit to show and to audit: an email in full; a webhook as host and path with only the
    last 4 characters of its token (the token is what lets anyone post to the group)."""
    if "://" not in target:
        return target
    parts = urllib.parse.urlsplit(target)
    secret = parts.query or parts.path
    tail = secret[-4:] if len(secret) > 8 else ""
    query = ""
    if parts.query:
        names = [name for name, _value in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)]
        query = "?" + "&".join(f"{name}=" for name in names[:1])
    return f"{parts.hostname or ''}{parts.path if parts.query else ''}{query}…{tail}"


def markdown(notification: Any) -> tuple[str, str]:
    """(title, markdown text) of a notification, in the robots' markdown subset."""
    title = str(notification.title)[:100]
    text = f"### {title}\n\n{notification.body}\n\n> 安责 · {notification.created_at:%Y-%m-%d %H:%M}"
    return title, text


def post_json(url: str, payload: dict[str, Any]) -> str:
    """POST `payload` as JSON; the answer body, or ChannelError on a network error or a non-2xx status.

    Group robots answer 200 with {"errcode": 0}; any other errcode is a failure too.
    """
    if not url.startswith(("https://", "http://")):
        raise ChannelError("webhook address must be an http(s) URL")
    request = urllib.request.Request(
        url,
        data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 - http(s) only
            body = response.read(MAX_ANSWER * 2).decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        raise ChannelError(f"HTTP {exc.code}: {exc.read(MAX_ANSWER).decode('utf-8', 'replace')}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise ChannelError(f"network error: {exc}") from exc
    try:
        answer = json.loads(body) if body.strip() else {}
    except ValueError:
        answer = {}
    if isinstance(answer, dict) and answer.get("errcode", 0) != 0:
        raise ChannelError(f"robot refused: {body[:MAX_ANSWER]}")
    return body[:MAX_ANSWER]
