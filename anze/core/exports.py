"""Shared helpers for spreadsheet and CSV exports."""

from __future__ import annotations

from typing import Any

# A cell starting with one of these runs as a formula in Excel/WPS (CSV/formula injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Text a spreadsheet would run as a formula is prefixed with a quote (formula injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
