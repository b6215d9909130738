"""Reading uploaded files without trusting their size: the declared size is checked first, then the bytes are
read chunk by chunk and the reading stops as soon as the limit is passed, so an oversized file never sits
whole in memory. (Django has already spooled a large upload to a temporary file; the web server in front
caps the request body, see docs/deployment.md.)"""

from __future__ import annotations

import io
import zipfile
from typing import Any

CHUNK_BYTES = 64 * 1024


class UploadTooLargeError(ValueError):
    """The upload holds more than `limit` bytes; `size` is what was declared or read before stopping."""

    def __init__(self, name: str, size: int, limit: int) -> None:
        self.name = name
        self.size = size
        self.limit = limit
        super().__init__(f"{name}: more than {limit} bytes")


def read_limited(upload: Any, limit: int) -> bytes:
    """The bytes of `upload` (an UploadedFile, or bytes as they are), at most `limit` of them.

    Raises UploadTooLargeError without reading when the declared size is over the limit, and stops reading
    one chunk past the limit when the declared size was wrong.
    """
    name = str(getattr(upload, "name", "") or "")
    if isinstance(upload, bytes | bytearray | memoryview):
        if len(upload) > limit:
            raise UploadTooLargeError(name, len(upload), limit)
        return bytes(upload)
    declared = getattr(upload, "size", None)
    if declared is not None and declared > limit:
        raise UploadTooLargeError(name, declared, limit)
    if hasattr(upload, "seek"):
        upload.seek(0)
    buffer = bytearray()
    # read(n) rather than chunks(): an in-memory upload's chunks() yields the whole file at once.
    for chunk in iter(lambda: upload.read(CHUNK_BYTES), b""):
        buffer += chunk
        if len(buffer) > limit:
            raise UploadTooLargeError(name, len(buffer), limit)
    return bytes(buffer)


# An Office file (.docx, .xlsx) is a zip. A few hundred kilobytes can declare gigabytes of XML (a zip bomb);
# Python's zipfile never inflates a member past the size its directory declares, so checking the declared
# sizes before any reader opens a member bounds what reading can cost.
MAX_ARCHIVE_BYTES = 200 * 1024 * 1024
MAX_ARCHIVE_MEMBERS = 10_000
MAX_COMPRESSION_RATIO = 200


class ArchiveTooLargeError(ValueError):
    """The archive would inflate past the limits: `reason` is "size", "members" or "ratio"."""

    def __init__(self, name: str, reason: str, size: int) -> None:
        self.name = name
        self.reason = reason
        self.size = size
        super().__init__(f"{name}: archive would inflate past the {reason} limit ({size})")


def check_archive(content: bytes, name: str = "", limit: int | None = None) -> None:
    """Raise ArchiveTooLargeError when the zip in `content` declares more than `limit` (MAX_ARCHIVE_BYTES) bytes in all, more
    than MAX_ARCHIVE_MEMBERS members, or a member that inflates more than MAX_COMPRESSION_RATIO times (and
    past a megabyte). Only the central directory is read. Bytes that are not a zip pass: the caller's own
    reader says what is wrong with them."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return
    if len(members) > MAX_ARCHIVE_MEMBERS:
        raise ArchiveTooLargeError(name, "members", len(members))
    limit = MAX_ARCHIVE_BYTES if limit is None else limit
    total = 0
    for member in members:
        total += member.file_size
        if total > limit:
            raise ArchiveTooLargeError(name, "size", total)
        inflated = member.file_size > 1024 * 1024
        if inflated and member.file_size > MAX_COMPRESSION_RATIO * max(member.compress_size, 1):
            raise ArchiveTooLargeError(name, "ratio", member.file_size)
