"""A version diff as a reader sees a document comparison (版本比对): wording side by side with the changed
characters marked, names added or removed, cadences in words (每两个月), never field names or raw data.

Pure functions over the diff dict that `importing.diff_plans` stores, so every version ever imported
reads the same way.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anze.plans.choices import ROLE_KEYS, AssignmentRole

_CN_DIGITS = "零一两三四五六七八九十"
_MONTHS = {1: "每月", 2: "每两个月", 3: "每季度", 4: "每四个月", 6: "每半年", 12: "每年"}


@dataclass(frozen=True)
class Segment:
    """A run of characters, marked when it is what changed."""

    text: str
    changed: bool


@dataclass
class ClauseComparison:
    """One clause of the comparison, ready for a template."""

    change: str
    key: str
    old_key: str | None
    text: str
    old_wording: list[Segment] = field(default_factory=list)
    new_wording: list[Segment] = field(default_factory=list)
    names: list[dict[str, Any]] = field(default_factory=list)
    lines: list[dict[str, str]] = field(default_factory=list)


def _number(n: int) -> str:
    return _CN_DIGITS[n] if 0 <= n <= 10 else str(n)


def cadence_words(rrule: str | None, count: int | None = None) -> str:
    """FREQ=MONTHLY;INTERVAL=2 → 每两个月; with a count per period, 每季度至少2次."""
    parts = dict(p.split("=", 1) for p in (rrule or "").upper().split(";") if "=" in p)
    freq = parts.get("FREQ", "")
    try:
        interval = max(int(parts.get("INTERVAL", "1")), 1)
    except ValueError:
        interval = 1
    if freq == "MONTHLY":
        words = _MONTHS.get(interval) or f"每{_number(interval)}个月"
    elif freq == "YEARLY":
        words = "每年" if interval == 1 else f"每{_number(interval)}年"
    elif freq == "WEEKLY":
        words = "每周" if interval == 1 else f"每{_number(interval)}周"
    elif freq == "DAILY":
        words = {1: "每天", 10: "每旬"}.get(interval) or f"每{_number(interval)}天"
    else:
        words = _("不定期")
    if count and count > 1:
        words += _("至少%(n)s次") % {"n": count}
    return words


def wording(old: str, new: str) -> tuple[list[Segment], list[Segment]]:
    """Old and new text split into runs, the characters that differ marked on each side."""
    matcher = difflib.SequenceMatcher(None, old or "", new or "", autojunk=False)
    before: list[Segment] = []
    after: list[Segment] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if i2 > i1:
            before.append(Segment(old[i1:i2], op != "equal"))
        if j2 > j1:
            after.append(Segment(new[j1:j2], op != "equal"))
    return before, after


def _deadline_words(value: Any) -> str:
    if not value:
        return _("无")
    if isinstance(value, dict):
        if value.get("text"):
            return str(value["text"])
        if value.get("ongoing"):
            return _("长期坚持")
        return str(value.get("date") or _("无"))
    return str(value)


def _duty_words(duty: dict[str, Any]) -> str:
    return f"{cadence_words(duty.get('rrule'), duty.get('count'))}：{duty.get('text') or ''}"


def _duty_lines(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Recurring requirements compared pairwise: a changed cadence says 每季度 → 每两个月."""
    lines: list[dict[str, str]] = []
    for index in range(max(len(before), len(after))):
        a = before[index] if index < len(before) else None
        b = after[index] if index < len(after) else None
        if a and b:
            old_words = cadence_words(a.get("rrule"), a.get("count"))
            new_words = cadence_words(b.get("rrule"), b.get("count"))
            if old_words != new_words:
                lines.append({"label": _("工作频次"), "before": old_words, "after": new_words})
            if (a.get("subject") or "") != (b.get("subject") or ""):
                lines.append(
                    {
                        "label": _("工作主体"),
                        "before": a.get("subject") or "—",
                        "after": b.get("subject") or "—",
                    }
                )
        elif b:
            lines.append({"label": _("新增常态化要求"), "before": "", "after": _duty_words(b)})
        elif a:
            lines.append({"label": _("删除常态化要求"), "before": _duty_words(a), "after": ""})
    return lines


def compare_clause(entry: dict[str, Any]) -> ClauseComparison:
    """One diff entry as wording side by side, names added and removed, and other changes in words."""
    result = ClauseComparison(
        change=entry["change"],
        key=entry.get("key", ""),
        old_key=entry.get("old_key"),
        text=entry.get("text", ""),
    )
    if entry["change"] != "changed":
        return result
    before, after = entry.get("before") or {}, entry.get("after") or {}
    fields = entry.get("fields") or []
    if "text" in fields:
        result.old_wording, result.new_wording = wording(before.get("text") or "", after.get("text") or "")
    for role, key in ROLE_KEYS.items():
        if key not in fields:
            continue
        old_names, new_names = list(before.get(key) or []), list(after.get(key) or [])
        result.names.append(
            {
                "label": str(AssignmentRole(role).label),
                "added": [n for n in new_names if n not in old_names],
                "removed": [n for n in old_names if n not in new_names],
            }
        )
    if "deadline" in fields:
        result.lines.append(
            {
                "label": _("完成时限"),
                "before": _deadline_words(before.get("deadline")),
                "after": _deadline_words(after.get("deadline")),
            }
        )
    if "duties" in fields:
        result.lines.extend(_duty_lines(before.get("duties") or [], after.get("duties") or []))
    if "task" in fields:
        result.lines.append(
            {
                "label": _("所属任务"),
                "before": _("第%(n)s项") % {"n": before.get("task")},
                "after": _("第%(n)s项") % {"n": after.get("task")},
            }
        )
    return result


_PLAN_FIELD_LABELS = {
    "title": gettext_lazy("标题"),
    "doc_number": gettext_lazy("文号"),
    "issued_on": gettext_lazy("印发日期"),
    "issuers": gettext_lazy("印发机关"),
}


def _plain(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value) or "—"
    return str(value) if value not in (None, "") else "—"


def compare_versions(diff: dict[str, Any] | None) -> dict[str, Any] | None:
    """The whole stored diff for a template: the counts, the plan's own changes and each clause."""
    if not diff:
        return None
    return {
        "summary": diff.get("summary") or {},
        "plan_fields": [
            {
                "label": str(_PLAN_FIELD_LABELS.get(f["field"], _("方案信息"))),
                "before": _plain(f.get("before")),
                "after": _plain(f.get("after")),
            }
            for f in diff.get("plan_fields") or []
        ],
        "clauses": [compare_clause(entry) for entry in diff.get("clauses") or []],
    }
