"""Errors of the training app, each with a stable code and a Chinese message for the page."""

from __future__ import annotations


class TrainingError(Exception):
    """A refused action; nothing was saved."""

    code = "invalid"
    http_status = 400

    def __init__(self, message_zh: str, code: str | None = None) -> None:
        self.message_zh = message_zh
        if code:
            self.code = code
        super().__init__(f"{self.code}: {message_zh}")


class TransitionError(TrainingError):
    """The record is not in a state that allows the action (an exam already handed in, time is up)."""

    code = "invalid_transition"
    http_status = 409


class NotAllowedError(TrainingError):
    """The actor may not do this to this record."""

    code = "not_allowed"
    http_status = 403


class QuestionInvalid(TrainingError):
    """A question's field that cannot be saved as given; `field` names it (kind, topic, difficulty, stem,
    options, answer, explanation) so a form or an API client can show the message beside it."""

    code = "invalid_question"

    def __init__(self, field: str, message_zh: str) -> None:
        self.field = field
        super().__init__(message_zh)
