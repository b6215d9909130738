"""What makes a question valid, one rule for the importer and for editing one question (no ORM).

`clean_question` takes the fields as given (the kind and difficulty already as their stored values) and
returns them as stored, or raises QuestionInvalid naming the field to fix:
- 单选题 and 多选题: two to six options, filled from A on without a gap, no two the same; the key as letters of
  those options (a letter with no option is refused), one letter for a single choice, two or more for a
  multiple choice;
- 判断题: no options of its own (it always has 正确 and 错误; giving exactly those is the same as none), the
  key 正确 or 错误 (A or B).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from anze.training import scoring
from anze.training.choices import Difficulty, QuestionKind
from anze.training.errors import QuestionInvalid

MAX_OPTIONS = 6
MAX_TOPIC = 60  # the column's length
TRUE_FALSE_OPTIONS = ["正确", "错误"]
TRUE_WORDS = {"正确", "对", "√", "是", "A", "T", "TRUE"}
FALSE_WORDS = {"错误", "错", "×", "否", "B", "F", "FALSE"}
FIELDS = ("kind", "topic", "difficulty", "stem", "options", "answer", "explanation")


def clean_question(
    *,
    kind: str,
    topic: str,
    difficulty: int,
    stem: str,
    options: Sequence[str],
    answer: str,
    explanation: str = "",
) -> dict[str, Any]:
    """The question's fields as stored, or QuestionInvalid(field, message)."""
    if kind not in QuestionKind.values:
        raise QuestionInvalid("kind", _("题型“%(v)s”无效，应为单选题、多选题或判断题") % {"v": kind})
    topic = (topic or "").strip()
    if not topic:
        raise QuestionInvalid("topic", _("知识点为空"))
    if len(topic) > MAX_TOPIC:
        raise QuestionInvalid("topic", _("知识点过长（最多 60 字）"))
    if difficulty not in Difficulty.values:
        raise QuestionInvalid("difficulty", _("难度“%(v)s”无效，应为易、中或难") % {"v": difficulty})
    stem = (stem or "").strip()
    if not stem:
        raise QuestionInvalid("stem", _("题干为空"))
    raw_answer = (answer or "").replace(" ", "").replace(",", "").replace("，", "").upper()
    options = [(option or "").strip() for option in options]
    if kind == QuestionKind.TRUE_FALSE:
        if any(options) and options != TRUE_FALSE_OPTIONS:
            raise QuestionInvalid("options", _("判断题的选项列应留空"))
        options = list(TRUE_FALSE_OPTIONS)
        if raw_answer in TRUE_WORDS:
            key = "A"
        elif raw_answer in FALSE_WORDS:
            key = "B"
        else:
            raise QuestionInvalid("answer", _("判断题答案应填“正确”或“错误”"))
    else:
        while options and not options[-1]:
            options.pop()
        if len(options) < 2:
            raise QuestionInvalid("options", _("至少需要两个选项（选项A、选项B）"))
        if len(options) > MAX_OPTIONS:
            raise QuestionInvalid("options", _("最多六个选项（选项A–选项F）"))
        if not all(options):
            raise QuestionInvalid("options", _("选项应从选项A起连续填写，中间不能留空"))
        if len(set(options)) != len(options):
            raise QuestionInvalid("options", _("选项有重复"))
        try:
            chosen = scoring.indices(raw_answer, len(options))
        except scoring.ScoringError as error:
            raise QuestionInvalid("answer", _("答案有误：%(e)s") % {"e": error}) from None
        if not chosen:
            raise QuestionInvalid("answer", _("答案为空"))
        if kind == QuestionKind.SINGLE and len(chosen) != 1:
            raise QuestionInvalid("answer", _("单选题只能有一个答案"))
        if kind == QuestionKind.MULTIPLE and len(chosen) < 2:
            raise QuestionInvalid("answer", _("多选题至少有两个答案；只有一个答案请改为单选题"))
        key = scoring.letters(chosen)
    return {
        "kind": kind,
        "topic": topic,
        "difficulty": difficulty,
        "stem": stem,
        "options": options,
        "answer": key,
        "explanation": (explanation or "").strip(),
    }
