"""Station standards (消防站建设标准): checklists loaded from data/station_standards.json, and the gaps of a
station against its checklist (pure: counts in, gaps out)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

DATA_FILE = Path(__file__).parent / "data" / "station_standards.json"


@dataclass(frozen=True)
class ChecklistItem:
    """One line of a standard: `kind` is "staff" (members) or "equipment" (equipment counted by `code`)."""

    code: str
    name: str
    kind: str
    minimum: int
    unit: str


@dataclass(frozen=True)
class Standard:
    key: str
    title: str
    source: str
    certainty: str
    items: tuple[ChecklistItem, ...]


@cache
def standards(path: str = str(DATA_FILE)) -> dict[str, Standard]:
    """Every standard in the data file, by key (the StationLevel value it applies to)."""
    raw: dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))
    result = {}
    for key, body in raw["standards"].items():
        items = tuple(
            ChecklistItem(
                code=item["code"],
                name=item["name"],
                kind=item["kind"],
                minimum=int(item["minimum"]),
                unit=item.get("unit", ""),
            )
            for item in body["items"]
        )
        for item in items:
            if item.kind not in ("staff", "equipment") or item.minimum < 0:
                raise ValueError(f"{path}: {key}/{item.code}: kind must be staff or equipment, minimum ≥ 0")
        result[key] = Standard(key, body["title"], body["source"], body.get("certainty", ""), items)
    return result


def gaps(standard: Standard, *, staff: int, equipment: dict[str, int]) -> list[dict[str, Any]]:
    """The lines of `standard` the station falls short of: what, how many it has, how many it needs."""
    found = []
    for item in standard.items:
        have = staff if item.kind == "staff" else equipment.get(item.code, 0)
        if have < item.minimum:
            found.append(
                {
                    "code": item.code,
                    "name": item.name,
                    "unit": item.unit,
                    "have": have,
                    "need": item.minimum,
                    "short": item.minimum - have,
                }
            )
    return found


def describe(found: list[dict[str, Any]]) -> str:
    """The gaps in one line: "消防车（水罐或泡沫）缺 1 辆；指战员缺 5 人"."""
    return "；".join(f"{g['name']}缺 {g['short']} {g['unit']}" for g in found)
