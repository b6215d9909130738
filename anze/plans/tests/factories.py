"""Test helpers for plans: hand-written plans in the interchange format and imports of them."""

from __future__ import annotations

import copy
import json
from pathlib import Path


def stored_files(root: Path) -> list[Path]:
    return [p for p in Path(root).rglob("*") if p.is_file()]


def clause(text: str, **fields) -> dict:
    base = {
        "text": text,
        "lead_leaders": [],
        "co_leaders": [],
        "lead_units": [],
        "responsible_units": [],
        "supporting_units": [],
        "deadline": None,
        "duties": [],
    }
    base.update(fields)
    return base


def small_plan(
    *clauses: dict, title: str = "测试责任分工方案", doc_number: str | None = "测字〔2024〕1号"
) -> dict:
    """A hand-written plan in the interchange format: one section, one task per clause."""
    return {
        "title": title,
        "doc_number": doc_number,
        "issued_on": "2024-03-01",
        "issuers": ["临沂市人民政府办公室"],
        "sections": [
            {
                "number": "一",
                "title": "测试部分",
                "tasks": [
                    {"number": str(i + 1), "title": None, "clauses": [c]} for i, c in enumerate(clauses)
                ],
            }
        ],
    }


def upload_of(data: dict, content: bytes | None = None, filename: str = "plan.txt"):
    """A ParsedUpload for a hand-written dict (the bytes only decide the digest)."""
    from anze.plans.importing import ParsedUpload, sm3_hex

    content = content if content is not None else json.dumps(data, ensure_ascii=False).encode()
    return ParsedUpload(content, filename, sm3_hex(content), "text/plain; charset=utf-8", copy.deepcopy(data))


def import_small_plan(region, *clauses, actor=None, **kwargs):
    from anze.plans.services import import_plan

    data = small_plan(*(clauses or (clause("加强安全生产工作。", responsible_units=["市应急局"]),)), **kwargs)
    return import_plan(upload_of(data), actor=actor, region=region, check_permission=actor is not None)


def blank_pdf() -> bytes:
    """A PDF with one page and no text layer, like a scanned document."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def corrupt_docx() -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<not xml")
    return buffer.getvalue()


def bad_inputs() -> list[tuple[str, bytes, str]]:
    """(file name, bytes, the parser's error code) for every kind of bad upload but the oversized one."""
    return [
        ("empty.txt", b"", "empty_file"),
        ("photo.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20, "binary_file"),
        ("scan.pdf", blank_pdf(), "pdf_no_text_layer"),
        ("plan.docx", corrupt_docx(), "corrupt_docx"),
        ("notice.txt", "关于加强安全生产工作的通知\n各单位要高度重视。".encode(), "no_tasks"),
    ]


OVERSIZED = ("big.txt", "1. 加强安全生产工作。（责任单位：市应急局）\n".encode() * 30000, "file_too_large")
