"""The exam as a candidate sees it, for the exam page and the API alike: the questions at the asked
positions with their options in this candidate's shuffled order and the ticks restored, never the key or
the explanation."""

from __future__ import annotations

from typing import Any

from anze.training import scoring
from anze.training.choices import QuestionKind
from anze.training.models import Answer, Attempt, Question


def question_views(attempt: Attempt, positions: list[int]) -> list[dict[str, Any]]:
    """The questions at `positions` (1-based) as this candidate sees them: options shuffled, ticks restored."""
    ids = [attempt.question_order[p - 1] for p in positions]
    questions = Question.objects.in_bulk(ids)
    saved = {a.question_id: a.chosen for a in Answer.objects.filter(attempt=attempt, question_id__in=ids)}
    views = []
    for position, qid in zip(positions, ids, strict=True):
        question = questions[qid]
        order = attempt.option_orders[str(qid)]
        chosen = scoring.indices(saved.get(qid, ""), len(question.options))
        ticked = scoring.to_displayed(chosen, order)
        views.append(
            {
                "position": position,
                "kind": question.kind,
                "kind_label": question.get_kind_display(),
                "stem": question.stem,
                "multiple": question.kind == QuestionKind.MULTIPLE,
                "answered": qid in saved and bool(saved[qid]),
                "options": [
                    {
                        "value": shown,
                        "letter": scoring.LETTERS[shown],
                        "text": question.options[original],
                        "checked": shown in ticked,
                    }
                    for shown, original in enumerate(order)
                ],
            }
        )
    return views
