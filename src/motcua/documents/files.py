"""Pure checks on uploaded bytes: type by content sniffing plus an extension allow-list, size, SHA-256."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

# extension -> (content type, magic prefix)
ALLOWED: dict[str, tuple[str, bytes]] = {
    "pdf": ("application/pdf", b"%PDF-"),
    "jpg": ("image/jpeg", b"\xff\xd8\xff"),
    "jpeg": ("image/jpeg", b"\xff\xd8\xff"),
    "png": ("image/png", b"\x89PNG\r\n\x1a\n"),
}


class FileRejected(ValueError):
    """The upload is refused; `code` names the reason, the message is for the user (Vietnamese)."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    content_type: str
    size: int
    sha256: str


def sniff(data: bytes) -> str | None:
    """The content type the bytes really are (among the allowed ones), or None."""
    for content_type, magic in ALLOWED.values():
        if data.startswith(magic):
            return content_type
    return None


def check(filename: str, data: bytes, max_bytes: int) -> CheckedFile:
    """Accept a PDF, JPEG or PNG whose extension matches its content and whose size is within the limit."""
    if not data:
        raise FileRejected("Tệp rỗng.", "empty")
    if len(data) > max_bytes:
        raise FileRejected(f"Tệp vượt quá dung lượng cho phép ({max_bytes // (1024 * 1024)} MB).", "too_large")
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if ext not in ALLOWED:
        raise FileRejected("Chỉ chấp nhận tệp PDF, JPEG hoặc PNG.", "extension")
    expected = ALLOWED[ext][0]
    actual = sniff(data)
    if actual != expected:
        raise FileRejected("Nội dung tệp không khớp với phần mở rộng (chỉ chấp nhận PDF, JPEG, PNG).", "content")
    return CheckedFile(
        filename=filename, content_type=expected, size=len(data), sha256=hashlib.sha256(data).hexdigest()
    )
