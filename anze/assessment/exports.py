"""Exports of a year's results: .xlsx (results, items, vetoes; the vetoed list for the personnel office) and
the .docx report in 公文 layout. Built on request from the stored (frozen) results, never from live facts."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from openpyxl import Workbook

from anze.assessment.choices import ResultGrade, VetoOutcome
from anze.core.exports import safe_cell

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"


def _cell(value: Any) -> Any:
    return value if isinstance(value, int | float) or value is None else safe_cell(str(value))


def results_xlsx(run, results: list[Any]) -> bytes:
    """Three sheets: 总分及排名 (with last year), 各项得分, 否决及黄牌 (each fact named)."""
    workbook = Workbook(write_only=True)
    totals = workbook.create_sheet(title="总分及排名")
    totals.append(
        ["名次", "考核对象", "类型", "总分", "等次", "否决结果", "上年总分", "上年名次", "主要负责人"]
    )
    items = workbook.create_sheet(title="各项得分")
    items.append(["考核对象", "项目编号", "项目", "分值", "得分", "数据", "计分依据"])
    vetoes = workbook.create_sheet(title="否决及黄牌")
    vetoes.append(["考核对象", "结果", "情形", "认定理由", "所依据的事实"])
    for r in results:
        leaders = "、".join(f"{p['name']}（{p['post']}）" for p in r.leaders)
        totals.append([_cell(v) for v in [
            r.rank, str(r.body), r.body.get_kind_display(), float(r.total), ResultGrade(r.grade).label,
            VetoOutcome(r.outcome).label, None if r.last_total is None else float(r.last_total), r.last_rank, leaders,
        ]])  # fmt: skip
        for item in r.items:
            items.append([_cell(v) for v in [
                str(r.body), item["key"], item["title"], float(item["points"]), float(item["score"]),
                item["value"] or "", item["reason"],
            ]])  # fmt: skip
        for hit in r.hits:
            vetoes.append([_cell(v) for v in [
                str(r.body), VetoOutcome(hit["outcome"]).label, hit["title"], hit["reason"],
                "；".join(x["title"] for x in hit["records"]),
            ]])  # fmt: skip
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def vetoed_xlsx(rows: list[Any]) -> bytes:
    """一票否决名单 for the personnel office: the body, its named leaders, the reasons, the year."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="一票否决及黄牌名单")
    sheet.append(["年度", "考核对象", "结果", "主要负责人", "理由", "效力"])
    for r in rows:
        effect = "当年不得评先树优，主要负责人当年不得评优评先" if r.outcome == "veto" else "黄牌警告"
        sheet.append([_cell(v) for v in [
            r.run.scheme.year, str(r.body), VetoOutcome(r.outcome).label,
            "、".join(f"{p['name']}（{p['post']}）" for p in r.leaders),
            "；".join(h["reason"] for h in r.hits), effect,
        ]])  # fmt: skip
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _paragraph(document, text: str, *, font: str = BODY_FONT, size: int = 16, align=WD_ALIGN_PARAGRAPH.JUSTIFY,
               indent: bool = True):  # fmt: skip
    paragraph = document.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.line_spacing = Pt(28)
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(size * 2)
    run = paragraph.add_run(text)
    run.font.name = font
    run.font.size = Pt(size)
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
    return paragraph


def results_docx(run, results: list[Any], *, issuer: str, on: dt.date) -> bytes:
    """关于××年度安全生产工作考核结果的通报: the title, the course, the ranking, vetoes and yellow cards with
    the facts, the requirements, the issuing office and date."""
    scheme = run.scheme
    document = Document()
    center = WD_ALIGN_PARAGRAPH.CENTER
    _paragraph(
        document,
        f"关于{scheme.year}年度安全生产工作考核结果的通报",
        font=TITLE_FONT,
        size=22,
        align=center,
        indent=False,
    )
    _paragraph(document, "各县区人民政府（管委会），市直有关部门单位，市属有关企业：", indent=False)
    _paragraph(
        document,
        f"根据《{scheme.name}》{('（' + scheme.basis + '）') if scheme.basis else ''}，市安委会办公室组织开展了{scheme.year}年度"
        f"安全生产工作考核，共考核{len(results)}个单位。考核结果以平台记录的工作事项、督办通报、隐患整改、执法处罚和事故等"
        f"数据为依据，经单位自评、办公室考核{'，并经更正（' + run.reason + '）' if run.reason else ''}，现将结果通报如下。",
    )
    _paragraph(document, "一、考核得分及排名", font=HEADING_FONT, indent=False)
    for r in results:
        trend = "" if r.last_total is None else f"（上年{r.last_total}分，第{r.last_rank}名）"
        _paragraph(document, f"{r.rank}. {r.body}：{r.total}分，{ResultGrade(r.grade).label}{trend}")
    vetoed = [r for r in results if r.outcome == "veto"]
    yellow = [r for r in results if r.outcome == "yellow"]
    _paragraph(document, "二、一票否决及黄牌警告", font=HEADING_FONT, indent=False)
    if not vetoed and not yellow:
        _paragraph(document, "本年度无一票否决和黄牌警告情形。")
    for r in vetoed + yellow:
        facts = "；".join(f"{h['reason']}（{'、'.join(x['title'] for x in h['records'])}）" for h in r.hits)
        effect = "实行安全生产“一票否决”，当年不得评先树优" if r.outcome == "veto" else "给予黄牌警告"
        _paragraph(document, f"{r.body}：{facts}，{effect}。")
    _paragraph(document, "三、有关要求", font=HEADING_FONT, indent=False)
    _paragraph(
        document,
        "各单位要认真对照考核结果查找差距，对失分项目逐项整改。被一票否决和黄牌警告的单位要深刻反思，"
        "制定整改措施，于通报印发之日起30日内将整改情况报市安委会办公室。",
    )
    _paragraph(document, issuer, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    _paragraph(document, chinese_date(on), align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
