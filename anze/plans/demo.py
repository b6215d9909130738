"""The Linyi plan for `anze demo` (临沂 办字〔2020〕23号, a public document shipped with the package)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.color import color_style

SEED = Path(__file__).parent / "data" / "linyi-2020-23.txt"


def demo_step(*, stdout: Any, now: Any) -> None:
    """Import the Linyi plan once, under the city; name what the plan mentions that matches no unit."""
    from anze.org.models import Region
    from anze.plans import services as plan_services

    style = color_style()
    upload = plan_services.parse_document(SEED.read_bytes(), SEED.name)
    city = Region.objects.get(code="371300")
    result = plan_services.import_plan(upload, actor=None, region=city)
    if result.created:
        stdout.write(style.SUCCESS(f"已导入《{result.plan}》第 {result.version.number} 版。"))
    for name in result.unresolved:
        stdout.write(style.WARNING(f"  未对应：{name}"))
