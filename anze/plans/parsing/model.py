"""The parsed plan: plain dataclasses with a `to_dict()` in the interchange format (方案结构)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass
class Deadline:
    """A completion deadline (完成时限); `text` is kept as written."""

    text: str
    date: date | None = None
    ongoing: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Return the interchange form."""
        return {
            "text": self.text,
            "date": self.date.isoformat() if self.date else None,
            "ongoing": self.ongoing,
        }


@dataclass
class Duty:
    """A recurring requirement (常态化职责) as an RFC 5545 rule with the subject that must act."""

    text: str
    rrule: str
    count: int | None = None
    subject: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the interchange form."""
        return {"text": self.text, "rrule": self.rrule, "count": self.count, "subject": self.subject}


@dataclass
class Clause:
    """A paragraph of a task with its own assignment (条款)."""

    text: str
    lead_leaders: list[str] = field(default_factory=list)
    co_leaders: list[str] = field(default_factory=list)
    lead_units: list[str] = field(default_factory=list)
    responsible_units: list[str] = field(default_factory=list)
    supporting_units: list[str] = field(default_factory=list)
    deadline: Deadline | None = None
    duties: list[Duty] = field(default_factory=list)
    # The source paragraphs as written (Traditional script, original punctuation, the bracket).
    original_text: str = ""
    # Where it was read: {"page", "lines": [first, last], "fields": {role: [{"name", "page", "line", "chars",
    # "text"}]}} (see provenance.py); None until located.
    source: dict[str, Any] | None = None

    def to_dict(self, *, include_original: bool = False) -> dict[str, Any]:
        """Return the interchange form; `include_original` adds the documented "original" key."""
        data: dict[str, Any] = {
            "text": self.text,
            "lead_leaders": list(self.lead_leaders),
            "co_leaders": list(self.co_leaders),
            "lead_units": list(self.lead_units),
            "responsible_units": list(self.responsible_units),
            "supporting_units": list(self.supporting_units),
            "deadline": self.deadline.to_dict() if self.deadline else None,
            "duties": [duty.to_dict() for duty in self.duties],
        }
        if include_original:
            data["original"] = self.original_text
            data["source"] = self.source
        return data


@dataclass
class Task:
    """A numbered work item (任务)."""

    number: str
    title: str | None = None
    clauses: list[Clause] = field(default_factory=list)

    def to_dict(self, *, include_original: bool = False) -> dict[str, Any]:
        """Return the interchange form."""
        return {
            "number": self.number,
            "title": self.title,
            "clauses": [c.to_dict(include_original=include_original) for c in self.clauses],
        }


@dataclass
class Section:
    """A group of tasks under a heading such as 一、 (部分); number and title are null outside any."""

    number: str | None = None
    title: str | None = None
    tasks: list[Task] = field(default_factory=list)

    def to_dict(self, *, include_original: bool = False) -> dict[str, Any]:
        """Return the interchange form."""
        return {
            "number": self.number,
            "title": self.title,
            "tasks": [t.to_dict(include_original=include_original) for t in self.tasks],
        }


@dataclass
class Plan:
    """A responsibility plan (责任分工方案) as parsed from one document."""

    title: str
    doc_number: str | None = None
    issued_on: date | None = None
    issuers: list[str] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    # The title line(s) as written, before script conversion and whitespace removal.
    original_title: str = ""
    # Lines after the first task that read like an assignment but went into no clause, for the office to see.
    unplaced: list[dict[str, Any]] = field(default_factory=list)
    # Works out Clause.source and unplaced when first asked (see locate()); provenance is for the importer.
    locator: Any = field(default=None, repr=False, compare=False)

    def locate(self) -> Plan:
        """Work out where each clause and name was read (Clause.source, unplaced), once; returns the plan."""
        if self.locator is not None:
            locator, self.locator = self.locator, None
            locator(self)
        return self

    @property
    def tasks(self) -> list[Task]:
        """All tasks in document order."""
        return [task for section in self.sections for task in section.tasks]

    def iter_clauses(self) -> Iterator[tuple[Section, Task, Clause]]:
        """Yield every clause with its section and task, in document order."""
        for section in self.sections:
            for task in section.tasks:
                for clause in task.clauses:
                    yield section, task, clause

    def to_dict(self, *, include_original: bool = False) -> dict[str, Any]:
        """Return the interchange form (see docs/plan-format.md)."""
        if include_original:
            self.locate()
        return {
            "title": self.title,
            "doc_number": self.doc_number,
            "issued_on": self.issued_on.isoformat() if self.issued_on else None,
            "issuers": list(self.issuers),
            "sections": [s.to_dict(include_original=include_original) for s in self.sections],
            **({"unplaced": list(self.unplaced)} if include_original else {}),
        }

    def to_json(self, *, include_original: bool = False, indent: int | None = 2) -> str:
        """Return the interchange form as JSON text (UTF-8 characters kept, not escaped)."""
        return json.dumps(self.to_dict(include_original=include_original), ensure_ascii=False, indent=indent)
