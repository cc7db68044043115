"""The loaders' one exception type, in its own module so that documents, encodings and formats share it."""

from __future__ import annotations


class DocumentError(ValueError):
    """A document that cannot be read; the message is meant for the user.

    `code` names the problem ("empty", "too_large", "binary", "encoding", "unsupported", "docx",
    "pdf", "pdf_encrypted", "pdf_no_text", "no_text") so the UI can show its own translation.
    """

    def __init__(self, message: str, code: str = "unreadable") -> None:
        super().__init__(message)
        self.code = code
