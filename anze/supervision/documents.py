"""The 督办通知单 and the 通报 as .docx in the official layout (GB/T 9704 style), generated from the data."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from anze.supervision.models import Case, Circular

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
RED = RGBColor(0xC0, 0x00, 0x00)


def chinese_date(day: dt.date) -> str:
    """2026年4月9日 (the official date form, no leading zeros)."""
    return f"{day.year}年{day.month}月{day.day}日"


def _run(
    paragraph: Any,
    text: str,
    *,
    font: str = BODY_FONT,
    size: int = 16,
    bold: bool = False,
    color: RGBColor | None = None,
) -> Any:
    run = paragraph.add_run(text)
    run.font.name = font
    run.font.size = Pt(size)
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
    return run


def _paragraph(
    document: Any,
    text: str = "",
    *,
    align: Any = WD_ALIGN_PARAGRAPH.JUSTIFY,
    indent: bool = True,
    **font: Any,
) -> Any:
    paragraph = document.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.line_spacing = Pt(28)
    paragraph.paragraph_format.space_after = Pt(0)
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(32)  # two characters of 三号
    if text:
        _run(paragraph, text, **font)
    return paragraph


def _new_document(issuing_office: str) -> Any:
    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    masthead = _paragraph(document, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _run(masthead, issuing_office, font=TITLE_FONT, size=26, color=RED)
    return document


def _number_line(document: Any, number: str) -> None:
    line = _paragraph(document, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _run(line, number)
    rule = _paragraph(document, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _run(rule, "━" * 24, size=12, color=RED)


def _title(document: Any, text: str) -> None:
    _paragraph(document, text, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, font=TITLE_FONT, size=22)
    _paragraph(document, indent=False)


def _signature(document: Any, office: str, day: dt.date) -> None:
    _paragraph(document, indent=False)
    _paragraph(document, office, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    _paragraph(document, chinese_date(day), align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)


def _table(document: Any, header: list[str], rows: list[list[str]]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        _run(cell.paragraphs[0], text, font=HEADING_FONT, size=12)
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            _run(cell.paragraphs[0], str(text), size=12)


def _save(document: Any) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def notice_docx(case: Case) -> bytes:
    """督办通知单 of a case: number, title, recipient, body, the facts, deadline, issuing office, date."""
    office = case.policy.issuing_office if case.policy else "安全生产委员会办公室"
    document = _new_document(office)
    _number_line(document, case.number)
    _title(document, "督办通知单")
    _paragraph(document, f"{case.unit.name}：", indent=False)
    _paragraph(document, f"根据安全生产工作责任分工，现将以下事项交你单位督办：{case.title}。")
    if case.body:
        _paragraph(document, case.body)
    _paragraph(
        document,
        f"请你单位高度重视，于{chinese_date(case.deadline)}前办结，并将办理情况及佐证材料报送{office}。"
        "确需延期的，请在期限届满前提出延期申请并说明理由。逾期未办结的，将予以通报，并计入年度安全生产考核。",
    )
    _paragraph(document, indent=False)
    rows = [
        ["督办文号", case.number],
        ["督办事项", case.title],
        ["责任单位", case.unit.name],
        ["立案日期", chinese_date(case.opened_at.date())],
        ["原定期限", chinese_date(case.original_deadline)],
        ["办理期限", chinese_date(case.deadline)],
        ["延期次数", f"{case.extensions}次（累计{case.delay_days}天）"],
    ]
    if case.clause_id:
        rows.insert(2, ["方案条款", f"{case.clause.key} {case.clause.text[:80]}"])
    _table(document, ["项目", "内容"], rows)
    _signature(document, office, case.opened_at.date())
    return _save(document)


def circular_docx(circular: Circular) -> bytes:
    """通报: number, title, recipients, body, the table of units named, issuing office, date."""
    document = _new_document(circular.issuing_office)
    _number_line(document, circular.number)
    _title(document, circular.title)
    _paragraph(document, "各县区安委会，市安委会各成员单位：", indent=False)
    _paragraph(document, circular.body)
    entries = circular.entries.select_related("unit", "case").order_by("unit__name", "case__sequence")
    rows = [
        [str(i), e.unit.name, e.case.number, e.case.title[:60], chinese_date(e.case.deadline)]
        for i, e in enumerate(entries, start=1)
    ]
    _paragraph(document, indent=False)
    _table(document, ["序号", "被通报单位", "督办文号", "督办事项", "办理期限"], rows)
    _signature(document, circular.issuing_office, circular.issued_on)
    return _save(document)


def docx_text(content: bytes) -> str:
    """All text of a .docx (paragraphs and tables), for tests and previews."""
    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)
