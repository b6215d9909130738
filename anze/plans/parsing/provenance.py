"""Where each clause and each name came from: page, line and the characters as written (出处).

Located after parsing, against the document's lines as `DocumentText.text` renders them (a table row is one
line, cells joined by " | "), so it works whatever path the text took through the parser (joined page breaks,
run-on lines cut, table cells carried down).
"""

from __future__ import annotations

import bisect
import functools
import re

from .model import Clause, Plan
from .reading import DocumentText
from .text import canonical_punctuation, has_traditional, to_simplified

ROLES = ("lead_leaders", "co_leaders", "lead_units", "responsible_units", "supporting_units")
# Why the office should check a clause before confirming (待核对): stable codes, worded by the importer.
NO_ASSIGNMENT = "no_assignment"  # nobody is assigned: a task the parser could not attribute, or not a task
FROM_WORDING = "from_wording"  # names read from a bracket or sentence without field labels
INHERITED = "inherited"  # names taken from a group heading above, not written at the clause
FIRST_LISTED = "first_listed"  # the lead unit set by the document's 列第一位者为牵头单位 rule
CANNOT_PLACE = "cannot_place"  # the clause's text was not found in the document's lines
_NOISE = re.compile(r"[\s|｜]")
_KEPT = re.compile(r"[^\s|｜]")


class _Line:
    """One line of the document; its comparable key is worked out when first searched."""

    __slots__ = ("_key", "_offsets", "number", "page", "raw", "simplify")

    def __init__(self, number: int, page: int | None, raw: str, simplify: bool) -> None:
        self.number = number
        self.page = page
        self.raw = raw
        self.simplify = simplify
        self._key: str | None = None
        self._offsets: list[int] = []

    @property
    def key(self) -> str:
        """The canonical text without spaces or "|"."""
        if self._key is None:
            self._key = _NOISE.sub("", self._canonical())
        return self._key

    def offset(self, index: int) -> int:
        """Where key[index] sits in raw (worked out only for the lines a name is found in)."""
        if self._key is not None and len(self._key) == len(self.raw):
            return index  # nothing was left out of the key: the offsets are the same
        if not self._offsets:
            self._offsets = [m.start() for m in _KEPT.finditer(self._canonical())]
        return self._offsets[index]

    def _canonical(self) -> str:
        canonical = _canonical(self.raw, self.simplify)
        if len(canonical) != len(self.raw):  # a mark was dropped or a phrase converted: char by char
            canonical = "".join(
                c if len(n := _canonical(c, self.simplify) or " ") != 1 else n for c in self.raw
            )
        return canonical


def _canonical(text: str, simplify: bool) -> str:
    text = canonical_punctuation(text)
    return to_simplified(text) if simplify else text


def document_lines(document: DocumentText) -> list[_Line]:
    """The document's lines with their page (PDF pages; None for other formats)."""
    simplify = has_traditional(document.text)
    lines: list[_Line] = []
    starts = document.page_starts
    page: int | None = None
    for index, block in enumerate(document.blocks):
        if starts:
            page = bisect.bisect_right(starts, index) or 1
        rows = (
            [block] if isinstance(block, str) else [" | ".join(c.replace("\n", "") for c in r) for r in block]
        )
        for raw in rows:
            lines.append(_Line(len(lines) + 1, page, raw, simplify))
    return lines


@functools.lru_cache(maxsize=4096)
def _key(text: str, simplify: bool = True) -> str:
    return _NOISE.sub("", _canonical(text, simplify))


def _find(lines: list[_Line], needle: str, start: int, end: int | None = None) -> tuple[int, int] | None:
    """(line index, offset in its key) of the first line from `start` whose key holds `needle`."""
    if not needle:
        return None
    for index in range(start, len(lines) if end is None else min(end, len(lines))):
        at = lines[index].key.find(needle)
        if at >= 0:
            return index, at
    return None


def _span(line: _Line, at: int, length: int) -> dict[str, object]:
    first = line.offset(at)
    last = line.offset(at + length - 1) + 1
    return {"page": line.page, "line": line.number, "chars": [first, last], "text": line.raw[first:last]}


def attach_provenance(plan: Plan, document: DocumentText, *, first_listed: bool = False) -> None:
    """Set `Clause.source` on every clause: its page and lines, and where each assigned name was read."""
    lines = document_lines(document)
    simplify = bool(lines) and lines[0].simplify
    cursor = 0
    covered: set[int] = set()
    for _, _, clause in plan.iter_clauses():
        originals = [o for o in clause.original_text.splitlines() if _key(o)]
        first = _locate(lines, originals[0] if originals else clause.text, cursor, simplify)
        if first is None:
            clause.source = {"page": None, "lines": None, "fields": {}, "doubts": [CANNOT_PLACE]}
            continue
        last = _locate(lines, originals[-1], first, simplify) if len(originals) > 1 else first
        last = first if last is None else last
        cursor = first
        covered.update(range(first, last + 1))
        fields = _fields(clause, lines, first, last)
        clause.source = {
            "page": lines[first].page,
            "lines": [lines[first].number, lines[last].number],
            "fields": fields,
            "doubts": _doubts(clause, fields, lines[first].number, lines[last].number, first_listed),
        }
    plan.unplaced = unplaced_lines(plan, lines, covered)


_ASSIGNING = re.compile(r"牵头|负责|配合|参与|协同|会同|责任单位|责任领导|分管领导")


def unplaced_lines(plan: Plan, lines: list[_Line], covered: set[int]) -> list[dict[str, object]]:
    """Lines after the first task that read like an assignment but went into no clause (未归入条款的行)."""
    if not covered:
        return []
    start = min(covered)
    return [
        {"page": line.page, "line": line.number, "text": line.raw.strip()}
        for index, line in enumerate(lines)
        if index > start and index not in covered and _ASSIGNING.search(line.key)
    ]


_LABELLED = re.compile(r"[\u4e00-\u9fff]{2,8}[：:]")


def _doubts(clause: Clause, fields: dict, first: int, last: int, first_listed: bool) -> list[str]:
    doubts: list[str] = []
    if not any(getattr(clause, role) for role in ROLES):
        return [NO_ASSIGNMENT]
    original = clause.original_text
    lines = [entry.get("line") for entries in fields.values() for entry in entries]
    own = any(line is not None and first <= line <= last for line in lines)
    if own and "|" not in original and not _LABELLED.search(original):
        doubts.append(FROM_WORDING)
    if any(line is not None and not first <= line <= last + 3 for line in lines):
        doubts.append(INHERITED)
    if first_listed and clause.lead_units and not re.search(r"牵头|主责|会同", original):
        doubts.append(FIRST_LISTED)
    return doubts


def _locate(lines: list[_Line], original: str, start: int, simplify: bool) -> int | None:
    key = _key(original, simplify)
    for length in (len(key), 24, 12, 6):
        found = _find(lines, key[:length], start)
        if found is not None:
            return found[0]
    return None


def _fields(clause: Clause, lines: list[_Line], first: int, last: int) -> dict[str, list[dict[str, object]]]:
    """Where each name of each role was read: the nearest occurrence in or after the clause's lines."""
    out: dict[str, list[dict[str, object]]] = {}
    for role in ROLES:
        for name in getattr(clause, role):
            place = _name_place(name, lines, first, last)
            out.setdefault(role, []).append({"name": name, **(place or {"page": None, "line": None})})
    return out


def _name_place(name: str, lines: list[_Line], first: int, last: int) -> dict[str, object] | None:
    key = _key(name, simplify=False)  # names come out of the parser in Simplified script already
    # A name may be written shorter than it is read (各县区党委、政府 → 各县区政府, 市委宣传部、组织部 → 市委组织部)
    # or wrapped in a narrow table cell (区消防救援支 / 队): look for its longest written part, in the clause's
    # own lines first, then just after them (label lines), then in the group headings above.
    parts = [key[cut:] for cut in range(len(key) - 1)] + [key[:-cut] for cut in range(1, len(key) - 1)]
    for start, end in ((first, last + 1), (last + 1, last + 4), (max(0, first - 12), first)):
        for needle in parts:
            found = _find(lines, needle, start, end)
            if found is not None:
                index, at = found
                return _span(lines[index], at, len(needle))
    return None
