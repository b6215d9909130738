"""Plans in the genre's layouts, each written here with the structure a reader sees as the expected answer."""

from __future__ import annotations

from datetime import date

import pytest

from anze.plans.parsing import PlanParseError, errors, parse_document, parse_file, parse_text
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
        "加强宣传教育。利用广播、电视开展防火宣传，营造良好氛围。（县融媒体中心负责）\n"
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


def test_a_word_table_under_a_group_heading_with_unmarked_section_rows_and_no_number_column() -> None:
    # A Word table: the section rows are merged cells (the same words in every cell), tasks are unnumbered.
    table = [
        ["工作任务", "配合单位", "完成时限"],
        ["危化品安全", "危化品安全", "危化品安全"],
        ["开展危化品专项整治。每月检查一次。", "县公安局", "6月底前"],
        ["推进园区建设", "县工信局", "年底前"],
        ["燃气安全", "燃气安全", "燃气安全"],
        ["开展燃气排查", "县住建局", ""],
    ]
    second = [["工作任务", "配合单位"], ["危化品安全", "危化品安全"], ["排查餐饮场所", "县市场监管局"]]
    plan = parse_document(
        DocumentText(
            blocks=[
                "某县安全生产重点工作分工表",
                "一、县应急局牵头工作",
                table,
                "二、县住建局牵头工作",
                second,
            ]
        ),
        year=2022,
    )

    assert [
        (s.number, s.title, [(t.number, t.title, roles(t.clauses[0])) for t in s.tasks]) for s in plan.sections
    ] == [
        (None, "危化品安全", [
            ("1", "开展危化品专项整治", {"lead_units": ["县应急局"], "supporting_units": ["县公安局"]}),
            ("2", None, {"lead_units": ["县应急局"], "supporting_units": ["县工信局"]}),
        ]),
        (None, "燃气安全", [("3", None, {"lead_units": ["县应急局"], "supporting_units": ["县住建局"]})]),
        # The same words under another heading are another section.
        (None, "危化品安全", [("1", None, {"lead_units": ["县住建局"], "supporting_units": ["县市场监管局"]})]),
    ]  # fmt: skip
    assert [c.deadline.date if c.deadline else None for _, _, c in plan.iter_clauses()] == [
        date(2022, 6, 30),
        date(2022, 12, 31),
        None,
        None,
    ]


def test_a_blank_numbered_row_is_skipped_and_a_row_with_only_its_units_is_kept() -> None:
    plan = parse_text(
        "某县安全生产重点工作分工表\n| 序号 | 工作任务 | 责任单位 |\n| 1 | 开展危化品专项整治 | 县应急局 |\n"
        "| 2 |  |  |\n| 3 |  | 县住建局 |\n| 4 | 完善举报奖励制度 | 县财政局 |\n"
    )

    assert [(t.number, t.clauses[0].text, t.clauses[0].responsible_units) for t in plan.tasks] == [
        ("1", "开展危化品专项整治", ["县应急局"]),
        ("3", "", ["县住建局"]),
        ("4", "完善举报奖励制度", ["县财政局"]),
    ]


def test_a_row_with_no_unit_in_its_columns_is_assigned_by_its_own_words_and_a_column_wins_over_words() -> (
    None
):
    plan = parse_text(
        "某县安全生产重点工作分工表\n| 序号 | 工作任务 | 责任单位 | 完成时限 |\n"
        "| 1 | 开展危化品专项整治，县应急局牵头，县公安局配合。 |  | 年底前 |\n"
        "| 2 | 开展燃气排查，县住建局牵头。 | 县城管局 | 年底前 |\n",
        year=2022,
    )

    assert [(c.text, roles(c)) for _, _, c in plan.iter_clauses()] == [
        ("开展危化品专项整治，县应急局牵头，县公安局配合。", {"lead_units": ["县应急局"], "supporting_units": ["县公安局"]}),
        ("开展燃气排查，县住建局牵头。", {"responsible_units": ["县城管局"]}),
    ]  # fmt: skip
    source = plan.locate().tasks[1].clauses[0].source
    assert source["lines"] == [4, 4]
    assert plan.to_dict(include_original=True)["sections"][0]["tasks"][1]["clauses"][0]["original"] == (
        "2 | 开展燃气排查，县住建局牵头。 | 县城管局 | 年底前"
    )


# ---- the year a yearless deadline falls in -------------------------------------------------------

TASK_BY_JUNE = "1. 开展整治。（责任单位：市应急局；完成时限：6月底前）\n"


@pytest.mark.parametrize(
    ("text", "year", "june"),
    [
        # The caller's year wins over everything the document says.
        (f"某市方案\n办字〔2019〕3号\n{TASK_BY_JUNE}", 2023, date(2023, 6, 30)),
        # The date it was signed wins over the year in its 文号.
        (f"某市方案\n办字〔2019〕3号\n{TASK_BY_JUNE}某市人民政府\n2020年1月6日\n", None, date(2020, 6, 30)),
        (f"某市方案\n办字〔2019〕3号\n{TASK_BY_JUNE}", None, date(2019, 6, 30)),
        # The date it was printed (the colophon's 印发 line), then a year in its title.
        (f"某市方案\n{TASK_BY_JUNE}抄送：市委各部门。\n某市人民政府办公室2018年3月2日印发\n", None, date(2018, 6, 30)),
        (f"某市2017年安全生产工作要点\n{TASK_BY_JUNE}", None, date(2017, 6, 30)),
        # No year anywhere (a longer number is not a year): the deadline keeps its words, without a date.
        (f"某市安全生产工作要点\n{TASK_BY_JUNE}", None, None),
        (f"某市12017年安全生产工作要点\n{TASK_BY_JUNE}", None, None),
    ],
)  # fmt: skip
def test_a_yearless_deadline_falls_in_the_year_the_document_gives(text: str, year: int | None, june) -> None:
    deadline = parse_text(text, year=year).tasks[0].clauses[0].deadline

    assert (deadline.text, deadline.date) == ("6月底前", june)


# ---- what the caller passes, and what the importer is told ---------------------------------------


def test_known_units_are_matched_whatever_their_script_and_spacing() -> None:
    plan = parse_text(
        "某市方案\n1. 推进转型升级。（责任单位：市发展和改革局、工业和信息化局）\n",
        known_units={"市發展和改革局", " 市工业和信息化局 "},
    )

    assert plan.tasks[0].clauses[0].responsible_units == ["市发展和改革局", "市工业和信息化局"]


def test_a_lead_set_by_the_first_listed_rule_is_flagged_for_the_office_to_check() -> None:
    ruled = parse_text(
        "（列第一位的为牵头单位）\n某市方案\n1. 开展专项整治。（市应急局、市公安局）\n"
    ).locate()
    plain = parse_text("某市方案\n1. 开展专项整治。（牵头单位：市应急局；配合单位：市公安局）\n").locate()

    assert ruled.tasks[0].clauses[0].lead_units == ["市应急局"]
    assert "first_listed" in ruled.tasks[0].clauses[0].source["doubts"]
    assert "first_listed" not in plain.tasks[0].clauses[0].source["doubts"]


# ---- numbered items with sub-items: whose assignment is it? ----------------------------------------

REFORM = "某市政务服务改革任务分工\n"
LAST = "2.推进审批改革。（市住建局牵头）\n"


def _outline(plan) -> list[tuple]:
    return [
        (s.title, [(t.number, t.title, [(c.text, roles(c)) for c in t.clauses]) for t in s.tasks])
        for s in plan.sections
    ]


def test_sub_items_are_tasks_when_one_before_the_last_has_its_own_assignment() -> None:
    plan = parse_text(
        REFORM
        + "1.深化改革。\n（1）推动事项网上可办。\n（2）推进电子证照应用。（市政务办负责）\n（3）推行告知承诺。\n"
        "（市大数据局牵头）\n" + LAST
    )

    assert _outline(plan) == [
        ("深化改革", [
            ("1", None, [("推动事项网上可办。", {})]),
            ("2", None, [("推进电子证照应用。", {"responsible_units": ["市政务办"]})]),
            ("3", None, [("推行告知承诺。", {"lead_units": ["市大数据局"]})]),
        ]),
        (None, [("2", None, [("推进审批改革。", {"lead_units": ["市住建局"]})])]),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("sub_item", "expected"),
    [
        # In a sentence, and (under the first-listed rule) in a bracket with no verb at all.
        ("（1）推动事项网上可办，市政务办负责。",
         (None, "推动事项网上可办，市政务办负责。", {"responsible_units": ["市政务办"]})),
        # Two sentences: the first, a short phrase, is the task's title.
        ("（1）推动事项网上可办。\n加快系统对接。（市政务办负责）",
         ("推动事项网上可办", "推动事项网上可办。加快系统对接。", {"responsible_units": ["市政务办"]})),
        ("（1）推动事项网上可办。\n责任单位：市政务办", (None, "推动事项网上可办。", {"responsible_units": ["市政务办"]})),
    ],
)  # fmt: skip
def test_a_first_sub_item_assigned_in_words_a_paragraph_or_a_label_keeps_the_sub_items_apart(
    sub_item: str, expected: tuple
) -> None:
    plan = parse_text(
        REFORM + f"1.深化改革。\n{sub_item}\n（2）推进电子证照应用。\n（市大数据局牵头）\n" + LAST
    )

    assert _outline(plan)[0] == (
        "深化改革",
        [
            ("1", expected[0], [expected[1:]]),
            ("2", None, [("推进电子证照应用。", {"lead_units": ["市大数据局"]})]),
        ],
    )


def test_under_the_first_listed_rule_a_bracket_of_units_is_a_sub_items_own_assignment() -> None:
    plan = parse_text(
        "（列第一位的为牵头单位）\n"
        + REFORM
        + "1.深化改革。\n（1）推动事项网上可办。（市政务办、市公安局）\n"
        "（2）推进电子证照应用。\n（市大数据局、市公安局）\n"
    )

    assert _outline(plan) == [
        ("深化改革", [
            ("1", None, [("推动事项网上可办。", {"lead_units": ["市政务办"], "supporting_units": ["市公安局"]})]),
            ("2", None, [("推进电子证照应用。", {"lead_units": ["市大数据局"], "supporting_units": ["市公安局"]})]),
        ]),
    ]  # fmt: skip


def test_a_parents_bracket_assigns_each_of_its_sub_items() -> None:
    plan = parse_text(
        REFORM + "1.深化改革。（市政务办牵头）\n（1）推动事项网上可办。\n（2）推进电子证照应用。\n" + LAST
    )

    assert _outline(plan)[0] == (
        "深化改革",
        [
            ("1", None, [("推动事项网上可办。", {"lead_units": ["市政务办"]})]),
            ("2", None, [("推进电子证照应用。", {"lead_units": ["市政务办"]})]),
        ],
    )


@pytest.mark.parametrize(
    ("closing", "text"),
    [
        # Two label lines after the last sub-item.
        ("（2）推进电子证照应用。\n牵头单位：市政务办\n配合单位：市大数据局\n",
         "深化改革。（1）推动事项网上可办；（2）推进电子证照应用。"),
        # A continuation paragraph of the last sub-item, then the one assignment line.
        ("（2）推进电子证照应用。\n加快数据共享。\n（市政务办牵头，市大数据局配合）\n",
         "深化改革。（1）推动事项网上可办；（2）推进电子证照应用。加快数据共享。"),
    ],
)  # fmt: skip
def test_sub_items_with_no_assignment_of_their_own_are_the_text_of_the_item_the_closing_lines_assign(
    closing: str, text: str
) -> None:
    plan = parse_text(REFORM + "1.深化改革。\n（1）推动事项网上可办；\n" + closing + LAST)

    assert _outline(plan)[0] == (
        None,
        [
            ("1", "深化改革", [(text, {"lead_units": ["市政务办"], "supporting_units": ["市大数据局"]})]),
            ("2", None, [("推进审批改革。", {"lead_units": ["市住建局"]})]),
        ],
    )


def test_the_last_sub_items_own_bracket_keeps_the_sub_items_apart_and_the_closing_line_adds_to_it() -> None:
    plan = parse_text(
        REFORM
        + "1.深化改革。\n（1）推动事项网上可办；\n（2）推进电子证照应用，\n加快数据共享。（市大数据局负责）\n"
        "（市政务办牵头）\n" + LAST
    )

    assert _outline(plan)[0] == (
        "深化改革",
        [
            ("1", None, [("推动事项网上可办；", {})]),
            ("2", None, [("推进电子证照应用，加快数据共享。",
                          {"lead_units": ["市政务办"], "responsible_units": ["市大数据局"]})]),
        ],
    )  # fmt: skip


def test_a_single_sub_item_with_an_assignment_line_is_a_task_under_its_parents_title() -> None:
    plan = parse_text(REFORM + "1.深化改革。\n（1）推动事项网上可办。\n（市政务办牵头）\n" + LAST)

    assert _outline(plan)[0] == (
        "深化改革",
        [("1", None, [("推动事项网上可办。", {"lead_units": ["市政务办"]})])],
    )


def test_headings_with_only_label_lines_under_them_are_tasks() -> None:
    plan = parse_text(
        REFORM
        + "一、加强消防安全治理。\n责任单位：市消防救援支队\n二、加强燃气安全管理。\n责任单位：市住建局\n"
    )

    assert _outline(plan) == [
        (None, [
            ("一", None, [("加强消防安全治理。", {"responsible_units": ["市消防救援支队"]})]),
            ("二", None, [("加强燃气安全管理。", {"responsible_units": ["市住建局"]})]),
        ]),
    ]  # fmt: skip


def test_an_assignment_in_a_tasks_title_covers_the_paragraphs_under_it() -> None:
    plan = parse_text(
        REFORM
        + "1. 加强组织领导（牵头单位：市应急局）\n成立工作专班。\n建立例会制度。（责任单位：市安委办）\n"
        + LAST
    )

    assert _outline(plan)[0][1][0] == (
        "1",
        "加强组织领导",
        [("成立工作专班。建立例会制度。", {"lead_units": ["市应急局"], "responsible_units": ["市安委办"]})],
    )


def test_an_empty_text_is_refused_as_an_empty_file() -> None:
    with pytest.raises(PlanParseError) as caught:
        parse_text(" \n\u3000\n")

    assert caught.value.code == errors.EMPTY_FILE


def test_a_file_is_parsed_with_the_callers_units_and_year(tmp_path) -> None:
    path = tmp_path / "plan.txt"
    path.write_text(
        "某市方案\n1. 推进转型升级。（责任单位：市发展和改革局、工业和信息化局；完成时限：6月底前）\n"
    )

    clause = parse_file(path, known_units={"市工业和信息化局"}, year=2024).tasks[0].clauses[0]

    assert clause.responsible_units == ["市发展和改革局", "市工业和信息化局"]
    assert clause.deadline.date == date(2024, 6, 30)


# ---- front matter, tables in Word, the end of the body --------------------------------------------


def test_a_word_table_in_traditional_script_and_the_signature_after_it() -> None:
    plan = parse_document(
        DocumentText(
            blocks=[
                "某縣安全生產重點工作分工表",
                [["序號", "工作任務", "責任單位"], ["1", "開展危化品整治", "縣應急局"]],
                "某縣安全生產委員會",
                "2021年3月5日",
            ]
        )
    )

    assert (plan.title, plan.original_title) == ("某县安全生产重点工作分工表", "某縣安全生產重點工作分工表")
    assert (plan.issued_on, plan.issuers) == (date(2021, 3, 5), ["某县安全生产委员会"])
    assert [(t.number, c.text, c.responsible_units) for _, t, c in plan.iter_clauses()] == [
        ("1", "开展危化品整治", ["县应急局"])
    ]


def test_two_issuers_signed_on_one_line() -> None:
    plan = parse_text(
        "某县安全生产工作方案\n1. 开展整治。（责任单位：县应急局）\n中共某县县委办公室 某县人民政府办公室\n2021年3月5日\n"
    )

    assert (plan.issued_on, plan.issuers) == (date(2021, 3, 5), ["中共某县县委办公室", "某县人民政府办公室"])
    assert plan.tasks[0].clauses[0].text == "开展整治。"


def test_a_red_headed_document_keeps_its_number_and_issuer() -> None:
    plan = parse_text(
        "某县人民政府文件\n某政发〔2021〕5号\n某县安全生产工作方案\n1. 开展整治。（责任单位：县应急局）\n"
        "某县人民政府\n2021年3月5日\n"
    )

    assert (plan.title, plan.doc_number, plan.issued_on, plan.issuers) == (
        "某县安全生产工作方案",
        "某政发〔2021〕5号",
        date(2021, 3, 5),
        ["某县人民政府"],
    )


def test_bullets_after_an_opening_paragraph_start_the_body() -> None:
    plan = parse_text(
        "某县方案\n为做好工作，制定本方案。\n——开展危化品整治。（市应急局负责）\n——推进燃气治理。（市住建局负责）\n"
    )

    assert [(t.number, c.text, c.responsible_units) for _, t, c in plan.iter_clauses()] == [
        ("1", "开展危化品整治。", ["市应急局"]),
        ("2", "推进燃气治理。", ["市住建局"]),
    ]


def test_a_section_title_loses_its_closing_mark_and_a_preamble_section_goes_when_another_assigns() -> None:
    preamble = "一、总体要求：\n（一）指导思想。以习近平新时代中国特色社会主义思想为指导。\n"

    assigned = parse_text(
        f"某县安全生产工作方案\n{preamble}二、主要任务；\n1. 开展整治。（牵头领导：张三）\n"
    )
    unassigned = parse_text(f"某县安全生产工作方案\n{preamble}二、主要任务；\n1. 开展整治。\n")

    assert [(s.number, s.title, [t.number for t in s.tasks]) for s in assigned.sections] == [
        ("二", "主要任务", ["1"])
    ]
    # With nobody assigned anywhere there is nothing to tell the scene-setting sections apart: all stay.
    assert [(s.number, s.title, [t.number for t in s.tasks]) for s in unassigned.sections] == [
        ("一", "总体要求", ["一"]),
        ("二", "主要任务", ["1"]),
    ]


@pytest.mark.parametrize(
    "field", ["牵头领导：张三", "牵头单位：市应急局", "责任单位：市应急局", "配合单位：市公安局"]
)
def test_any_one_role_makes_a_section_assigned(field: str) -> None:
    plan = parse_text(
        "某县安全生产工作方案\n一、保障措施\n（一）加强组织领导。各单位要高度重视。\n"
        f"二、主要任务\n1. 开展整治。（{field}）\n"
    )

    assert [s.title for s in plan.sections] == ["主要任务"]


def test_under_the_first_listed_rule_a_headings_bracket_of_units_assigns_its_paragraphs_and_table() -> None:
    plan = parse_text(
        "（列第一位的为牵头单位）\n某县安全生产工作方案\n一、危化品安全（县应急局、县公安局）\n开展危化品专项整治。\n"
        "二、燃气安全（县住建局、县城管局）\n| 序号 | 工作任务 | 配合单位 |\n| 1 | 开展燃气排查 | 县市场监管局 |\n"
        "| 2 | 推进管网改造 | 县发改局 |\n"
    )

    assert _outline(plan) == [
        ("危化品安全", [
            ("1", None, [("开展危化品专项整治。", {"lead_units": ["县应急局"], "supporting_units": ["县公安局"]})]),
        ]),
        ("燃气安全", [
            ("1", None, [("开展燃气排查", {"lead_units": ["县住建局"], "supporting_units": ["县市场监管局"]})]),
            ("2", None, [("推进管网改造", {"lead_units": ["县住建局"], "supporting_units": ["县发改局"]})]),
        ]),
    ]  # fmt: skip


def test_the_first_listed_rule_is_read_even_when_its_sentence_wraps_onto_the_next_line() -> None:
    plan = parse_text(
        "某市方案\n各单位要按照分工抓好落实（列第一位的为\n牵头单位）。\n1. 开展专项整治。（市应急局、市公安局）\n"
    )

    assert roles(plan.tasks[0].clauses[0]) == {"lead_units": ["市应急局"], "supporting_units": ["市公安局"]}


def test_a_label_line_between_a_heading_and_its_table_assigns_every_row() -> None:
    plan = parse_text(
        "某县安全生产工作方案\n一、危化品安全\n牵头单位：县应急局\n| 序号 | 工作任务 | 配合单位 |\n"
        "| 1 | 开展危化品专项整治 | 县公安局 |\n| 2 | 推进园区建设 | 县工信局 |\n"
    )

    assert [roles(c) for _, _, c in plan.iter_clauses()] == [
        {"lead_units": ["县应急局"], "supporting_units": ["县公安局"]},
        {"lead_units": ["县应急局"], "supporting_units": ["县工信局"]},
    ]


def test_a_label_after_a_sections_opening_paragraph_assigns_the_numbered_items_under_it() -> None:
    plan = parse_text(
        "某县安全生产工作方案\n一、燃气安全\n加强燃气安全管理，开展专项整治。\n牵头单位：县住建局\n"
        "1. 开展燃气排查。\n2. 开展餐饮场所检查。（配合单位：县市场监管局）\n"
    )

    assert [roles(t.clauses[0]) for t in plan.tasks] == [
        {"lead_units": ["县住建局"]},
        {"lead_units": ["县住建局"], "supporting_units": ["县市场监管局"]},
    ]


def test_a_table_that_is_not_a_task_table_before_the_numbered_items_is_front_matter() -> None:
    plan = parse_document(
        DocumentText(
            blocks=[
                "某县安全生产工作方案",
                [["联系人", "电话"], ["张三", "12345678"]],
                "1. 开展危化品整治。（县应急局负责）",
                "2. 推进燃气治理。（县住建局负责）",
            ]
        )
    )

    assert [(t.number, t.clauses[0].responsible_units) for t in plan.tasks] == [
        ("1", ["县应急局"]),
        ("2", ["县住建局"]),
    ]
