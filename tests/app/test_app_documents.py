"""AppTest: the sidebar document library (paste, upload, pick) and the message for every bad input.

Files go through the real sidebar `st.file_uploader` (AppTest's `FileUploader.set_value`), so the
uploader's `on_change` callback reads real `UploadedFile` objects, as it does in a browser.
"""

import html
import io
import os
import random
import re
import zipfile

import docx
import pypdf
import pytest
from apptest import open_app
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

from policylens import paths
from policylens.documents.loader import MAX_BYTES
from policylens.i18n import t
from policylens.markup import WORD_JOINER
from policylens.text import analysis
from policylens.ui import library, state

UPLOADER = "widget.docs.upload"
PICKER = "widget.docs.active"
SEED_TITLE = "Let the new quality productivity become the most distinctive mark of Nanjing's high-quality development"
ZH_TEXT = (paths.ROOT / "tests" / "fixtures" / "zh_policy.txt").read_text(encoding="utf-8")


def paste(at: AppTest, text: str) -> None:
    at.text_area(key="widget.docs.paste").set_value(text)
    at.button(key="docs.paste_button").click().run()
    assert not at.exception, at.exception


def upload(at: AppTest, *files: tuple[str, bytes]) -> None:
    at.file_uploader(key=UPLOADER).set_value([(name, data, "application/octet-stream") for name, data in files])
    at.run()


def shown_text(markdown: str) -> str:
    """The text a reader sees for a Markdown notice (file names in notices are escaped Markdown)."""
    rendered = MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(markdown)
    return html.unescape(re.sub(r"<[^>]+>", "", rendered)).replace(WORD_JOINER, "").strip()


def document_caption(at: AppTest) -> str:
    (caption,) = [shown_text(c.value) for c in at.sidebar.caption if " · " in c.value]
    return caption


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def overview_captions(at: AppTest) -> str:
    """The Overview's captions: the document line (name, language, size) and its encoding and script."""
    return " | ".join(c.value for c in at.main.caption).replace("\\", "")


def sidebar_errors(at: AppTest) -> list[str]:
    return [shown_text(e.value) for e in at.sidebar.error]


def sidebar_successes(at: AppTest) -> list[str]:
    return [shown_text(s.value) for s in at.sidebar.success]


def library_snapshot(at: AppTest) -> tuple:
    """What must not move when a load fails: the active id, the library, the caption, the figures."""
    picker = at.selectbox(key=PICKER)
    return picker.value, tuple(picker.options), document_caption(at), metrics(at)


# --- files -------------------------------------------------------------------------------------


def make_docx(*paragraphs: str) -> bytes:
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def make_blank_pdf() -> bytes:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def make_zip_without_word_parts() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("notes.txt", "a ZIP package, but no [Content_Types].xml or word/document.xml")
    return buffer.getvalue()


PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
SHIFT_JIS = "東京都の政策文書です。これはシフトJISで保存されたテキストです。".encode("shift_jis")
HIGH_BYTES = bytes(random.Random(7).randrange(0x80, 0x100) for _ in range(600))

# (file name, bytes, the specific part of the loader's English message)
BAD_FILES = [
    pytest.param("empty.txt", b"", "The file is empty.", id="empty"),
    pytest.param("blank.md", b"  \n\t\n ", "The file is empty.", id="whitespace-only"),
    pytest.param("photo.txt", PNG_HEADER, "The file looks binary", id="binary-as-txt"),
    pytest.param("tokyo.txt", SHIFT_JIS, "The text encoding could not be recognised", id="shift-jis"),
    pytest.param("noise.txt", HIGH_BYTES, "The text encoding could not be recognised", id="random-high-bytes"),
    pytest.param(
        "report.docx", b"This is plain text, not a Word file.", "not a Word .docx document", id="docx-not-zip"
    ),
    pytest.param("report.docx", make_zip_without_word_parts(), "damaged or not a Word document", id="docx-damaged"),
    pytest.param(
        "report.pdf", b"%PDF-1.4\n1 0 obj garbage\n%%EOF", "The PDF file is damaged or not a PDF", id="pdf-corrupt"
    ),
    pytest.param("scan.pdf", make_blank_pdf(), "The PDF has no text layer", id="pdf-without-text"),
    pytest.param("huge.txt", b"a" * (MAX_BYTES + 1), "the limit is 20 MB", id="over-20-mb"),
]


# --- pasting and picking ------------------------------------------------------------------------


def test_pasted_chinese_text_becomes_the_active_document():
    at = open_app()
    seed_caption = document_caption(at)
    assert "English · 15 paragraphs" in seed_caption

    paste(at, ZH_TEXT)

    assert sidebar_successes(at) == ["已载入 pasted text。"]  # the UI has followed the Chinese text
    # the UI follows a Chinese document until the user picks a language
    assert document_caption(at) == "pasted text · 中文 · 5 段 · 271 字符"
    assert metrics(at)["段落"] == "5"
    captions = overview_captions(at)
    assert " · 中文 · " in captions and "编码：不适用 · 字形：简体" in captions
    picker = at.selectbox(key=PICKER)
    assert picker.value != "seed" and picker.options == [
        f"{SEED_TITLE} (内置样本)",
        "南京新质生产力发展要点 · pasted text",
    ]
    assert at.text_area(key="widget.docs.paste").value == ""  # cleared after loading

    picker.set_value("seed").run()  # the seed stays selectable
    assert not at.exception
    assert document_caption(at) == seed_caption
    assert metrics(at)["Paragraphs"] == "15" and " · English · " in overview_captions(at)


def test_pasting_nothing_is_reported_and_changes_nothing():
    at = open_app(lang="en")
    before = library_snapshot(at)
    paste(at, "   \n  ")
    assert sidebar_errors(at) == [
        "pasted text was not loaded: The pasted text is empty. Your other documents are unchanged."
    ]
    assert library_snapshot(at) == before


# --- every bad file -----------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "data", "reason"), BAD_FILES)
def test_bad_file_gives_its_own_message_and_keeps_the_active_document(name, data, reason):
    at = open_app(lang="en")
    paste(at, ZH_TEXT)
    before = library_snapshot(at)
    assert before[2] == "pasted text · Chinese · 5 paragraphs · 271 characters"

    upload(at, (name, data))

    assert not at.exception, at.exception
    (error,) = sidebar_errors(at)
    assert error.startswith(f"{name} was not loaded: ") and reason in error, error
    assert error.endswith("Your other documents are unchanged.")
    assert sidebar_successes(at) == []
    assert library_snapshot(at) == before  # still active, still loaded, same figures
    at.run()  # the message is shown once
    assert sidebar_errors(at) == [] and library_snapshot(at) == before


def test_bad_files_in_one_upload_are_each_reported_by_name():
    at = open_app(lang="en")
    paste(at, ZH_TEXT)
    before = library_snapshot(at)
    upload(at, ("empty.txt", b""), ("scan.pdf", make_blank_pdf()), ("tokyo.txt", SHIFT_JIS))
    errors = sidebar_errors(at)
    assert [e.split(" was not loaded")[0] for e in errors] == ["empty.txt", "scan.pdf", "tokyo.txt"]
    assert library_snapshot(at) == before


def test_uploader_leaves_the_file_type_check_to_the_loader():
    """No `type=`: Streamlit's own check of the name (a NUL byte, another extension) raises inside its
    widget state on every rerun while the browser keeps the file, so the loader checks instead."""
    at = open_app(lang="en")
    uploader = at.file_uploader(key=UPLOADER)
    assert uploader.accept_multiple_files and not uploader.allowed_type


@pytest.mark.parametrize("name", ["setup.exe", "chart.png"])
def test_unsupported_type_is_refused_with_a_message_and_the_session_goes_on(name):
    at = open_app(lang="en")
    paste(at, ZH_TEXT)
    before = library_snapshot(at)
    upload(at, (name, b"MZ\x90\x00\x03\x00\x00\x00\x04\x00"))
    assert not at.exception, at.exception
    (error,) = sidebar_errors(at)
    assert error.startswith(f"{name} was not loaded: Unsupported file type '.{name.rsplit('.', 1)[1]}'")
    assert library_snapshot(at) == before
    at.run()
    assert not at.exception and sidebar_errors(at) == [] and library_snapshot(at) == before


def test_adding_a_bad_file_keeps_the_document_the_user_picked():
    at = open_app(lang="en")
    good = ("first.txt", "推动数字经济和实体经济深度融合。".encode())
    upload(at, good)
    at.selectbox(key=PICKER).set_value("seed").run()
    before = library_snapshot(at)
    upload(at, good, ("empty.txt", b""))  # the uploader still holds first.txt
    assert [e.split(" was not loaded")[0] for e in sidebar_errors(at)] == ["empty.txt"]
    assert library_snapshot(at) == before


# --- good files ---------------------------------------------------------------------------------


def test_gb18030_text_file_loads_and_reports_its_encoding():
    at = open_app(lang="en")
    upload(at, ("政策_gbk.txt", ZH_TEXT.encode("gb18030")))
    assert not at.exception and sidebar_errors(at) == []
    assert sidebar_successes(at) == ["Loaded 政策_gbk.txt (text encoding GB18030)."]
    assert document_caption(at) == "政策_gbk.txt · Chinese · 5 paragraphs · 271 characters"
    assert metrics(at)["Paragraphs"] == "5"
    captions = overview_captions(at)
    assert " · Chinese · " in captions and "Encoding: gb18030 · " in captions
    assert at.selectbox(key=PICKER).options == [
        f"{SEED_TITLE} (bundled seed)",
        "南京新质生产力发展要点 · 政策_gbk.txt",
    ]


def test_docx_loads_with_encoding_not_applicable():
    at = open_app(lang="en")
    upload(
        at, ("policy.docx", make_docx("推动数字经济和实体经济深度融合。", "加快发展新质生产力。", "Third paragraph."))
    )
    assert not at.exception and sidebar_errors(at) == []
    assert sidebar_successes(at) == ["Loaded policy.docx."]
    assert metrics(at)["Paragraphs"] == "3"
    captions = overview_captions(at)
    assert " · Chinese · " in captions and "Encoding: n/a · " in captions


def test_html_script_is_dropped_and_markup_in_the_text_stays_text():
    page = (
        b"<html><head><title>t</title><script>alert('head')</script></head><body>"
        b"<p>Innovation drives industry.<script>document.write('injected')</script></p>"
        b"<p>Quoted markup: &lt;script&gt;alert('x')&lt;/script&gt; and &lt;b&gt;bold&lt;/b&gt; stay text.</p>"
        b"</body></html>"
    )
    at = open_app(lang="en")
    upload(at, ("page.html", page))
    assert sidebar_successes(at) == ["Loaded page.html (text encoding UTF-8)."]
    assert metrics(at)["Paragraphs"] == "2"

    at.switch_page("pages/themes.py").run()
    assert not at.exception
    outputs = [m.value for m in at.markdown] + [h.value for h in at.get("html")]
    cards = [value for value in outputs if "border-left" in value]
    assert len(cards) == 2
    assert not any("<script" in value for value in outputs)
    assert not any("injected" in value or "'head'" in value for value in outputs)  # script bodies dropped
    assert "&lt;script&gt;alert&#40;&#39;x&#39;&#41;&lt;/script&gt;" in cards[1]
    assert "&lt;b&gt;bold&lt;/b&gt;" in cards[1] and "<b>" not in cards[1]

    at.switch_page("pages/kwic.py").run()
    at.text_input(key="widget.kwic.query").set_value("alert").run()
    block = next(m.value for m in at.markdown if "policylens-kwic" in m.value)
    assert "&lt;script&gt;" in block and "<script" not in block


# --- Chinese UI ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        pytest.param(
            "扫描件.pdf", make_blank_pdf(), "PDF 没有文字层（可能是扫描件），无法提取文本。", id="pdf-without-text"
        ),
        pytest.param("空.txt", b"", "文件为空。", id="empty"),
        pytest.param("日文.txt", SHIFT_JIS, "无法识别文本编码", id="encoding"),
    ],
)
def test_chinese_ui_shows_a_chinese_error_for_a_bad_file(name, data, reason):
    at = open_app(lang="zh")
    assert at.title[0].value == "概览"
    before = library_snapshot(at)
    upload(at, (name, data))
    assert not at.exception
    (error,) = sidebar_errors(at)
    assert error.startswith(f"{name} 未能载入：") and reason in error, error
    assert error.endswith("已载入的文档不受影响。")
    assert "was not loaded" not in error and "The " not in error  # no English loader text
    assert library_snapshot(at) == before


# --- a read that takes long: its progress, Cancel, and nothing lost ----------------------------------


def test_a_long_read_shows_its_progress_and_cancel_stops_it(monkeypatch):
    import worker_targets

    from policylens.ui import library

    at = open_app(lang="en")
    upload(at, ("first.txt", "南京加快发展新质生产力。".encode()))
    before = library_snapshot(at)
    monkeypatch.setenv("PYTHONPATH", str(paths.ROOT / "tests"))  # the worker imports worker_targets
    monkeypatch.setattr(library, "load_document_bytes", worker_targets.slow_load)
    monkeypatch.setattr(library, "QUICK_WAIT", 0.2)
    upload(at, ("first.txt", "南京加快发展新质生产力。".encode()), ("slow.txt", "第二份文件。".encode()))
    assert not at.exception, at.exception
    (bar,) = [p for p in at.sidebar.get("progress")]
    assert "Reading slow.txt" in shown_text(bar.proto.text)
    assert library_snapshot(at) == before  # the library is as it was while the file is read
    (pending,) = at.session_state["docs.pending"]
    pid = pending.job.pid
    at.button(key="docs.cancel.slow.txt").click().run()
    assert not at.exception, at.exception
    assert any("slow.txt was not loaded: You cancelled the read." in e for e in sidebar_errors(at))
    assert not at.sidebar.get("progress") and library_snapshot(at) == before
    assert not os.path.exists(f"/proc/{pid}") or "Z" in open(f"/proc/{pid}/stat").read().split(") ")[1][:1]


@pytest.mark.parametrize(("lang", "queued"), [("en", "waits its turn"), ("zh", "正在排队")])
def test_an_upload_waits_its_turn_while_the_servers_workers_are_busy_and_is_read_after(lang, queued):
    import time

    from policylens import workers

    at = open_app(lang=lang)
    before = library_snapshot(at)
    limits = workers.Limits(memory=256 * workers.MiB, seconds=20.0)
    busy = [workers.Job.start(time.sleep, (30,), limits) for _ in range(workers.MAX_RUNNING)]  # other sessions
    try:
        assert all(busy)
        upload(at, ("queued.txt", "南京加快发展新质生产力。".encode()))
        assert not at.exception, at.exception
        (bar,) = at.sidebar.get("progress")
        assert queued in shown_text(bar.proto.text) and library_snapshot(at) == before
        (pending,) = at.session_state["docs.pending"]
        assert pending.job is None  # nothing started: no worker for it yet
    finally:
        for job in busy:
            job.cancel()
    for _ in range(40):  # a place is free: the next run starts its read, a later one takes it in
        at.run()
        if not at.session_state["docs.pending"]:
            break
        time.sleep(0.25)
    assert not at.exception, at.exception
    assert "queued.txt" in at.selectbox(key=PICKER).options[-1]


# --- memory that comes back: an upload's results belong to its session ---------------------------


def cached(session_id: str | None) -> dict[str, int]:
    """Function name -> entries held in st.cache_data for one session (None: shared by all sessions)."""
    from streamlit.runtime.caching import cache_data_api

    caches = cache_data_api._data_caches._function_caches.get(session_id, {})
    return {c.display_name.rsplit(".", 1)[-1]: len(c.storage._mem_cache) for c in caches.values()}


def test_an_uploads_results_are_held_for_its_session_and_go_when_the_session_ends():
    from streamlit.runtime.caching import cache_data_api

    for earlier in [s for s in cache_data_api._data_caches._function_caches if s is not None]:
        cache_data_api.clear_session_cache(earlier)  # AppTests share one session id: start from none
    at = open_app(lang="en")
    shared_before = cached(None)
    assert shared_before.get("get_analysis", 0) >= 1  # the seed's analysis: shared by every session
    upload(at, ("mine.txt", "南京加快发展新质生产力，推动科技创新。\n\n第二段讲现代化产业体系。".encode()))
    assert not at.exception, at.exception
    assert "mine.txt" in at.selectbox(key=PICKER).options[-1]
    (session_id,) = [s for s in cache_data_api._data_caches._function_caches if s is not None]
    own = cached(session_id)
    assert own["get_analysis"] == 1 and own["get_paragraph_terms"] == 1  # the upload's, in its session
    assert cached(None)["get_analysis"] == shared_before["get_analysis"]  # nothing of it is shared
    cache_data_api.clear_session_cache(session_id)  # what the server does when the session disconnects
    assert cached(session_id) == {} and cached(None)["get_analysis"] == shared_before["get_analysis"]


# --- a large document is analysed in a worker ---------------------------------------------------


LONG_ZH = "\n\n".join(
    ["南京加快发展新质生产力，推动科技创新和产业创新深度融合。", "建设现代化产业体系，做强实体经济。"] * 20
)


def test_a_large_documents_analysis_runs_in_a_worker_and_matches_the_servers_own(monkeypatch):
    from policylens.ui import heavy

    at = open_app(lang="en")
    upload(at, ("here.txt", LONG_ZH.encode()))
    in_server = metrics(at)
    monkeypatch.setattr(heavy, "WORKER_CHARACTERS", 100)  # this document now counts as large
    started = []

    class Counted(heavy.workers.Job):  # every worker job, the reads' too; the analysis is a partial
        def __init__(self, target, *args, **kwargs):
            started.append(target)
            super().__init__(target, *args, **kwargs)

    monkeypatch.setattr(heavy.workers, "Job", Counted)
    upload(at, ("here.txt", LONG_ZH.encode()), ("there.txt", LONG_ZH.encode()))  # same text, another document
    assert not at.exception, at.exception
    assert "there.txt" in at.selectbox(key=PICKER).options[-1]
    assert [getattr(f, "args", ())[:1] for f in started if hasattr(f, "func")] == [(analysis.analyze_document,)]
    assert metrics(at) == in_server  # the same figures as the server's own analysis
    assert not [i.value for i in at.info if "Analysing" in i.value]  # the notice is gone once the page is drawn


@pytest.mark.parametrize(("lang", "message"), [("en", "within the 0.01 s one analysis"), ("zh", "0.01 秒内完成分析")])
def test_an_analysis_past_its_limit_goes_back_to_the_seed_and_says_so(monkeypatch, lang, message):
    from policylens import workers
    from policylens.ui import heavy

    # only the upload counts as large: the seed stays in the server (open_app analyses it first)
    monkeypatch.setattr(heavy, "is_large", lambda document: document.name == "long.txt")
    monkeypatch.setattr(heavy, "ANALYSIS_LIMITS", workers.Limits(memory=2048 * workers.MiB, seconds=0.01))
    at = open_app(lang=lang)
    before = library_snapshot(at)
    upload(at, ("long.txt", LONG_ZH.encode()))
    assert not at.exception, at.exception
    errors = [e.replace("\\", "") for e in sidebar_errors(at)]
    assert any(message in e and "long.txt" in e for e in errors), errors
    assert at.selectbox(key=PICKER).value == before[0]  # the seed is shown
    assert "long.txt" in " ".join(at.selectbox(key=PICKER).options)  # and the document stays in the library
    assert not at.session_state[state.HEAVY_JOBS]  # no job is left running


def test_a_document_is_large_by_its_length_or_by_one_long_paragraph():
    from policylens.documents.loader import load_pasted_text
    from policylens.ui import heavy

    short = "南京加快发展新质生产力。"
    many = "\n\n".join([short * 10] * (heavy.WORKER_CHARACTERS // (len(short) * 10) - 1))
    assert not heavy.is_large(load_pasted_text(many, name="many.txt"))  # just under the length
    assert heavy.is_large(load_pasted_text(many + "\n\n" + short * 40, name="longer.txt"))
    assert heavy.is_large(load_pasted_text("创" * heavy.WORKER_PARAGRAPH, name="one_word.txt"))  # one run
    assert not heavy.is_large(load_pasted_text("创" * (heavy.WORKER_PARAGRAPH - 1), name="shorter.txt"))


@pytest.mark.parametrize(("lang", "message"), [("en", "within the 0.01 s one computation"), ("zh", "0.01 秒内完成")])
def test_a_view_whose_own_job_hits_its_limit_says_so_and_keeps_the_rest(monkeypatch, lang, message):
    """The analysis passed; the Terms page's key terms (their own worker job) did not."""
    from policylens import workers
    from policylens.ui import heavy

    monkeypatch.setattr(heavy, "is_large", lambda document: document.name == "long.txt")
    at = open_app(lang=lang)
    upload(at, ("long.txt", LONG_ZH.encode()))
    assert not at.exception, at.exception
    monkeypatch.setattr(heavy, "ANALYSIS_LIMITS", workers.Limits(memory=2048 * workers.MiB, seconds=0.01))
    at.switch_page("pages/terms.py").run()
    assert not at.exception, at.exception
    errors = [e.value.replace("\\", "") for e in at.error]
    assert any(message in e and "long.txt" in e for e in errors), errors
    assert not any(t("error.generic", lang, error="JobFailed") in e for e in errors)
    assert at.selectbox(key=PICKER).value != library.SEED_ID  # the document stays the active one


def test_a_seed_past_its_limit_says_so_once_instead_of_going_back_to_itself(monkeypatch):
    """Nothing to go back to: the seed's own failed analysis is reported, not retried in a loop."""
    import streamlit as st

    from policylens import workers
    from policylens.ui import heavy

    st.cache_data.clear()  # the seed's analysis, cached by an earlier test, would not run at all
    monkeypatch.setattr(heavy, "is_large", lambda document: True)
    monkeypatch.setattr(heavy, "ANALYSIS_LIMITS", workers.Limits(memory=2048 * workers.MiB, seconds=0.01))
    at = open_app(lang="en")  # a loop of reruns would time out here
    assert not at.exception, at.exception
    errors = [e.value.replace("\\", "") for e in at.error]
    assert any("within the 0.01 s one computation" in e and "000_785e541e3328616f.txt" in e for e in errors), errors
