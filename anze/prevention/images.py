"""Photos: type checked by content, size-limited, decoded and re-encoded by Pillow so no metadata survives.

Re-encoding drops EXIF (camera, time, GPS), ICC profiles, comments and anything appended to the file; the
stored name is the SM3 digest of the clean bytes, so a client's file name never reaches the file system.
An optional GPS point is kept only when the caller passes one it approved (a separate field, not EXIF).
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000
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


def clean_photo(data: bytes) -> CleanPhoto:
    """Check `data` is a JPEG or PNG by its bytes, decode it, and re-encode it as a metadata-free JPEG."""
    if len(data) > max_bytes():
        raise PhotoError("too_large", _("照片不能超过 %(mb)s MB") % {"mb": max_bytes() // (1024 * 1024)})
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
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            upright = ImageOps.exif_transpose(image)
            rgb = upright.convert("RGB")
    except PhotoError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise PhotoError("not_an_image", _("照片无法读取")) from exc
    clean = Image.new("RGB", rgb.size)
    clean.paste(rgb)  # a fresh image carries no info dict, so nothing of the original's metadata is written
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=85, optimize=True)
    content = out.getvalue()
    return CleanPhoto(content, hashlib.new("sm3", content).hexdigest(), clean.width, clean.height)
