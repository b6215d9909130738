"""The `anze` command: Django's management commands plus Anze's own (demo, audit, serve …)."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anze.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["anze", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
