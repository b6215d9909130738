"""Scoring a parse against a gold file: the four figures, pairing, and bad gold files."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from anze.plans.parsing import parse_text
from anze.plans.parsing.scoring import GoldFileError, read_gold, score_plan


@pytest.fixture(autouse=True)
def media_root() -> None:
    """Shadow the package conftest's autouse fixture: these tests need no Django."""
    return None


PLAN = """某市安全生产工作任务分工
1. 开展危险化学品专项整治。（牵头单位：市应急局；配合单位：市公安局；牵头领导：王某）
2. 加强道路运输安全管理。（责任单位：市交通运输局、市公安局）
3. 推进消防安全网格化管理。（牵头单位：市消防救援支队）
"""


def gold(*tasks: dict) -> list:
    return read_gold({"tasks": list(tasks)})


def test_a_parse_that_matches_the_gold_scores_one_everywhere() -> None:
    tasks = gold(
        {"text": "开展危险化学品专项整治", "lead_units": ["市应急局"], "supporting_units": ["市公安局"],
         "lead_leaders": ["王某"]},
        {"text": "加强道路运输安全管理", "responsible_units": ["市交通运输局", "市公安局"]},
        {"text": "推进消防安全网格化管理", "lead_units": ["市消防救援支队"]},
    )  # fmt: skip

    score = score_plan(parse_text(PLAN).to_dict(), tasks)

    assert score.figures() == {
        "task_recall": 1.0,
        "unit_f1": 1.0,
        "leader_f1": 1.0,
        "lead_role_accuracy": 1.0,
    }


def test_a_missed_task_a_wrong_unit_and_a_wrong_lead_lower_the_figures() -> None:
    tasks = gold(
        {"text": "开展危险化学品专项整治", "lead_units": ["市公安局"], "supporting_units": ["市应急局"],
         "lead_leaders": ["李某"]},
        {"text": "加强道路运输安全管理", "responsible_units": ["市交通运输局", "市住建局"]},
        {"text": "整治城镇燃气安全隐患", "lead_units": ["市住建局"]},
    )  # fmt: skip

    score = score_plan(parse_text(PLAN).to_dict(), tasks)

    assert score.matched_tasks == 2 and score.missed == ["整治城镇燃气安全隐患"]
    # units: task 1 both found (roles swapped), task 2 one of two, task 3 missed; clause 3 is unpaired.
    assert (score.unit_tp, score.unit_fp, score.unit_fn) == (3, 2, 2)
    assert score.figures()["unit_f1"] == round(6 / 10, 3)
    assert (score.leader_tp, score.leader_fp, score.leader_fn) == (0, 1, 1)
    assert score.lead_role_accuracy == 0.5  # task 1 wrong lead, task 2 right (none)


def test_each_clause_pairs_with_one_gold_task_only() -> None:
    tasks = gold({"text": "开展危险化学品专项整治"}, {"text": "开展危险化学品专项整治"})

    score = score_plan(parse_text(PLAN).to_dict(), tasks)

    assert score.matched_tasks == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "JSON object"),
        ({"tasks": []}, "empty"),
        ({"tasks": [{"lead_units": ["市应急局"]}]}, "text"),
        ({"tasks": [{"text": "x", "lead_units": "市应急局"}]}, "list of names"),
        ({"tasks": [{"text": "x", "leaders": ["王某"]}]}, "unknown keys"),
    ],
)
def test_a_malformed_gold_file_says_what_is_wrong(data, message: str) -> None:
    with pytest.raises(GoldFileError, match=message):
        read_gold(data)


@pytest.mark.django_db
def test_the_score_command_prints_the_four_figures(tmp_path: Path) -> None:
    from django.core.management import call_command

    plan = tmp_path / "plan.txt"
    plan.write_text(PLAN, encoding="utf-8")
    gold_file = tmp_path / "plan.gold.json"
    gold_file.write_text(
        json.dumps({"tasks": [{"text": "加强道路运输安全管理", "responsible_units": ["市交通运输局"]}]}),
        encoding="utf-8",
    )
    out = io.StringIO()

    call_command("plan", "score", str(plan), str(gold_file), "--verbose", stdout=out)

    lines = out.getvalue().splitlines()
    assert "task_recall: 1.000" in lines
    # one right; 市公安局 extra on it and the three units of the two unpaired clauses are false: 2/(2+4)
    assert "unit_f1: 0.333" in lines
    assert any(line.startswith("  wrong: 加强道路运输安全管理") for line in lines)


@pytest.mark.django_db
def test_the_score_command_refuses_a_bad_gold_file(tmp_path: Path) -> None:
    from django.core.management import CommandError, call_command

    plan = tmp_path / "plan.txt"
    plan.write_text(PLAN, encoding="utf-8")
    gold_file = tmp_path / "gold.json"
    gold_file.write_text('{"tasks": "none"}', encoding="utf-8")

    with pytest.raises(CommandError, match="tasks"):
        call_command("plan", "score", str(plan), str(gold_file))
