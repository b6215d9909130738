"""Evidence files: type sniffed from the bytes (never the name), size limits, SM3 digests, safe stored names.

The stored path is content-addressed (evidence/<sm3[:2]>/<sm3>), so the client's file name never reaches
the file system; it is kept only as a label and sanitized for the download header.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from anze.core.uploads import ArchiveTooLargeError, UploadTooLargeError, check_archive, read_limited

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_FILES = 10

# Media type → the file name extension used for downloads.
ALLOWED_TYPES = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "text/plain": "txt",
}
_MARKUP = re.compile(
    rb"^\s*<(?:!doctype|html|head|body|script|svg|\?xml|iframe|object|meta|a\s|div|img)", re.I
)


class EvidenceError(ValueError):
    """A file that cannot be evidence; `code` is stable, `message_zh` is shown next to the field."""

    def __init__(self, code: str, message_zh: str) -> None:
        self.code = code
        self.message_zh = message_zh
        super().__init__(f"{code}: {message_zh}")

    @property
    def http_status(self) -> int:
        return 413 if self.code == "file_too_large" else 400


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed the checks."""

    content: bytes
    sm3: str
    content_type: str
    original_name: str

    @property
    def size(self) -> int:
        return len(self.content)

    @property
    def storage_path(self) -> str:
        return storage_path(self.sm3)


def max_bytes() -> int:
    return int(getattr(settings, "ANZE_SECURITY", {}).get("EVIDENCE_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_files() -> int:
    return int(getattr(settings, "ANZE_SECURITY", {}).get("EVIDENCE_MAX_FILES", DEFAULT_MAX_FILES))


def sm3_hex(content: bytes) -> str:
    return hashlib.new("sm3", content).hexdigest()


def storage_path(sm3: str) -> str:
    if not re.fullmatch(r"[0-9a-f]{64}", sm3):
        raise ValueError("not an SM3 digest")
    return f"evidence/{sm3[:2]}/{sm3}"


def _office_type(content: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if any(name.startswith("word/") for name in names):
        return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    if any(name.startswith("xl/") for name in names):
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return None


def _is_plain_text(content: bytes) -> bool:
    if b"\x00" in content or _MARKUP.match(content[:512]):
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\r\n\t\f")
        return controls == 0
    return False


def sniff(content: bytes) -> str | None:
    """The media type the bytes really are, among the allowed ones; None for anything else."""
    if content.startswith(b"%PDF-"):
        return "application/pdf"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content.startswith(b"PK\x03\x04"):
        return _office_type(content)
    if _is_plain_text(content):
        return "text/plain"
    return None


def safe_name(name: str, content_type: str) -> str:
    """A display name without paths or control characters, ending in the extension of its real type."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(
        ch
        for ch in unicodedata.normalize("NFC", base)
        if unicodedata.category(ch)[0] not in "CZ" or ch == " "
    )
    stem = base.rsplit(".", 1)[0].strip(" .") if "." in base else base.strip(" .")
    stem = re.sub(r"[<>:\"/\\|?*;]", "_", stem)[:120] or "evidence"
    return f"{stem}.{ALLOWED_TYPES[content_type]}"


def _too_large(name: str, size: int, limit: int) -> EvidenceError:
    return EvidenceError(
        "file_too_large",
        f"文件“{name}”有 {size / 1048576:.1f} MB，超过上限 {limit / 1048576:.0f} MB。",
    )


def read_uploads(uploads: Sequence[Any]) -> list[tuple[str, bytes]]:
    """(name, bytes) of each uploaded file: the count and each declared size are checked before anything is
    read, and each file is read in chunks that stop as soon as it passes the size limit."""
    if len(uploads) > max_files():
        raise EvidenceError("too_many_files", f"一次最多上传 {max_files()} 个文件。")
    limit = max_bytes()
    for upload in uploads:
        if getattr(upload, "size", 0) > limit:
            raise _too_large(upload.name, upload.size, limit)
    files = []
    for upload in uploads:
        try:
            files.append((upload.name, read_limited(upload, limit)))
        except UploadTooLargeError as exc:
            raise _too_large(upload.name, exc.size, limit) from None
    return files


def check_file(content: bytes, name: str) -> CheckedFile:
    """Check one upload: not empty, within the size limit, of an allowed type by its content."""
    if not content:
        raise EvidenceError("empty_file", f"文件“{name}”是空的。")
    limit = max_bytes()
    if len(content) > limit:
        raise _too_large(name, len(content), limit)
    content_type = sniff(content)
    if content_type is None:
        raise EvidenceError(
            "forbidden_type",
            f"文件“{name}”的内容不是允许的类型（PDF、PNG、JPEG、Word、Excel、纯文本），与扩展名无关。",
        )
    if ALLOWED_TYPES[content_type] in ("docx", "xlsx"):
        try:
            check_archive(content, name)
        except ArchiveTooLargeError:
            raise EvidenceError(
                "archive_too_large",
                f"文件“{name}”解压后过大，疑似压缩炸弹，未保存；请用 Office/WPS 另存后重新上传。",
            ) from None
    return CheckedFile(content, sm3_hex(content), content_type, safe_name(name, content_type))
