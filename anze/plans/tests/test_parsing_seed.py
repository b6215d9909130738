"""Golden tests on the seed plan, 临沂 办字〔2020〕23号, in every format and layout it may come in."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import opencc
import pytest

from anze.plans.parsing import parse_document, parse_file, parse_text, read_document


@pytest.fixture(autouse=True)
def media_root() -> None:
    """Shadow the package conftest's autouse fixture: the parser tests run without Django (-p no:django)."""
    return None


REPO = Path(__file__).resolve().parents[3]
SEED = REPO / "anze" / "plans" / "data" / "linyi-2020-23.txt"  # as the package ships it
EXPECTED = Path(__file__).resolve().parent / "data" / "linyi-2020-23.expected.json"


# Written by hand from the document, not from the parser: (task, clause) → (lead, co, responsible units).
FIVE = ["常红军", "刘贤军", "郑连胜", "张玉兰", "李登全"]
COUNTIES = ["各县区党委", "各县区政府"]
SECTORS = ["市各行业主管部门", "市负有安全生产监管职责的部门"]
HAND_CHECKED = {
    ("1", 0): (["姜仕礼"], ["范连生"], ["市委宣传部", "市委党校（行政学院）", *COUNTIES]),
    ("1", 1): (["侯晓滨"], FIVE, ["市应急局", "市发展改革委", "市国资委", *SECTORS, *COUNTIES]),
    ("2", 0): (["侯晓滨"], [], ["市安委会办公室"]),
    ("3", 0): (["侯晓滨"], ["姜仕礼", *FIVE], ["市应急局", "市审计局", "市安委会各成员单位", *COUNTIES]),
    ("4", 0): (["侯晓滨"], FIVE, [*SECTORS, *COUNTIES]),
    ("5", 0): (["侯晓滨"], FIVE, ["市安委会办公室", "各专业委员会成员单位", *COUNTIES]),
    ("6", 0): (["侯晓滨"], FIVE, ["市应急局", "市大数据局", *SECTORS, *COUNTIES]),
    ("7", 0): (["侯晓滨"], FIVE, ["市应急局", *SECTORS, *COUNTIES]),
    ("8", 0): (["侯晓滨"], FIVE, ["市应急局", "临沂银保监分局", "市有关部门", *COUNTIES]),
    ("9", 0): (
        ["王行华"],
        ["侯晓滨", *FIVE],
        [
            "市法院",
            "市检察院",
            "市公安局",
            "市司法局",
            "市应急局",
            "市市场监管局",
            "市安委会各成员单位",
            *COUNTIES,
        ],
    ),
    ("10", 0): (
        ["姜仕礼"],
        ["范连生", "刘贤军"],
        ["市委办公室", "市委组织部", "市人力资源社会保障局", "市应急局", "市财政局", "市国资委", *COUNTIES],
    ),
    ("11", 0): (["侯晓滨"], ["刘贤军"], ["市工业和信息化局", "市应急局", *COUNTIES]),
    ("12", 0): (
        ["侯晓滨"],
        FIVE,
        [
            "市工业和信息化局",
            "市公安局",
            "市自然资源和规划局",
            "市住房城乡建设局",
            "市交通运输局",
            "市农业农村局",
            "市文化和旅游局",
            "市应急局",
            "市市场监管局",
            "市发展改革委",
            "市消防救援支队",
            *COUNTIES,
        ],
    ),  # fmt: skip
    ("13", 0): (
        ["侯晓滨"],
        ["张玉兰", "李登全"],
        [
            "市人大常委会办公室",
            "市政协办公室",
            "市总工会",
            "团市委",
            "市妇联",
            "市教育局",
            "市文化和旅游局",
            "市应急局",
            "市消防救援支队",
            *COUNTIES,
        ],
    ),  # fmt: skip
    ("14", 0): (["侯晓滨"], ["常红军", "刘贤军"], ["市应急局", "市发展改革委", "市交通运输局", *COUNTIES]),
    ("15", 0): (["侯晓滨"], ["郑连胜"], ["市应急局", "市消防救援支队", "市粮食和储备局", *COUNTIES]),
}
HAND_CHECKED_DUTIES = {
    ("1", 0): [("FREQ=YEARLY", None, None)],
    ("2", 0): [("FREQ=YEARLY;INTERVAL=3", 1, "市委、市政府")],
    ("5", 0): [
        ("FREQ=MONTHLY;INTERVAL=6", 1, "各专业委员会第一主任"),
        ("FREQ=MONTHLY;INTERVAL=3", 1, "各专业委员会"),
    ],
    ("7", 0): [
        ("FREQ=MONTHLY;INTERVAL=6", 1, "高危行业企业、人员密集场所经营单位"),
        ("FREQ=YEARLY", 1, "其他企业"),
        ("FREQ=MONTHLY;INTERVAL=6", 1, "企业各厂区"),
    ],
}


@pytest.fixture(scope="module")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seed_plan(seed_text: str):
    return parse_text(seed_text)


def test_the_seed_matches_the_checked_golden_file(seed_plan) -> None:
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))

    assert seed_plan.to_dict() == expected


def test_the_seed_has_six_sections_fifteen_tasks_sixteen_clauses(seed_plan) -> None:
    assert [s.number for s in seed_plan.sections] == ["一", "二", "三", "四", "五", "六"]
    assert [t.number for t in seed_plan.tasks] == [str(n) for n in range(1, 16)]
    assert sum(len(t.clauses) for t in seed_plan.tasks) == 16
    assert len(seed_plan.tasks[0].clauses) == 2


def test_the_seed_front_matter(seed_plan) -> None:
    assert seed_plan.title == "临沂市贯彻落实习近平总书记重要批示精神进一步加强安全生产工作的责任分工方案"
    assert seed_plan.doc_number == "办字〔2020〕23号"
    assert seed_plan.issued_on == date(2020, 11, 11)
    assert seed_plan.issuers == ["中共临沂市委办公室", "临沂市人民政府办公室"]
    assert seed_plan.sections[0].title == "深入践行安全发展理念"


def test_every_seed_clause_has_the_hand_checked_assignment(seed_plan) -> None:
    found = {}
    for _, task, clause in seed_plan.iter_clauses():
        index = sum(1 for key in found if key[0] == task.number)
        found[(task.number, index)] = (clause.lead_leaders, clause.co_leaders, clause.responsible_units)
        assert clause.lead_units == [] and clause.supporting_units == []

    assert found == HAND_CHECKED


def test_every_seed_duty_is_the_hand_checked_one(seed_plan) -> None:
    found = {}
    for _, task, clause in seed_plan.iter_clauses():
        index = sum(1 for key in found if key[0] == task.number) if clause.duties else 0
        if clause.duties:
            found[(task.number, index)] = [(d.rrule, d.count, d.subject) for d in clause.duties]

    assert found == HAND_CHECKED_DUTIES


def test_seed_duty_text_is_its_sentence(seed_plan) -> None:
    duty = seed_plan.tasks[1].clauses[0].duties[0]

    assert duty.text == "对各县区、市直有关部门3年巡查一遍，延伸巡查部分重点乡镇、事业单位"


def test_seed_task_11_deadline_comes_from_its_text(seed_plan) -> None:
    deadlines = {t.number: t.clauses[0].deadline for t in seed_plan.tasks}

    assert deadlines["11"].to_dict() == {"text": "2020年年底", "date": "2020-12-31", "ongoing": False}
    assert [n for n, d in deadlines.items() if d is not None] == ["11"]


def test_page_breaks_inside_tasks_are_joined(seed_plan) -> None:
    texts = {t.number: t.clauses[0].text for t in seed_plan.tasks}

    assert "危险性较大的粉尘涉爆、涉氨制冷行业" in texts["8"]
    assert "不得评先树优，其主要负责人" in texts["10"]
    assert "公路水路运输" in texts["12"]
    assert "车辆动态监管系统升级。" in texts["14"]
    assert all("\n" not in text for text in texts.values())


def test_clause_text_excludes_the_bracket_and_keeps_the_original(seed_plan) -> None:
    clause = seed_plan.tasks[0].clauses[0]

    assert clause.text.endswith("每年组织专题学习和培训。")
    assert "牵头领导" not in clause.text
    assert clause.original_text.startswith("1. 把安全生产")
    assert "〔牵头领导：姜仕礼" in clause.original_text


@pytest.mark.parametrize("width", [18, 24, 30, 42])
def test_the_seed_hard_wrapped_like_pdf_text_parses_the_same(seed_text: str, seed_plan, width: int) -> None:
    wrapped = []
    for line in seed_text.splitlines():
        while len(line) > width:
            wrapped.append(line[:width])
            line = line[width:]
        wrapped.append(line)

    assert parse_text("\n".join(wrapped)).to_dict() == seed_plan.to_dict()


def test_the_seed_in_traditional_script_parses_the_same_and_keeps_the_original(
    seed_text: str, seed_plan
) -> None:
    traditional = opencc.OpenCC("s2t").convert(seed_text)

    plan = parse_text(traditional)

    assert plan.to_dict() == seed_plan.to_dict()
    assert "〔牽頭領導：姜仕禮" in plan.tasks[0].clauses[0].original_text
    assert "臨沂市" in plan.original_title


@pytest.mark.parametrize("encoding", ["gb18030", "gbk", "utf-8-sig", "utf-16"])
def test_the_seed_in_other_encodings_parses_the_same(seed_text: str, seed_plan, encoding: str) -> None:
    data = seed_text.encode(encoding)

    document = read_document(data, "seed.txt")

    assert parse_document(document).to_dict() == seed_plan.to_dict()


def test_the_seed_file_path_parses(seed_plan) -> None:
    assert parse_file(SEED).to_dict() == seed_plan.to_dict()


def test_the_seed_as_docx_parses_the_same(seed_text: str, seed_plan) -> None:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    for line in seed_text.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)

    plan = parse_document(read_document(buffer.getvalue(), "seed.docx"))

    assert plan.to_dict() == seed_plan.to_dict()


def test_the_seed_as_a_pdf_with_pages_and_page_numbers_parses_the_same(seed_text: str, seed_plan) -> None:
    from .test_parsing_formats import make_pdf

    lines = []
    for line in seed_text.splitlines():
        while len(line) > 30:
            lines.append(line[:30])
            line = line[30:]
        lines.append(line)
    pages = [lines[i : i + 40] + [f"— {i // 40 + 1} —"] for i in range(0, len(lines), 40)]

    plan = parse_document(read_document(make_pdf(pages), "seed.pdf"))

    assert plan.to_dict() == seed_plan.to_dict()
