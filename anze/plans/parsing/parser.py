"""Parse a plan document into a Plan: lines → front matter → outline → sections, tasks, clauses (解析)."""

from __future__ import annotations

import re
from collections.abc import Collection
from pathlib import Path

from . import errors
from .assignments import (
    FIRST_IS_LEAD_RE,
    LABEL_RE,
    Assignment,
    Context,
    assignment_only,
    heading_assignment,
    parse_field,
    parse_fields,
    split_assignment_brackets,
    strip_assignment_brackets,
    trailing_sentence_assignment,
)
from .clauses import Draft, finish_clause, first_sentence_title, paragraph_units, split_clauses, task_units
from .errors import PlanParseError
from .front import (
    DOC_NUMBER,
    FrontMatter,
    Line,
    is_org_line,
    parse_date_line,
    printed_date,
    read_front_matter,
)
from .model import Plan, Section, Task
from .names import split_concatenated_orgs
from .provenance import attach_provenance
from .reading import DEFAULT_MAX_BYTES, DocumentText, read_document
from .structure import (
    BULLET,
    HEADING_KINDS,
    LABEL,
    TABLE,
    TEXT,
    Item,
    Node,
    build_tree,
    classify,
    is_heading,
    join_broken_lines,
    join_full_lines,
    leaf_kinds,
    split_run_on_line,
)
from .tables import SECTION_MARKER, TableTask, find_text_tables, header_roles, read_table
from .text import canonical_punctuation, is_header_line, is_page_number, squeeze_spaces, to_simplified

_COLOPHON = re.compile(r"^抄送|^(?:[\u4e00-\u9fff]{2,30})?\d{4}年\d{1,2}月\d{1,2}日印发$")
# Sections that set the scene rather than assign work; dropped when nothing in them is assigned.
_PREAMBLE_SECTIONS = re.compile(r"总体要求|指导思想|基本原则|工作目标|主要目标|总体目标|保障措施|组织保障|工作要求|组织实施|"
                                r"有关要求|工作步骤|实施步骤|组织领导|职责分工说明|(?:目标|要求|原则|思想|依据|范围|意义)$")  # fmt: skip


def parse_file(
    path: str | Path,
    *,
    known_units: Collection[str] = (),
    year: int | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Plan:
    """Read and parse a .txt, .docx or .pdf plan document."""
    document = read_document(path, max_bytes=max_bytes)
    return parse_document(document, known_units=known_units, year=year)


def parse_text(text: str, *, known_units: Collection[str] = (), year: int | None = None) -> Plan:
    """Parse the text of a plan document."""
    if not text.strip():
        raise PlanParseError(errors.EMPTY_FILE)
    return parse_document(DocumentText.from_text(text), known_units=known_units, year=year)


def parse_document(
    document: DocumentText, *, known_units: Collection[str] = (), year: int | None = None
) -> Plan:
    """Parse a document read by `read_document` into a Plan."""
    lines = join_full_lines(prepare_lines(document))
    known = frozenset(squeeze_spaces(to_simplified(canonical_punctuation(u))) for u in known_units)
    first = _first_marker(lines)
    front = read_front_matter(lines, first)
    body = _trim_body(lines[front.body_start :], front)
    year = year or _plan_year(front, lines)
    whole = "".join(line.text for line in lines)
    ctx = Context(known_units=known, year=year, first_listed_is_lead=bool(FIRST_IS_LEAD_RE.search(whole)))
    items = join_broken_lines([_item(line) for line in body])
    root = build_tree(items)
    sections = _Sections()
    _visit(root, [], sections, ctx, leaf_kinds(root))
    plan = Plan(
        title=front.title,
        doc_number=front.doc_number,
        issued_on=front.issued_on,
        issuers=front.issuers,
        sections=_drop_preamble_sections(sections.ordered()),
        original_title=front.original_title,
    )
    if not plan.tasks:
        raise PlanParseError(errors.NO_TASKS, **_what_was_seen(lines, items))
    first_listed = ctx.first_listed_is_lead
    plan.locator = lambda located: attach_provenance(located, document, first_listed=first_listed)
    return plan


def _what_was_seen(lines: list[Line], items: list[Item]) -> dict[str, object]:
    """For the no-tasks message: how many lines, which numbering styles, how many tables (and usable ones)."""
    styles: dict[str, int] = {}
    for line in lines:
        if line.table is None:
            item = classify(line)
            if item.marker:
                style = _STYLE_NAMES[item.kind]  # every marker kind has a name
                styles[style] = styles.get(style, 0) + 1
    tables = [line.table for line in lines if line.table is not None]
    usable = sum(1 for rows in tables if any(header_roles(row) for row in rows[:3]))
    return {
        "lines": len(lines),
        "styles": "、".join(f"{name}×{count}" for name, count in styles.items()) or "无",
        "styles_en": ", ".join(f"{name}×{count}" for name, count in styles.items()) or "none",
        "tables": len(tables),
        "usable_tables": usable,
        "labels": sum(1 for item in items if item.kind == LABEL),
    }


_STYLE_NAMES = {
    "part": "第一部分", "cn_section": "一、", "paren_cn": "（一）", "arabic": "1.", "paren_arabic": "（1）",
    "circled": "①", "article": "第一条", "bullet": "●/——",
}  # fmt: skip


def prepare_lines(document: DocumentText) -> list[Line]:
    """Canonicalise lines, read flattened tables, drop blank lines, page numbers and stray headers."""
    lines: list[Line] = []
    texts: list[str] = []

    def flush() -> None:
        texts[:] = [piece for raw in texts for piece in split_run_on_line(raw)]
        # Simplified before the tables are looked for: a table's header in Traditional script is the same table.
        canonical = [to_simplified(canonical_punctuation(raw)) for raw in texts]
        spans = find_text_tables(canonical)
        cursor = 0
        for start, end, rows in spans + [(len(texts), len(texts), [])]:
            for raw, line in zip(texts[cursor:start], canonical[cursor:start], strict=True):
                text = squeeze_spaces(line)
                if text and not is_page_number(text) and not is_header_line(text):
                    lines.append(Line(text, raw.strip()))
            if rows:
                lines.append(Line("", "\n".join(texts[start:end]), table=rows))
            cursor = end
        texts.clear()

    for block in document.blocks:
        if isinstance(block, str):
            texts.append(block)
        else:
            flush()
            lines.append(Line("", "", table=[[to_simplified(cell) for cell in row] for row in block]))
    flush()
    return lines


def _item(line: Line) -> Item:
    if line.table is not None:
        return Item(TABLE, "", line.original, table=line.table)
    return classify(line)


def _first_marker(lines: list[Line]) -> int:
    """Index of the first line that starts the body: a numbered item, a task table, a bullet, a label."""
    for wanted in ("numbered", BULLET):
        for index, line in enumerate(lines):
            if line.table is not None:
                if any(header_roles(row) for row in line.table[:3]):
                    return index
                continue
            kind = classify(line).kind
            if (wanted == BULLET and kind == BULLET) or (
                wanted != BULLET and kind not in (TEXT, LABEL, BULLET)
            ):
                return index
    for index, line in enumerate(lines):
        if LABEL_RE.search(line.text):
            return index
    return len(lines)


def _trim_body(body: list[Line], front: FrontMatter) -> list[Line]:
    """Cut the colophon (抄送/印发) and lift a signature block (bodies + date) out of the body."""
    for index, line in enumerate(body):
        if _COLOPHON.match(line.text):
            body = body[:index]
            break
    kept: list[Line] = []
    for line in body:
        issued = parse_date_line(line.text)
        if issued is None:
            kept.append(line)
            continue
        signers: list[str] = []
        while kept and is_org_line(kept[-1].text) and len(signers) < 4:
            signers[:0] = split_concatenated_orgs(kept.pop().text)
        if front.issued_on is None:
            front.issued_on = issued
            front.issuers = front.issuers or signers
    return kept


def _plan_year(front: FrontMatter, lines: list[Line]) -> int | None:
    if front.issued_on:
        return front.issued_on.year
    if front.doc_number:
        match = DOC_NUMBER.search(front.doc_number)
        if match:
            return int(match["year"])
    printed = printed_date(lines)
    if printed:
        return printed.year
    match = re.search(r"(?<!\d)(20\d\d)年", front.title)
    return int(match.group(1)) if match else None


class _Sections:
    """Sections in order of first appearance, keyed by the heading (or table section) they come from."""

    def __init__(self) -> None:
        self.by_key: dict[object, Section] = {}

    def get(self, key: object, number: str | None, title: str | None) -> Section:
        if key not in self.by_key:
            self.by_key[key] = Section(number=number, title=title)
        return self.by_key[key]

    def ordered(self) -> list[Section]:
        return [s for s in self.by_key.values() if s.tasks]


def _section_for(headings: list[Node], sections: _Sections, ctx: Context) -> Section:
    if not headings:
        return sections.get(None, None, None)
    heading = headings[-1]
    title = strip_assignment_brackets(heading.text, ctx).rstrip("。：；") or None
    return sections.get(id(heading), heading.number or None, title)


def _group_assignments(headings: list[Node], ctx: Context) -> list[Assignment]:
    """Assignments stated by the enclosing headings, nearest first (一、县发改局牵头工作).

    A heading's label lines count up to its first numbered item; under a heading of paragraphs only up to
    the first paragraph, since a label after a paragraph assigns that paragraph (`_add_paragraph_tasks`).
    """
    groups: list[Assignment] = []
    for heading in reversed(headings):
        found = heading_assignment(heading.text, ctx) or Assignment()
        paragraphs_only = not heading.nodes
        for child in heading.children:
            if isinstance(child, Node) or (paragraphs_only and child.kind != LABEL):
                break
            if isinstance(child, Item) and child.kind == LABEL:
                found.merge(_fields(child.text, ctx))
        if not found.is_empty():
            groups.append(found)
    return groups


def _fields(text: str, ctx: Context) -> Assignment:
    return parse_fields(text, ctx) or Assignment()


def _visit(node: Node, headings: list[Node], sections: _Sections, ctx: Context, task_kinds: set[str]) -> None:
    ordinal = 0
    for child in node.children:
        if isinstance(child, Node):
            if is_heading(child, task_kinds) and not _is_task_after_all(child, ctx):
                _visit(child, [*headings, child], sections, ctx, task_kinds)
                continue
            ordinal += 1
            number = child.number if child.kind != BULLET and child.number else str(ordinal)
            _add_task(child, number, headings, sections, ctx)
            for item in child.children:
                # A task table right after a numbered item's lines is not that item's text: read its rows.
                if isinstance(item, Item) and item.kind == TABLE and item.table:
                    _add_table(item.table, headings, sections, ctx)
        elif child.kind == TABLE and child.table:
            _add_table(child.table, headings, sections, ctx)
    if not node.nodes and not any(isinstance(c, Item) and c.kind == TABLE for c in node.children):
        _add_paragraph_tasks(node, headings, sections, ctx)


def _is_task_after_all(node: Node, ctx: Context) -> bool:
    """A heading-like item that is a task: assigned with nothing under it, or owning its sub-items' assignment.

    `十一、加强消防安全治理。（责任单位：市消防救援支队）` groups nothing; `1.深化改革。（1）…（2）…` followed by one
    `（市政务办牵头，…配合）` line assigns the whole item, so the sub-items are its text, not tasks.
    """
    if not node.nodes:
        items = [c for c in node.children if isinstance(c, Item)]
        if any(i.kind != LABEL for i in items):
            return False
        return bool(items) or heading_assignment(node.text, ctx) is not None
    if node.kind in HEADING_KINDS or len(node.nodes) < 2 or any(sub.nodes for sub in node.nodes):
        return False
    last = node.nodes[-1]
    trailing = 0
    for item in reversed(last.children):
        if isinstance(item, Item) and (item.kind == LABEL or assignment_only(item.text, ctx)):
            trailing += 1
        else:
            break
    if not trailing:
        return False
    return not any(_has_own_assignment(sub, ctx) for sub in node.nodes[:-1]) and not _has_own_assignment(
        Node(last.kind, text=last.text, children=last.children[: len(last.children) - trailing]), ctx
    )


def _has_own_assignment(node: Node, ctx: Context) -> bool:
    texts = [node.text] + [c.text for c in node.children if isinstance(c, Item) and c.kind == TEXT]
    if any(isinstance(c, Item) and c.kind == LABEL for c in node.children):
        return True
    return any(found for text in texts for _, found in split_assignment_brackets(text, ctx)) or any(
        trailing_sentence_assignment(text, ctx)[0] for text in texts
    )


def _add_task(node: Node, number: str, headings: list[Node], sections: _Sections, ctx: Context) -> None:
    title, drafts, default = split_clauses(task_units(node), ctx)
    inherited = ([default] if default else []) + _group_assignments(headings, ctx)
    clauses = [finish_clause(draft, inherited, ctx) for draft in drafts]
    if not clauses:
        return
    title = title or first_sentence_title(clauses[0].text)
    _section_for(headings, sections, ctx).tasks.append(Task(number=number, title=title, clauses=clauses))


def _add_paragraph_tasks(node: Node, headings: list[Node], sections: _Sections, ctx: Context) -> None:
    """Paragraphs under a heading with no numbered items: each assigned paragraph group is a task."""
    units = paragraph_units(node.children)
    if node.kind == "root" and not any(u.kind == LABEL or LABEL_RE.search(u.text) for u in units):
        # Unnumbered paragraphs with no heading are tasks only where several of them assign someone.
        assigned = sum(
            1
            for u in units
            if any(found for _, found in split_assignment_brackets(u.text, ctx))
            or trailing_sentence_assignment(u.text, ctx)[0]
        )
        if assigned < 2:
            return
    _, drafts, default = split_clauses(units, ctx)
    inherited = ([default] if default else []) + _group_assignments(headings, ctx)
    section = _section_for(headings, sections, ctx)
    for draft in drafts:
        clause = finish_clause(draft, inherited, ctx)
        if clause.text:
            number = str(len(section.tasks) + 1)
            section.tasks.append(
                Task(number=number, title=first_sentence_title(clause.text), clauses=[clause])
            )


def _add_table(rows: list[list[str]], headings: list[Node], sections: _Sections, ctx: Context) -> None:
    table_tasks = read_table(rows)
    if not table_tasks:
        return
    inherited = _group_assignments(headings, ctx)
    for index, table_task in enumerate(table_tasks, start=1):
        section = _table_section(table_task, headings, sections, ctx)
        clauses = [
            finish_clause(_table_draft(text, fields, table_task, ctx), inherited, ctx)
            for text, fields in table_task.clauses
            if text or fields
        ]
        if not clauses:
            continue
        title = table_task.title or first_sentence_title(clauses[0].text)
        section.tasks.append(Task(number=table_task.number or str(index), title=title, clauses=clauses))


def _table_section(task: TableTask, headings: list[Node], sections: _Sections, ctx: Context) -> Section:
    if task.section is None:
        return _section_for(headings, sections, ctx)
    match = SECTION_MARKER.match(task.section)
    number = None
    title = task.section
    if match:
        number = re.sub(r"[第、.（）部分章篇]", "", match.group(0)) or None
        title = task.section[match.end() :] or task.section
    key = (id(headings[-1]) if headings else None, task.section)
    return sections.get(key, number, title)


def _table_draft(text: str, fields: list[tuple[str, str]], task: TableTask, ctx: Context) -> Draft:
    assignment = Assignment()
    for role, value in fields:
        parse_field(role, value, ctx, assignment)
    if not assignment.has_people():
        found, text = trailing_sentence_assignment(text, ctx)
        if found:
            assignment.merge(found)
    return Draft(texts=[text], originals=[task.original], assignment=assignment)


def _drop_preamble_sections(sections: list[Section]) -> list[Section]:
    def assigned(section: Section) -> bool:
        return any(
            c.lead_leaders or c.co_leaders or c.lead_units or c.responsible_units or c.supporting_units
            for t in section.tasks
            for c in t.clauses
        )

    if not any(assigned(s) for s in sections):
        return sections
    return [s for s in sections if assigned(s) or not _PREAMBLE_SECTIONS.search(s.title or "")]
