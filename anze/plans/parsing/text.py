"""Text normalisation: punctuation width, whitespace, Traditional → Simplified (规范化)."""

from __future__ import annotations

import functools
import re
from pathlib import Path

# One canonical form per punctuation mark, so half-width and full-width input parse alike.
# Chinese documents use full-width marks, so those are the canonical ones.
_WIDTH_TABLE: dict[int, str] = {
    **{0xFF10 + i: str(i) for i in range(10)},
    **{0xFF21 + i: chr(0x41 + i) for i in range(26)},
    **{0xFF41 + i: chr(0x61 + i) for i in range(26)},
    **{ord(c): "（" for c in "(﹙"},
    **{ord(c): "）" for c in ")﹚"},
    **{ord(c): "：" for c in ":﹕"},
    **{ord(c): "，" for c in ",﹐"},
    **{ord(c): "；" for c in ";﹔"},
    **{ord(c): "［" for c in "["},
    **{ord(c): "］" for c in "]"},
    **{ord(c): "！" for c in "!"},
    **{ord(c): "？" for c in "?"},
    **{ord(c): "." for c in "．﹒"},
    ord("﹑"): "、",
    ord("｜"): "|",
    ord("－"): "-",
    ord("―"): "—",
    ord("\u3000"): " ",
    ord("\u00a0"): " ",
    ord("\u200b"): "",
    ord("\ufeff"): "",
}
_DIGIT_COMMA = re.compile(r"(?<=\d)，(?=\d{3}(?!\d))")
_DIGIT_COLON = re.compile(r"(?<=\d)：(?=\d)")
_SPACES = re.compile(r"[^\S\n]+")
# A space survives only between two ASCII letters/digits ("Page 3"); around Chinese it is layout.
_LAYOUT_SPACE = re.compile(r" (?![A-Za-z0-9])|(?<![A-Za-z0-9]) ")


_WIDTH_KEYS = frozenset(chr(code) for code in _WIDTH_TABLE)


def canonical_punctuation(text: str) -> str:
    """Map punctuation and digits to one width (full-width marks, ASCII digits)."""
    # Checking first is much faster than translating: most lines are already canonical.
    if not _WIDTH_KEYS.isdisjoint(text):
        text = text.translate(_WIDTH_TABLE)
    if "，" in text or "：" in text:
        # Numbers keep their ASCII separators: 1,000 and 8:30 are not list or label marks.
        text = _DIGIT_COMMA.sub(",", text)
        text = _DIGIT_COLON.sub(":", text)
    return text


def squeeze_spaces(text: str) -> str:
    """Drop layout whitespace inside a line, keeping single spaces between ASCII words."""
    text = _SPACES.sub(" ", text).strip()
    if " " in text:
        text = _LAYOUT_SPACE.sub("", text)
    return text


@functools.cache
def _converter() -> tuple[object, frozenset[str]]:
    import opencc

    converter = opencc.OpenCC("t2s")
    table = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    traditional: set[str] = set()
    with table.open(encoding="utf-8") as handle:
        for line in handle:
            key, _, values = line.rstrip("\n").partition("\t")
            if len(key) == 1 and values.split(" ")[0] != key:
                traditional.add(key)
    # A line without any Traditional character is left alone: conversion is the slow step.
    return converter, frozenset(traditional)


def to_simplified(text: str) -> str:
    """Convert Traditional characters to Simplified with OpenCC t2s (no-op on Simplified text)."""
    if text.isascii():
        return text
    converter, traditional = _converter()
    if traditional.isdisjoint(text):
        return text
    return converter.convert(text)  # type: ignore[attr-defined]


def has_traditional(text: str) -> bool:
    """Whether any character of the text is a Traditional form that t2s would change."""
    if text.isascii():
        return False
    _, traditional = _converter()
    return not traditional.isdisjoint(text)


def normalize(text: str) -> str:
    """Return the canonical form of one line: punctuation width, Simplified script, no layout spaces."""
    return squeeze_spaces(to_simplified(canonical_punctuation(text)))


_PAGE_NUMBER = re.compile(
    r"^(?:[-—–~～_·•\s]*\d{1,4}[-—–~～_·•\s]*"
    r"|第\s*\d+\s*页(?:\s*[，/]?\s*共\s*\d+\s*页)?"
    r"|共\s*\d+\s*页\s*[，/]?\s*第\s*\d+\s*页"
    r"|\d+\s*/\s*\d+"
    r"|[Pp]age\s*\d+(?:\s*of\s*\d+)?)$"
)
_HEADER_LINE = re.compile(r"^(?:№|No\.?|NO\.?)\s*[A-Za-z0-9-]+$|^[-—_=*·.]{3,}$")


def is_page_number(line: str) -> bool:
    """Return whether a line is only a page number such as "- 3 -" or "第3页 共9页"."""
    return bool(_PAGE_NUMBER.match(line.strip()))


def is_header_line(line: str) -> bool:
    """Return whether a line is a stray header such as a serial number "№ 539001" or a rule."""
    return bool(_HEADER_LINE.match(line.strip()))


TERMINAL_PUNCTUATION = "。！？；"
OPENERS = "（〔【［"
CLOSERS = "）〕】］"


def bracket_balance(text: str) -> int:
    """Return openers minus closers, counting every bracket kind alike."""
    return sum(text.count(c) for c in OPENERS) - sum(text.count(c) for c in CLOSERS)
