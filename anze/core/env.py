"""Strict readers for settings that come from environment variables."""

from __future__ import annotations

import os
from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class Env:
    """Reads typed values from a mapping; a malformed value names its variable."""

    def __init__(self, environ: Mapping[str, str] | None = None):
        self.environ = os.environ if environ is None else environ

    def _raw(self, name: str) -> str | None:
        value = self.environ.get(name)
        return None if value is None else value.strip()

    def str(self, name: str, default: str = "") -> str:
        raw = self._raw(name)
        return default if raw is None or raw == "" else raw

    def bool(self, name: str, default: bool = False) -> bool:
        raw = self._raw(name)
        if raw is None:
            return default
        lowered = raw.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ImproperlyConfigured(
            f"{name}={raw!r} is not a boolean; use one of 1/0, true/false, yes/no, on/off."
        )

    def int(self, name: str, default: int, *, minimum: int | None = None) -> int:
        raw = self._raw(name)
        if raw is None or raw == "":
            value = default
        else:
            try:
                value = int(raw)
            except ValueError:
                raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
        if minimum is not None and value < minimum:
            raise ImproperlyConfigured(f"{name}={value} is below the minimum of {minimum}.")
        return value

    def list(self, name: str, default: list[str] | None = None) -> list[str]:
        raw = self._raw(name)
        if raw is None or raw == "":
            return list(default or [])
        return [item.strip() for item in raw.split(",") if item.strip()]

    def url(self, name: str, default: str = "", *, schemes: tuple[str, ...] = ()) -> str:
        raw = self.str(name, default)
        if raw and schemes and raw.split("://", 1)[0] not in schemes:
            raise ImproperlyConfigured(
                f"{name}={raw!r} must start with one of: {', '.join(s + '://' for s in schemes)}."
            )
        if raw and "://" not in raw:
            raise ImproperlyConfigured(f"{name}={raw!r} is not a URL (scheme://…).")
        return raw


env = Env()
