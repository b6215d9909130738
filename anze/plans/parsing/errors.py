"""Errors raised while reading or parsing a plan document (方案解析错误)."""

from __future__ import annotations

from typing import Any

# Stable codes: callers (views, API, import jobs) branch on these, so never rename one.
EMPTY_FILE = "empty_file"
BINARY_FILE = "binary_file"
UNDECODABLE_TEXT = "undecodable_text"
FILE_TOO_LARGE = "file_too_large"
CORRUPT_DOCX = "corrupt_docx"
LEGACY_OFFICE_FORMAT = "legacy_office_format"
UNSUPPORTED_FORMAT = "unsupported_format"
CORRUPT_PDF = "corrupt_pdf"
ENCRYPTED_PDF = "encrypted_pdf"
PDF_NO_TEXT_LAYER = "pdf_no_text_layer"
NO_TASKS = "no_tasks"
ARCHIVE_TOO_LARGE = "archive_too_large"

_MESSAGES: dict[str, tuple[str, str]] = {
    EMPTY_FILE: (
        "文件为空（{name}），请上传含有方案正文的文件。",
        "The file is empty ({name}); upload a file that contains the plan text.",
    ),
    BINARY_FILE: (
        "文件不是文本（{name}），请上传 .txt、.docx 或带文字层的 .pdf 文件。",
        "The file is not text ({name}); upload a .txt, .docx or a .pdf with a text layer.",
    ),
    UNDECODABLE_TEXT: (
        "无法识别文本编码（{name}），请另存为 UTF-8 编码的 .txt 后重新上传。",
        "The text encoding could not be recognised ({name}); save it as UTF-8 .txt and upload again.",
    ),
    FILE_TOO_LARGE: (
        "文件过大（{size} 字节，上限 {limit} 字节），请删去附图等无关内容或拆分后上传。",
        "The file is too large ({size} bytes, limit {limit}); remove pictures or split it, then upload.",
    ),
    ARCHIVE_TOO_LARGE: (
        "Word 文件解压后过大（{name}），疑似压缩炸弹，未导入；请用 Word/WPS 打开后另存为 .docx 再上传。",
        "The Word file inflates far too much ({name}), like a zip bomb; nothing was imported. Save it again.",
    ),
    CORRUPT_DOCX: (
        "Word 文件已损坏或不是真正的 .docx（{name}），请用 Word/WPS 打开后另存为 .docx 再上传。",
        "The Word file is corrupt or not a real .docx ({name}); open it in Word/WPS, save as .docx, retry.",
    ),
    LEGACY_OFFICE_FORMAT: (
        "这是旧版 .doc/.wps 格式（{name}），请用 Word/WPS 另存为 .docx 后上传。",
        "This is a legacy .doc/.wps file ({name}); save it as .docx in Word/WPS, then upload.",
    ),
    UNSUPPORTED_FORMAT: (
        "不支持的文件格式（{name}），请上传 .txt、.docx 或带文字层的 .pdf 文件。",
        "Unsupported file format ({name}); upload a .txt, .docx or a .pdf with a text layer.",
    ),
    CORRUPT_PDF: (
        "PDF 文件已损坏（{name}），请重新导出 PDF 或改传 .docx。",
        "The PDF is corrupt ({name}); export the PDF again or upload the .docx instead.",
    ),
    ENCRYPTED_PDF: (
        "PDF 已加密（{name}），请先解除密码保护再上传。",
        "The PDF is encrypted ({name}); remove the password protection, then upload.",
    ),
    PDF_NO_TEXT_LAYER: (
        "PDF 没有文字层，只有图像（{name}），请先进行 OCR 文字识别，或上传 .docx/.txt 原文。",
        "The PDF has no text layer, only images ({name}) — OCR it first, or upload the .docx/.txt.",
    ),
    NO_TASKS: (
        "未在文件中找到任何任务（如“1.”“（一）”编号的条目或分工表格），请确认上传的是责任分工方案正文。",
        "No tasks were found (items numbered “1.” or “（一）”, or a task table); "
        "check that this is the text of a responsibility plan.",
    ),
}


class PlanParseError(ValueError):
    """A plan document that cannot be read or parsed, with a stable `code` (解析错误)."""

    def __init__(self, code: str, **details: Any) -> None:
        self.code = code
        self.details = details
        zh, en = _MESSAGES[code]
        fields = {"name": "", "size": "", "limit": "", **details}
        self.message_zh = zh.format(**fields).replace("（）", "")
        self.message_en = en.format(**fields).replace(" ()", "")
        if code == NO_TASKS and "lines" in details:
            # Say what was seen, so the office can tell a wrong file from a layout the parser misses.
            self.message_zh += (
                "已读到 {lines} 行；编号样式：{styles}；表格 {tables} 个（其中 {usable_tables} 个有可识别的表头）；"
                "分工标签行 {labels} 行。".format(**details)
            )
            self.message_en += (
                " Seen: {lines} lines; numbering styles: {styles_en}; {tables} tables ({usable_tables} with a "
                "recognisable header); {labels} label lines.".format(**details)
            )
        super().__init__(f"{self.message_zh} {self.message_en}")
