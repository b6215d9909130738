"""Password rules beyond Django's own (等保 L3-CES1-01): character classes and no reuse of recent ones."""

from __future__ import annotations

import string
from typing import Any

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CHARACTER_CLASSES = (
    ("upper", lambda c: "A" <= c <= "Z"),
    ("lower", lambda c: "a" <= c <= "z"),
    ("digit", lambda c: c in string.digits),
    # Anything else printable counts as a symbol, including a full-width one typed in a Chinese IME.
    ("symbol", lambda c: not c.isalnum() or not c.isascii()),
)


def character_classes(password: str) -> set[str]:
    """The classes (upper, lower, digit, symbol) a password draws from."""
    return {name for name, test in CHARACTER_CLASSES if any(test(c) for c in password)}


class CharacterClassValidator:
    """At least `min_classes` of: upper-case letters, lower-case letters, digits, symbols."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        if len(character_classes(password)) < self.min_classes:
            raise ValidationError(
                _("密码须包含大写字母、小写字母、数字、符号中的至少 %(min)d 类。"),
                code="password_too_few_classes",
                params={"min": self.min_classes},
            )

    def get_help_text(self) -> str:
        return _("密码须包含大写字母、小写字母、数字、符号中的至少 %(min)d 类。") % {"min": self.min_classes}


class PasswordHistoryValidator:
    """The new password is none of the user's last `history` passwords (the current one included)."""

    def __init__(self, history: int = 5):
        self.history = history

    def validate(self, password: str, user: Any = None) -> None:
        if user is None or getattr(user, "pk", None) is None:
            return
        previous = [user.password] if user.password else []
        previous += list(user.password_history.values_list("password", flat=True)[: max(self.history - 1, 0)])
        for encoded in previous:
            if encoded and check_password(password, encoded):
                raise ValidationError(
                    _("新密码不能与最近 %(count)d 次使用过的密码相同。"),
                    code="password_reused",
                    params={"count": self.history},
                )

    def get_help_text(self) -> str:
        return _("新密码不能与最近 %(count)d 次使用过的密码相同。") % {"count": self.history}
