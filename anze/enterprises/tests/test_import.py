"""Import: valid rows saved, every invalid row reported with its reason, the same file twice changes nothing."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from anze.enterprises import importing
from anze.enterprises.generate import credit_code
from anze.enterprises.models import Enterprise

pytestmark = pytest.mark.django_db

HEADER = [label for _key, label, _required in importing.COLUMNS]


def row(name, code, county="罗庄区", industry="26", employees="50", **extra):
    values = dict(zip(HEADER, [name, code, county, "", "", industry, "", employees, "否", "否", "否", "", "", "", "在营"],
                      strict=True))  # fmt: skip
    values.update(extra)
    return [values[h] for h in HEADER]


def xlsx(rows):
    workbook = Workbook()
    workbook.active.append(HEADER)
    for values in rows:
        workbook.active.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def rows():
    good = credit_code(501, "371311")
    return [
        row("好企业一", good),
        row("好企业二", credit_code(502, "371302"), county="兰山区", industry="54"),
        row("错码企业", "91371311MA3C123450"),
        row("无县区企业", credit_code(503, "371311"), county="火星区"),
        row("重复企业", good),
        row("未知行业", credit_code(504, "371311"), industry="99"),
        row("人数不对", credit_code(505, "371311"), employees="很多"),
    ]


def test_valid_rows_are_saved_and_each_invalid_row_is_reported(reference, alice, rows):
    report = importing.import_enterprises(importing.read_rows("a.xlsx", xlsx(rows)), actor=alice)
    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
    reasons = {error["line"]: error["reason"] for error in report.errors}
    assert set(reasons) == {4, 5, 6, 7, 8}
    assert "统一社会信用代码无效" in reasons[4]
    assert "火星区" in reasons[5]
    assert "重复" in reasons[6] and "2" in reasons[6]
    assert "行业代码" in reasons[7]
    assert "从业人员数" in reasons[8]
    assert report.total == len(rows)
    made = Enterprise.objects.get(name="好企业一")
    assert made.is_high_risk and made.evaluated_at is not None and made.results.exists()


def test_the_same_file_twice_changes_nothing(reference, alice, rows):
    content = xlsx(rows)
    importing.import_enterprises(importing.read_rows("a.xlsx", content), actor=alice)
    snapshot = list(Enterprise.objects.order_by("pk").values_list("pk", "updated_at"))
    report = importing.import_enterprises(importing.read_rows("a.xlsx", content), actor=alice)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    assert list(Enterprise.objects.order_by("pk").values_list("pk", "updated_at")) == snapshot


def test_a_changed_row_updates_on_the_credit_code(reference, alice):
    code = credit_code(601, "371311")
    importing.import_enterprises(importing.read_rows("a.xlsx", xlsx([row("甲", code)])), actor=alice)
    report = importing.import_enterprises(importing.read_rows("a.xlsx", xlsx([row("甲", code, employees="400")])),
                                          actor=alice)  # fmt: skip
    assert report.updated == 1 and Enterprise.objects.get(credit_code=code).employee_count == 400
    assert Enterprise.objects.get(credit_code=code).results.filter(rule__code="safety_director").exists()


def test_a_county_cannot_import_into_another_county(reference, bob):
    report = importing.import_enterprises(
        importing.read_rows("a.xlsx", xlsx([row("越界", credit_code(701, "371311"))])), actor=bob
    )
    assert report.created == 0 and len(report.errors) == 1
    assert not Enterprise.objects.filter(name="越界").exists()


def test_csv_in_gb18030_is_read(reference, alice):
    text = ",".join(HEADER) + "\n" + ",".join(row("CSV企业", credit_code(801, "371311"))) + "\n"
    report = importing.import_enterprises(importing.read_rows("a.csv", text.encode("gb18030")), actor=alice)
    assert report.created == 1


def test_upload_page_reports_and_template_downloads(reference, alice, signed_in, rows):
    client = signed_in(alice)
    template = client.get(reverse("enterprises:import_template"))
    assert load_workbook(io.BytesIO(template.content)).active.cell(1, 1).value == "企业名称"
    upload = SimpleUploadedFile("e.xlsx", xlsx(rows))
    body = client.post(reverse("enterprises:import"), {"file": upload}).content.decode()
    assert "新增 2" in body and "统一社会信用代码无效" in body


def test_template_example_row_imports(reference, alice):
    rows = importing.read_rows("t.xlsx", importing.template_xlsx())
    rows[0]["credit_code"] = credit_code(901, "371311")
    assert importing.import_enterprises(rows, actor=alice).created == 1


def test_demo_loader_is_idempotent(org):
    from anze.enterprises import demo

    first = demo.load(enterprises=30)
    assert first["enterprises"] == 30 and first["rule_sets"] == 1
    assert demo.load(enterprises=30) == {}
    assert Enterprise.objects.filter(summary__compliance="compliant").exists()
    assert Enterprise.objects.filter(summary__compliance="non_compliant").exists()
