"""Plans in the genre's layouts, each written here with the structure a reader sees as the expected answer."""

from __future__ import annotations

from datetime import date

import pytest

from anze.plans.parsing import PlanParseError, errors, parse_document, parse_text
from anze.plans.parsing.reading import DocumentText


def roles(clause) -> dict[str, list[str]]:
    data = clause.to_dict()
    keys = ("lead_leaders", "co_leaders", "lead_units", "responsible_units", "supporting_units")
    return {key: data[key] for key in keys if data[key]}


@pytest.fixture(autouse=True)
def media_root() -> None:
    """Shadow the package conftest's autouse fixture: the parser tests run without Django."""
    return None


# ---- the signature block (落款) at the end of the body ----------------------------------------


def test_the_signature_block_is_lifted_out_of_the_last_task_and_names_the_issuers() -> None:
    plan = parse_text(
        "某县安全生产专项整治工作方案\n"
        "1. 开展危化品专项整治。（责任单位：县应急局）\n"
        "2. 开展燃气安全排查。（责任单位：县住建局）\n"
        "中共某县县委办公室\n某县人民政府办公室\n2021年3月5日\n"
    )

    assert plan.issued_on == date(2021, 3, 5)
    assert plan.issuers == ["中共某县县委办公室", "某县人民政府办公室"]
    assert [c.text for _, _, c in plan.iter_clauses()] == ["开展危化品专项整治。", "开展燃气安全排查。"]


def test_a_signature_block_dated_in_chinese_numerals_is_lifted_too() -> None:
    plan = parse_text(
        "某县安全生产专项整治工作方案\n1. 开展危化品专项整治。（责任单位：县应急局）\n"
        "某县安全生产委员会\n二〇二一年十二月三十日\n"
    )

    assert (plan.issued_on, plan.issuers) == (date(2021, 12, 30), ["某县安全生产委员会"])
    assert plan.tasks[0].clauses[0].text == "开展危化品专项整治。"


def test_the_notices_date_and_issuers_win_over_the_plans_own_signature_and_the_colophon_is_cut() -> None:
    plan = parse_text(
        "中共某县县委办公室\n某县人民政府办公室\n"
        "关于印发《某县安全生产专项整治三年行动实施方案》的通知\n各乡镇党委、政府：\n现将方案印发给你们，请认真贯彻落实。\n"
        "中共某县县委办公室\n某县人民政府办公室\n二〇二一年三月五日\n"
        "某县安全生产专项整治三年行动实施方案\n一、重点任务\n"
        "1. 开展危化品专项整治。（责任单位：县应急局；完成时限：6月底前）\n"
        "2. 开展燃气安全排查。（责任单位：县住建局）\n"
        "某县安全生产委员会\n2021年4月1日\n"
        "抄送：县委各部门。\n某县人民政府办公室2021年3月5日印发\n"
    )

    assert plan.title == "某县安全生产专项整治三年行动实施方案"
    assert (plan.issued_on, plan.issuers) == (date(2021, 3, 5), ["中共某县县委办公室", "某县人民政府办公室"])
    # Neither the plan's own signature nor the colophon is part of the last task.
    assert [c.text for _, _, c in plan.iter_clauses()] == ["开展危化品专项整治。", "开展燃气安全排查。"]
    assert plan.tasks[0].clauses[0].deadline.date == date(2021, 6, 30)


# ---- labelled paragraphs with no numbered items -------------------------------------------------


def test_labelled_paragraphs_under_headings_are_tasks_and_a_label_under_a_heading_assigns_all() -> None:
    plan = parse_text(
        "某县森林防火工作方案\n"
        "一、加强宣传教育\n牵头单位：县林业局\n"
        "利用广播、电视开展防火宣传。\n责任单位：各乡镇政府\n"
        "深入村组张贴防火公告。\n责任单位：县融媒体中心\n"
        "二、强化火源管控\n严格野外用火审批。（责任单位：县公安局）\n"
        "加强清明节期间巡查。（责任单位：各乡镇政府；完成时限：4月上旬）\n",
        year=2022,
    )

    assert [
        (s.number, s.title, [(t.number, t.clauses[0].text, roles(t.clauses[0])) for t in s.tasks])
        for s in plan.sections
    ] == [
        ("一", "加强宣传教育", [
            ("1", "利用广播、电视开展防火宣传。", {"lead_units": ["县林业局"], "responsible_units": ["各乡镇政府"]}),
            ("2", "深入村组张贴防火公告。", {"lead_units": ["县林业局"], "responsible_units": ["县融媒体中心"]}),
        ]),
        ("二", "强化火源管控", [
            ("1", "严格野外用火审批。", {"responsible_units": ["县公安局"]}),
            ("2", "加强清明节期间巡查。", {"responsible_units": ["各乡镇政府"]}),
        ]),
    ]  # fmt: skip
    assert plan.tasks[-1].clauses[0].deadline.date == date(2022, 4, 10)


# ---- sections ------------------------------------------------------------------------------------


def test_two_headings_with_the_same_words_under_different_parts_are_two_sections() -> None:
    plan = parse_text(
        "某县安全生产专项整治方案\n一、危化品安全\n（一）专项排查\n1. 排查储存场所。（责任单位：县应急局）\n"
        "二、燃气安全\n（一）专项排查\n2. 排查餐饮场所燃气。（责任单位：县住建局）\n"
    )

    assert [(s.number, s.title, [t.number for t in s.tasks]) for s in plan.sections] == [
        ("一", "专项排查", ["1"]),
        ("一", "专项排查", ["2"]),
    ]


# ---- task tables ---------------------------------------------------------------------------------


def test_a_task_table_with_leader_and_unit_columns_and_section_rows() -> None:
    plan = parse_text(
        "某市2022年安全生产重点工作任务分工表\n"
        "| 序号 | 重点任务 | 牵头领导 | 责任单位 | 完成时限 |\n"
        "| 一、源头治理 |\n"
        "| 1 | 开展危化品专项整治 | 王海涛 | 市应急局、市公安局 | 6月中旬 |\n"
        "| 2 | 推进燃气管网改造 | 赵明 | 市住建局 | 2022年4月上旬 |\n"
        "| 第二部分 社会共治 |\n"
        "| 3 | 完善举报奖励制度 | 王海涛 | 市应急局；市财政局，市司法局 | 年内 |\n"
    )

    assert [
        (s.number, s.title, [(t.number, t.clauses[0].text, roles(t.clauses[0])) for t in s.tasks])
        for s in plan.sections
    ] == [
        ("一", "源头治理", [
            ("1", "开展危化品专项整治", {"lead_leaders": ["王海涛"], "responsible_units": ["市应急局", "市公安局"]}),
            ("2", "推进燃气管网改造", {"lead_leaders": ["赵明"], "responsible_units": ["市住建局"]}),
        ]),
        ("二", "社会共治", [
            ("3", "完善举报奖励制度",
             {"lead_leaders": ["王海涛"], "responsible_units": ["市应急局", "市财政局", "市司法局"]}),
        ]),
    ]  # fmt: skip
    # The year of a yearless deadline comes from the title when nothing else names one.
    assert [c.deadline.date for _, _, c in plan.iter_clauses()] == [
        date(2022, 6, 20),
        date(2022, 4, 10),
        date(2022, 12, 31),
    ]


def test_a_label_closing_one_paragraph_does_not_assign_the_paragraph_before_it() -> None:
    plan = parse_text(
        "某县森林防火工作方案\n一、加强宣传教育\n"
        "利用广播、电视开展防火宣传。\n责任单位：各乡镇政府\n"
        "深入村组张贴防火公告。\n责任单位：县融媒体中心\n配合单位：县林业局\n"
    )

    assert [(c.text, roles(c)) for _, _, c in plan.iter_clauses()] == [
        ("利用广播、电视开展防火宣传。", {"responsible_units": ["各乡镇政府"]}),
        ("深入村组张贴防火公告。", {"responsible_units": ["县融媒体中心"], "supporting_units": ["县林业局"]}),
    ]


def test_labels_before_unnumbered_paragraphs_with_no_heading_assign_every_paragraph() -> None:
    plan = parse_text(
        "某县森林防火工作方案\n牵头单位：县林业局\n"
        "利用广播、电视开展防火宣传。（责任单位：各乡镇政府）\n深入村组张贴防火公告。（责任单位：县融媒体中心）\n"
    )

    assert [(t.number, roles(t.clauses[0])) for t in plan.tasks] == [
        ("1", {"lead_units": ["县林业局"], "responsible_units": ["各乡镇政府"]}),
        ("2", {"lead_units": ["县林业局"], "responsible_units": ["县融媒体中心"]}),
    ]


def test_two_assigned_paragraphs_with_no_heading_are_a_plan_one_is_not() -> None:
    plan = parse_text(
        "某县森林防火工作方案\n"
        "加强宣传教育。利用广播、电视开展防火宣传，营造良好氛围。（责任单位：县融媒体中心）\n"
        "开展火源治理。（县公安局负责）\n"
    )

    assert [(t.number, t.title, t.clauses[0].text, roles(t.clauses[0])) for t in plan.tasks] == [
        ("1", "加强宣传教育", "加强宣传教育。利用广播、电视开展防火宣传，营造良好氛围。",
         {"responsible_units": ["县融媒体中心"]}),
        ("2", None, "开展火源治理。", {"responsible_units": ["县公安局"]}),
    ]  # fmt: skip
    with pytest.raises(PlanParseError) as caught:
        parse_text("某县森林防火工作通知\n开展火源治理。（县公安局负责）\n各单位要高度重视。\n")
    assert caught.value.code == errors.NO_TASKS


def test_one_paragraph_with_a_written_label_is_a_task_without_a_heading() -> None:
    plan = parse_text("某县森林防火工作方案\n开展野外火源治理，责任单位：县公安局\n")

    assert [(t.number, t.clauses[0].text, roles(t.clauses[0])) for t in plan.tasks] == [
        ("1", "开展野外火源治理", {"responsible_units": ["县公安局"]})
    ]


def test_under_a_heading_one_assigned_paragraph_is_enough() -> None:
    plan = parse_text("某县森林防火工作方案\n一、火源管控\n开展野外火源治理。（县公安局负责）\n")

    assert [(s.title, [(t.number, roles(t.clauses[0])) for t in s.tasks]) for s in plan.sections] == [
        ("火源管控", [("1", {"responsible_units": ["县公安局"]})])
    ]


# ---- a document with no tasks is told what was seen ----------------------------------------------


def test_what_was_seen_counts_styles_tables_with_a_header_and_label_lines() -> None:
    document = DocumentText(
        blocks=[
            "关于开展安全宣传活动的通知",
            "责任单位：",
            "第一部分 活动安排",
            "一、活动时间",
            "二、活动地点",
            [["活动", "时间", "地点"], ["宣传周", "6月", "广场"]],
            [["序号", "工作任务", "责任单位"]],
            "配合单位：",
        ]
    )

    with pytest.raises(PlanParseError) as caught:
        parse_document(document)

    assert caught.value.code == errors.NO_TASKS
    assert caught.value.details == {
        "lines": 8,
        "styles": "第一部分×1、一、×2",
        "styles_en": "第一部分×1, 一、×2",
        "tables": 2,
        "usable_tables": 1,
        "labels": 2,
    }


def test_what_was_seen_says_none_when_no_line_is_numbered() -> None:
    with pytest.raises(PlanParseError) as caught:
        parse_text("关于开展安全宣传活动的通知\n各单位要高度重视。\n")

    assert (caught.value.details["styles"], caught.value.details["styles_en"]) == ("无", "none")
    assert "编号样式：无；" in caught.value.message_zh
    assert "numbering styles: none;" in caught.value.message_en
