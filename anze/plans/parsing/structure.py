"""The outline of the body: markers (一、 （一） 1. （1） ① ——), page-break joins, the heading tree (结构)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .assignments import LABEL_LINE_RE, LABEL_RE, bracket_spans
from .front import Line
from .text import TERMINAL_PUNCTUATION, bracket_balance, canonical_punctuation

PART = "part"
CN_SECTION = "cn_section"
PAREN_CN = "paren_cn"
ARABIC = "arabic"
PAREN_ARABIC = "paren_arabic"
CIRCLED = "circled"
ARTICLE = "article"
BULLET = "bullet"
TEXT = "text"
LABEL = "label"
TABLE = "table"

_MARKERS: list[tuple[str, re.Pattern[str]]] = [
    (PART, re.compile(r"^(?P<m>第(?P<n>[一二三四五六七八九十]{1,3})(?:部分|章|篇))(?P<t>.*)$")),
    (CN_SECTION, re.compile(r"^(?P<m>(?P<n>[一二三四五六七八九十]{1,3})[、.])(?P<t>.+)$")),
    # 第一条 … of a 规定/办法/细则: articles are items, not headings.
    (ARTICLE, re.compile(r"^(?P<m>第(?P<n>[一二三四五六七八九十百零〇]{1,5})条)\s*(?P<t>.+)$")),
    (PAREN_CN, re.compile(r"^(?P<m>[（〔](?P<n>[一二三四五六七八九十]{1,3})[）〕][、.]?)(?P<t>.+)$")),
    (ARABIC, re.compile(r"^(?P<m>(?P<n>\d{1,3})(?:[.、](?!\d)|）(?!\d)))(?P<t>.+)$")),
    (PAREN_ARABIC, re.compile(r"^(?P<m>[（〔](?P<n>\d{1,3})[）〕][、.]?)(?P<t>.+)$")),
    (CIRCLED, re.compile(r"^(?P<m>(?P<n>[①-⑳]))(?P<t>.+)$")),
    (BULLET, re.compile(r"^(?P<m>——|—|--|-|●|•|◆|■|□|▪|★|☆|○|◇|▶|►|※|·)(?P<n>)(?P<t>[^—\-\d].*)$")),
]
HEADING_KINDS = (PART, CN_SECTION)
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


@dataclass
class Item:
    """A classified body line: a marker with its number, a label line, plain text, or a table."""

    kind: str
    text: str
    original: str
    marker: str = ""
    number: str = ""
    table: list[list[str]] | None = None


@dataclass
class Node:
    """A numbered item of the outline and everything under it, in order."""

    kind: str
    marker: str = ""
    number: str = ""
    text: str = ""
    original: str = ""
    children: list[Node | Item] = field(default_factory=list)
    parent: Node | None = None

    @property
    def nodes(self) -> list[Node]:
        """The numbered items directly under this one."""
        return [c for c in self.children if isinstance(c, Node)]

    def ancestors(self) -> list[Node]:
        """The enclosing items, nearest first, without the root."""
        out: list[Node] = []
        node = self.parent
        while node is not None and node.kind != "root":
            out.append(node)
            node = node.parent
        return out


_CN_DIGITS = "一二三四五六七八九十"
# Markers that may start an item inside a line whose breaks were lost: after a sentence end or a space.
_RUN_ON_MARKERS = re.compile(
    r"(?:(?<=[。；！？）\s])|^)(?:"
    r"(?P<cn>[一二三四五六七八九十]{1,3})、"
    r"|（(?P<pcn>[一二三四五六七八九十]{1,3})）"
    r"|(?P<ar>\d{1,2})[.、．](?!\d)"
    r"|（(?P<par>\d{1,2})）"
    r"|(?P<ci>[①-⑳])"
    r"|第(?P<art>[一二三四五六七八九十]{1,3})条)"
)
RUN_ON_MIN_LENGTH = 150
_HEADING_THEN_SPACE = re.compile(
    r"(?P<kind>[一二三四五六七八九十]{1,3}、|（[一二三四五六七八九十]{1,3}）)[^\s。；，：！？（）]{2,15}\s+(?=\S)"
)


def _numeral(value: str) -> int:
    if value.isdigit():
        return int(value)
    if "\u2460" <= value <= "\u2473":
        return ord(value) - 0x2460 + 1
    if value == "十":
        return 10
    tens, _, units = value.partition("十")
    if "十" not in value:
        return _CN_DIGITS.index(value) + 1 if len(value) == 1 else 0
    return (_CN_DIGITS.index(tens) + 1 if tens else 1) * 10 + (_CN_DIGITS.index(units) + 1 if units else 0)


def split_run_on_line(line: str) -> list[str]:
    """Cut a line that holds a whole document (line breaks lost) before its numbered items.

    Only markers that follow a sentence end or a space count, and only where their numbers run in order
    (一、…二、…, 1.…2.…, restarting at 1): a lone `2.` inside a sentence stays where it is.
    """
    if len(line) < RUN_ON_MIN_LENGTH:
        return [line]
    canonical = canonical_punctuation(line)
    if len(canonical) != len(line):
        line = canonical  # the offsets below must hold in the line that is cut
    found: dict[str, list[tuple[int, int]]] = {}
    for match in _RUN_ON_MARKERS.finditer(canonical):
        kind = match.lastgroup or ""
        found.setdefault(kind, []).append((match.start(), _numeral(match.group(kind))))
    cuts: set[int] = set()
    for marks in found.values():
        in_order = [
            start
            for index, (start, number) in enumerate(marks)
            if number == 1
            or (index and marks[index - 1][1] == number - 1)
            or (index + 1 < len(marks) and marks[index + 1][1] == number + 1)
        ]
        if len(in_order) >= 2:
            cuts.update(in_order)
    if not cuts:
        return [line]
    for cut in list(cuts):
        # 一、整治目标 全面排查…: a heading phrase and its first paragraph, once on two lines.
        match = _HEADING_THEN_SPACE.match(canonical, cut)
        if match and match.group("kind"):
            cuts.add(match.end())
    bounds = sorted(cuts | {0, len(line)})
    return [piece for a, b in zip(bounds, bounds[1:], strict=False) if (piece := line[a:b].strip())]


def classify(line: Line) -> Item:
    """Classify one body line by its leading marker."""
    text = line.text
    if LABEL_LINE_RE.match(text):
        return Item(LABEL, text, line.original)
    for kind, pattern in _MARKERS:
        match = pattern.match(text)
        if match:
            number = match.group("n")
            if kind == CIRCLED:
                number = str(ord(number) - 0x2460 + 1)
            return Item(kind, match.group("t").strip(), line.original, match.group("m"), number)
    return Item(TEXT, text, line.original)


def _text_without_brackets(text: str) -> str:
    for start, end in reversed(bracket_spans(text)):
        text = text[:start] + text[end:]
    return text


def is_heading_text(text: str) -> bool:
    """Return whether an item's text reads as a heading: short, one phrase, no full stop inside."""
    bare = _text_without_brackets(text).rstrip("。：")
    return 0 < len(bare) <= 40 and not any(c in bare for c in TERMINAL_PUNCTUATION + "，")


def display_width(text: str) -> float:
    """Width of a line in Chinese character cells: ASCII letters and digits take half a cell."""
    text = text.replace("\t", "    ")
    ascii_count = len(_NON_ASCII.sub("", text))
    return len(text) - 0.5 * ascii_count


def detect_wrap_width(items: list[Item]) -> float | None:
    """The width at which lines were hard-wrapped (PDF text, fixed-width .txt), if they were."""
    widths = [
        round(display_width(i.original.strip())) for i in items if i.kind != TABLE and len(i.text) >= 12
    ]
    if len(widths) < 8:
        return None
    counts: dict[int, int] = {}
    for width in widths:
        counts[width] = counts.get(width, 0) + 1
    # Full lines cluster just under the page width; paragraphs written one per line do not.
    best = max(counts, key=lambda w: (sum(counts.get(w - d, 0) for d in range(3)), w))
    full = sum(counts.get(best - d, 0) for d in range(3))
    if full >= max(5, 0.4 * len(widths)):
        return best - 3
    return None


def join_broken_lines(items: list[Item]) -> list[Item]:
    """Join lines that a page break, a PDF line end or a hard wrap cut mid-sentence."""
    wrap = detect_wrap_width(items)
    joined: list[Item] = []
    tail = 0.0
    for item in items:
        if joined and _continues(joined[-1], item, tail, wrap):
            previous = joined[-1]
            previous.text += item.text
            previous.original += "\n" + item.original
        else:
            joined.append(item)
        tail = display_width(item.original.strip())
    return joined


def join_full_lines(lines: list[Line]) -> list[Line]:
    """Join hard-wrapped lines everywhere (the front matter too) before the outline is read."""
    items = [classify(line) for line in lines if line.table is None]
    wrap = detect_wrap_width(items)
    if wrap is None:
        return lines
    joined: list[Line] = []
    tail = 0.0
    previous: Item | None = None
    for line in lines:
        item = classify(line) if line.table is None else Item(TABLE, "", line.original)
        if joined and previous is not None and tail >= wrap and _continues(previous, item, tail, wrap):
            joined[-1] = Line(joined[-1].text + line.text, joined[-1].original + "\n" + line.original)
            previous = classify(joined[-1])
        else:
            joined.append(line)
            previous = item
        tail = display_width(line.original.strip())
    return joined


def _continues(previous: Item, item: Item, tail: float, wrap: float | None) -> bool:
    """Whether `item` goes on the sentence of `previous`; `tail` is the width of its last line."""
    if previous.kind == TABLE or item.kind == TABLE:
        return False
    if bracket_balance(previous.text) > 0 and item.kind in (TEXT, LABEL):
        return True
    if item.kind != TEXT:
        return False
    if not previous.text or previous.text[-1] in TERMINAL_PUNCTUATION + "：":
        return False
    if previous.text[-1] in "）〕】］":
        # A full line may end on a bracket inside a sentence, but never on an assignment bracket.
        spans = bracket_spans(previous.text)
        last = previous.text[spans[-1][0] + 1 : spans[-1][1] - 1] if spans else ""
        return wrap is not None and tail >= wrap and not LABEL_RE.search(last)
    if wrap is not None and tail >= wrap:
        return True  # a full line: the paragraph runs on to the next one
    if previous.kind == LABEL:
        return previous.text[-1] in "、，"
    if previous.kind in HEADING_KINDS or (previous.kind != TEXT and is_heading_text(previous.text)):
        return previous.text[-1] in "、，"
    return True


def build_tree(items: list[Item]) -> Node:
    """Nest items by marker kind: a kind seen before closes back to its level (一、 > （一） > 1.)."""
    root = Node("root")
    stack = [root]
    for item in items:
        if item.kind == TABLE:
            # A task table belongs to the heading above it, not to the last numbered task.
            while len(stack) > 1 and not (stack[-1].kind in HEADING_KINDS or is_heading_text(stack[-1].text)):
                stack.pop()
        if item.kind in (TEXT, LABEL, TABLE):
            stack[-1].children.append(item)
            continue
        kinds = [node.kind for node in stack]
        if item.kind in kinds:
            del stack[kinds.index(item.kind) :]
        elif item.kind in HEADING_KINDS:
            # A heading kind never nests under a task: 二、 after 1. closes back to the top.
            while len(stack) > 1 and stack[-1].kind not in HEADING_KINDS:
                stack.pop()
        parent = stack[-1]
        node = Node(item.kind, item.marker, item.number, item.text, item.original, parent=parent)
        parent.children.append(node)
        stack.append(node)
    return root


def leaf_kinds(root: Node) -> set[str]:
    """Kinds whose items are mostly leaves: those are the task level wherever they appear."""
    counts: dict[str, list[int]] = {}
    stack = list(root.nodes)
    while stack:
        node = stack.pop()
        tally = counts.setdefault(node.kind, [0, 0])
        tally[0] += 1
        tally[1] += 0 if node.nodes else 1
        stack.extend(node.nodes)
    return {kind for kind, (total, leaves) in counts.items() if leaves * 2 > total}


def is_heading(node: Node, task_kinds: set[str]) -> bool:
    """Return whether a numbered item groups tasks (a heading) rather than being a task."""
    if node.kind == "root":
        return True
    groups = bool(node.nodes) or any(isinstance(c, Item) and c.kind == TABLE for c in node.children)
    if node.kind in HEADING_KINDS:
        return groups or is_heading_text(node.text)
    if not groups or node.kind == BULLET:
        return False
    # 1. with sub-items is still a task where 1. items are mostly leaves elsewhere in the plan.
    return node.kind not in task_kinds and is_heading_text(node.text)
