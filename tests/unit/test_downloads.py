"""The download store and route (policylens.ui.downloads): per-session tokens, the response a browser
gets, and the buttons a page draws with and without the route (issue 9)."""

from __future__ import annotations

import asyncio
import datetime
import gc
import io
import re
import zipfile
from concurrent.futures import ThreadPoolExecutor

from apptest import TIMEOUT
from starlette.requests import Request
from streamlit.testing.v1 import AppTest

from policylens import paths
from policylens.ui import downloads, state
from policylens.ui.widgets import exports


def request_for(token: str) -> Request:
    return Request(
        {
            "type": "http",
            "method": "GET",
            "path": f"/api/download/{token}",
            "headers": [],
            "path_params": {"token": token},
            "query_string": b"",
        }
    )


def serve(token: str):
    """Run the route's coroutine on its own event loop (a sync Playwright loop may own this thread's)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, downloads.serve_download(request_for(token))).result()


# --- the store -------------------------------------------------------------------------------


def test_a_button_keeps_its_token_across_runs_and_builds_with_the_latest_function():
    store, owner = downloads.DownloadStore(), downloads._Owner()
    first = store.register(owner, "export.kwic.csv", lambda: b"run 1", "kwic.csv", "text/csv")
    second = store.register(owner, "export.kwic.csv", lambda: b"run 2", "kwic.csv", "text/csv")
    assert first == second
    assert store.lookup(first).build() == b"run 2"
    assert store.register(owner, "export.kwic.xlsx", lambda: b"x", "kwic.xlsx", "x") != first


def test_two_sessions_never_share_a_token_for_the_same_button():
    store = downloads.DownloadStore()
    alice, bob = downloads._Owner(), downloads._Owner()
    a = store.register(alice, "export.kwic.csv", lambda: b"alice", "policylens_kwic.csv", "text/csv")
    b = store.register(bob, "export.kwic.csv", lambda: b"bob", "policylens_kwic.csv", "text/csv")
    assert a != b and len(a) >= 20
    assert store.lookup(a).build() == b"alice" and store.lookup(b).build() == b"bob"


def test_tokens_die_with_their_session_and_after_the_ttl(monkeypatch):
    store = downloads.DownloadStore()
    owner = downloads._Owner()
    token = store.register(owner, "k", lambda: b"x", "x.csv", "text/csv")
    del owner
    gc.collect()
    assert store.lookup(token) is None

    clock = [downloads.time.monotonic()]  # from now: the store's last prune is a real monotonic time
    monkeypatch.setattr(downloads.time, "monotonic", lambda: clock[0])
    living = downloads._Owner()
    token = store.register(living, "k", lambda: b"x", "x.csv", "text/csv")
    clock[0] += downloads.TOKEN_TTL_S + 1
    assert store.lookup(token) is None
    store.register(living, "other", lambda: b"y", "y.csv", "text/csv")  # registering prunes the dead
    assert len(store) == 1


# --- the route -------------------------------------------------------------------------------


def test_the_route_sends_the_file_as_an_attachment_with_its_chinese_name(monkeypatch):
    owner = downloads._Owner()
    monkeypatch.setattr(downloads, "STORE", downloads.DownloadStore())
    token = downloads.STORE.register(owner, "k", lambda: "新质生产力,1\n".encode(), "policylens_南京.csv", "text/csv")
    response = serve(token)
    assert response.status_code == 200 and response.body == "新质生产力,1\n".encode()
    assert response.headers["content-type"].startswith("text/csv")
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;") and "filename*=UTF-8''policylens_%E5%8D%97%E4%BA%AC.csv" in disposition
    assert 'filename="policylens___.csv"' in disposition  # the ASCII fallback
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-security-policy"] == "sandbox"
    assert response.headers["cache-control"] == "no-store"


def test_an_unknown_token_and_a_failing_build_get_plain_messages(monkeypatch):
    monkeypatch.setattr(downloads, "STORE", downloads.DownloadStore())
    missing = serve("not-a-token")
    assert missing.status_code == 404 and "expired" in missing.body.decode() and "已失效" in missing.body.decode()

    def broken() -> bytes:
        raise RuntimeError("secret internal detail")

    owner = downloads._Owner()
    failed = serve(downloads.STORE.register(owner, "k", broken, "x.csv", "text/csv"))
    body = failed.body.decode()
    assert failed.status_code == 500 and "could not build" in body
    assert "secret internal detail" not in body and "Traceback" not in body


def test_content_disposition_quotes_nothing_a_header_could_break_on():
    header = downloads.content_disposition('a"b\r\nSet-Cookie: x.csv')
    assert "\r" not in header and "\n" not in header
    assert header.count('"') == 2


# --- the buttons a page draws ------------------------------------------------------------------


def open_kwic(route: bool, monkeypatch) -> AppTest:
    monkeypatch.setitem(downloads._route, "served", route)
    at = AppTest.from_file(str(paths.ROOT / "dashboard.py"), default_timeout=TIMEOUT)
    at.run()
    at.switch_page("pages/kwic.py").run()
    at.text_input(key=state.widget_key(state.KWIC_QUERY)).set_value("innovation").run()
    assert not at.exception, at.exception
    return at


def fallback_names_script() -> None:
    import streamlit as st

    from policylens.ui import downloads

    st.write(downloads.fallback_file_name("policylens_kwic.csv", "785e541e3328616f"))
    st.write(downloads.fallback_file_name("policylens_report", None))


def test_without_the_route_file_names_carry_the_document_key_and_a_session_nonce(monkeypatch):
    nonces = set()
    for _ in range(2):  # two sessions, each run twice
        at = AppTest.from_function(fallback_names_script, default_timeout=TIMEOUT).run()
        first = [m.value for m in at.markdown]
        assert first == [m.value for m in at.run().markdown], "the name changed between runs of one session"
        kwic = re.fullmatch(r"policylens_kwic_785e541e-([0-9a-f]{12})\.csv", first[0])
        assert kwic, first[0]
        assert first[1] == f"policylens_report_{kwic.group(1)}"
        nonces.add(kwic.group(1))
    assert len(nonces) == 2, "two sessions got the same nonce"

    at = open_kwic(False, monkeypatch)  # the page's buttons: Streamlit's, still built on click
    (button,) = [b for b in at.get("download_button") if b.proto.label == "CSV"]
    assert button.proto.deferred_file_id


def test_with_the_route_buttons_are_links_to_tokens_that_build_the_shown_table(monkeypatch):
    at = open_kwic(True, monkeypatch)
    assert not [b for b in at.get("download_button") if b.proto.label == "CSV"]
    links = [h.proto.body for h in at.get("html") if "policylens-download" in h.proto.body]
    # named after the view, the document and the day (ui.widgets.exports.file_stem)
    stem = f"policylens_kwic_000-785e541e3328616f_{datetime.date.today().isoformat()}"
    (csv_link,) = [body for body in links if f'download="{stem}.csv"' in body]
    token = re.search(r'href="/api/download/([A-Za-z0-9_-]+)"', csv_link).group(1)
    entry = downloads.STORE.lookup(token)
    data = entry.build().decode("utf-8-sig")
    assert entry.mime == "text/csv" and data.splitlines()[0].startswith("Paragraph,Pillar")
    assert len(data.splitlines()) > 1 and "innovation" in data


def test_the_sidebar_bundle_holds_the_table_the_page_drew_after_it(monkeypatch):
    """The shell draws the sidebar's bundle button before the page runs; the button holds the
    run's record (PageContext.exports), so the ZIP made on click has the page's KWIC table."""
    at = open_kwic(True, monkeypatch)
    links = [h.proto.body for h in at.get("html") if "policylens-download" in h.proto.body]
    (bundle_link,) = [body for body in links if '_view.zip"' in body]
    token = re.search(r'href="/api/download/([A-Za-z0-9_-]+)"', bundle_link).group(1)
    bundle = zipfile.ZipFile(io.BytesIO(downloads.STORE.lookup(token).build()))
    assert "tables/kwic.csv" in bundle.namelist(), bundle.namelist()
    assert "innovation" in bundle.read("tables/kwic.csv").decode("utf-8-sig")


def test_export_file_names_carry_the_view_the_subject_and_the_day():
    day = datetime.date(2026, 12, 2)
    subject = exports.indicator_subject("gdp", ("Nanjing", "Suzhou"))
    assert exports.build_file_stem("indicators", subject, day) == "policylens_indicators_gdp_nanjing-suzhou_2026-12-02"
    document = exports.slug("../Report 2024: 新质生产力?")  # a user's file name: no path, no punctuation
    assert exports.build_file_stem("kwic", document, day) == "policylens_kwic_report-2024-新质生产力_2026-12-02"
    assert exports.build_file_stem("terms", "", day) == "policylens_terms_2026-12-02"
    assert len(exports.slug("x" * 200)) == exports.MAX_SUBJECT_CHARS
