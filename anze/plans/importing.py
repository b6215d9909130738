"""From an uploaded file to the interchange dict, and comparing two versions clause by clause (导入与比对).

This module only reads the parser's dict form (see docs/plan-format.md), never its classes, so the parser
can change inside without breaking the importer.
"""

from __future__ import annotations

import difflib
import hashlib
import json
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


def content_fingerprint(data: dict[str, Any]) -> str:
    """The SM3 digest of what a plan says, whatever file it came in: front matter, headings, clauses.

    The .docx and the .txt of one plan give the same fingerprint, so importing one after the other is
    recognised as the same content. Only fields the importer reads count (not the parser's extras).
    """
    sections = [
        {
            "number": section.get("number"),
            "title": section.get("title"),
            "tasks": [
                {
                    "number": task.get("number"),
                    "title": task.get("title"),
                    "clauses": [
                        {name: clause.get(name) for name in CLAUSE_FIELDS}
                        for clause in task.get("clauses") or []
                    ],
                }
                for task in section.get("tasks") or []
            ],
        }
        for section in data.get("sections") or []
    ]
    canonical = {**{name: data.get(name) for name in PLAN_FIELDS}, "sections": sections}
    text = json.dumps(canonical, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return sm3_hex(text.encode("utf-8"))


@dataclass(frozen=True)
class ClausePair:
    """One clause of an old and a new version lined up: both (kept or changed), only old, or only new."""

    old: ClauseRef | None
    new: ClauseRef | None

    @property
    def change(self) -> str:
        if self.old is None:
            return "added"
        if self.new is None:
            return "removed"
        return "changed" if changed_fields(self.old, self.new) else "unchanged"


def changed_fields(a: ClauseRef, b: ClauseRef) -> list[str]:
    before, after = _comparable(a), _comparable(b)
    return [name for name in (*CLAUSE_FIELDS, "task") if before.get(name) != after.get(name)]


def align_clauses(old: dict[str, Any] | None, new: dict[str, Any]) -> list[ClausePair]:
    """Line up the clauses of two versions in document order.

    Clauses are aligned by text over the whole plan (so renumbered tasks do not make everything
    "changed"); a replaced clause whose text is still similar is the same clause, changed.
    """
    old_refs = list(iter_clauses(old or {}))
    new_refs = list(iter_clauses(new))
    pairs: list[ClausePair] = []
    matcher = difflib.SequenceMatcher(
        None, [r.clause["text"] for r in old_refs], [r.clause["text"] for r in new_refs], autojunk=False
    )
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            pairs.extend(ClausePair(a, b) for a, b in zip(old_refs[i1:i2], new_refs[j1:j2], strict=True))
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
                pairs.append(ClausePair(a, None))
                continue
            pairs.extend(ClausePair(None, skipped) for skipped in news[next_new:best])
            pairs.append(ClausePair(a, news[best]))
            next_new = best + 1
        pairs.extend(ClausePair(None, rest) for rest in news[next_new:])
    return pairs


def pair_entry(pair: ClausePair) -> dict[str, Any] | None:
    """The diff entry of an aligned pair (added, removed or changed), None when the clause is unchanged."""
    a, b = pair.old, pair.new
    if a is None:
        return {"change": "added", "key": b.key, "task": b.task.get("number"), "text": b.clause["text"]}
    if b is None:
        return {"change": "removed", "key": a.key, "task": a.task.get("number"), "text": a.clause["text"]}
    fields = changed_fields(a, b)
    if not fields:
        return None
    before, after = _comparable(a), _comparable(b)
    return {
        "change": "changed",
        "key": b.key,
        "old_key": a.key,
        "task": b.task.get("number"),
        "text": b.clause["text"],
        "fields": fields,
        "before": {name: before.get(name) for name in fields},
        "after": {name: after.get(name) for name in fields},
    }


def is_same_content(old: dict[str, Any] | None, new: dict[str, Any]) -> bool:
    """Whether two parsed documents say the same thing (e.g. the .docx and the .txt of one plan)."""
    return old is not None and content_fingerprint(old) == content_fingerprint(new)


def diff_plans(old: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, Any]:
    """Clause-by-clause differences from `old` to `new`: added, removed and changed clauses.

    A changed clause carries the fields that changed and their values before and after; the pages turn
    them into wording side by side, names added or removed and cadences in words (plans/comparison.py).
    """
    entries: list[dict[str, Any]] = []
    unchanged = 0
    for pair in align_clauses(old, new):
        entry = pair_entry(pair)
        if entry is None:
            unchanged += 1
        else:
            entries.append(entry)

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
