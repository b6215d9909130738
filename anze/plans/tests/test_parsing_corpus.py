"""The corpus: plans of many provinces, levels and layouts written for the tests, each scored against its gold.

Every document in anze/plans/tests/corpus/ (txt, docx with real Word tables, PDF made with reportlab) has a
hand-made `<name>.gold.json`; the parser must reach task recall, unit F1 and leader F1 of 0.95 and lead-role
accuracy of 0.90 on each document and over all of them (docs/plan-format.md, "Gold files and scoring").
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from anze.plans.parsing import parse_file
from anze.plans.parsing.scoring import Score, read_gold, score_plan

CORPUS = Path(__file__).resolve().parent / "corpus"
DOCUMENTS = sorted(p for p in CORPUS.iterdir() if p.suffix in (".txt", ".docx", ".pdf"))
THRESHOLDS = {"task_recall": 0.95, "unit_f1": 0.95, "leader_f1": 0.95, "lead_role_accuracy": 0.90}


@pytest.fixture(autouse=True)
def media_root() -> None:
    """Shadow the package conftest's autouse fixture: the parser tests run without Django."""
    return None


def gold_of(document: Path) -> Path:
    return document.with_name(document.stem + ".gold.json")


def score_of(document: Path) -> Score:
    gold = read_gold(json.loads(gold_of(document).read_text(encoding="utf-8")))
    return score_plan(parse_file(document).to_dict(), gold)


def below(score: Score) -> dict[str, float]:
    return {name: value for name, value in score.figures().items() if value < THRESHOLDS[name]}


def test_the_corpus_has_thirty_documents_in_every_format_each_with_a_gold_file() -> None:
    assert len(DOCUMENTS) >= 30
    assert {p.suffix for p in DOCUMENTS} == {".txt", ".docx", ".pdf"}
    assert [p.name for p in DOCUMENTS if not gold_of(p).exists()] == []
    assert [
        p.name
        for p in CORPUS.glob("*.gold.json")
        if not any(d.stem + ".gold.json" == p.name for d in DOCUMENTS)
    ] == []


@pytest.mark.parametrize("document", DOCUMENTS, ids=[p.stem for p in DOCUMENTS])
def test_each_corpus_document_reaches_the_thresholds(document: Path) -> None:
    score = score_of(document)

    assert below(score) == {}, "\n".join(
        ["missed: " + m for m in score.missed] + ["wrong: " + m for m in score.mistakes]
    )


def test_the_whole_corpus_reaches_the_thresholds() -> None:
    total = Score()
    for document in DOCUMENTS:
        total.add(score_of(document))

    assert total.gold_tasks >= 150
    assert below(total) == {}
