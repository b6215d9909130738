"""From an uploaded file to the interchange dict, and comparing two versions clause by clause (导入与比对).

This module only reads the parser's dict form (see docs/plan-format.md), never its classes, so the parser
can change inside without breaking the importer.
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings

CLAUSE_FIELDS = (
    "text",
    "lead_leaders",
    "co_leaders",
    "lead_units",
    "responsible_units",
    "supporting_units",
    "deadline",
    "duties",
)
PLAN_FIELDS = ("title", "doc_number", "issued_on", "issuers")
MEDIA_TYPES = {
    "txt": "text/plain; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
# Two clause texts at least this similar are "the same clause, changed" rather than one removed, one added.
SAME_CLAUSE_RATIO = 0.5


def sm3_hex(content: bytes) -> str:
    """The SM3 digest of a file's bytes (GB/T 32905), as 64 hex digits."""
    return hashlib.new("sm3", content).hexdigest()


def max_upload_bytes() -> int:
    return int(settings.ANZE_PLAN_MAX_UPLOAD_MB) * 1024 * 1024


def too_large_error(size: int):
    from anze.plans.parsing.errors import FILE_TOO_LARGE, PlanParseError

    return PlanParseError(FILE_TOO_LARGE, size=size, limit=max_upload_bytes())


@dataclass(frozen=True)
class ParsedUpload:
    """A file that parsed: its bytes, digest, media type and the plan as a dict."""

    content: bytes
    filename: str
    sm3: str
    media_type: str
    data: dict[str, Any]


def parse_upload(content: bytes, filename: str, *, known_units: tuple[str, ...] = ()) -> ParsedUpload:
    """Read and parse a plan document; raises the parser's PlanParseError (with a stable code) on bad input."""
    from anze.plans import parsing
    from anze.plans.parsing.errors import NO_TASKS, PlanParseError

    limit = max_upload_bytes()
    if len(content) > limit:
        raise too_large_error(len(content))
    document = parsing.read_document(content, filename, max_bytes=limit)
    parse_document = getattr(parsing, "parse_document", None)
    if parse_document is not None:
        plan = parse_document(document, known_units=known_units)
    else:
        plan = parsing.parse_text(document.text, known_units=known_units)
    try:
        data = plan.to_dict(include_original=True)
    except TypeError:
        data = plan.to_dict()
    if not any(True for _ in iter_clauses(data)):
        raise PlanParseError(NO_TASKS, name=filename)
    media_type = MEDIA_TYPES.get(getattr(document, "format", ""), "application/octet-stream")
    return ParsedUpload(content, filename, sm3_hex(content), media_type, data)


@dataclass(frozen=True)
class ClauseRef:
    """A clause of the dict with where it sits and its key (任务编号.段序, e.g. "1.2")."""

    section_index: int
    task_index: int
    clause_index: int
    key: str
    section: dict[str, Any]
    task: dict[str, Any]
    clause: dict[str, Any]


def iter_clauses(data: dict[str, Any]) -> Iterator[ClauseRef]:
    """Every clause in document order with a key unique in the plan."""
    seen: set[str] = set()
    for s, section in enumerate(data.get("sections") or []):
        for t, task in enumerate(section.get("tasks") or []):
            for c, clause in enumerate(task.get("clauses") or []):
                key = f"{task.get('number') or t + 1}.{c + 1}"
                if key in seen:  # task numbers restart in each section: qualify with the section
                    key = f"{section.get('number') or s + 1}.{key}"
                while key in seen:
                    key += "'"
                seen.add(key)
                yield ClauseRef(s, t, c, key, section, task, clause)


def plan_counts(data: dict[str, Any]) -> dict[str, int]:
    """How many sections, tasks, clauses and suggested duties a parsed plan has."""
    sections = data.get("sections") or []
    clauses = list(iter_clauses(data))
    return {
        "sections": sum(1 for s in sections if s.get("number") or s.get("title")) or len(sections),
        "tasks": sum(len(s.get("tasks") or []) for s in sections),
        "clauses": len(clauses),
        "duties": sum(len(ref.clause.get("duties") or []) for ref in clauses),
    }


def _comparable(ref: ClauseRef) -> dict[str, Any]:
    values = {name: ref.clause.get(name) for name in CLAUSE_FIELDS}
    values["task"] = ref.task.get("number")
    return values


def _similarity(a: str, b: str) -> float:
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < SAME_CLAUSE_RATIO or matcher.quick_ratio() < SAME_CLAUSE_RATIO:
        return 0.0
    return matcher.ratio()


def diff_plans(old: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, Any]:
    """Clause-by-clause differences from `old` to `new`: added, removed and changed clauses.

    Clauses are aligned by text over the whole plan (so renumbered tasks do not make everything
    "changed"); a replaced clause whose text is still similar counts as changed, with the fields that
    changed and their values before and after.
    """
    old_refs = list(iter_clauses(old or {}))
    new_refs = list(iter_clauses(new))
    entries: list[dict[str, Any]] = []

    def added(ref: ClauseRef) -> None:
        entries.append(
            {"change": "added", "key": ref.key, "task": ref.task.get("number"), "text": ref.clause["text"]}
        )

    def removed(ref: ClauseRef) -> None:
        entries.append(
            {"change": "removed", "key": ref.key, "task": ref.task.get("number"), "text": ref.clause["text"]}
        )

    def compare(a: ClauseRef, b: ClauseRef) -> bool:
        before, after = _comparable(a), _comparable(b)
        fields = [name for name in (*CLAUSE_FIELDS, "task") if before.get(name) != after.get(name)]
        if fields:
            entries.append(
                {
                    "change": "changed",
                    "key": b.key,
                    "old_key": a.key,
                    "task": b.task.get("number"),
                    "text": b.clause["text"],
                    "fields": fields,
                    "before": {name: before.get(name) for name in fields},
                    "after": {name: after.get(name) for name in fields},
                }
            )
        return not fields

    unchanged = 0
    matcher = difflib.SequenceMatcher(
        None, [r.clause["text"] for r in old_refs], [r.clause["text"] for r in new_refs], autojunk=False
    )
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            unchanged += sum(compare(a, b) for a, b in zip(old_refs[i1:i2], new_refs[j1:j2], strict=True))
            continue
        olds, news = old_refs[i1:i2], new_refs[j1:j2]
        next_new = 0
        for a in olds:
            best, best_ratio = None, SAME_CLAUSE_RATIO
            for index in range(next_new, len(news)):
                ratio = _similarity(a.clause["text"], news[index].clause["text"])
                if ratio >= best_ratio:
                    best, best_ratio = index, ratio
            if best is None:
                removed(a)
                continue
            for skipped in news[next_new:best]:
                added(skipped)
            unchanged += compare(a, news[best])
            next_new = best + 1
        for rest in news[next_new:]:
            added(rest)

    plan_fields = [
        {"field": name, "before": (old or {}).get(name), "after": new.get(name)}
        for name in PLAN_FIELDS
        if old is not None and (old or {}).get(name) != new.get(name)
    ]
    summary = {
        kind: sum(1 for e in entries if e["change"] == kind) for kind in ("added", "removed", "changed")
    }
    summary["unchanged"] = unchanged
    return {"summary": summary, "plan_fields": plan_fields, "clauses": entries}
