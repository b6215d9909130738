"""Assignment forms a–f, roles, list splitting, deadlines and duties, on small plans written here."""

from __future__ import annotations

from datetime import date

import pytest

from anze.plans.parsing import PlanParseError, parse_text
from anze.plans.parsing.deadlines import parse_deadline
from anze.plans.parsing.duties import find_duties
from anze.plans.parsing.names import split_concatenated_orgs, split_leaders, split_unit_names


@pytest.fixture(autouse=True)
def media_root() -> None:
    """Shadow the package conftest's autouse fixture: the parser tests run without Django (-p no:django)."""
    return None


def plan_of(body: str, **kwargs):
    return parse_text("某市安全生产重点工作任务分工方案\n" + body, **kwargs)


def roles(clause) -> dict[str, list[str]]:
    data = clause.to_dict()
    keys = ("lead_leaders", "co_leaders", "lead_units", "responsible_units", "supporting_units")
    return {key: data[key] for key in keys if data[key]}


# ---- a. brackets with labelled fields -------------------------------------------------------


def test_a_bracket_with_leaders_and_units_keeps_parentheses_inside_names() -> None:
    plan = plan_of(
        "一、强化责任\n1. 落实党政领导责任。（牵头领导：甲，乙、丙等同志分工负责；"
        "责任单位：市委党校（行政学院）、市应急局，各县区党委、政府）\n"
    )
    clause = plan.tasks[0].clauses[0]

    assert clause.text == "落实党政领导责任。"
    assert roles(clause) == {
        "lead_leaders": ["甲"],
        "co_leaders": ["乙", "丙"],
        "responsible_units": ["市委党校（行政学院）", "市应急局", "各县区党委", "各县区政府"],
    }


@pytest.mark.parametrize("brackets", ["（）", "()", "〔〕", "【】", "[]", "［］", "(）"])
def test_a_every_bracket_kind_holds_an_assignment(brackets: str) -> None:
    opening, closing = brackets
    plan = plan_of(f"1. 开展专项整治。{opening}牵头单位：市应急局；配合单位：市公安局{closing}\n")

    assert roles(plan.tasks[0].clauses[0]) == {"lead_units": ["市应急局"], "supporting_units": ["市公安局"]}
    assert plan.tasks[0].clauses[0].text == "开展专项整治。"


def test_a_two_brackets_in_one_paragraph_make_two_clauses() -> None:
    plan = plan_of("1. 开展排查。（责任单位：市应急局）建立台账。（责任单位：市住建局）\n")

    assert [(c.text, c.responsible_units) for c in plan.tasks[0].clauses] == [
        ("开展排查。", ["市应急局"]),
        ("建立台账。", ["市住建局"]),
    ]


def test_a_unlabelled_bracket_of_sentence_forms_at_the_end() -> None:
    plan = plan_of("1. 压实属地责任。（省应急厅牵头，省委组织部、省直有关部门按职责分工负责）\n")

    assert roles(plan.tasks[0].clauses[0]) == {
        "lead_units": ["省应急厅"],
        "responsible_units": ["省委组织部", "省直有关部门"],
    }


def test_a_bracket_inside_the_sentence_is_text() -> None:
    plan = plan_of("1. 化工园区（专业化工园区）要建设救援队伍（含消防站）。（责任单位：市应急局）\n")

    assert plan.tasks[0].clauses[0].text == "化工园区（专业化工园区）要建设救援队伍（含消防站）。"


# ---- b. labelled lines --------------------------------------------------------------------


def test_b_labelled_lines_after_the_task() -> None:
    plan = plan_of(
        "一、重点任务\n（一）加强危化品安全监管。全面排查危险化学品企业。\n"
        "牵头领导：张三\n牵头单位：市应急局\n责任单位：各县区政府\n配合单位：市公安局、市交通运输局\n"
        "完成时限：2021年6月底前\n（二）强化道路交通安全。\n责任单位：市公安局\n完成时限：长期坚持\n"
    )
    first, second = (t.clauses[0] for t in plan.tasks)

    assert roles(first) == {
        "lead_leaders": ["张三"],
        "lead_units": ["市应急局"],
        "responsible_units": ["各县区政府"],
        "supporting_units": ["市公安局", "市交通运输局"],
    }
    assert first.deadline.to_dict() == {"text": "2021年6月底前", "date": "2021-06-30", "ongoing": False}
    assert first.text == "加强危化品安全监管。全面排查危险化学品企业。"
    assert [t.number for t in plan.tasks] == ["一", "二"]
    assert second.deadline.ongoing is True and second.deadline.date is None


def test_b_labels_on_the_task_line_itself() -> None:
    plan = plan_of("1. 落实能源安全保障。牵头单位：市发展改革委；完成时限：2021年10月底前\n")
    clause = plan.tasks[0].clauses[0]

    assert clause.text == "落实能源安全保障。"
    assert clause.lead_units == ["市发展改革委"]
    assert clause.deadline.date == date(2021, 10, 31)


# ---- c. sentences -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "expected", "kept_text"),
    [
        ("市甲局牵头，市乙局、市丙局配合。", {"lead_units": ["市甲局"], "supporting_units": ["市乙局", "市丙局"]},
         "开展隐患排查治理。"),
        ("市乙局、市丙局参与。", {"supporting_units": ["市乙局", "市丙局"]}, "开展隐患排查治理。"),
        ("各县区政府负责落实。", {"responsible_units": ["各县区政府"]}, "开展隐患排查治理。"),
        ("由市甲局会同市乙局负责。", {"lead_units": ["市甲局"], "supporting_units": ["市乙局"]}, "开展隐患排查治理。"),
        ("市甲局、市乙局按职责分工负责。", {"responsible_units": ["市甲局", "市乙局"]}, "开展隐患排查治理。"),
        ("由市政府分管领导同志牵头，市甲局负责。", {"lead_leaders": ["市政府分管领导"], "responsible_units": ["市甲局"]},
         "开展隐患排查治理。"),
    ],
)  # fmt: skip
def test_c_assignment_sentences(sentence: str, expected: dict[str, list[str]], kept_text: str) -> None:
    plan = plan_of(f"1. 开展隐患排查治理。{sentence}\n")
    clause = plan.tasks[0].clauses[0]

    assert roles(clause) == expected
    assert clause.text == kept_text


def test_c_an_assignment_inside_a_longer_sentence_keeps_the_text() -> None:
    plan = plan_of("1. 推进企业标准化建设，市工信局、市住建局参与。\n")

    assert plan.tasks[0].clauses[0].supporting_units == ["市工信局", "市住建局"]
    assert plan.tasks[0].clauses[0].text == "推进企业标准化建设，市工信局、市住建局参与。"


def test_c_actors_in_body_text_are_not_an_assignment() -> None:
    plan = plan_of("1. 市委、市政府组织开展安全生产巡查工作。根据市委、市政府部署，对各县区开展巡查。\n")

    assert roles(plan.tasks[0].clauses[0]) == {}


def test_c_is_not_used_when_a_bracket_assigns() -> None:
    plan = plan_of("1. 较大事故结案半年内，由事故调查组牵头部门负责评估。（责任单位：市应急局）\n")

    assert roles(plan.tasks[0].clauses[0]) == {"responsible_units": ["市应急局"]}


# ---- d. tables flattened to text (the .docx table is in test_parsing_formats) ---------------

EXPECTED_ROWS = [
    ("1", "开展危化品专项整治", ["县应急局"], ["县公安局", "县交通局"], "2021-12-31"),
    ("2", "推进燃气安全治理，每月开展一次排查", ["县住建局"], ["县市场监管局"], None),
    ("3", "完善举报奖励制度", ["县应急局"], ["县财政局"], "2021-12-31"),
]


def _rows(plan) -> list[tuple]:
    out = []
    for task in plan.tasks:
        clause = task.clauses[0]
        deadline = clause.deadline.date.isoformat() if clause.deadline and clause.deadline.date else None
        out.append((task.number, clause.text, clause.lead_units, clause.supporting_units, deadline))
    return out


def test_d_pipe_separated_table() -> None:
    plan = plan_of(
        "| 序号 | 工作任务 | 牵头单位 | 配合单位 | 完成时限 |\n|---|---|---|---|---|\n"
        "| 1 | 开展危化品专项整治 | 县应急局 | 县公安局、县交通局 | 2021年底前 |\n"
        "| 2 | 推进燃气安全治理，每月开展一次排查 | 县住建局 | 县市场监管局 | 长期坚持 |\n"
        "- 2 -\n| 3 | 完善举报奖励制度 | 县应急局 | 县财政局 | 年内 |\n",
        year=2021,
    )

    assert _rows(plan) == EXPECTED_ROWS
    assert plan.tasks[1].clauses[0].deadline.ongoing is True
    assert plan.tasks[1].clauses[0].duties[0].rrule == "FREQ=MONTHLY"


def test_d_a_pipe_table_in_traditional_script_reads_as_in_simplified() -> None:
    # The same table typed in Traditional script (as plans from Hong Kong-facing or Taiwan-trained clerks are):
    # script never changes what is read (docs/plan-format.md), so its rows are the Simplified table's.
    plan = plan_of(
        "| 序號 | 工作任務 | 牽頭單位 | 配合單位 | 完成時限 |\n|---|---|---|---|---|\n"
        "| 1 | 開展危化品專項整治 | 縣應急局 | 縣公安局、縣交通局 | 2021年底前 |\n"
        "| 2 | 推進燃氣安全治理，每月開展一次排查 | 縣住建局 | 縣市場監管局 | 長期堅持 |\n"
        "- 2 -\n| 3 | 完善舉報獎勵制度 | 縣應急局 | 縣財政局 | 年內 |\n",
        year=2021,
    )

    assert _rows(plan) == EXPECTED_ROWS


def test_d_a_cell_per_line_table_with_a_page_number_inside() -> None:
    plan = plan_of(
        "序号\n任务\n牵头单位\n配合单位\n完成时限\n"
        "1\n开展危化品专项整治\n县应急局\n县公安局、县交通局\n2021年底前\n"
        "2\n推进燃气安全治理，\n每月开展一次排查\n县住建局\n县市场监管局\n长期坚持\n"
        "- 2 -\n3\n完善举报奖励制度\n县应急局\n县财政局\n年内\n",
        year=2021,
    )

    assert _rows(plan) == EXPECTED_ROWS


def test_d_space_separated_columns() -> None:
    plan = plan_of(
        "序号  任务内容  牵头单位  配合单位  完成时限\n"
        "1  开展危化品专项整治  县应急局  县公安局、县交通局  2021年底前\n"
        "2  推进燃气安全治理，每月开展一次排查  县住建局  县市场监管局  长期坚持\n"
        "3  完善举报奖励制度  县应急局  县财政局  年内\n",
        year=2021,
    )

    assert _rows(plan) == EXPECTED_ROWS


def test_d_a_table_goes_on_after_a_section_heading_without_its_header() -> None:
    plan = plan_of(
        "一、源头治理\n| 序号 | 工作任务 | 牵头单位 | 责任单位 |\n| 1 | 开展危化品专项整治 | 市应急局 | 各县区政府 |\n"
        "二、社会共治\n| 2 | 完善举报奖励制度 | 市应急局 | 市财政局 |\n"
    )

    assert [(s.title, [t.number for t in s.tasks]) for s in plan.sections] == [
        ("源头治理", ["1"]),
        ("社会共治", ["2"]),
    ]
    assert plan.sections[1].tasks[0].clauses[0].responsible_units == ["市财政局"]


# ---- e. a group heading's assignment ------------------------------------------------------


def test_e_a_group_heading_assigns_every_task_under_it() -> None:
    plan = plan_of(
        "一、县发改局牵头工作（2项）\n1. 推进重大项目安全评价。\n2. 落实能源安全保障。（配合单位：县供电公司）\n"
        "二、县应急局牵头工作（1项）\n3. 组织开展应急演练。\n"
    )

    assert [(s.title, [(t.number, roles(t.clauses[0])) for t in s.tasks]) for s in plan.sections] == [
        ("县发改局牵头工作（2项）", [
            ("1", {"lead_units": ["县发改局"]}),
            ("2", {"lead_units": ["县发改局"], "supporting_units": ["县供电公司"]}),
        ]),
        ("县应急局牵头工作（1项）", [("3", {"lead_units": ["县应急局"]})]),
    ]  # fmt: skip


def test_e_a_labelled_heading_and_label_lines_under_a_heading_apply_to_its_tasks() -> None:
    plan = plan_of(
        "一、危化品安全（牵头单位：市应急局）\n1. 开展专项整治。\n2. 推进园区建设。（责任单位：市工信局）\n"
        "二、燃气安全\n牵头单位：市住建局\n3. 开展燃气排查。\n"
    )

    assert [roles(t.clauses[0]) for t in plan.tasks] == [
        {"lead_units": ["市应急局"]},
        {"lead_units": ["市应急局"], "responsible_units": ["市工信局"]},
        {"lead_units": ["市住建局"]},
    ]
    assert plan.sections[0].title == "危化品安全"


# ---- f. leaders named by post --------------------------------------------------------------


def test_f_a_leader_named_by_post() -> None:
    plan = plan_of("1. 加强安全宣传。（牵头领导：市政府分管领导同志；责任单位：市委宣传部）\n")

    assert roles(plan.tasks[0].clauses[0]) == {
        "lead_leaders": ["市政府分管领导"],
        "responsible_units": ["市委宣传部"],
    }


# ---- roles -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "role"),
    [("牵头领导", "lead_leaders"), ("责任领导", "lead_leaders"), ("分管领导", "lead_leaders"),
     ("牵头负责领导", "lead_leaders"), ("牵头单位", "lead_units"), ("牵头部门", "lead_units"),
     ("牵头责任单位", "lead_units"), ("责任单位", "responsible_units"), ("配合单位", "supporting_units"),
     ("参与单位", "supporting_units"), ("协同单位", "supporting_units"), ("协办单位", "supporting_units")],
)  # fmt: skip
def test_each_label_fills_its_role(label: str, role: str) -> None:
    name = "张三" if "领导" in label else "市应急局"
    plan = plan_of(f"1. 开展专项整治。（{label}：{name}）\n")

    assert roles(plan.tasks[0].clauses[0]) == {role: [name]}


def test_unit_annotations_mark_the_lead() -> None:
    plan = plan_of("1. 开展专项整治。（责任单位：市应急局（牵头）、市公安局，市交通局配合）\n")

    assert roles(plan.tasks[0].clauses[0]) == {
        "lead_units": ["市应急局"],
        "responsible_units": ["市公安局"],
        "supporting_units": ["市交通局"],
    }


def test_a_plan_saying_the_first_listed_unit_leads() -> None:
    plan = plan_of("（列第一位的为牵头单位）\n1. 开展专项整治。（市应急局、市公安局、市交通局）\n")

    assert roles(plan.tasks[0].clauses[0]) == {
        "lead_units": ["市应急局"],
        "supporting_units": ["市公安局", "市交通局"],
    }


@pytest.mark.parametrize(
    "rule", ["（列第一位者为牵头单位，下同）", "排在第一位的部门为牵头部门，其他部门按职责分工负责。"]
)
def test_the_first_listed_rule_in_its_usual_wordings_covers_a_single_unit_and_a_duty_verb(rule: str) -> None:
    plan = plan_of(
        f"{rule}\n1. 开展专项整治。（应急部、公安部负责，国铁集团参加）\n2. 开展普查。（水利部）\n"
    )

    assert roles(plan.tasks[0].clauses[0]) == {
        "lead_units": ["应急部"],
        "supporting_units": ["公安部", "国铁集团"],
    }
    assert roles(plan.tasks[1].clauses[0]) == {"lead_units": ["水利部"]}


def test_without_the_rule_every_listed_unit_is_responsible() -> None:
    plan = plan_of("1. 开展专项整治。（应急部、公安部负责）\n")

    assert roles(plan.tasks[0].clauses[0]) == {"responsible_units": ["应急部", "公安部"]}


# ---- list splitting ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("市委宣传部、市委党校（行政学院），各县区党委、政府", ["市委宣传部", "市委党校（行政学院）", "各县区党委", "各县区政府"]),
        ("市应急局;市公安局,市财政局；市水利局，市林业局", ["市应急局", "市公安局", "市财政局", "市水利局", "市林业局"]),
        ("市应急局及市公安局等", ["市应急局", "市公安局"]),
        ("市应急局、市公安局等有关部门", ["市应急局", "市公安局"]),
        ("各区、县级市", ["各区、县级市"]),
        ("各区、县级市政府，市应急局", ["各区、县级市政府", "市应急局"]),
        ("市委宣传部、组织部", ["市委宣传部", "市委组织部"]),
        ("市委、政府", ["市委", "市政府"]),
        ("各县区党委、政府、管委会", ["各县区党委", "各县区政府", "各县区管委会"]),
        ("市发展和改革局、工业和信息化局", ["市发展和改革局", "工业和信息化局"]),
        ("各县区政府和市直有关部门", ["各县区政府", "市直有关部门"]),
        ("各高等院校、市人力资源和社会保障局", ["各高等院校", "市人力资源和社会保障局"]),
    ],
)  # fmt: skip
def test_unit_lists_split(text: str, names: list[str]) -> None:
    assert split_unit_names(text) == names


def test_a_shared_prefix_is_restored_where_a_known_unit_matches() -> None:
    known = {"市发展和改革局", "市工业和信息化局"}

    assert split_unit_names("市发展和改革局、工业和信息化局", known) == ["市发展和改革局", "市工业和信息化局"]
    plan = plan_of("1. 推进转型升级。（责任单位：市发展和改革局、工业和信息化局）\n", known_units=known)
    assert plan.tasks[0].clauses[0].responsible_units == ["市发展和改革局", "市工业和信息化局"]


@pytest.mark.parametrize(
    ("text", "lead", "co"),
    [
        ("姜仕礼，范连生同志分工负责", ["姜仕礼"], ["范连生"]),
        ("侯晓滨，常红军、刘贤军等同志分工负责", ["侯晓滨"], ["常红军", "刘贤军"]),
        ("侯晓滨", ["侯晓滨"], []),
        ("张三、李四", ["张三", "李四"], []),
        ("市政府分管领导同志", ["市政府分管领导"], []),
    ],
)
def test_leader_fields_split(text: str, lead: list[str], co: list[str]) -> None:
    assert split_leaders(text) == (lead, co)


def test_issuers_written_on_one_line_are_split() -> None:
    assert split_concatenated_orgs("中共临沂市委办公室 临沂市人民政府办公室") == [
        "中共临沂市委办公室",
        "临沂市人民政府办公室",
    ]
    assert split_concatenated_orgs("某市安全生产委员会") == ["某市安全生产委员会"]


# ---- deadlines -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "day", "ongoing"),
    [
        ("2020年年底", date(2020, 12, 31), False),
        ("2020年底前", date(2020, 12, 31), False),
        ("6月底前", date(2021, 6, 30), False),
        ("年内", date(2021, 12, 31), False),
        ("第一季度", date(2021, 3, 31), False),
        ("2022年第三季度", date(2022, 9, 30), False),
        ("上半年", date(2021, 6, 30), False),
        ("2021年10月15日前", date(2021, 10, 15), False),
        ("十二月底前", date(2021, 12, 31), False),
        ("2021—2023年", date(2023, 12, 31), False),
        ("长期坚持", None, True),
        ("持续推进", None, True),
        ("2021年底前完成，长期坚持", date(2021, 12, 31), True),
    ],
)
def test_deadlines(text: str, day: date | None, ongoing: bool) -> None:
    deadline = parse_deadline(text, 2021)

    assert (deadline.text, deadline.date, deadline.ongoing) == (text, day, ongoing)


def test_a_yearless_deadline_takes_the_plans_year() -> None:
    plan = parse_text("某市方案\n办字〔2019〕3号\n1. 开展整治。（责任单位：市应急局；完成时限：6月底前）\n")

    assert plan.tasks[0].clauses[0].deadline.date == date(2019, 6, 30)


def test_running_text_does_not_make_deadlines_of_durations() -> None:
    plan = plan_of("1. 较大事故结案半年内开展评估，年度内不得评先树优。（责任单位：市应急局）\n", year=2021)

    assert plan.tasks[0].clauses[0].deadline is None


# ---- duties ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("每年组织专题培训", [("FREQ=YEARLY", None, None)]),
        ("各县区每半年报告1次", [("FREQ=MONTHLY;INTERVAL=6", 1, "各县区")]),
        ("各专业委员会至少每季度召开 1 次会议", [("FREQ=MONTHLY;INTERVAL=3", 1, "各专业委员会")]),
        ("市安委办每月通报", [("FREQ=MONTHLY", None, "市安委办")]),
        ("企业每周开展自查", [("FREQ=WEEKLY", None, "企业")]),
        ("对各县区3年巡查一遍", [("FREQ=YEARLY;INTERVAL=3", 1, None)]),
        ("每3年开展一次评估", [("FREQ=YEARLY;INTERVAL=3", 1, None)]),
        ("重点企业每年至少开展两次演练", [("FREQ=YEARLY", 2, "重点企业")]),
        ("每季度至少二次", [("FREQ=MONTHLY;INTERVAL=3", 2, None)]),
        ("结案半年内完成评估，对一次性补助严格审核", []),
    ],
)
def test_duties(text: str, expected: list[tuple]) -> None:
    assert [(d.rrule, d.count, d.subject) for d in find_duties(text)] == expected


def test_a_duty_without_an_actor_takes_the_previous_sentences_actor() -> None:
    duties = find_duties("市委、市政府组织开展巡查工作。对各县区3年巡查一遍，延伸巡查重点乡镇。")

    assert [(d.subject, d.text) for d in duties] == [
        ("市委、市政府", "对各县区3年巡查一遍，延伸巡查重点乡镇")
    ]


# ---- layout: page numbers, headers, page breaks ---------------------------------------------


def test_page_numbers_and_header_lines_are_dropped_and_broken_sentences_joined() -> None:
    plan = plan_of(
        "№ 123456\n一、强化责任\n1. 在矿山、危险化学品等高危行业领域，危险性较大的粉尘\n\n— 3 —\n\n第4页 共9页\n\n"
        "涉爆行业全面推行安全生产责任保险。（责任单位：市应急局）\n2. 被一票否决的单位，年度内不得评先树优，\n\n- 4 -\n\n"
        "其主要负责人不予表彰。（责任单位：市委组织部）\n"
    )

    assert [t.clauses[0].text for t in plan.tasks] == [
        "在矿山、危险化学品等高危行业领域，危险性较大的粉尘涉爆行业全面推行安全生产责任保险。",
        "被一票否决的单位，年度内不得评先树优，其主要负责人不予表彰。",
    ]


def test_nested_outline_uses_the_nearest_heading_and_drops_preamble_sections() -> None:
    plan = plan_of(
        "一、总体要求\n（一）指导思想。以习近平新时代中国特色社会主义思想为指导。\n"
        "二、主要任务\n（一）强化安全责任\n1. 落实党政责任。（责任单位：各县区政府）\n2. 落实企业责任。（责任单位：市应急局）\n"
        "（二）深化专项整治\n3. 开展危化品整治。（责任单位：市应急局）\n"
        "三、保障措施\n（一）加强组织领导。各单位要高度重视。\n"
    )

    assert [(s.number, s.title, [t.number for t in s.tasks]) for s in plan.sections] == [
        ("一", "强化安全责任", ["1", "2"]),
        ("二", "深化专项整治", ["3"]),
    ]


def test_bullets_are_tasks_and_tasks_outside_sections_get_a_null_section() -> None:
    plan = plan_of("——开展危化品整治。（责任单位：市应急局）\n——推进燃气治理。（责任单位：市住建局）\n")

    assert [(s.number, s.title) for s in plan.sections] == [(None, None)]
    assert [(t.number, t.clauses[0].responsible_units) for t in plan.tasks] == [
        ("1", ["市应急局"]),
        ("2", ["市住建局"]),
    ]


def test_sub_items_of_a_task_are_clauses_with_their_own_assignment() -> None:
    plan = plan_of(
        "一、重点任务\n1. 推进危化品安全治理。（牵头单位：市应急局）\n2. 加强建筑施工安全\n（1）开展起重机械检查。（责任单位：市住建局）\n"
        "（2）开展深基坑检查。（责任单位：市城管局）\n3. 开展消防整治。（牵头单位：市消防救援支队）\n"
    )
    task = plan.tasks[1]

    assert task.title == "加强建筑施工安全"
    assert [(c.text, c.responsible_units) for c in task.clauses] == [
        ("（1）开展起重机械检查。", ["市住建局"]),
        ("（2）开展深基坑检查。", ["市城管局"]),
    ]


def test_to_json_has_exactly_the_interchange_keys() -> None:
    plan = plan_of("1. 开展整治，每年1次。（责任单位：市应急局；完成时限：年内）\n", year=2021)
    data = plan.to_dict()

    assert set(data) == {"title", "doc_number", "issued_on", "issuers", "sections"}
    assert set(data["sections"][0]) == {"number", "title", "tasks"}
    assert set(data["sections"][0]["tasks"][0]) == {"number", "title", "clauses"}
    clause = data["sections"][0]["tasks"][0]["clauses"][0]
    assert set(clause) == {
        "text",
        "lead_leaders",
        "co_leaders",
        "lead_units",
        "responsible_units",
        "supporting_units",
        "deadline",
        "duties",
    }
    assert set(clause["duties"][0]) == {"text", "rrule", "count", "subject"}
    assert "original" in plan.to_dict(include_original=True)["sections"][0]["tasks"][0]["clauses"][0]
    assert '"责任单位' not in plan.to_json() and "市应急局" in plan.to_json()


# ---- the wider family: forms of other provinces' and cities' plans --------------------------------


def test_numbered_headings_past_ten_that_carry_their_own_assignment_are_tasks() -> None:
    body = "".join(
        f"{numeral}、加强第{index}类安全管理。（责任单位：市第{index}局）\n"
        for index, numeral in enumerate(["一", "二", "九", "十", "十一", "二十三"], start=1)
    )

    plan = plan_of(body)

    assert [t.number for t in plan.tasks] == ["一", "二", "九", "十", "十一", "二十三"]
    assert plan.tasks[-1].clauses[0].responsible_units == ["市第6局"]


def test_sub_items_followed_by_one_assignment_belong_to_their_parent() -> None:
    plan = plan_of(
        "1.深化改革。\n（1）推动事项网上可办；\n（2）推进电子证照应用。\n（市政务办牵头，市大数据局配合）\n"
        "2.推进审批改革。\n（1）压缩审批时限。（市住建局牵头）\n（2）推行区域评估。（市规划资源局牵头）\n"
    )

    first, *others = plan.tasks
    assert len(first.clauses) == 1 and first.clauses[0].text.startswith(
        "深化改革。（1）推动事项网上可办；（2）推进"
    )
    assert roles(first.clauses[0]) == {"lead_units": ["市政务办"], "supporting_units": ["市大数据局"]}
    # Sub-items with their own assignment stay tasks of their own under their parent.
    assert [(t.number, t.clauses[0].lead_units) for t in others] == [
        ("1", ["市住建局"]),
        ("2", ["市规划资源局"]),
    ]


def test_several_assignment_groups_in_one_paragraph_make_several_clauses() -> None:
    plan = plan_of(
        "1.开展储存场所整治，摸清底数（市应急局牵头）；推进码头改造（市交通运输局牵头，市公安局配合）。\n"
    )

    clauses = plan.tasks[0].clauses
    assert [c.text for c in clauses] == ["开展储存场所整治，摸清底数；", "推进码头改造。"]
    assert roles(clauses[1]) == {"lead_units": ["市交通运输局"], "supporting_units": ["市公安局"]}


def test_a_parenthesis_inside_a_sentence_without_a_duty_verb_is_text() -> None:
    plan = plan_of("1.加强企业（单位）安全管理；落实责任。（责任单位：市应急局）\n")

    assert len(plan.tasks[0].clauses) == 1
    assert plan.tasks[0].clauses[0].text.startswith("加强企业（单位）安全管理")


def test_articles_of_a_regulation_are_items() -> None:
    plan = plan_of(
        "第一条 为明确职责，制定本规定。\n第二条 市应急局负责综合监督管理。（责任单位：市应急局）\n"
    )

    assert [(t.number, t.clauses[0].responsible_units) for t in plan.tasks] == [
        ("一", []),
        ("二", ["市应急局"]),
    ]


def test_a_whole_document_on_one_line_is_cut_before_its_numbered_items() -> None:
    text = (
        "某市港口安全专项整治工作方案 一、整治目标 全面排查港口企业安全风险，确保不发生较大以上事故。 二、整治任务 "
        "1.开展危险货物储存场所安全检查。（牵头单位：市交通运输局；配合单位：市应急局） "
        "2.加强港口作业现场管理，严格执行作业规程。（牵头单位：市交通运输局） "
        "3.开展港口消防设施专项检查。（牵头单位：市消防救援支队） 三、工作要求 各单位要高度重视，认真组织实施。"
    )

    plan = parse_text(text)

    assert plan.title == "某市港口安全专项整治工作方案"
    assert [c.lead_units for _, _, c in plan.iter_clauses()] == [
        ["市交通运输局"],
        ["市交通运输局"],
        ["市消防救援支队"],
    ]


def test_a_lone_number_inside_a_long_sentence_does_not_cut_the_line() -> None:
    sentence = (
        "1.推进改造，"
        + "全面提升城市燃气管网安全水平，" * 8
        + "力争提高2.5倍，确保安全。（责任单位：市住建局）"
    )

    plan = plan_of(sentence + "\n")

    assert len(plan.tasks) == 1 and "提高2.5倍" in plan.tasks[0].clauses[0].text


def test_a_table_header_repeated_on_each_page_is_not_a_task() -> None:
    header = "| 序号 | 工作任务 | 牵头单位 | 配合单位 |"
    plan = plan_of(
        f"{header}\n| 1 | 开展隐患排查 | 市林草局 | 市应急局 |\n- 2 -\n{header}\n| 2 | 加强火源管控 | 市公安局 | 市林草局 |\n"
    )

    assert [(t.number, t.clauses[0].lead_units) for t in plan.tasks] == [
        ("1", ["市林草局"]),
        ("2", ["市公安局"]),
    ]


@pytest.mark.parametrize(
    ("field", "lead", "co"),
    [
        ("牵头领导：市长；责任领导：各副市长按分工负责", ["市长", "各副市长"], []),
        ("责任领导：张国华、李文军等同志", ["张国华", "李文军"], []),
        ("牵头领导：分管副市长", ["分管副市长"], []),
        ("分管市领导：王海涛，赵明、周玉敏同志分工负责", ["王海涛"], ["赵明", "周玉敏"]),
    ],
)
def test_leaders_by_post_several_with_deng_tongzhi_and_each_vice_mayor(
    field: str, lead: list, co: list
) -> None:
    clause = plan_of(f"1. 开展安全巡查。（{field}；责任单位：市应急局）\n").tasks[0].clauses[0]

    assert (clause.lead_leaders, clause.co_leaders) == (lead, co)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "市委宣传部牵头，各地、各部门配合。",
            {"lead_units": ["市委宣传部"], "supporting_units": ["各地", "各部门"]},
        ),
        ("公安部负责，国铁集团参加。", {"responsible_units": ["公安部"], "supporting_units": ["国铁集团"]}),
        (
            "由区应急局牵头，区经济信息委配合，各镇街负责落实。",
            {
                "lead_units": ["区应急局"],
                "supporting_units": ["区经济信息委"],
                "responsible_units": ["各镇街"],
            },
        ),
    ],
)
def test_more_sentence_forms(sentence: str, expected: dict) -> None:
    clause = plan_of(f"1. 开展专项整治。{sentence}\n").tasks[0].clauses[0]

    assert roles(clause) == expected


def test_units_ending_in_deng_youguan_bumen_he_danwei_and_the_ministries() -> None:
    clause = (
        plan_of("1. 开展整治。（应急部、交通运输部等有关部门和单位按职责分工负责）\n").tasks[0].clauses[0]
    )

    assert clause.responsible_units == ["应急部", "交通运输部"]


def test_a_second_label_such_as_xietong_zeren_danwei_is_its_own_role() -> None:
    clause = (
        plan_of("（一）建立防汛责任体系。\n责任单位：县水务局。\n协同责任单位：县总工会、团县委。\n")
        .tasks[0]
        .clauses[0]
    )

    assert roles(clause) == {"responsible_units": ["县水务局"], "supporting_units": ["县总工会", "团县委"]}


@pytest.mark.parametrize(
    ("field", "lead"),
    [
        ("县委常委、常务副县长 林志华", ["林志华"]),
        ("副县长 郑晓东、蔡丽娟", ["郑晓东", "蔡丽娟"]),
        ("分管副县长", ["分管副县长"]),
    ],
)
def test_a_leader_written_with_post_and_name_is_the_person(field: str, lead: list[str]) -> None:
    clause = plan_of(f"1.开展渔船安全整治。\n责任领导：{field}\n责任单位：县农业农村局\n").tasks[0].clauses[0]

    assert clause.lead_leaders == lead


def test_lists_with_a_level_left_out_and_a_chain_of_levels() -> None:
    clause = (
        plan_of("1.开展整治。（责任单位：市工业和信息化局、财政局，各市、州、县人民政府）\n")
        .tasks[0]
        .clauses[0]
    )

    assert clause.responsible_units == ["市工业和信息化局", "市财政局", "各市、州、县人民政府"]


def test_guidance_and_carrying_out_read_as_roles() -> None:
    plan = plan_of(
        "1.落实主体责任。（各省级人民政府负责，国家卫生健康委指导）\n"
        "2.落实防汛责任。（由市政府分管副市长牵头，市水利局负责，各县区政府落实）\n"
    )

    first, second = (t.clauses[0] for t in plan.tasks)
    assert roles(first) == {"responsible_units": ["各省级人民政府"], "supporting_units": ["国家卫生健康委"]}
    assert roles(second) == {
        "lead_leaders": ["市政府分管副市长"],
        "responsible_units": ["市水利局", "各县区政府"],
    }


def test_sub_labels_inside_one_cell_set_the_roles() -> None:
    plan = plan_of(
        "| 序号 | 重点工作 | 责任单位 |\n| 1 | 开展评估 | 牵头：市应急局；配合：市工信局、泉港区政府 |\n"
    )

    assert roles(plan.tasks[0].clauses[0]) == {
        "lead_units": ["市应急局"],
        "supporting_units": ["市工信局", "泉港区政府"],
    }


def test_a_post_noted_after_a_leaders_name_and_he_between_units() -> None:
    clause = (
        plan_of(
            "1.开展大检查。（分管领导：刘永红（副市长）、谢文斌（市政府秘书长）；责任单位：市自然资源局和市生态环境局）\n"
        )
        .tasks[0]
        .clauses[0]
    )

    assert clause.lead_leaders == ["刘永红", "谢文斌"]
    assert clause.responsible_units == ["市自然资源局", "市生态环境局"]


def test_a_duty_list_written_unit_first_assigns_the_unit() -> None:
    plan = plan_of(
        "（一）市应急管理局：负责全市安全生产综合监督管理。\n（二）市公安局：牵头道路交通安全管理。\n"
    )

    first, second = (t.clauses[0] for t in plan.tasks)
    assert (first.text, first.responsible_units) == ("负责全市安全生产综合监督管理。", ["市应急管理局"])
    assert second.lead_units == ["市公安局"]


def test_a_phrase_with_a_colon_that_is_not_a_unit_stays_text() -> None:
    clause = plan_of("1. 工作目标：全面排查风险隐患。（责任单位：市应急局）\n").tasks[0].clauses[0]

    assert clause.text.startswith("工作目标：") and clause.responsible_units == ["市应急局"]


def test_cadence_in_its_own_label_or_deadline_column_is_suggested_as_a_duty() -> None:
    labelled = plan_of("1.开展桥梁隐患排查。\n责任单位：市住建局\n工作频次：每季度\n完成时限：持续推进\n")
    table = plan_of("| 序号 | 工作任务 | 责任单位 | 完成时限 |\n| 1 | 做好燃气保供 | 市城管局 | 每月 |\n")

    first, second = labelled.tasks[0].clauses[0], table.tasks[0].clauses[0]
    assert [d.rrule for d in first.duties] == ["FREQ=MONTHLY;INTERVAL=3"]
    assert first.deadline.ongoing and first.deadline.text == "持续推进"
    assert [(d.text, d.rrule) for d in second.duties] == [("每月", "FREQ=MONTHLY")]


def test_a_task_table_right_after_a_numbered_task_is_read_too() -> None:
    plan = plan_of(
        "1.开展桥梁隐患排查。\n责任单位：市住建局\n| 序号 | 工作任务 | 责任单位 |\n| 2 | 做好燃气保供 | 市城管局 |\n"
    )

    assert [(t.number, t.clauses[0].responsible_units) for t in plan.tasks] == [
        ("1", ["市住建局"]),
        ("2", ["市城管局"]),
    ]


def test_unnumbered_paragraphs_that_assign_are_tasks_even_without_a_heading() -> None:
    plan = plan_of(
        "加强森林防火宣传教育。县林业局牵头，各乡镇配合。\n开展野外火源专项治理。县公安局牵头，县林业局配合。\n"
        "加强扑火队伍建设。（县应急管理局负责）\n"
    )

    assert [c.lead_units or c.responsible_units for _, _, c in plan.iter_clauses()] == [
        ["县林业局"],
        ["县公安局"],
        ["县应急管理局"],
    ]


def test_a_notice_with_one_stray_assignment_sentence_is_not_a_plan() -> None:
    with pytest.raises(PlanParseError):
        plan_of("各单位要高度重视。\n市应急局负责。\n请于月底前报送。\n")
