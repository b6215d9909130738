"""Reading uploaded files without trusting their size: the declared size is checked first, then the bytes are
read chunk by chunk and the reading stops as soon as the limit is passed, so an oversized file never sits
whole in memory. (Django has already spooled a large upload to a temporary file; the web server in front
caps the request body, see docs/deployment.md.)"""

from __future__ import annotations

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
