"""Every download button of the app: a file built on click that reaches only the session that drew
the button, whatever the load.

Streamlit's own deferred downloads are not safe for PolicyLens's exports (issue 9):
- its media store names a file over 1 MiB by its name, length and three 64 KiB samples, so two
  users exporting two versions of one long document (same length, a different sentence in the
  middle) got the same id, and the second user downloaded the first user's file;
- a file built on click belongs to no session, and the next two script runs of *any* session delete
  it, so under load the browser's fetch of /media/<id> answered 404.

So the server (server.py, started by `make run`) mounts one route, ``/api/download/<token>``, and
a button is a link to it. The token is random (128 bits), made once per session and button, and
stands for the button's latest build function; the route runs that function on the request and
streams its bytes back as an attachment. Tokens are forgotten when their session is gone (a weak
reference to an object in the session's state) or after ``TOKEN_TTL_S`` without a redraw.

When the route is not mounted (AppTest, or a bare `streamlit run dashboard.py`), buttons fall back
to st.download_button with a file name that carries the document's key and a per-session nonce,
so even Streamlit's sampled ids cannot collide across users or documents.
"""

from __future__ import annotations

import asyncio
import html
import logging
import secrets
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

import streamlit as st

from policylens.ui import state

ROUTE = "/api/download/{token}"
TOKEN_TTL_S = 6 * 3600  # a token not redrawn for this long is dropped even if its session lives on
PRUNE_EVERY_S = 60
_LOG = logging.getLogger(__name__)

Build = Callable[[], bytes]


class _Owner:
    """Lives in one session's state; when the session is dropped, so are its tokens."""

    __slots__ = ("__weakref__", "nonce")

    def __init__(self) -> None:
        self.nonce = secrets.token_hex(6)


@dataclass
class _Entry:
    owner: weakref.ref
    build: Build
    file_name: str
    mime: str
    touched: float


class DownloadStore:
    """Token -> the latest build function of one session's button (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[str, _Entry] = {}
        self._tokens: dict[tuple[int, str], str] = {}  # (id(owner), button key) -> token
        self._pruned = time.monotonic()

    def register(self, owner: _Owner, key: str, build: Build, file_name: str, mime: str) -> str:
        """The token of ``owner``'s button ``key`` (the same on every run), now building with ``build``."""
        now = time.monotonic()
        with self._lock:
            slot = (id(owner), key)
            token = self._tokens.get(slot)
            entry = self._entries.get(token) if token else None
            if entry is None or entry.owner() is not owner:  # new button, or id() reused by a new session
                token = secrets.token_urlsafe(16)
                self._tokens[slot] = token
            self._entries[token] = _Entry(weakref.ref(owner), build, file_name, mime, now)
            if now - self._pruned > PRUNE_EVERY_S:
                self._prune(now)
        return token

    def lookup(self, token: str) -> _Entry | None:
        with self._lock:
            entry = self._entries.get(token)
            if entry is None or entry.owner() is None or time.monotonic() - entry.touched > TOKEN_TTL_S:
                return None
            return entry

    def _prune(self, now: float) -> None:
        dead = [tok for tok, e in self._entries.items() if e.owner() is None or now - e.touched > TOKEN_TTL_S]
        for tok in dead:
            del self._entries[tok]
        live = set(self._entries)
        self._tokens = {slot: tok for slot, tok in self._tokens.items() if tok in live}
        self._pruned = now

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)


STORE = DownloadStore()
_route = {"served": False}


def mark_route_served() -> None:
    """Called by server.py when it starts: buttons may link to the download route."""
    _route["served"] = True


def route_served() -> bool:
    return _route["served"]


def content_disposition(file_name: str) -> str:
    """`attachment` with an ASCII fallback name and the real (possibly Chinese) one, RFC 6266/5987."""
    ascii_name = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in file_name) or "download"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(file_name, safe='')}"


async def serve_download(request):  # a starlette Request -> Response
    """The download route: build the token's file now and send it as an attachment."""
    from starlette.responses import PlainTextResponse, Response

    entry = STORE.lookup(request.path_params.get("token", ""))
    if entry is None:
        return PlainTextResponse(
            "This download link has expired. Reload PolicyLens and click the button again.\n"
            "此下载链接已失效。请刷新 PolicyLens 页面后再次点击按钮。\n",
            status_code=404,
            headers={"Cache-Control": "no-store"},
        )
    try:
        data = await asyncio.to_thread(entry.build)
    except Exception:  # the message names no internals; the server log has the traceback
        _LOG.exception("building download %s failed", entry.file_name)
        return PlainTextResponse(
            "PolicyLens could not build this file. The app is unaffected; try again.\n"
            "PolicyLens 无法生成此文件。应用不受影响，请重试。\n",
            status_code=500,
            headers={"Cache-Control": "no-store"},
        )
    if isinstance(data, str):
        data = data.encode("utf-8")
    return Response(
        content=data,
        media_type=entry.mime,
        headers={
            "Content-Disposition": content_disposition(entry.file_name),
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
            # an exported HTML file opened from this origin by mistake runs nothing here
            "Content-Security-Policy": "sandbox",
        },
    )


def session_owner() -> _Owner:
    owner = st.session_state.get(state.DOWNLOAD_OWNER)
    if not isinstance(owner, _Owner):
        owner = _Owner()
        st.session_state[state.DOWNLOAD_OWNER] = owner
    return owner


def fallback_file_name(file_name: str, document_key: str | None) -> str:
    """`stem_<document key>-<session nonce>.ext`: distinct for every document and session."""
    stem, dot, ext = file_name.rpartition(".")
    if not dot:
        stem, ext = file_name, ""
    tag = "-".join(part for part in ((document_key or "")[:8], session_owner().nonce) if part)
    return f"{stem}_{tag}{dot}{ext}"


@dataclass(frozen=True)
class Download:
    """One file a download button builds on click (render_download's arguments)."""

    label: str
    build: Build
    file_name: str
    mime: str
    key: str
    help: str | None = None


def _link(item: Download) -> str:
    """The link of one download to the route, its token registered for this session's button."""
    token = STORE.register(session_owner(), item.key, item.build, item.file_name, item.mime)
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    href = ("/" + base if base else "") + ROUTE.format(token=token)
    title = f' title="{html.escape(item.help)}"' if item.help else ""
    return (
        f'<a class="policylens-download" href="{href}" download="{html.escape(item.file_name)}"{title} '
        f'data-testid="policylens-download">{html.escape(item.label)}</a>'
    )


def _fallback(item: Download, document_key: str | None, target, **options) -> None:
    target.download_button(
        item.label,
        item.build,
        fallback_file_name(item.file_name, document_key),
        item.mime,
        key=item.key,
        on_click="ignore",
        help=item.help,
        width="stretch",
        **options,
    )


def render_download(
    label: str,
    build: Build,
    file_name: str,
    mime: str,
    *,
    key: str,
    document_key: str | None = None,
    icon: str | None = None,
    help: str | None = None,
    disabled: bool = False,
    container=None,
) -> None:
    """One download button; ``build`` runs only when it is clicked. ``document_key`` names the
    document the file comes from (part of the file name when Streamlit serves the file)."""
    target = container if container is not None else st
    item = Download(label, build, file_name, mime, key, help)
    if disabled or not route_served():
        _fallback(item, document_key, target, icon=icon, disabled=disabled)
    else:
        target.html(_link(item))


def render_downloads(items: list[Download], *, document_key: str | None = None) -> None:
    """Several download buttons, one under another, as one element: an Export menu's five links
    were five st.html elements, about 0.4 ms each of every rerun."""
    if not route_served():
        for item in items:
            _fallback(item, document_key, st)
    else:
        st.html(f'<div class="policylens-downloads">{"".join(_link(i) for i in items)}</div>')


DOWNLOAD_CSS = """<style>
a.policylens-download {
  display: flex; align-items: center; justify-content: center; min-height: 2.5rem; width: 100%;
  box-sizing: border-box; padding: 0.25rem 0.75rem; border-radius: 0.5rem;
  border: 1px solid rgba(49, 51, 63, 0.2); background: #ffffff; color: inherit;
  text-decoration: none; font-size: 0.95rem; line-height: 1.4; text-align: center;
}
a.policylens-download:hover { border-color: #2E6FD8; color: #2E6FD8; text-decoration: none; }
a.policylens-download:focus-visible { outline: 2px solid #2E6FD8; outline-offset: 1px; }
div.policylens-downloads { display: flex; flex-direction: column; gap: 0.5rem; }
</style>"""


def render_download_style() -> None:
    """The link-button look, once per run (a style-only st.html takes no space on the page)."""
    if route_served():
        st.html(DOWNLOAD_CSS)
