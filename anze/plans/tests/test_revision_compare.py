"""A revision read as a document comparison, and the same content in another format recognised as such."""

from __future__ import annotations

import pytest
from django.urls import reverse

from anze.plans import services
from anze.plans.comparison import cadence_words, compare_versions
from anze.plans.models import PlanImport, PlanVersion
from anze.plans.tests.test_parsing_formats import make_docx

PLAN_V1 = """临沂市安全生产重点工作责任分工方案
一、强化责任落实
1. 每季度至少召开1次安全生产形势分析会，研究解决重点问题。（牵头单位：市应急局；责任单位：市交通运输局、市住房城乡建设局）
2. 每年组织1次安全生产专题培训。（责任单位：市委宣传部）
"""
PLAN_V2 = PLAN_V1.replace("每季度", "每两个月").replace("市住房城乡建设局", "市水利局")


def _upload(text: str, name: str):
    return services.parse_document(text.encode("utf-8"), name)


def test_the_docx_of_an_imported_txt_makes_no_new_version(linyi, alice):
    first = services.import_plan(_upload(PLAN_V1, "plan.txt"), actor=alice, region=linyi)
    docx = services.parse_document(make_docx(PLAN_V1.strip().splitlines()), "plan.docx")
    assert docx.sm3 != first.version.content_hash  # another file …

    again = services.import_plan(docx, actor=alice, region=linyi)

    assert again.created is False and again.version == first.version  # … with the same content
    assert PlanVersion.objects.filter(plan=first.plan).count() == 1
    with pytest.raises(services.SameContentImported) as refused:
        services.stage_import(docx, actor=alice, region=linyi)
    assert "第 1 版完全相同" in str(refused.value)
    assert not PlanImport.objects.exists()


def test_a_changed_plan_in_another_format_is_still_a_new_version(linyi, alice):
    services.import_plan(_upload(PLAN_V1, "plan.txt"), actor=alice, region=linyi)
    docx = services.parse_document(make_docx(PLAN_V2.strip().splitlines()), "plan-revised.docx")
    result = services.import_plan(docx, actor=alice, region=linyi)
    assert result.created and result.version.number == 2
    assert result.diff["summary"] == {"added": 0, "removed": 0, "changed": 1, "unchanged": 1}


def test_cadences_read_in_words():
    assert cadence_words("FREQ=MONTHLY;INTERVAL=2") == "每两个月"
    assert cadence_words("FREQ=MONTHLY;INTERVAL=3") == "每季度"
    assert cadence_words("FREQ=MONTHLY;INTERVAL=3", 2) == "每季度至少2次"
    assert cadence_words("FREQ=YEARLY;INTERVAL=3") == "每三年"
    assert cadence_words("FREQ=WEEKLY") == "每周"


def test_a_changed_clause_reads_like_a_document_comparison(linyi, alice):
    services.import_plan(_upload(PLAN_V1, "plan.txt"), actor=alice, region=linyi)
    version = services.import_plan(_upload(PLAN_V2, "plan-revised.txt"), actor=alice, region=linyi).version

    clause = compare_versions(version.diff)["clauses"][0]

    assert [s.text for s in clause.old_wording if s.changed] == ["季度"]
    assert [s.text for s in clause.new_wording if s.changed] == ["两个月"]
    assert (
        "".join(s.text for s in clause.new_wording)
        == "每两个月至少召开1次安全生产形势分析会，研究解决重点问题。"
    )
    assert clause.names == [{"label": "责任单位", "added": ["市水利局"], "removed": ["市住房城乡建设局"]}]
    assert {"label": "工作频次", "before": "每季度", "after": "每两个月"} in clause.lines


def test_the_version_page_shows_wording_side_by_side_and_no_field_names(linyi, alice, signed_in):
    services.import_plan(_upload(PLAN_V1, "plan.txt"), actor=alice, region=linyi)
    plan = services.import_plan(_upload(PLAN_V2, "plan-revised.txt"), actor=alice, region=linyi).plan

    page = signed_in(alice).get(reverse("plans:version_list", args=[plan.public_id]))

    assert page.status_code == 200
    html = page.content.decode()
    assert '<del class="bg-danger-subtle">季度</del>' in html
    assert '<ins class="bg-success-subtle">两个月</ins>' in html
    assert "增加 市水利局" in html and "去掉 市住房城乡建设局" in html
    assert "每季度" in html and "每两个月" in html
    for raw in ("responsible_units", "lead_units", "FREQ=", "rrule", "<code>text", "'text'"):
        assert raw not in html
