"""The 行政处罚决定书 as .docx (python-docx), generated from the decision; never stored, built on request."""

from __future__ import annotations

import datetime as dt
import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from anze.enforcement.models import Penalty

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"


def chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _paragraph(
    document,
    text: str,
    *,
    font: str = BODY_FONT,
    size: int = 16,
    align=WD_ALIGN_PARAGRAPH.JUSTIFY,
    indent: bool = True,
    bold: bool = False,
):
    paragraph = document.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.line_spacing = Pt(28)
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(size * 2)
    run = paragraph.add_run(text)
    run.font.name = font
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
    return paragraph


def penalty_decision_docx(penalty: Penalty) -> bytes:
    """行政处罚决定书: the party, the facts, the basis, the decision, the rights of appeal, the organ and date."""
    document = Document()
    _paragraph(
        document,
        str(penalty.department),
        font=TITLE_FONT,
        size=22,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
    )
    _paragraph(
        document, "行政处罚决定书", font=TITLE_FONT, size=22, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False
    )
    _paragraph(document, penalty.decision_number, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    party = f"当事人：{penalty.party_name}"
    if penalty.credit_code:
        party += f"（统一社会信用代码：{penalty.credit_code}）"
    elif penalty.party_id_ciphertext:
        party += f"（身份证号码：{penalty.party_id_number()}）"
    _paragraph(document, party, indent=False)
    _paragraph(document, f"违法事实：{penalty.facts}")
    _paragraph(document, f"处罚依据：{penalty.legal_basis}")
    decision = f"处罚决定：{penalty.get_penalty_type_display()}"
    if penalty.amount:
        decision += f"，罚款人民币{penalty.amount:,.2f}元"
    _paragraph(document, decision + "。")
    _paragraph(
        document,
        "如不服本处罚决定，可以在收到本决定书之日起六十日内依法申请行政复议，或者在六个月内依法向人民法院提起行政诉讼。"
        "申请行政复议或者提起行政诉讼期间，本决定不停止执行。",
    )
    _paragraph(document, str(penalty.department), align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    _paragraph(document, chinese_date(penalty.decided_on), align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
