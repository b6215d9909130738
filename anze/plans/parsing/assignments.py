"""Who is assigned: labelled brackets and lines, sentences, headings (分工: 牵头领导, 牵头单位, 责任单位…)."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field

from .deadlines import parse_deadline
from .model import Deadline
from .names import (
    looks_like_leader_post,
    looks_like_unit,
    split_leaders,
    split_top_level,
    split_units,
)
from .text import CLOSERS, OPENERS

LEAD_LEADERS = "lead_leaders"
CO_LEADERS = "co_leaders"
LEAD_UNITS = "lead_units"
RESPONSIBLE_UNITS = "responsible_units"
SUPPORTING_UNITS = "supporting_units"
DEADLINE = "deadline"
CADENCE = "cadence"
ROLES = (LEAD_LEADERS, CO_LEADERS, LEAD_UNITS, RESPONSIBLE_UNITS, SUPPORTING_UNITS)

# Field labels (字段标签) and the role each fills; the longest label wins where one contains another.
LABELS: dict[str, str] = {
    **dict.fromkeys(
        ["牵头领导", "责任领导", "分管领导", "牵头负责领导", "牵头市领导", "责任市领导", "牵头县领导", "牵头区领导",
         "牵头负责同志", "包保领导", "联系领导", "牵头省领导", "责任省领导", "市级领导", "县级领导", "分管省领导",
         "分管市领导", "分管县领导", "分管区领导", "分管旗领导", "责任县领导", "责任区领导", "牵头领导同志",
         "分管负责同志", "省级领导", "区级领导", "牵头省级领导", "牵头市级领导"], LEAD_LEADERS),
    **dict.fromkeys(["分工负责领导", "协管领导", "配合领导", "协助领导", "分工领导", "协助负责领导"], CO_LEADERS),
    **dict.fromkeys(
        ["牵头单位", "牵头部门", "牵头责任单位", "牵头责任部门", "主责单位", "主责部门", "主办单位", "牵头处室",
         "牵头科室", "牵头机构"], LEAD_UNITS),
    **dict.fromkeys(
        ["责任单位", "责任部门", "实施单位", "落实单位", "承办单位", "责任主体", "主体责任单位", "具体责任单位",
         "责任处室", "责任科室", "责任机构"], RESPONSIBLE_UNITS),
    **dict.fromkeys(
        ["配合单位", "配合部门", "参与单位", "参与部门", "协同单位", "协同部门", "协办单位", "协办部门", "协助单位",
         "协作单位", "配合处室", "协助部门", "协同责任单位", "配合责任单位", "协办责任单位", "参加单位", "参加部门",
         "参与责任单位", "协同部门", "协作部门", "配合科室"], SUPPORTING_UNITS),
    **dict.fromkeys(
        ["完成时限", "完成时间", "时间节点", "时限要求", "完成期限", "时间进度", "进度安排", "时间安排", "时限",
         "时间要求", "进度要求", "完成时点"], DEADLINE),
    **dict.fromkeys(["工作频次", "频次", "检查频次", "工作频率", "频率", "推进频次", "报送频次"], CADENCE),
}  # fmt: skip
_LABEL_ALT = "|".join(sorted(LABELS, key=len, reverse=True))
LABEL_RE = re.compile(rf"(?P<label>{_LABEL_ALT})\s*[：]")
LABEL_LINE_RE = re.compile(rf"^(?:{_LABEL_ALT})\s*[：]")
FIRST_IS_LEAD_RE = re.compile(
    r"(?:排|列|放|居|写)(?:在|于)?(?:第一|首|第1|最前)(?:位|个)?(?:的|者)?(?:单位|部门)?(?:为|是|系)牵头"
)


@dataclass
class Assignment:
    """The leaders, units and deadline assigned to a clause or a group of tasks (分工)."""

    lead_leaders: list[str] = field(default_factory=list)
    co_leaders: list[str] = field(default_factory=list)
    lead_units: list[str] = field(default_factory=list)
    responsible_units: list[str] = field(default_factory=list)
    supporting_units: list[str] = field(default_factory=list)
    deadline: Deadline | None = None
    # A 工作频次 field or column as written (每季度): suggested as a recurring duty of the clause.
    cadence: str | None = None

    def is_empty(self) -> bool:
        """Return whether nothing is assigned."""
        return not any(getattr(self, role) for role in ROLES) and self.deadline is None

    def has_people(self) -> bool:
        """Return whether any leader or unit is assigned."""
        return any(getattr(self, role) for role in ROLES)

    def add(self, role: str, names: list[str]) -> None:
        """Append names to a role, keeping order and dropping repeats."""
        current: list[str] = getattr(self, role)
        current.extend(n for n in names if n and n not in current)

    def merge(self, other: Assignment) -> None:
        """Add everything from another assignment."""
        for role in ROLES:
            self.add(role, getattr(other, role))
        self.deadline = self.deadline or other.deadline
        self.cadence = self.cadence or other.cadence

    def fill_from(self, parent: Assignment) -> None:
        """Take each role that is still empty from a group's assignment (分组继承)."""
        for role in ROLES:
            if not getattr(self, role):
                self.add(role, getattr(parent, role))
        self.deadline = self.deadline or parent.deadline


@dataclass(frozen=True)
class Context:
    """What the assignment parser knows about the document."""

    known_units: Collection[str] = ()
    year: int | None = None
    first_listed_is_lead: bool = False


# Sentence forms (句式分工) on one comma-separated part; x and y must read as names.
_SENTENCE_FORMS: list[tuple[re.Pattern[str], str, str | None]] = [
    (re.compile(r"^(?:由)?(?P<x>.+?)会同(?P<y>.+?)(?:共同)?(?:负责|组织实施|落实|实施|推进|牵头)?$"), LEAD_UNITS,
     SUPPORTING_UNITS),
    (re.compile(r"^(?:由)?(?P<x>.+?)(?:牵头负责|牵头落实|牵头抓总|牵头|为牵头单位|为牵头部门)$"), LEAD_UNITS, None),
    (re.compile(r"^(?:由)?(?P<x>.+?)(?:等)?(?:配合落实|配合|参与|参加|协同|协助|协办|指导|支持)$"), SUPPORTING_UNITS, None),
    (re.compile(
        r"^(?:由)?(?P<x>.+?)(?:按照?职责分工负责|按照?职责分工落实|按照?职责负责|按照?职责落实|分别负责|负责落实|"
        r"具体负责|共同负责|抓好落实|组织落实|组织实施|负责|落实)$"), RESPONSIBLE_UNITS, None),
]  # fmt: skip
_LEADER_ROLE = {LEAD_UNITS: LEAD_LEADERS, RESPONSIBLE_UNITS: LEAD_LEADERS, SUPPORTING_UNITS: CO_LEADERS}


def _names_of(chunk: str, ctx: Context) -> tuple[list[str], list[str]] | None:
    """Split a chunk into (units, leader posts) if every item reads as one, else None."""
    if not chunk or "牵头" in chunk:
        return None
    items = split_units(chunk, ctx.known_units)
    if not items:
        return None
    units: list[str] = []
    leaders: list[str] = []
    for name, _ in items:
        if looks_like_leader_post(name):
            leaders.append(re.sub(r"同志$", "", name))
        elif looks_like_unit(name) or name in ctx.known_units:
            units.append(name)
        else:
            return None
    return units, leaders


def sentence_form(part: str, ctx: Context) -> Assignment | None:
    """Read one part such as 市甲局牵头 or 由市甲局会同市乙局负责 as an assignment."""
    part = part.strip(" 。；，")
    for pattern, role_x, role_y in _SENTENCE_FORMS:
        match = pattern.match(part)
        if not match:
            continue
        found = Assignment()
        for group, role in (("x", role_x), ("y", role_y)):
            if role is None:
                continue
            names = _names_of(match.group(group), ctx)
            if names is None:
                found = None
                break
            found.add(role, names[0])
            found.add(_LEADER_ROLE[role], names[1])
        if found is not None and found.has_people():
            return found
    return None


def _classify_unlabelled(part: str, ctx: Context) -> Assignment | None:
    """Read an unlabelled part: a sentence form, a plain list of units, a leader post or a deadline."""
    found = sentence_form(part, ctx)
    if found:
        return found
    names = _names_of(part, ctx)
    if names:
        found = Assignment()
        found.add(RESPONSIBLE_UNITS, names[0])
        found.add(LEAD_LEADERS, names[1])
        return found
    deadline = parse_deadline(part, ctx.year)
    if deadline and (deadline.date or deadline.ongoing) and len(part) <= 20:
        return Assignment(deadline=deadline)
    return None


def parse_unlabelled(content: str, ctx: Context) -> Assignment | None:
    """Parse bracket content without labels; every comma part must be recognised."""
    parts = split_top_level(content, "，；")
    if not parts:
        return None
    result = Assignment()
    for part in parts:
        found = _classify_unlabelled(part, ctx)
        if found is None:
            return None
        result.merge(found)
    _apply_first_is_lead(result, ctx)
    return result


def _apply_first_is_lead(result: Assignment, ctx: Context) -> None:
    # Some plans say once "列第一位者为牵头单位" instead of labelling each lead unit: the first unit of
    # every later list leads and the others support it.
    if ctx.first_listed_is_lead and not result.lead_units and result.responsible_units:
        result.lead_units.append(result.responsible_units.pop(0))
        result.supporting_units[:0] = [
            u for u in result.responsible_units if u not in result.supporting_units
        ]
        result.responsible_units.clear()


def parse_field(role: str, value: str, ctx: Context, into: Assignment) -> None:
    """Parse one labelled field value into an assignment."""
    value = value.strip(" 。；，、")
    if not value:
        return
    if role == DEADLINE:
        into.deadline = into.deadline or parse_deadline(value, ctx.year)
        return
    if role == CADENCE:
        into.cadence = into.cadence or value
        return
    if role in (LEAD_LEADERS, CO_LEADERS):
        lead, co = split_leaders(value)
        into.add(role, lead)
        into.add(CO_LEADERS, co)
        return
    if _SUBLABEL_RE.match(value):
        # A cell such as 牵头：市应急局；配合：市工信局 under one 责任单位 column.
        marks = list(_SUBLABEL_RE.finditer(value))
        for index, mark in enumerate(marks):
            end = marks[index + 1].start() if index + 1 < len(marks) else len(value)
            parse_field(_SUBLABELS[mark.group("sub")], value[mark.end() : end], ctx, into)
        return
    for part in split_top_level(value, "，；"):
        found = sentence_form(part, ctx)
        if found:
            into.merge(found)
            continue
        for name, note in split_units(part, ctx.known_units):
            into.add({"lead": LEAD_UNITS, "supporting": SUPPORTING_UNITS}.get(note or "", role), [name])


_SUBLABELS = {
    **dict.fromkeys(["牵头", "主责", "主办"], LEAD_UNITS),
    **dict.fromkeys(["责任", "负责", "落实"], RESPONSIBLE_UNITS),
    **dict.fromkeys(["配合", "协同", "协办", "协助", "参与", "参加"], SUPPORTING_UNITS),
}
_SUBLABEL_RE = re.compile(rf"(?:^|(?<=[；，。\s]))(?P<sub>{'|'.join(_SUBLABELS)})(?:单位|部门)?：")


def parse_fields(content: str, ctx: Context) -> Assignment | None:
    """Parse labelled fields (牵头领导：…；责任单位：…) found at the top level of a text."""
    labels = [m for m in LABEL_RE.finditer(content) if _depth_at(content, m.start()) == 0]
    if not labels:
        return None
    result = Assignment()
    head = content[: labels[0].start()].strip(" ；，。")
    if head:
        found = parse_unlabelled(head, ctx)
        if found:
            result.merge(found)
    for index, match in enumerate(labels):
        end = labels[index + 1].start() if index + 1 < len(labels) else len(content)
        parse_field(LABELS[match.group("label")], content[match.end() : end], ctx, result)
    if (
        not result.lead_units
        and ctx.first_listed_is_lead
        and not any(LABELS[m.group("label")] == LEAD_UNITS for m in labels)
    ):
        _apply_first_is_lead(result, ctx)
    return result


def _depth_at(text: str, index: int) -> int:
    depth = 0
    for char in text[:index]:
        if char in OPENERS:
            depth += 1
        elif char in CLOSERS:
            depth = max(0, depth - 1)
    return depth


def bracket_spans(text: str) -> list[tuple[int, int]]:
    """Return (start, end) of each top-level bracket pair; nested brackets of any kind are balanced."""
    spans: list[tuple[int, int]] = []
    depth = 0
    start = 0
    for index, char in enumerate(text):
        if char in OPENERS:
            if depth == 0:
                start = index
            depth += 1
        elif char in CLOSERS and depth:
            depth -= 1
            if depth == 0:
                spans.append((start, index + 1))
    return spans


def _closes_sentence(text: str, start: int, end: int) -> bool:
    """An unlabelled bracket is an assignment only where it ends a sentence or the paragraph."""
    after = text[end:].lstrip()
    before = text[:start].rstrip()
    return (not after or after[0] in "。；") and (
        not before or before[-1] in "。；，" or not after.strip("。；")
    )


_ASSIGNING_VERB = re.compile(r"牵头|负责|配合|参与|参加|协同|协助|会同")


def _ends_clause(text: str, end: int) -> bool:
    after = text[end:].lstrip()
    return not after or after[0] in "。；"


def split_assignment_brackets(text: str, ctx: Context) -> list[tuple[str, Assignment | None]]:
    """Cut a paragraph at its assignment brackets: [(text before, assignment), …, (rest, None)]."""
    pieces: list[tuple[str, Assignment | None]] = []
    cursor = 0
    for start, end in bracket_spans(text):
        content = text[start + 1 : end - 1].strip()
        found = None
        if LABEL_LINE_RE.match(content):
            found = parse_fields(content, ctx)
        elif _closes_sentence(text, start, end):
            labelled = LABEL_RE.search(content)
            found = parse_fields(content, ctx) if labelled else parse_unlabelled(content, ctx)
        elif _ends_clause(text, end) and _ASSIGNING_VERB.search(content):
            # …底数（市应急局牵头）；推进… — several groups in one task, each closing its own clause.
            found = parse_unlabelled(content, ctx)
        if found is None:
            continue
        # Punctuation right after the bracket belongs to the sentence before it: …培训（…）。
        tail = re.match(r"[。；，\s]*", text[end:])
        tail_text = tail.group(0).strip() if tail else ""
        pieces.append(((text[cursor:start] + tail_text).strip(), found))
        cursor = end + (tail.end() if tail else 0)
    rest = text[cursor:]
    inline = _inline_labels_at(rest)
    if inline is not None:
        found = parse_fields(rest[inline:], ctx)
        if found is not None:
            pieces.append((rest[:inline].strip().rstrip("，、"), found))
            return pieces
    pieces.append((rest.strip(), None))
    return pieces


def _inline_labels_at(text: str) -> int | None:
    """Where labelled fields start after a sentence on the same line: …工作。牵头单位：市甲局。"""
    for match in LABEL_RE.finditer(text):
        start = match.start()
        if start > 0 and text[start - 1] in "。；，" and _depth_at(text, start) == 0:
            return start
    return None


def split_sentences_keep(text: str) -> list[str]:
    """Split text after each 。 or ； outside brackets, keeping the marks."""
    out: list[str] = []
    depth = 0
    current = ""
    for char in text:
        current += char
        if char in OPENERS:
            depth += 1
        elif char in CLOSERS:
            depth = max(0, depth - 1)
        elif char in "。；\n" and depth == 0:
            out.append(current)
            current = ""
    if current:
        out.append(current)
    return out


def trailing_sentence_assignment(text: str, ctx: Context) -> tuple[Assignment | None, str]:
    """Find sentence-form assignments at the end of a clause; drop sentences that only assign."""
    sentences = split_sentences_keep(text)
    result = Assignment()
    keep = len(sentences)
    while keep:
        sentence = sentences[keep - 1]
        parts = split_top_level(sentence.strip().rstrip("。；"), "，")
        found = [sentence_form(part, ctx) for part in parts]
        hits = [f for f in found if f]
        if not hits:
            break
        for hit in hits:
            result.merge(hit)
        if len(hits) < len(parts):
            break
        keep -= 1
    if result.is_empty():
        return None, text
    return result, "".join(sentences[:keep]).strip() or text


def assignment_only(text: str, ctx: Context) -> bool:
    """Whether a line only assigns: one bracket (`（市甲局牵头，市乙局配合）`) or sentences such as `由市甲局牵头。`."""
    pieces = split_assignment_brackets(text, ctx)
    if (
        len(pieces) == 2
        and not pieces[0][0]
        and pieces[0][1] is not None
        and not pieces[1][0].strip("。；，")
    ):
        return True
    sentences = [s.strip().rstrip("。；") for s in split_sentences_keep(text) if s.strip().rstrip("。；")]
    return bool(sentences) and all(
        all(sentence_form(part, ctx) for part in split_top_level(sentence, "，")) for sentence in sentences
    )


_HEADING_FORM = re.compile(
    r"^(?:由)?(?P<x>.+?)(?P<verb>牵头|负责)(?:的|负责的|落实的)?(?:工作|任务|事项|重点工作)"
)


def heading_assignment(title: str, ctx: Context) -> Assignment | None:
    """Read a group heading's assignment, e.g. 县发改局牵头工作（8项）, or its labelled bracket."""
    found = Assignment()
    for _, piece in split_assignment_brackets(title, ctx):
        if piece:
            found.merge(piece)
    bare = re.sub(r"（[^（）]*）$", "", title)
    match = _HEADING_FORM.match(bare)
    if match:
        names = _names_of(match.group("x"), ctx)
        if names:
            role = LEAD_UNITS if match.group("verb") == "牵头" else RESPONSIBLE_UNITS
            found.add(role, names[0])
            found.add(LEAD_LEADERS, names[1])
    return None if found.is_empty() else found


def strip_assignment_brackets(text: str, ctx: Context) -> str:
    """Return a heading's text without its assignment brackets."""
    return "".join(piece for piece, _ in split_assignment_brackets(text, ctx)).strip()
