"""The one upload inbox every uploader uses: which files it has already handled (so the uploader's
kept files are loaded once), the notices to show on the next draw (shown once, then dropped, in the
UI language of that draw).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

import streamlit as st

from policylens.ui import state

Text = str | Mapping[str, str]  # Markdown, or Markdown per UI language ({"en": ..., "zh": ...})


def _in(text: Text, lang: str) -> str:
    return text if isinstance(text, str) else text.get(lang) or text["en"]


@dataclass(frozen=True)
class UploadInbox:
    """One uploader's inbox in session state: `handled_key` holds the (name, sha256) of every file
    loaded or refused, `notices_key` the (kind, text, detail lines, note) still to show."""

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

    def notify(self, kind: str, text: Text, details: tuple[Text, ...] = (), note: Text | None = None) -> None:
        """Keep a notice ("success", "warning" or "error"; Markdown with user values already escaped). Give the
        text per UI language when the language may change before the notice is drawn (a first upload
        of a Chinese document switches the UI to Chinese). `note`: one line above the detail list,
        said once for all of them (e.g. how rows are numbered)."""
        st.session_state.setdefault(self.notices_key, []).append((kind, text, details, note))

    def pop_notices(self) -> list[tuple]:
        return st.session_state.pop(self.notices_key, [])

    def render_notices(self, lang: str | None = None) -> None:
        """Each notice once: an error with its note and detail lines as a list, a warning or a success plainly."""
        lang = lang or state.get_lang()
        for kind, text, details, *rest in self.pop_notices():
            note = rest[0] if rest else None
            if kind != "error":
                (st.warning if kind == "warning" else st.success)(_in(text, lang))
                continue
            body = [_in(text, lang), *([_in(note, lang)] if note and details else [])]
            items = "\n".join(f"- {_in(d, lang)}" for d in details)
            st.error("\n\n".join(body + ([items] if items else [])))
