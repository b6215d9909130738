"""The responsibility matrix (责任矩阵): tasks of current plan versions × units, marked 牵头/责任/配合."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from anze.org.models import Region, Unit
from anze.plans.choices import UNIT_ROLES, AssignmentRole
from anze.plans.models import Clause, ClauseAssignment, Plan, Section, Task

TASK_LABEL_LENGTH = 40


@dataclass
class Cell:
    """One task × unit: the strongest role the unit has in any clause of the task, and through which groups."""

    role: AssignmentRole
    direct: bool = False
    groups: set[str] = field(default_factory=set)

    @property
    def mark(self) -> str:
        return self.role.mark

    @property
    def note(self) -> str:
        """The explanation a reader sees on hover and in the export (经 各县区政府)."""
        if self.direct or not self.groups:
            return ""
        return _("经 %(groups)s") % {"groups": "、".join(sorted(self.groups))}


@dataclass
class Row:
    task: Task
    label: str
    cells: list[Cell | None]


@dataclass
class Matrix:
    units: list[Unit]
    rows: list[Row]

    @property
    def is_empty(self) -> bool:
        return not self.rows


def build_matrix(
    user: Any,
    *,
    plan: Plan | None = None,
    section: Section | None = None,
    unit_kind: str = "",
    region: Region | None = None,
) -> Matrix:
    """The matrix the user may see, narrowed by the filters; one query for tasks, one for marks, one for units."""
    tasks = Task.objects.restrict(user, "view").filter(version__current_of__isnull=False)
    assignments = ClauseAssignment.objects.restrict(user, "view").filter(
        version__current_of__isnull=False, role__in=UNIT_ROLES, unit__isnull=False
    )
    if plan is not None:
        tasks = tasks.filter(version__plan=plan)
        assignments = assignments.filter(version__plan=plan)
    if section is not None:
        tasks = tasks.filter(section=section)
        assignments = assignments.filter(clause__task__section=section)
    if unit_kind:
        assignments = assignments.filter(unit__kind=unit_kind)
    if region is not None:
        assignments = assignments.filter(unit__region__path__startswith=region.path)
    tasks = list(
        tasks.select_related("version__plan").order_by("version__plan__title", "version__plan_id", "order")
    )
    first_texts = dict(Clause.objects.filter(task__in=tasks, order=0).values_list("task_id", "text"))

    cells: dict[tuple[int, int], Cell] = {}
    for task_id, unit_id, role, via_group, group_name in assignments.values_list(
        "clause__task_id", "unit_id", "role", "via_group", "group__name"
    ):
        role = AssignmentRole(role)
        cell = cells.get((task_id, unit_id))
        if cell is None or role.rank < cell.role.rank:
            cell = cells[(task_id, unit_id)] = Cell(role=role)
        if role == cell.role:
            if via_group:
                cell.groups.add(group_name)
            else:
                cell.direct = True
    unit_ids = {unit_id for _, unit_id in cells}
    units = list(
        Unit.objects.filter(pk__in=unit_ids)
        .select_related("region")
        .order_by("region__path", "kind", "sort_order", "name")
    )
    rows = []
    for task in tasks:
        label = task.title or first_texts.get(task.pk, "")
        if len(label) > TASK_LABEL_LENGTH:
            label = label[:TASK_LABEL_LENGTH] + "…"
        rows.append(Row(task, label, [cells.get((task.pk, unit.pk)) for unit in units]))
    if unit_kind or region is not None:
        rows = [row for row in rows if any(row.cells)]
    return Matrix(units=units, rows=rows)


def matrix_xlsx(matrix: Matrix, *, title: str) -> bytes:
    """The matrix as an .xlsx workbook: exactly the rows and columns shown on the page."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("责任矩阵")
    from anze.core.exports import safe_cell

    header = [_("方案"), _("任务"), _("内容")] + [safe_cell(str(unit)) for unit in matrix.units]
    sheet.append(header)
    fills = {
        AssignmentRole.LEAD_UNIT: PatternFill("solid", fgColor="F8D7DA"),
        AssignmentRole.RESPONSIBLE_UNIT: PatternFill("solid", fgColor="CFE2FF"),
        AssignmentRole.SUPPORTING_UNIT: PatternFill("solid", fgColor="E2E3E5"),
    }
    for row in matrix.rows:
        sheet.append(
            [
                safe_cell(str(row.task.version.plan)),
                safe_cell(str(row.task.number)),
                safe_cell(str(row.label)),
            ]
            + [c.mark if c else "" for c in row.cells]
        )
        excel_row = sheet.max_row
        for offset, cell in enumerate(row.cells):
            if cell is None:
                continue
            target = sheet.cell(row=excel_row, column=4 + offset)
            target.fill = fills[cell.role]
            target.alignment = Alignment(horizontal="center")
            if cell.note:
                target.comment = Comment(safe_cell(str(cell.note)), "anze")
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["C"].width = 45
    for index in range(4, 4 + len(matrix.units)):
        sheet.column_dimensions[get_column_letter(index)].width = 8
    sheet.freeze_panes = "D2"
    workbook.properties.title = title
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
