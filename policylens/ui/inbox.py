"""The one upload inbox every uploader uses: which files it has already handled (so the uploader's
kept files are loaded once), and the notices to show on the next draw (shown once, then dropped).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import streamlit as st


@dataclass(frozen=True)
class UploadInbox:
    """One uploader's inbox in session state: `handled_key` holds the (name, sha256) of every file
    loaded or refused, `notices_key` the (kind, Markdown text, detail lines) still to show."""

    handled_key: str
    notices_key: str

    def first_time(self, name: str, data: bytes) -> str | None:
        """The file's SHA-256 if this uploader has not handled it yet (it is now), else None.

        The uploader keeps earlier files: a file is handled once, so a later upload (or a removal)
        never re-adds an old file or undoes what the user chose since."""
        digest = hashlib.sha256(data).hexdigest()
        handled = st.session_state.setdefault(self.handled_key, set())
        if (name, digest) in handled:
            return None
        handled.add((name, digest))
        return digest

    def notify(self, kind: str, text: str, details: tuple[str, ...] = ()) -> None:
        """Keep a notice ("success" or "error"; Markdown with user values already escaped)."""
        st.session_state.setdefault(self.notices_key, []).append((kind, text, details))

    def pop_notices(self) -> list[tuple[str, str, tuple[str, ...]]]:
        return st.session_state.pop(self.notices_key, [])

    def render_notices(self) -> None:
        """Each notice once: an error with its detail lines as a list, a success plainly."""
        for kind, text, details in self.pop_notices():
            if kind == "error":
                st.error(text + ("\n\n" + "\n".join(f"- {d}" for d in details) if details else ""))
            else:
                st.success(text)
