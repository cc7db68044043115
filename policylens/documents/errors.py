"""The loaders' one exception type, in its own module so that documents, encodings and formats share it."""

from __future__ import annotations


class DocumentError(ValueError):
    """A document that cannot be read; the message is meant for the user.

    `code` names the problem ("empty", "too_large", "binary", "encoding", "unsupported", "docx",
    "pdf", "pdf_encrypted", "pdf_no_text", "no_text", "html", "unreadable", "too_long", and the
    ZIP package bounds "package_entries", "package_unpacked", "package_xml") so the UI can show its
    own translation and mark the file. The message says what is wrong and what the user can do; it
    never names a file of this repository, which a user of the app does not have.
    """

    def __init__(self, message: str, code: str = "unreadable") -> None:
        super().__init__(message)
        self.code = code
