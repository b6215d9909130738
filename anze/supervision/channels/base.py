"""What every channel shares: the errors it raises, the webhook host check and a small JSON POST over https."""

from __future__ import annotations

import functools
import ipaddress
import json
import socket
import ssl
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from django.conf import settings

TIMEOUT_SECONDS = 10
MAX_ANSWER = 2000


THROTTLE_CODES = frozenset({130101, 45009})  # DingTalk "send too fast", WeCom "api freq out of limit"


class ChannelError(RuntimeError):
    """A channel could not deliver; the message says why (recorded on the Delivery)."""


class ChannelThrottled(ChannelError):
    """The platform asked us to slow down: nothing is wrong with the message, it waits and goes later."""

    def __init__(self, message: str, retry_after: int | None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


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


def webhook_host_allowed(url: str) -> bool:
    """Whether the URL's host (and port) is one of ANZE_WEBHOOK_HOSTS; an entry without a port means 443."""
    parts = urllib.parse.urlsplit(url)
    host, port = (parts.hostname or "").lower(), parts.port
    for entry in getattr(settings, "ANZE_WEBHOOK_HOSTS", []):
        entry = entry.strip().lower()
        name, _sep, entry_port = entry.rpartition(":") if entry.count(":") == 1 else (entry, "", "")
        if entry_port:
            if host == name and str(port) == entry_port:
                return True
        elif host == entry and port in (None, 443):
            return True
    return False


def private_addresses(host: str, port: int) -> list[str]:
    """The addresses `host` resolves to that are private, loopback, link-local or otherwise not public."""
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except OSError as exc:
        raise ChannelError(f"cannot resolve {host}: {exc}") from exc
    found = []
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        if not address.is_global:
            found.append(str(address))
    return found


def check_webhook_url(url: str, *, resolve: bool = True) -> None:
    """Refuse (ChannelError) a webhook that is not https, not on an allowed host, carries a user name, or
    points at a private address while ANZE_WEBHOOK_ALLOW_PRIVATE is off."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "https":
        raise ChannelError("webhook address must start with https://")
    if parts.username or parts.password or not parts.hostname:
        raise ChannelError("webhook address must be https://host/path with no user name")
    if not webhook_host_allowed(url):
        raise ChannelError(
            f"webhook host {parts.netloc} is not in ANZE_WEBHOOK_HOSTS "
            f"({', '.join(settings.ANZE_WEBHOOK_HOSTS) or 'empty'})"
        )
    if getattr(settings, "ANZE_WEBHOOK_ALLOW_PRIVATE", False):
        return
    try:
        literal = ipaddress.ip_address(parts.hostname)
    except ValueError:
        literal = None
    if literal is not None and not literal.is_global:
        raise ChannelError(
            f"webhook address {literal} is private; set ANZE_WEBHOOK_ALLOW_PRIVATE=1 to allow it"
        )
    if resolve and literal is None:
        private = private_addresses(parts.hostname, parts.port or 443)
        if private:
            raise ChannelError(
                f"webhook host {parts.hostname} resolves to a private address ({', '.join(private)}); "
                "set ANZE_WEBHOOK_ALLOW_PRIVATE=1 to allow it"
            )


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A robot never redirects; following one could leave the allowed hosts."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@functools.lru_cache(maxsize=4)
def _tls_context(bundle: str | None) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=bundle)


def _opener() -> urllib.request.OpenerDirector:
    context = _tls_context(getattr(settings, "ANZE_WEBHOOK_CA_BUNDLE", "") or None)
    return urllib.request.build_opener(urllib.request.HTTPSHandler(context=context), _NoRedirect)


def _retry_after(value: str | None) -> int | None:
    try:
        return max(1, int(value)) if value else None
    except ValueError:
        return None


def post_json(url: str, payload: dict[str, Any]) -> str:
    """POST `payload` as JSON to an allowed https webhook; the answer body, or ChannelError.

    Group robots answer 200 with {"errcode": 0}; any other errcode is a failure too. A throttling answer
    (HTTP 429, DingTalk errcode 130101, WeCom errcode 45009) raises ChannelThrottled: the message waits.
    """
    check_webhook_url(url)
    request = urllib.request.Request(
        url,
        data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with _opener().open(request, timeout=TIMEOUT_SECONDS) as response:
            body = response.read(MAX_ANSWER * 2).decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        text = exc.read(MAX_ANSWER).decode("utf-8", "replace")
        if exc.code == 429:
            raise ChannelThrottled(f"HTTP 429: {text}", _retry_after(exc.headers.get("Retry-After"))) from exc
        raise ChannelError(f"HTTP {exc.code}: {text}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise ChannelError(f"network error: {exc}") from exc
    try:
        answer = json.loads(body) if body.strip() else {}
    except ValueError:
        answer = {}
    errcode = answer.get("errcode", 0) if isinstance(answer, dict) else 0
    if errcode in THROTTLE_CODES:
        raise ChannelThrottled(f"robot throttled: {body[:MAX_ANSWER]}", None)
    if errcode != 0:
        raise ChannelError(f"robot refused: {body[:MAX_ANSWER]}")
    return body[:MAX_ANSWER]
