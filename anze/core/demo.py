"""Helpers for the apps' `anze demo` steps (registered through anze.core.registry.add_demo_step)."""

from __future__ import annotations

from typing import Any

from django.core.management.color import color_style


def write_counts(stdout: Any, label: str, counts: dict[str, int]) -> None:
    """One line saying what a step added ("<label>已载入：a 1, b 2"), nothing when it added nothing."""
    if counts:
        summary = ", ".join(f"{key} {value}" for key, value in sorted(counts.items()))
        stdout.write(color_style().SUCCESS(f"{label}已载入：{summary}"))
