"""Read .txt, .docx and .pdf into text lines and tables, detecting the format by content (读取)."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from anze.core.uploads import ArchiveTooLargeError, check_archive

from . import errors
from .errors import PlanParseError

DEFAULT_MAX_BYTES = 20 * 1024 * 1024

Table = list[list[str]]
Block = str | Table

_IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM", b"II*\x00", b"MM\x00*", b"RIFF")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Frequent characters of this genre in both scripts; used to choose between GB18030 and Big5,
# which both decode most byte strings without error.
_COMMON = set(
    "的一是在不了有和人这中大为上个国以要时来用们生到作地于出就分对成会可主发年动同工也能下过子产种面而方后"
    "多定行学法所民得经三之进着等部度家力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还"
    "因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反明看原又利比或但质气第向道命此变条只没结"
    "解问意建月公无系军情者最立代已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求头基资边流路级少"
    "图山统接知较将组见计别手角期根论运农指几九区强放决西被干做必战先回则任取据处理府研安责单县市局领导牵头督"
    "這個為來們會發動過種後學從點應還無題黨總設長頭資邊級圖統將見計別運農區強決戰則處據責單縣領導牽執監檢險"
)


@dataclass
class DocumentText:
    """The text of a plan document: lines (str) and tables (rows of cells) in document order."""

    blocks: list[Block] = field(default_factory=list)
    format: str = "txt"
    encoding: str | None = None
    pages: int | None = None
    # The block index where each page starts (PDF), for provenance.
    page_starts: list[int] = field(default_factory=list)

    @classmethod
    def from_text(cls, text: str, *, format: str = "txt", encoding: str | None = None) -> DocumentText:
        """Split plain text into line blocks."""
        return cls(blocks=list(text.splitlines()), format=format, encoding=encoding)

    @property
    def text(self) -> str:
        """The document as plain text, tables written one row per line with "|" between cells."""
        lines: list[str] = []
        for block in self.blocks:
            if isinstance(block, str):
                lines.append(block)
            else:
                lines.extend(" | ".join(cell.replace("\n", "") for cell in row) for row in block)
        return "\n".join(lines)


def read_document(
    source: str | Path | bytes, filename: str | None = None, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> DocumentText:
    """Read a plan document from a path or bytes; the format is detected from the content."""
    if isinstance(source, bytes | bytearray):
        data = bytes(source)
        name = filename or ""
    else:
        path = Path(source)
        name = filename or path.name
        size = path.stat().st_size
        if size > max_bytes:
            raise PlanParseError(errors.FILE_TOO_LARGE, name=name, size=size, limit=max_bytes)
        data = path.read_bytes()
    if len(data) > max_bytes:
        raise PlanParseError(errors.FILE_TOO_LARGE, name=name, size=len(data), limit=max_bytes)
    if not data.strip():
        raise PlanParseError(errors.EMPTY_FILE, name=name)
    document = _read_by_content(data, name)
    if not any(
        b.strip() if isinstance(b, str) else any(any(c.strip() for c in r) for r in b)
        for b in document.blocks
    ):
        raise PlanParseError(errors.EMPTY_FILE, name=name)
    return document


def _read_by_content(data: bytes, name: str) -> DocumentText:
    suffix = Path(name).suffix.lower()
    if b"%PDF-" in data[:1024]:
        return read_pdf(data, name)
    if data.startswith(b"PK\x03\x04"):
        return _read_zip(data, name)
    if data.startswith(_OLE_MAGIC):
        raise PlanParseError(errors.LEGACY_OFFICE_FORMAT, name=name)
    if _looks_binary(data):
        if suffix == ".docx":
            raise PlanParseError(errors.CORRUPT_DOCX, name=name)
        if suffix == ".pdf":
            raise PlanParseError(errors.CORRUPT_PDF, name=name)
        raise PlanParseError(errors.BINARY_FILE, name=name)
    text, encoding = decode_text(data, name)
    return DocumentText.from_text(text, encoding=encoding)


def _read_zip(data: bytes, name: str) -> DocumentText:
    from .docx_reading import read_docx_blocks

    try:
        check_archive(data, name)
    except ArchiveTooLargeError as exc:
        raise PlanParseError(errors.ARCHIVE_TOO_LARGE, name=name) from exc
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile as exc:
        raise PlanParseError(errors.CORRUPT_DOCX, name=name) from exc
    if "word/document.xml" not in names:
        if Path(name).suffix.lower() == ".docx":
            raise PlanParseError(errors.CORRUPT_DOCX, name=name)
        raise PlanParseError(errors.UNSUPPORTED_FORMAT, name=name)
    return DocumentText(blocks=read_docx_blocks(data, name), format="docx")


def _looks_binary(data: bytes) -> bool:
    if data.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return False
    if data.startswith(_IMAGE_MAGIC) or b"\x00" in data[:65536]:
        return True
    sample = data[:8192]
    controls = sum(1 for byte in sample if byte < 0x20 and byte not in b"\t\n\r\f\v\x1a")
    return controls > max(2, len(sample) // 100)


def decode_text(data: bytes, name: str = "") -> tuple[str, str]:
    """Decode text bytes: BOM, then UTF-8, then GB18030/GBK or Big5, then charset-normalizer."""
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise PlanParseError(errors.UNDECODABLE_TEXT, name=name) from exc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    candidates: list[tuple[float, str, str]] = []
    for encoding in ("gb18030", "big5"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        candidates.append((_common_share(text), encoding, text))
    if candidates:
        # Prefer GB18030 on a tie: it is the national standard and a superset of GBK.
        score, encoding, text = max(candidates, key=lambda c: (c[0], c[1] == "gb18030"))
        return text, encoding
    import charset_normalizer

    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise PlanParseError(errors.UNDECODABLE_TEXT, name=name)
    return str(best), best.encoding


def _common_share(text: str) -> float:
    chinese = [c for c in text if "\u3400" <= c <= "\u9fff"]
    if not chinese:
        return 0.0
    return sum(1 for c in chinese if c in _COMMON) / len(chinese)


def read_pdf(data: bytes, name: str = "") -> DocumentText:
    """Read the text layer of a PDF, one line block per text line, pages separated by a blank line."""
    import pypdf
    from pypdf.errors import PdfReadError

    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise PlanParseError(errors.ENCRYPTED_PDF, name=name)
        pages = [page.extract_text() or "" for page in reader.pages]
    except PlanParseError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, NotImplementedError) as exc:
        if "encrypt" in str(exc).lower() or "crypt" in type(exc).__name__.lower():
            raise PlanParseError(errors.ENCRYPTED_PDF, name=name) from exc
        raise PlanParseError(errors.CORRUPT_PDF, name=name) from exc
    if not pages:
        raise PlanParseError(errors.CORRUPT_PDF, name=name)
    if sum(len("".join(page.split())) for page in pages) < 2 * len(pages):
        raise PlanParseError(errors.PDF_NO_TEXT_LAYER, name=name)
    from .tables import looks_like_table_page

    blocks: list[Block] = []
    starts: list[int] = []
    for number, page in enumerate(pages):
        starts.append(len(blocks))
        if looks_like_table_page(page):
            # A table: the layout text keeps each cell under its column, wrapped cells included.
            page = reader.pages[number].extract_text(extraction_mode="layout") or page
        blocks.extend(page.splitlines())
        blocks.append("")
    return DocumentText(blocks=blocks, format="pdf", pages=len(pages), page_starts=starts)
