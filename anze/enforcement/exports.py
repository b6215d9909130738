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


def plan_rows(plans) -> Iterable[list[Any]]:
    for p in plans.select_related("department", "region").order_by("-year", "title")[:MAX_ROWS]:
        yield [p.year, p.title, p.department.name, p.region.name, p.get_status_display(),
               p.sector_count, p.draw_count]  # fmt: skip


PLAN_HEADER = ["年度", "计划名称", "制定部门", "区域", "状态", "抽查领域数", "抽取次数"]


def inspection_rows(inspections) -> Iterable[list[Any]]:
    for i in (
        inspections.select_related("enterprise", "department")
        .order_by("-scheduled_on", "-id")[:MAX_ROWS]
        .iterator(chunk_size=2000)
    ):
        yield [
            i.scheduled_on.isoformat(), i.enterprise.name, i.enterprise.credit_code, i.department.name,
            i.get_kind_display(), i.get_status_display(), i.inspected_on.isoformat() if i.inspected_on else "",
        ]  # fmt: skip


INSPECTION_HEADER = ["计划日期", "企业", "统一社会信用代码", "检查部门", "检查类型", "状态", "检查日期"]


def listing_rows(listings) -> Iterable[list[Any]]:
    """The department's rows: a listed person by name (the export is for those who may see the listing)."""
    for row in (
        listings.select_related("enterprise", "department")
        .order_by("status", "-fact_on", "-id")[:MAX_ROWS]
        .iterator(chunk_size=2000)
    ):
        yield [
            row.subject, row.get_subject_kind_display(), row.enterprise.credit_code, row.get_rule_display(),
            row.fact_on.isoformat(), row.get_status_display(), row.department.name if row.department else "",
            row.decision_number, row.listed_on.isoformat() if row.listed_on else "",
            row.expires_on.isoformat() if row.expires_on else "",
            row.removed_on.isoformat() if row.removed_on else "",
        ]  # fmt: skip


LISTING_HEADER = ["主体", "主体类型", "统一社会信用代码", "列入情形", "事实日期", "状态", "决定部门", "决定书文号",
                  "列入日期", "届满日期", "移出日期"]  # fmt: skip


def xlsx_response(title: str, filename: str, header: list[str], rows: Iterable[list[Any]]) -> Any:
    from django.http import HttpResponse

    response = HttpResponse(rows_to_xlsx(title, header, rows), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
