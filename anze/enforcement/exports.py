"""The .xlsx exports of the enforcement lists: exactly the rows the user may see, with the list's filters."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from openpyxl import Workbook

from anze.core.exports import safe_cell

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 100_000


def rows_to_xlsx(title: str, header: list[str], rows: Iterable[list[Any]]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(header)
    for row in rows:
        sheet.append([v if isinstance(v, int | float) or v is None else safe_cell(str(v)) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def accident_rows(accidents) -> Iterable[list[Any]]:
    for a in (
        accidents.select_related("county")
        .order_by("-occurred_at", "-id")[:MAX_ROWS]
        .iterator(chunk_size=2000)
    ):
        yield [
            a.occurred_at.strftime("%Y-%m-%d %H:%M"), a.title, a.unit_name, a.county.name, a.get_accident_type_display(),
            a.get_grade_display(), a.deaths, a.missing, a.serious_injuries, float(a.direct_loss), a.get_status_display(),
        ]  # fmt: skip


ACCIDENT_HEADER = [
    "发生时间",
    "事故名称",
    "事故单位",
    "县区",
    "类型",
    "等级",
    "死亡",
    "失踪",
    "重伤",
    "直接经济损失（万元）",
    "状态",
]


def penalty_rows(penalties) -> Iterable[list[Any]]:
    for p in (
        penalties.select_related("county", "department")
        .order_by("-decided_on", "-id")[:MAX_ROWS]
        .iterator(chunk_size=2000)
    ):
        yield [
            p.decision_number, p.party_name, p.get_party_kind_display(), p.credit_code, p.department.name,
            p.county.name, p.get_penalty_type_display(), float(p.amount), p.decided_on.isoformat(),
            p.disclosure_due.isoformat(), p.published_on.isoformat() if p.published_on else "",
        ]  # fmt: skip


PENALTY_HEADER = ["决定书文号", "当事人", "当事人类型", "统一社会信用代码", "处罚机关", "县区", "处罚种类", "罚款金额（元）",
                  "决定日期", "公开期限", "公开日期"]  # fmt: skip
