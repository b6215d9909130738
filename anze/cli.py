"""The `anze` command: Django's management commands plus Anze's own (demo, audit, serve …).

Run from a checkout after `make run`, the command finds the data directory's keys the way `make run` passes
them: `$ANZE_DATA_DIR/secret_key` (default `var/secret_key`) as ANZE_SECRET_KEY_FILE and
`$ANZE_DATA_DIR/pii_key` as ANZE_PII_KEY, unless those variables are set. A missing or unreadable key is
one line saying what to do, never a traceback. `anze plan parse` signs and stores nothing, so it runs
without any key.
"""

from __future__ import annotations

import os
import secrets
import sys
from collections.abc import MutableMapping
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
KEYLESS_COMMANDS = (("plan", "parse"),)


def data_dir(environ: MutableMapping[str, str]) -> Path:
    """The data directory, as settings.DATA_DIR reads it."""
    return Path((environ.get("ANZE_DATA_DIR") or "").strip() or REPO_DIR / "var").resolve()


def _read_key(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError:
        return ""


def use_data_dir_keys(environ: MutableMapping[str, str], args: list[str]) -> None:
    """Fill in the keys from the data directory's files where no variable names them."""
    directory = data_dir(environ)
    has_secret = (environ.get("ANZE_SECRET_KEY") or "").strip() or (
        environ.get("ANZE_SECRET_KEY_FILE") or ""
    ).strip()
    if not has_secret and _read_key(directory / "secret_key"):
        environ["ANZE_SECRET_KEY_FILE"] = str(directory / "secret_key")
    if not (environ.get("ANZE_PII_KEY") or "").strip():
        pii_key = _read_key(directory / "pii_key")
        if pii_key:
            environ["ANZE_PII_KEY"] = pii_key
    secret_found = (environ.get("ANZE_SECRET_KEY") or "").strip() or (
        environ.get("ANZE_SECRET_KEY_FILE") or ""
    ).strip()
    if not secret_found and tuple(args[:2]) in KEYLESS_COMMANDS:
        # Parsing signs nothing and writes nothing: a key that lives only as long as this process will do.
        environ["ANZE_SECRET_KEY"] = secrets.token_urlsafe(64)


def _one_line(exc: Exception) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def _key_hint(message: str) -> str:
    if "ANZE_PII_KEY is not set" in message:
        where = data_dir(os.environ) / "pii_key"
        return f" ({where} does not exist either: `make run` creates it.)"
    return ""


def settings_problem() -> str:
    """Load the settings; the one-line reason they cannot load, or "" when they do."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        settings.INSTALLED_APPS  # noqa: B018 (loading the settings module is the point)
    except ImproperlyConfigured as exc:
        message = _one_line(exc)
        if "ANZE_SECRET_KEY is not set" in message:
            where = data_dir(os.environ) / "secret_key"
            return (
                f"anze: no secret key: {where} does not exist and ANZE_SECRET_KEY is not set. Run `make run` "
                "once from the repository root (it creates the data directory's keys), or set "
                "ANZE_SECRET_KEY_FILE (or ANZE_DATA_DIR to the data directory that holds secret_key)."
            )
        return f"anze: {message}"
    return ""


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anze.settings")
    use_data_dir_keys(os.environ, args)
    problem = settings_problem()
    if problem:
        print(problem, file=sys.stderr)
        sys.exit(2)
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["anze", *args])
    except ImproperlyConfigured as exc:
        print(f"anze: {_one_line(exc)}{_key_hint(str(exc))}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
