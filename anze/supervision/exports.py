"""Small .xlsx writer for tables that are not django-tables2 tables (the traffic lights)."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook

from anze.org.generic import safe_cell


def rows_to_xlsx(title: str, header: list[Any], rows: list[list[Any]]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append([str(h) for h in header])
    for row in rows:
        sheet.append([v if isinstance(v, int | float) or v is None else safe_cell(str(v)) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
