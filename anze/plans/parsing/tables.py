"""Task tables (任务分工表): real .docx tables and tables flattened to text, read into task rows."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .assignments import CADENCE, DEADLINE, LABELS, ROLES
from .deadlines import parse_deadline
from .names import looks_like_unit
from .text import canonical_punctuation, is_page_number, squeeze_spaces

NUMBER = "number"
TEXT = "text"
SECTION = "section"
REMARK = "remark"
_NUMBER_NAMES = {"序号", "编号", "序", "号", "No", "NO", "No.", "项次"}
_SECTION_NAMES = {"类别", "领域", "项目", "类型", "工作类别", "任务类别", "板块", "重点领域", "专项", "方面", "分类",
                  "行业领域", "工作领域", "任务类型", "项目类别"}  # fmt: skip
_REMARK_NAMES = {"备注", "说明", "备考"}
_TEXT_WORDS = re.compile(r"任务|措施|内容|事项|工作|要求|目标|举措|责任清单|问题")
SECTION_MARKER = re.compile(
    r"^(?:[一二三四五六七八九十]{1,3}[、.]|第[一二三四五六七八九十]+(?:部分|章|篇)|（[一二三四五六七八九十]{1,3}）)"
)


def column_role(cell: str) -> str | None:
    """Map a header cell such as 牵头单位 or 完成时限 to its column role."""
    name = squeeze_spaces(canonical_punctuation(cell)).replace(" ", "").strip("：:")
    name = re.sub(r"（[^（）]*）$", "", name) or name
    if name in LABELS:
        return LABELS[name]
    if name in _NUMBER_NAMES:
        return NUMBER
    if name in _SECTION_NAMES:
        return SECTION
    if name in _REMARK_NAMES:
        return REMARK
    for label in sorted(LABELS, key=len, reverse=True):
        if label in name and len(name) <= len(label) + 4:
            return LABELS[label]
    if len(name) <= 12 and _TEXT_WORDS.search(name):
        return TEXT
    return None


def header_roles(cells: list[str]) -> list[str | None] | None:
    """Return the role of each column if the row is a task table's header, else None."""
    roles = [column_role(c) if c.strip() else None for c in cells]
    mapped = [r for r in roles if r]
    has_people = any(r in ROLES for r in mapped)
    if len(mapped) >= 2 and has_people and (TEXT in mapped or NUMBER in mapped):
        return roles
    return None


@dataclass
class TableTask:
    """One task read from a table: its number, text and assignment fields, and its section."""

    number: str | None
    title: str | None
    clauses: list[tuple[str, list[tuple[str, str]]]] = field(default_factory=list)
    section: str | None = None
    original: str = ""


_CELL_LABEL = re.compile(r"^[\u4e00-\u9fff]{1,8}：")


def _clean(cell: str) -> str:
    """One cell's text: wrapped lines joined; a line that starts a label, or a unit on a line of its own after
    another, is kept apart (牵头：市甲局 / 配合：市乙局; 市甲局 / 市乙局)."""
    lines = [
        line for line in (squeeze_spaces(canonical_punctuation(raw)) for raw in cell.splitlines()) if line
    ]
    out = lines[0] if lines else ""
    for previous, line in zip(lines, lines[1:], strict=False):
        if _CELL_LABEL.match(line) and previous[-1] not in "；。，、":
            out += "；"
        elif looks_like_unit(previous) and looks_like_unit(line) and previous[-1] not in "；。，、":
            out += "、"
        out += line
    return out


def read_table(rows: list[list[str]]) -> list[TableTask] | None:
    """Read the task rows of a table; None when the table has no recognisable header."""
    roles: list[str | None] | None = None
    tasks: list[TableTask] = []
    section: str | None = None
    previous_number: str | None = None
    for raw_row in rows:
        row = [_clean(c) for c in raw_row]
        if roles is None:
            roles = header_roles(row)
            continue
        second = header_roles(row)
        if second and not tasks:
            # A two-row header (责任单位 spanning 牵头单位 | 配合单位): the lower row is more specific.
            roles = [b or a for a, b in zip(roles, second, strict=False)]
            continue
        if second:
            continue  # the header repeated at the top of each page
        values = [v for v in row if v]
        if not values:
            continue
        distinct = list(dict.fromkeys(values))
        if len(distinct) == 1 and (SECTION_MARKER.match(distinct[0]) or len(values) == len(row) > 1):
            section = distinct[0]
            continue
        cells: dict[str, list[str]] = {}
        for role, value in zip(roles, row, strict=False):
            if role and value and value not in cells.get(role, []):
                cells.setdefault(role, []).append(value)
        if cells.get(SECTION) and cells[SECTION][0] != section:
            section = cells[SECTION][0]
        number = (cells.get(NUMBER) or [""])[0].strip(".、 ")
        texts = cells.get(TEXT, [])
        fields = [(role, value) for role in (*ROLES, DEADLINE, CADENCE) for value in cells.get(role, [])]
        original = " | ".join(raw_row)
        if NUMBER in roles:
            # An empty or repeated 序号 continues the task above (a vertically merged cell).
            same_task = bool(tasks) and (not number or number == previous_number)
        else:
            same_task = bool(tasks) and len(texts) > 1 and texts[0] == tasks[-1].title
        if same_task and tasks[-1].section == section:
            task = tasks[-1]
            body = "".join(texts[1:] if len(texts) > 1 and texts[0] == task.title else texts)
            if body:
                task.clauses.append((body, fields))
            else:
                task.clauses[-1][1].extend(fields)
            task.original += "\n" + original
            continue
        title = texts[0] if len(texts) > 1 else None
        body = "".join(texts[1:]) if len(texts) > 1 else (texts[0] if texts else "")
        tasks.append(TableTask(number or None, title, [(body, fields)], section, original))
        previous_number = number or None
    return tasks if roles is not None else None


# ---- tables flattened to text -------------------------------------------------------------

_PIPE = re.compile(r"[|｜]")
_MARKDOWN_RULE = re.compile(r"^[\s|:：\-—]+$")
_COLUMNS_WIDE = re.compile(r"\t+|\s{2,}")
_COLUMNS_ANY = re.compile(r"\s+")


def _pipe_cells(line: str) -> list[str]:
    line = line.strip()
    if line.startswith(("|", "｜")):
        line = line[1:]
    if line.endswith(("|", "｜")):
        line = line[:-1]
    return [c.strip() for c in _PIPE.split(line)]


def _is_blank_or_noise(line: str) -> bool:
    return not line.strip() or is_page_number(line)


def find_text_tables(lines: list[str]) -> list[tuple[int, int, list[list[str]]]]:
    """Find flattened tables in text lines: (first line, end line, rows) for each."""
    found: list[tuple[int, int, list[list[str]]]] = []
    header: list[str] | None = None
    index = 0
    while index < len(lines):
        line = lines[index]
        table = None
        if len(_PIPE.findall(line)) >= 2 and header_roles(_pipe_cells(line)):
            table = _read_pipe_table(lines, index)
            header = table[2][0]
        elif len(_PIPE.findall(line)) >= 2 and header and len(_pipe_cells(line)) == len(header):
            # The table goes on after a section heading or a page break without repeating its header.
            start, end, rows = _read_pipe_table(lines, index)
            table = (start, end, [header, *rows])
        elif line.strip():
            table = _read_column_table(lines, index) or _read_cell_per_line(lines, index)
        if table:
            found.append(table)
            index = table[1]
        else:
            index += 1
    return found


def _read_pipe_table(lines: list[str], start: int) -> tuple[int, int, list[list[str]]]:
    rows = [_pipe_cells(lines[start])]
    end = start + 1
    while end < len(lines):
        line = lines[end]
        if len(_PIPE.findall(line)) >= 1 and not _MARKDOWN_RULE.match(line):
            rows.append(_pipe_cells(line))
        elif not (_MARKDOWN_RULE.match(line) or _is_blank_or_noise(line)):
            break
        end += 1
    return start, end, rows


def _chunks(splitter: re.Pattern[str], line: str) -> list[tuple[int, str]]:
    """The cells of a column-aligned line with the offset where each starts."""
    out: list[tuple[int, str]] = []
    position = 0
    for piece in splitter.split(line):
        found = line.find(piece, position) if piece else -1
        if piece.strip() and found >= 0:
            out.append((found + len(piece) - len(piece.lstrip()), piece.strip()))
            position = found + len(piece)
    return out


def _split_leading_number(chunks: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """`10 加强…` with one space after a two-digit 序号: the number is a cell of its own."""
    if chunks:
        match = re.match(r"^(\d{1,3})[.、]?\s*(?=\D)", chunks[0][1])
        if match and match.end() < len(chunks[0][1]):
            offset, text = chunks[0]
            return [(offset, match.group(1)), (offset + match.end(), text[match.end() :]), *chunks[1:]]
    return chunks


def _column_at(offset: int, starts: list[int]) -> int:
    return min(range(len(starts)), key=lambda i: abs(starts[i] - offset))


def _aligned(chunks: list[tuple[int, str]], starts: list[int]) -> bool:
    """Whether every cell starts within two characters of a column start (PDF text laid out by position)."""
    return bool(chunks) and all(abs(starts[_column_at(o, starts)] - o) <= 2 for o, _ in chunks)


def _read_column_table(lines: list[str], first: int) -> tuple[int, int, list[list[str]]] | None:
    start = first
    header_line = lines[start].rstrip()
    for splitter in (_COLUMNS_WIDE, _COLUMNS_ANY):
        chunks = _chunks(splitter, header_line)
        cells = [c for _, c in chunks]
        roles = header_roles(cells) if len(cells) >= 3 else None
        if roles and all(roles):
            break
        # A header cell wrapped onto the next line (序 / 号, 完成时 / 限) when the PDF column is narrow.
        below = _chunks(splitter, lines[start + 1].rstrip()) if start + 1 < len(lines) else []
        if (
            len(cells) >= 3
            and below
            and _aligned(below, [o for o, _ in chunks])
            and all(len(c) <= 4 for _, c in below)
        ):
            starts = [o for o, _ in chunks]
            for offset, text in below:
                cells[_column_at(offset, starts)] += text
            roles = header_roles(cells)
            if roles and all(roles):
                start += 1
                break
    else:
        return None
    width = len(cells)
    starts = [o for o, _ in chunks]
    text_at = roles.index(TEXT) if TEXT in roles else 1
    numbered = roles[0] == NUMBER
    rows = [cells]
    end = start + 1
    while end < len(lines):
        line = lines[end]
        if _is_blank_or_noise(line) and not line.strip().isdigit():
            end += 1
            continue
        row_chunks = _chunks(splitter, line.rstrip())
        if numbered:
            row_chunks = _split_leading_number(row_chunks)
        parts = [c for _, c in row_chunks]
        if len(parts) >= 2 and header_roles(parts):
            end += 1
            # The header repeated on the next page, with the line its wrapped cells ran onto.
            if end < len(lines):
                below = _chunks(splitter, lines[end].rstrip())
                if _aligned(below, starts) and all(len(c) <= 4 and not c.isdigit() for _, c in below):
                    end += 1
            continue
        first_cell = parts[0].strip(".、")
        starts_row = not numbered or (first_cell.isdigit() and _column_at(row_chunks[0][0], starts) == 0)
        if numbered and not starts_row and len(rows) > 1 and _aligned(row_chunks, starts):
            # A wrapped row: each piece goes on the cell of the column it sits under.
            columns = [_column_at(o, starts) for o, _ in row_chunks]
            if 0 in columns and roles[0] == NUMBER:
                break
            for column, (_, text) in zip(columns, row_chunks, strict=True):
                rows[-1][column] += text
        elif len(parts) >= 2:
            if _aligned(row_chunks, starts) and len({_column_at(o, starts) for o, _ in row_chunks}) == len(
                parts
            ):
                row = [""] * width
                for offset, text in row_chunks:
                    row[_column_at(offset, starts)] = text
                rows.append(row)
            else:
                rows.append(_fit_row(parts, roles, text_at, width))
        elif SECTION_MARKER.match(parts[0]):
            rows.append([parts[0]] * width)
        elif len(rows) > 1 and len(parts[0]) <= 60 and not parts[0].endswith("。"):
            rows[-1][text_at] += parts[0]
        else:
            break
        end += 1
    return (first, end, rows) if len(rows) > 1 else None


def looks_like_table_page(text: str) -> bool:
    """Whether a page's plain text holds a task table's header: three column names in a row, one per line
    or on one line (a PDF table; its layout text keeps the columns apart)."""
    run = 0
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        cells = [c for c in _COLUMNS_ANY.split(canonical_punctuation(line)) if c]
        if len(cells) >= 3 and header_roles(cells):
            return True
        run = run + 1 if len(line) <= 8 and column_role(line) else 0
        if run >= 3:
            return True
    return False


def _fit_row(parts: list[str], roles: list[str | None], text_at: int, width: int) -> list[str]:
    """Fit a row's cells to the columns when the text cell held spaces or some cells were empty."""
    if len(parts) == width:
        return parts
    if len(parts) > width:
        head = parts[:text_at]
        tail_len = width - text_at - 1
        tail = parts[len(parts) - tail_len :] if tail_len else []
        return [*head, "".join(parts[text_at : len(parts) - tail_len]), *tail]
    row = [""] * width
    queue = list(parts)
    if roles[0] == NUMBER and queue and queue[0].strip(".、").isdigit():
        row[0] = queue.pop(0)
    if queue:
        row[text_at] = queue.pop(0)
    for value in queue:
        deadline = parse_deadline(value)
        wanted = (
            DEADLINE
            if deadline and (deadline.date or deadline.ongoing) and not looks_like_unit(value)
            else None
        )
        for index, role in enumerate(roles):
            if row[index] or index == text_at or role in (NUMBER, TEXT):
                continue
            if (wanted and role == wanted) or (not wanted and role in ROLES):
                row[index] = value
                break
    return row


def _read_cell_per_line(lines: list[str], start: int) -> tuple[int, int, list[list[str]]] | None:
    header: list[str] = []
    index = start
    while index < len(lines):
        line = lines[index].strip()
        if not line:
            index += 1
            continue
        if len(line) <= 12 and column_role(line):
            header.append(line)
            index += 1
            continue
        break
    roles = header_roles(header) if len(header) >= 3 else None
    if not roles or not all(roles):
        return None
    width = len(header)
    text_at = roles.index(TEXT) if TEXT in roles else 1
    numbered = roles[0] == NUMBER
    rows = [header]
    expected = 1
    current: list[str] = []

    def flush() -> None:
        if current:
            rows.append(_fit_cells(current, roles, text_at, width))

    while index < len(lines):
        line = lines[index].strip()
        if not line or (is_page_number(line) and not line.isdigit()):
            index += 1
            continue
        starts_row = (line.strip(".、") == str(expected)) if numbered else len(current) >= width
        if numbered and SECTION_MARKER.match(line) and len(line) <= 40:
            flush()
            current = []
            rows.append([line] * width)
        elif starts_row:
            flush()
            current = [line]
            expected += 1
        elif numbered and line.isdigit():
            pass  # a page number between rows: not the next 序号
        elif current and len(current) < width + 3:
            current.append(line)
        else:
            break
        index += 1
    flush()
    return (start, index, rows) if len(rows) > 1 else None


def _fit_cells(cells: list[str], roles: list[str | None], text_at: int, width: int) -> list[str]:
    if len(cells) > width:
        surplus = len(cells) - width
        cells = [
            *cells[:text_at],
            "".join(cells[text_at : text_at + surplus + 1]),
            *cells[text_at + surplus + 1 :],
        ]
    return _fit_row(cells, roles, text_at, width)
