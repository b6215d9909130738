"""Photos: type checked by content, size-limited, decoded and re-encoded by Pillow so no metadata survives.

Re-encoding drops EXIF (camera, time, GPS), ICC profiles, comments and anything appended to the file; the
stored name is the SM3 digest of the clean bytes, so a client's file name never reaches the file system.
An optional GPS point is kept only when the caller passes one it approved (a separate field, not EXIF).
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from anze.core.uploads import UploadTooLargeError, read_limited

MAX_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000
# Six 8-megapixel phone photos; decoding holds about 3 bytes a pixel, and more while converting.
MAX_PIXELS_PER_REQUEST = 50_000_000
_SIGNATURES = {b"\xff\xd8\xff": "JPEG", b"\x89PNG\r\n\x1a\n": "PNG"}


class PhotoError(ValueError):
    """A file that cannot be a photo; `code` is stable, `message_zh` (in the active language, Chinese by
    default, like the other apps' errors) is shown next to the field."""

    def __init__(self, code: str, message_zh: str) -> None:
        self.code = code
        self.message_zh = message_zh
        super().__init__(f"{code}: {message_zh}")


@dataclass(frozen=True)
class CleanPhoto:
    """A re-encoded JPEG without metadata."""

    content: bytes
    sm3: str
    width: int
    height: int

    @property
    def storage_name(self) -> str:
        return f"photos/{self.sm3[:2]}/{self.sm3}.jpg"


def max_bytes() -> int:
    return int(getattr(settings, "ANZE_PHOTO_MAX_BYTES", MAX_BYTES))


def max_pixels_per_request() -> int:
    """Pixels all the photos of one request may hold together (decoding costs memory by the pixel)."""
    return int(getattr(settings, "ANZE_PHOTO_MAX_PIXELS_PER_REQUEST", MAX_PIXELS_PER_REQUEST))


def _too_large() -> PhotoError:
    return PhotoError("too_large", _("照片不能超过 %(mb)s MB") % {"mb": max_bytes() // (1024 * 1024)})


def read_photo(upload: Any) -> bytes:
    """The bytes of an uploaded photo, read in chunks; refused before it is whole in memory when too large."""
    try:
        return read_limited(upload, max_bytes())
    except UploadTooLargeError:
        raise _too_large() from None


def probe_photo(data: bytes) -> tuple[int, int]:
    """Check `data` is a JPEG or PNG by its bytes and its header, without decoding it: (width, height)."""
    if len(data) > max_bytes():
        raise _too_large()
    if not data or not any(data.startswith(sig) for sig in _SIGNATURES):
        raise PhotoError("not_an_image", _("只接受 JPEG 或 PNG 照片"))
    expected = next(fmt for sig, fmt in _SIGNATURES.items() if data.startswith(sig))
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format != expected:
                raise PhotoError("not_an_image", _("只接受 JPEG 或 PNG 照片"))
            if probe.width * probe.height > MAX_PIXELS:
                raise PhotoError("too_large", _("照片像素过多"))
            probe.verify()
            return probe.width, probe.height
    except PhotoError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise PhotoError("not_an_image", _("照片无法读取")) from exc


def clean_photos(uploads: Sequence[Any]) -> list[CleanPhoto]:
    """Read, check and clean the photos of one request: every header is checked and the pixels of all of them
    counted before the first is decoded, so a request over the cap costs no decoding."""
    contents = [read_photo(upload) for upload in uploads]
    pixels = sum(width * height for width, height in (probe_photo(data) for data in contents))
    if pixels > max_pixels_per_request():
        raise PhotoError(
            "too_large",
            _("这些照片合计 %(mp)s 百万像素，一次最多 %(max)s 百万像素：请少传几张或缩小后再传。")
            % {"mp": pixels // 1_000_000, "max": max_pixels_per_request() // 1_000_000},
        )
    return [_decode(data) for data in contents]


def clean_photo(data: bytes) -> CleanPhoto:
    """Check `data` is a JPEG or PNG by its bytes, decode it, and re-encode it as a metadata-free JPEG."""
    probe_photo(data)
    return _decode(data)


def _decode(data: bytes) -> CleanPhoto:
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            upright = ImageOps.exif_transpose(image)
            rgb = upright.convert("RGB")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise PhotoError("not_an_image", _("照片无法读取")) from exc
    clean = Image.new("RGB", rgb.size)
    clean.paste(rgb)  # a fresh image carries no info dict, so nothing of the original's metadata is written
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=85, optimize=True)
    content = out.getvalue()
    return CleanPhoto(content, hashlib.new("sm3", content).hexdigest(), clean.width, clean.height)
