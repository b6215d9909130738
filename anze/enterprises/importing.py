"""Enterprise import from .xlsx or .csv laid out as the template, and the template itself.

Every row is either saved or reported with its line and reason (bad credit code, unknown region, unknown
industry, duplicate in the file, out of scope …); nothing is dropped silently. Rows are upserted on the
统一社会信用代码 and an unchanged row is left alone, so importing the same file twice changes nothing.
"""

from __future__ import annotations

import csv
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
from anze.enterprises import engine
from anze.enterprises.choices import EnterpriseStatus, HighRiskCategory
from anze.enterprises.models import Enterprise, Industry, categories_text
from anze.enterprises.services import assign_supervisors, clean_credit_code, may_place
from anze.org.choices import RegionLevel
from anze.org.models import Region

COLUMNS = [
    ("name", "企业名称", True),
    ("credit_code", "统一社会信用代码", True),
    ("county", "县区", True),
    ("town", "乡镇街道", False),
    ("address", "地址", False),
    ("industry", "行业代码", True),
    ("categories", "高危类别", False),
    ("employee_count", "从业人员数", True),
    ("is_crowded_place", "人员密集场所", False),
    ("in_chemical_park", "位于化工园区", False),
    ("has_major_hazard", "有重大危险源", False),
    ("legal_representative", "法定代表人", False),
    ("actual_controller", "实际控制人", False),
    ("principal", "主要负责人", False),
    ("status", "经营状态", False),
]
EXAMPLE = [
    "临沂示例化工有限公司", "91371311MA3C00001X", "罗庄区", "", "罗庄区化工园1号", "26", "危险化学品", "320",
    "否", "是", "是", "张三", "张三", "李四", "在营",
]  # fmt: skip
_YES = {"是", "y", "yes", "true", "1", "√"}
_NO = {"否", "n", "no", "false", "0", ""}
_COMPARED = [
    "name", "region_id", "address", "industry_id", "categories", "employee_count", "is_crowded_place",
    "in_chemical_park", "has_major_hazard", "legal_representative", "actual_controller", "principal", "status",
]  # fmt: skip


@dataclass
class ImportReport:
    """What an import did: rows created, updated, unchanged, and every refused row with its reason."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged + len(self.errors)


def template_xlsx() -> bytes:
    """The import template: the header row, one example, and a sheet of industry codes and categories."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "企业"
    sheet.append([label for _key, label, _required in COLUMNS])
    sheet.append(EXAMPLE)
    for i, (_key, label, required) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=i).column_letter].width = max(12, len(label) * 2 + 4)
        if required:
            sheet.cell(row=1, column=i).font = Font(bold=True)
    notes = workbook.create_sheet("说明")
    notes.append(
        [
            "加粗列为必填；是/否 列填“是”或“否”；高危类别可填多个，用顿号分隔；经营状态：在营、停产停业、已关闭。"
        ]
    )
    notes.append(["高危类别", "、".join(str(label) for label in HighRiskCategory.labels)])
    notes.append([])
    notes.append(["行业代码", "名称"])
    for code, name in Industry.objects.order_by("code").values_list("code", "name"):
        notes.append([code, name])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read_rows(name: str, content: bytes) -> list[dict[str, str]]:
    """The file's data rows as {column key: text}, by the template's Chinese headers."""
    if name.lower().endswith(".csv"):
        text = content.decode("utf-8-sig") if _is_utf8(content) else content.decode("gb18030")
        table = list(csv.reader(io.StringIO(text)))
    else:
        try:
            check_archive(content)
        except ArchiveTooLargeError:
            raise ValidationError(
                _("Excel 文件解压后过大，疑似压缩炸弹，未导入；请用 Excel/WPS 另存后重新上传。")
            ) from None
        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
            raise ValidationError(_("无法读取 Excel 文件：%(e)s") % {"e": error}) from None
        sheet = workbook.worksheets[0]
        table = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
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
        if not any((v or "").strip() for v in values):
            continue
        rows.append({k: (v or "").strip() for k, v in zip(keys, values, strict=False) if k})
    return rows


def _is_utf8(content: bytes) -> bool:
    try:
        content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return True


class _RowError(Exception):
    pass


def _flag(value: str, label: str) -> bool:
    lowered = value.strip().lower()
    if lowered in _YES:
        return True
    if lowered in _NO:
        return False
    raise _RowError(_("“%(label)s”应填“是”或“否”") % {"label": label})


class _Resolver:
    """Looks up regions, industries and labels once per import."""

    def __init__(self, user: Any) -> None:
        scoped = Region.objects.restrict(user, "view") if user is not None else Region.objects.all()
        self.counties: dict[str, Region] = {}
        for region in scoped.filter(level__in=[RegionLevel.COUNTY, RegionLevel.ZONE]):
            for key in (region.name, region.code, region.short_name):
                if key:
                    self.counties[key] = region
        self.towns = {(t.parent_id, t.name): t for t in scoped.filter(level=RegionLevel.TOWN)}
        self.industries = {i.code: i for i in Industry.objects.all()}
        self.categories = {str(label): value for value, label in HighRiskCategory.choices}
        self.categories.update({value: value for value in HighRiskCategory.values})
        self.statuses = {str(label): value for value, label in EnterpriseStatus.choices}
        self.statuses.update({value: value for value in EnterpriseStatus.values})

    def entry(self, row: dict[str, str]) -> dict[str, Any]:
        name = row.get("name", "")
        if not name:
            raise _RowError(_("企业名称为空"))
        try:
            code = clean_credit_code(row.get("credit_code", ""))
        except ValidationError:
            raise _RowError(_("统一社会信用代码无效")) from None
        county = self.counties.get(row.get("county", ""))
        if county is None:
            raise _RowError(_("县区“%(v)s”不存在或不在您的范围内") % {"v": row.get("county", "")})
        region = county
        if row.get("town"):
            region = self.towns.get((county.pk, row["town"]))
            if region is None:
                raise _RowError(_("乡镇街道“%(v)s”不在%(c)s") % {"v": row["town"], "c": county.name})
        industry = self.industries.get(row.get("industry", "").upper())
        if industry is None:
            raise _RowError(_("行业代码“%(v)s”未收录") % {"v": row.get("industry", "")})
        try:
            employees = int(float(row.get("employee_count", "")))
            if employees < 0:
                raise ValueError
        except ValueError:
            raise _RowError(_("从业人员数应为非负整数")) from None
        labels = [
            part.strip()
            for part in row.get("categories", "").replace(",", "、").replace("，", "、").split("、")
        ]
        unknown = [label for label in labels if label and label not in self.categories]
        if unknown:
            raise _RowError(_("未知高危类别：%(v)s") % {"v": "、".join(unknown)})
        chosen = [self.categories[label] for label in labels if label]
        if not row.get("categories") and industry.category:
            chosen = [industry.category]
        status = self.statuses.get(row.get("status", "") or "在营")
        if status is None:
            raise _RowError(_("经营状态“%(v)s”无效") % {"v": row.get("status", "")})
        categories = categories_text(chosen)
        return {
            "name": name[:200],
            "credit_code": code,
            "region_id": region.pk,
            "county_id": county.pk,
            "address": row.get("address", "")[:200],
            "industry_id": industry.pk,
            "categories": categories,
            "is_high_risk": bool(categories),
            "employee_count": employees,
            "is_crowded_place": _flag(row.get("is_crowded_place", ""), "人员密集场所"),
            "in_chemical_park": _flag(row.get("in_chemical_park", ""), "位于化工园区"),
            "has_major_hazard": _flag(row.get("has_major_hazard", ""), "有重大危险源"),
            "legal_representative": row.get("legal_representative", "")[:50],
            "actual_controller": row.get("actual_controller", "")[:50],
            "principal": row.get("principal", "")[:50],
            "status": status,
        }


@transaction.atomic
def import_enterprises(rows: list[dict[str, str]], *, actor: Any, filename: str = "") -> ImportReport:
    """Upsert the valid rows on the credit code and report the others; re-derives departments and
    re-evaluates the enterprises it touched, set-based."""
    report = ImportReport()
    resolver = _Resolver(actor)
    seen: dict[str, int] = {}
    entries: list[tuple[int, dict[str, Any]]] = []
    for line, row in enumerate(rows, start=2):
        try:
            entry = resolver.entry(row)
            if entry["credit_code"] in seen:
                raise _RowError(_("与第 %(n)s 行的统一社会信用代码重复") % {"n": seen[entry["credit_code"]]})
            seen[entry["credit_code"]] = line
            entries.append((line, entry))
        except _RowError as error:
            report.errors.append(
                {
                    "line": line,
                    "credit_code": row.get("credit_code", ""),
                    "name": row.get("name", ""),
                    "reason": str(error),
                }
            )
    existing = {
        e.credit_code: e
        for e in Enterprise.objects.filter(credit_code__in=[e["credit_code"] for _l, e in entries])
    }
    editable = set(
        Enterprise.objects.restrict(actor, "change").filter(pk__in=[e.pk for e in existing.values()]).values_list("pk", flat=True)
    ) if actor is not None else {e.pk for e in existing.values()}  # fmt: skip
    regions = {r.pk: r for r in Region.objects.filter(pk__in={e["region_id"] for _l, e in entries})}
    new, changed = [], []
    for line, entry in entries:
        current = existing.get(entry["credit_code"])
        action = "add" if current is None else "change"
        if not may_place(actor, regions[entry["region_id"]], action):
            report.errors.append({"line": line, "credit_code": entry["credit_code"], "name": entry["name"],
                                  "reason": _("您无权在%(r)s登记或修改企业") % {"r": regions[entry["region_id"]]}})  # fmt: skip
            continue
        if current is None:
            new.append(Enterprise(**entry))
        elif current.pk not in editable:
            report.errors.append({"line": line, "credit_code": entry["credit_code"], "name": entry["name"],
                                  "reason": _("该信用代码已登记在您范围以外的企业")})  # fmt: skip
        elif all(getattr(current, key) == entry[key] for key in _COMPARED):
            report.unchanged += 1
        else:
            for key, value in entry.items():
                setattr(current, key, value)
            changed.append(current)
    Enterprise.objects.bulk_create(new, batch_size=1000)
    Enterprise.objects.bulk_update(changed, [*_COMPARED, "county_id", "is_high_risk"], batch_size=1000)
    report.created, report.updated = len(new), len(changed)
    touched = Enterprise.objects.filter(credit_code__in=[e.credit_code for e in [*new, *changed]])
    if new or changed:
        assign_supervisors(touched)
        engine.evaluate(enterprise_ids=list(touched.values_list("pk", flat=True)))
    record(
        "enterprises.enterprise.import",
        actor=actor,
        obj=("enterprises.enterprise", "", filename or "导入"),
        after={
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "refused": len(report.errors),
            "credit_codes": sorted(e.credit_code for e in [*new, *changed])[:500],
        },
    )
    return report
