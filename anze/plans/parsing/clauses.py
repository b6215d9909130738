"""Cut a task into clauses, each closed by its own assignment (条款切分), and finish them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .assignments import (
    Assignment,
    Context,
    assignment_only,
    parse_fields,
    split_assignment_brackets,
    trailing_sentence_assignment,
)
from .deadlines import find_deadline
from .duties import find_duties
from .model import Clause
from .names import looks_like_unit, split_units
from .structure import LABEL, TEXT, Item, Node, is_heading_text
from .text import TERMINAL_PUNCTUATION

HEAD = "head"
PARAGRAPH = "para"
SUBITEM = "sub"


@dataclass
class Unit:
    """A paragraph-sized piece of a task: its first line, a paragraph, a label line or a sub-item."""

    kind: str
    text: str
    original: str


@dataclass
class Draft:
    """A clause being assembled: its paragraphs and the assignment that closed it."""

    texts: list[str] = field(default_factory=list)
    originals: list[str] = field(default_factory=list)
    assignment: Assignment | None = None


def task_units(node: Node) -> list[Unit]:
    """Flatten a task's item and everything under it into units, sub-items keeping their marker."""
    units = [Unit(HEAD, node.text, node.original)]

    def walk(parent: Node) -> None:
        for child in parent.children:
            if isinstance(child, Node):
                units.append(Unit(SUBITEM, child.marker + child.text, child.original))
                walk(child)
            elif child.kind == LABEL:
                units.append(Unit(LABEL, child.text, child.original))
            elif child.kind == TEXT:
                units.append(Unit(PARAGRAPH, child.text, child.original))

    walk(node)
    return units


def paragraph_units(children: list[Node | Item]) -> list[Unit]:
    """Units of the paragraphs and label lines directly under a heading (unnumbered tasks)."""
    return [
        Unit(LABEL if c.kind == LABEL else PARAGRAPH, c.text, c.original)
        for c in children
        if isinstance(c, Item) and c.kind in (TEXT, LABEL)
    ]


def split_clauses(units: list[Unit], ctx: Context) -> tuple[str | None, list[Draft], Assignment | None]:
    """Return (title, clause drafts, task-wide assignment) for a task's units."""
    title: str | None = None
    default: Assignment | None = None
    if units and units[0].kind == HEAD and len(units) > 1 and any(u.kind != LABEL for u in units[1:]):
        head = units[0]
        pieces = split_assignment_brackets(head.text, ctx)
        head_text = "".join(text for text, _ in pieces)
        if is_heading_text(head_text) and head_text[-1] not in TERMINAL_PUNCTUATION:
            # "1. 加强组织领导" over its paragraphs: a bare phrase is the task's title, not a clause.
            title = head_text.rstrip("：")
            for _, found in pieces:
                if found:
                    default = _merged(default, found)
            units = units[1:]
            units[0] = Unit(units[0].kind, units[0].text, head.original + "\n" + units[0].original)
    drafts: list[Draft] = []
    pending = Draft()
    for unit in units:
        if unit.kind == LABEL:
            found = parse_fields(unit.text, ctx) or Assignment()
            if pending.texts:
                pending.originals.append(unit.original)
                pending.assignment = found
                drafts.append(pending)
                pending = Draft()
            elif drafts:
                _absorb(drafts[-1], found, unit.original)
            else:
                default = _merged(default, found)
            continue
        for text, found in split_assignment_brackets(unit.text, ctx):
            if found is None and text and unit.kind == PARAGRAPH:
                # A paragraph that ends assigning in words (…。县林业局牵头，各乡镇配合。) closes its clause too.
                found, rest = trailing_sentence_assignment(text, ctx)
                if found:
                    text = "" if assignment_only(text, ctx) else rest
            if text:
                pending.texts.append(text)
            if (text or found) and unit.original not in pending.originals:
                pending.originals.append(unit.original)
            if found is None:
                continue
            if not pending.texts and drafts:
                # A second bracket right after the first adds to the same clause.
                _absorb(drafts[-1], found, unit.original)
                pending = Draft()
                continue
            pending.assignment = found
            drafts.append(pending)
            pending = Draft()
    if pending.texts:
        if drafts:
            # Paragraphs after the last assignment stay with it: the bracket covers the whole task.
            drafts[-1].texts.extend(pending.texts)
            drafts[-1].originals.extend(o for o in pending.originals if o not in drafts[-1].originals)
        else:
            drafts.append(pending)
    return title, drafts, default


def _merged(base: Assignment | None, extra: Assignment) -> Assignment:
    merged = Assignment()
    if base:
        merged.merge(base)
    merged.merge(extra)
    return merged


def _absorb(draft: Draft, found: Assignment, original: str) -> None:
    if draft.assignment is None:
        draft.assignment = Assignment()
    draft.assignment.merge(found)
    if original and original not in draft.originals:
        draft.originals.append(original)


def join_paragraphs(texts: list[str]) -> str:
    """Join a clause's paragraphs: directly after a full stop, on a new line after a bare phrase."""
    out = ""
    for text in texts:
        if not text:
            continue
        if out and out[-1] not in TERMINAL_PUNCTUATION + "”）〕】":
            out += "\n"
        out += text
    return out


def finish_clause(draft: Draft, inherited: list[Assignment], ctx: Context) -> Clause:
    """Turn a draft into a clause: sentence-form assignment, inheritance, deadline, duties."""
    text = join_paragraphs(draft.texts)
    assignment = draft.assignment
    if assignment is None or not assignment.has_people():
        found, text = trailing_sentence_assignment(text, ctx)
        if found:
            assignment = _merged(assignment, found) if assignment else found
    if assignment is None or not assignment.has_people():
        found, text = leading_unit_label(text, ctx)
        if found:
            assignment = _merged(assignment, found) if assignment else found
    assignment = assignment or Assignment()
    if assignment.deadline is None:
        assignment.deadline = find_deadline(text, ctx.year)
    for group in inherited:
        assignment.fill_from(group)
    return Clause(
        text=text,
        lead_leaders=assignment.lead_leaders,
        co_leaders=assignment.co_leaders,
        lead_units=assignment.lead_units,
        responsible_units=assignment.responsible_units,
        supporting_units=assignment.supporting_units,
        deadline=assignment.deadline,
        duties=_duties(text, assignment),
        original_text="\n".join(o for o in draft.originals if o),
    )


def _duties(text: str, assignment: Assignment) -> list:
    """Duties in the clause text, and the cadence written in a 工作频次 or 完成时限 field (每季度, 每月)."""
    duties = find_duties(text)
    for written in (assignment.cadence, assignment.deadline.text if assignment.deadline else None):
        if not written or ("每" not in written and "年" not in written):
            continue  # every frequency phrase has one of these
        for duty in find_duties(written):
            if all(d.rrule != duty.rrule for d in duties):
                duties.append(duty)
    return duties


_LEADING_NAME = re.compile(r"^(?P<name>[^：，。；（）]{2,30})：(?P<rest>.+)$", re.S)


def leading_unit_label(text: str, ctx: Context) -> tuple[Assignment | None, str]:
    """A 职责 list written unit first: `市应急管理局：负责全市安全生产综合监督管理…`."""
    match = _LEADING_NAME.match(text)
    if not match:
        return None, text
    names = split_units(match.group("name"), ctx.known_units)
    if not names or not all(looks_like_unit(name) or name in ctx.known_units for name, _ in names):
        return None, text
    rest = match.group("rest").strip()
    role = "lead_units" if rest.startswith("牵头") else "responsible_units"
    found = Assignment()
    found.add(role, [name for name, _ in names])
    return found, rest


def first_sentence_title(text: str) -> str | None:
    """A task's title when its first sentence is a short phrase followed by more: 严格执行…责任制。"""
    head, mark, rest = text.partition("。")
    if mark and rest.strip() and 4 <= len(head) <= 30 and "，" not in head and "\n" not in head:
        return head
    return None
