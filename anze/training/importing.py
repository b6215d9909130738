"""Question import from .xlsx laid out as the template, and the template itself.

All or nothing: every row is checked first (kind, topic, difficulty, stem, options, answer), and one bad
row saves nothing; the report lists every bad row with its line and what to fix. A stem already in the
bank, or twice in the file, is refused, so importing the same file twice adds nothing.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from anze.audit.services import record
from anze.core.uploads import ArchiveTooLargeError, check_archive
from anze.training import questions, scoring
from anze.training.choices import Difficulty, QuestionKind
from anze.training.errors import NotAllowedError, QuestionInvalid
from anze.training.models import Question, QuestionBank

OPTION_COLUMNS = [f"选项{letter}" for letter in scoring.LETTERS[:6]]
COLUMNS = [
    ("kind", "题型", True),
    ("topic", "知识点", True),
    ("difficulty", "难度", False),
    ("stem", "题干", True),
    *[(f"option{i}", label, False) for i, label in enumerate(OPTION_COLUMNS)],
    ("answer", "答案", True),
    ("explanation", "解析", False),
]
EXAMPLES = [
    ["单选题", "法律法规", "易", "《安全生产法》规定，生产经营单位的（ ）对本单位的安全生产工作全面负责。",
     "主要负责人", "安全总监", "安全管理人员", "全体从业人员", "", "", "A", "《安全生产法》第五条。"],
    ["多选题", "重大危险源", "中", "危险化学品重大危险源的辨识依据包括（ ）。", "危险化学品的种类", "临界量",
     "在单元内的实际存在量", "企业的注册资本", "", "", "ABC", "GB 18218 按物质及其临界量辨识。"],
    ["判断题", "特殊作业", "易", "进入受限空间作业前，应当先通风、再检测、后作业。", "", "", "", "", "", "",
     "正确", "“先通风、再检测、后作业”是有限空间作业的基本要求。"],
]  # fmt: skip
KINDS = {str(label): value for value, label in QuestionKind.choices} | {v: v for v in QuestionKind.values}
DIFFICULTIES = {str(label): value for value, label in Difficulty.choices} | {"": Difficulty.MEDIUM}


@dataclass
class ImportReport:
    """What an import did: the questions added, or every refused row with its reason (then nothing added)."""

    created: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)


def template_xlsx() -> bytes:
    """The import template: the header row, three examples (one of each kind) and a sheet of notes."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "试题"
    sheet.append([label for _key, label, _required in COLUMNS])
    for row in EXAMPLES:
        sheet.append(row)
    for i, (_key, label, required) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=i)
        sheet.column_dimensions[cell.column_letter].width = (
            40 if label == "题干" else max(10, len(label) * 2 + 4)
        )
        if required:
            cell.font = Font(bold=True)
    notes = workbook.create_sheet("说明")
    for line in (
        "加粗列为必填。题型：单选题、多选题、判断题。难度：易、中、难（留空为中）。",
        "单选题、多选题：至少两个选项，从选项A起连续填写；答案填选项字母，多选题如 ACD。",
        "判断题：选项列留空，答案填“正确”或“错误”。",
        "整个文件一并导入：任何一行有误则全部不导入，并逐行列出错误，改正后重新上传。",
    ):
        notes.append([line])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read_rows(content: bytes) -> list[dict[str, str]]:
    """The data rows of the first sheet as {column key: text}, by the template's Chinese headers."""
    try:
        check_archive(content)
    except ArchiveTooLargeError:
        raise ValidationError(
            _("Excel 文件解压后过大，疑似压缩炸弹，未导入；请用 Excel/WPS 另存后重新上传。")
        ) from None
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
        raise ValidationError(
            _("无法读取 Excel 文件（%(e)s），请上传按模板填写的 .xlsx 文件。") % {"e": error}
        ) from None
    table = [
        ["" if v is None else str(v) for v in row]
        for row in workbook.worksheets[0].iter_rows(values_only=True)
    ]
    if not table:
        raise ValidationError(_("文件是空的。"))
    header = [h.strip() for h in table[0]]
    by_label = {label: key for key, label, _required in COLUMNS}
    missing = [label for _key, label, required in COLUMNS if required and label not in header]
    if missing:
        raise ValidationError(_("缺少列：%(cols)s（请使用导入模板）") % {"cols": "、".join(missing)})
    keys = [by_label.get(h) for h in header]
    rows = []
    for values in table[1:]:
        row = {k: (v or "").strip() for k, v in zip(keys, values, strict=False) if k}
        rows.append(row)
    return rows


class _RowError(Exception):
    pass


def question_entry(row: dict[str, str]) -> dict[str, Any]:
    """One row as the fields of a Question, or _RowError saying what to fix (the rule is questions.py's)."""
    kind, difficulty = row.get("kind", ""), row.get("difficulty", "")
    try:
        return questions.clean_question(
            kind=KINDS.get(kind, kind),
            topic=row.get("topic", ""),
            difficulty=DIFFICULTIES.get(difficulty, difficulty),
            stem=row.get("stem", ""),
            options=[row.get(f"option{i}", "") for i in range(len(OPTION_COLUMNS))],
            answer=row.get("answer", ""),
            explanation=row.get("explanation", ""),
        )
    except QuestionInvalid as error:
        raise _RowError(error.message_zh) from None


@transaction.atomic
def import_questions(
    *, actor: Any, bank: QuestionBank, rows: list[dict[str, str]], filename: str = ""
) -> ImportReport:
    """Add every row to the bank, or none of them: with any bad row the report lists them all."""
    if actor is not None and not QuestionBank.objects.restrict(actor, "change").filter(pk=bank.pk).exists():
        raise NotAllowedError("您无权向该题库导入试题。")
    report = ImportReport()
    existing = set(bank.questions.current().values_list("stem", flat=True))
    seen: dict[str, int] = {}
    entries = []
    for line, row in enumerate(rows, start=2):
        if not any(row.values()):
            continue
        try:
            entry = question_entry(row)
            if entry["stem"] in existing:
                raise _RowError(_("题库中已有相同题干的试题"))
            if entry["stem"] in seen:
                raise _RowError(_("与第 %(n)s 行题干重复") % {"n": seen[entry["stem"]]})
            seen[entry["stem"]] = line
            entries.append(entry)
        except _RowError as error:
            report.errors.append({"line": line, "stem": row.get("stem", "")[:40], "reason": str(error)})
    if report.errors:
        return report
    if not entries:
        report.errors.append({"line": 1, "stem": "", "reason": _("文件中没有试题")})
        return report
    Question.objects.bulk_create(Question(bank=bank, **entry) for entry in entries)
    report.created = len(entries)
    record(
        "training.question.import",
        actor=actor,
        obj=bank,
        after={
            "created": report.created,
            "filename": filename,
            "topics": sorted({e["topic"] for e in entries}),
        },
    )
    return report
