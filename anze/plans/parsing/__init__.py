"""Plan-document parser (方案解析): .txt/.docx/.pdf text in, a Plan out. Pure Python, no Django."""

from .errors import PlanParseError
from .model import Clause, Deadline, Duty, Plan, Section, Task
from .parser import parse_document, parse_file, parse_text
from .reading import DEFAULT_MAX_BYTES, DocumentText, read_document

__all__ = [
    "DEFAULT_MAX_BYTES",
    "Clause",
    "Deadline",
    "DocumentText",
    "Duty",
    "Plan",
    "PlanParseError",
    "Section",
    "Task",
    "parse_document",
    "parse_file",
    "parse_text",
    "read_document",
]
