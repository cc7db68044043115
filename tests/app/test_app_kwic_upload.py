"""AppTest: the KWIC page's opening query and Chinese match mode, counts in words, and the sidebar
uploader's feedback (stated limit, one notice per file in the UI language, refused files marked)."""

import html
import re

from apptest import open_app
from streamlit.testing.v1 import AppTest

from policylens import paths, schema
from policylens.documents.loader import load_document
from policylens.markup import WORD_JOINER
from policylens.text.analysis import analyze_document, build_segmenter_config
from policylens.text.keyterms import SCORE, count_key_terms, rank_key_terms
from policylens.text.kwic import query_for_term
from policylens.text.pillars import load_codebook
from policylens.text.segment import Segmenter
from policylens.ui import locale, state

QUERY = state.widget_key(state.KWIC_QUERY)
WHOLE = state.widget_key(state.KWIC_WHOLE_WORDS)
UPLOADER = state.widget_key(state.DOCS_UPLOAD)
# Written for these tests: 创新 alone once, inside 科技创新 and 创新链 (single tokens for jieba) once each.
ZH_TEXT = "坚持科技创新引领，打造创新链。\n\n创新是第一动力。\n"
MARK = re.compile(r"<mark[^>]*>(.*?)</mark>")


def open_kwic(lang: str = "en", params: dict[str, str] | None = None, paste: str | None = None) -> AppTest:
    at = open_app(lang, params)
    if paste is not None:
        at.text_area(key=state.widget_key(state.DOCS_PASTE)).set_value(paste)
        at.button(key=state.DOCS_PASTE_BUTTON).click().run()
    at.switch_page("pages/kwic.py").run()
    assert not at.exception, at.exception
    return at


def matches(at: AppTest) -> list[str]:
    (block,) = [m.value for m in at.markdown if "policylens-kwic" in m.value]
    return [html.unescape(m) for m in MARK.findall(block)]


def shown(markdown: str) -> str:
    """A notice as read: Markdown backslash escapes and word joiners (markup.t_md) taken out."""
    return re.sub(r"\\(.)", r"\1", markdown).replace(WORD_JOINER, "")


def captions(at: AppTest) -> list[str]:
    return [c.value for c in at.main.caption]


def seed_top_key_term() -> str:
    """The first term of the Terms page's key-term ranking for the seed, from the core."""
    codebook = load_codebook(paths.PILLARS_CODEBOOK)
    segmenter = Segmenter(build_segmenter_config(codebook))
    analysis = analyze_document(load_document(paths.SEED_DOCUMENT), codebook, segmenter)
    ranked = rank_key_terms(count_key_terms(analysis, segmenter))
    return ranked[ranked[SCORE] > 0][schema.TERM].iloc[0]


def test_kwic_opens_on_the_documents_top_key_term():
    at = open_kwic()
    top = seed_top_key_term()
    assert at.text_input(key=QUERY).value == query_for_term(top)
    assert matches(at) and not at.info  # lines at once, no "type a word"
    assert {m.lower() for m in matches(at)} >= {top.split()[0]}


def test_a_linked_term_wins_over_the_top_key_term_and_a_cleared_query_stays_cleared():
    at = open_kwic(params={"term": "industry"})
    assert at.text_input(key=QUERY).value == "industry"
    at.text_input(key=QUERY).set_value("").run()
    at.run()
    assert at.text_input(key=QUERY).value == ""
    assert [i.value for i in at.info] == [
        'Type a word to search for, e.g. 创新*, industr* or "new quality productivity".'
    ]


def test_counts_are_worded_for_one_and_for_many():
    at = open_kwic()
    at.text_input(key=QUERY).set_value('"first month"').run()
    assert matches(at) == ["first month"]
    assert "1 occurrence in 1 paragraph" in captions(at)
    at.text_input(key=QUERY).set_value("innovation").run()
    n, p = (
        len(matches(at)),
        len(set(re.findall(r"¶(\d+)<", next(m.value for m in at.markdown if "policylens-kwic" in m.value)))),
    )
    assert n > p > 1 and f"{n} occurrences in {p} paragraphs" in captions(at)


def test_chinese_word_matches_inside_compounds_by_default_and_whole_words_on_request():
    at = open_kwic("zh", paste=ZH_TEXT)
    at.text_input(key=QUERY).set_value("创新").run()
    assert matches(at) == ["创新", "创新", "创新"]  # in 科技创新, in 创新链, alone
    assert "检索词也匹配长词内部：创新 可找到 科技创新 和 创新链。" in captions(at)
    assert "共 3 处，分布于 2 个段落" in captions(at)
    at.toggle(key=WHOLE).set_value(True).run()
    assert matches(at) == ["创新"] and "共 1 处，分布于 1 个段落" in captions(at)
    assert at.session_state[state.KWIC_WHOLE_WORDS] is True


def test_a_chinese_document_gets_its_own_opening_term_and_english_has_no_switch():
    at = open_kwic("en")
    assert not at.toggle  # English words are matched whole, no switch
    seed_query = at.text_input(key=QUERY).value
    at.text_area(key=state.widget_key(state.DOCS_PASTE)).set_value(ZH_TEXT)
    at.button(key=state.DOCS_PASTE_BUTTON).click().run()
    query = at.text_input(key=QUERY).value
    assert query != seed_query and re.search(r"[\u4e00-\u9fff]", query) and matches(at)
    assert at.toggle(key=WHOLE).value is False


def test_uploader_states_the_real_limit_and_marks_a_refused_file_by_name():
    at = open_app("en")
    assert at.file_uploader(key=UPLOADER).proto.max_upload_size_mb == 20  # Streamlit's "20MB per file"
    at.file_uploader(key=UPLOADER).set_value([("good.txt", "推动科技创新。".encode(), "text/plain")]).run()
    assert [shown(s.value) for s in at.sidebar.success] == ["Loaded good.txt (text encoding UTF-8)."]
    at.file_uploader(key=UPLOADER).set_value(
        [("good.txt", "推动科技创新。".encode(), "text/plain"), ("empty.txt", b"", "text/plain")]
    ).run()
    # the notice is about the new file alone; the earlier success is not repeated
    assert not at.sidebar.success and len(at.sidebar.error) == 1
    assert shown(at.sidebar.error[0].value).startswith("empty.txt was not loaded: The file is empty.")
    assert at.session_state[state.DOCS_REFUSED] == {"empty.txt": "empty"}
    css = "\n".join(h.proto.body for h in at.get("html") if "stFileChip" in h.proto.body)
    assert locale.css_string("empty.txt, ") in css and locale.css_string("Not loaded: The file is empty.") in css


def test_a_notice_is_drawn_in_the_language_the_ui_switches_to():
    """A first Chinese upload switches the UI to Chinese (the user chose no language): its notice too."""
    at = AppTest.from_file(str(paths.ROOT / "dashboard.py"), default_timeout=120)
    at.run()
    at.file_uploader(key=UPLOADER).set_value([("政策.txt", "推动科技创新，打造创新链。".encode(), "text/plain")]).run()
    assert at.session_state[state.GLOBAL_LANG] == "zh"
    assert [shown(s.value) for s in at.sidebar.success] == ["已载入 政策.txt（文本编码 UTF-8）。"]
    assert [shown(c.value) for c in at.sidebar.caption if " · " in c.value] == ["政策.txt · 中文 · 1 段 · 13 字符"]


def test_uploader_css_translates_streamlits_words_and_keeps_a_hostile_name_inside_its_string():
    hostile = 'x"]{}</style><img src=1 onerror=alert(1)>.txt'
    zh = locale.build_uploader_css(UPLOADER, 20, "zh", {hostile: "文件为空。"}, notices_key="docs.notices_box")
    en = locale.build_uploader_css(UPLOADER, 20, "en")
    assert "<" not in zh and zh.count("{") == zh.count("}") == len(zh.splitlines())
    assert all(
        line.startswith((".st-key-widget-docs-upload ", "body:has(.st-key-widget-docs-upload "))
        for line in zh.splitlines()
    )
    for words in ("每个文件不超过 20 MB", "未载入：超过 20 MB 的上限。", "未载入：文件为空。"):
        assert locale.css_string(words) in zh
    assert locale.css_string("Not loaded: larger than the 20 MB limit.") in en and "per file" not in en
    assert ".st-key-docs-notices_box{display:none}" in zh
    # every uploader's button and drag-and-drop words: Streamlit's own in English, ours in Chinese
    assert locale.build_chrome_css("en") == ""
    chrome = locale.build_chrome_css("zh")
    assert locale.css_string("上传") in chrome and locale.css_string("将文件拖放到此处") in chrome


def test_an_error_with_a_list_of_problems_says_its_preamble_once_in_the_language_shown():
    def app():
        from policylens.ui.inbox import UploadInbox

        inbox = UploadInbox("test.handled", "test.notices")
        inbox.notify(
            "error",
            {"en": "cities.csv was not loaded: 2 problems.", "zh": "cities.csv 未能载入：2 个问题。"},
            ("Rows 3, 4: a value is not a number.", "Rows 7: unknown unit."),
            note={"en": "Row numbers count the header as row 1.", "zh": "行号从表头算起。"},
        )
        inbox.render_notices("zh")
        inbox.render_notices("zh")  # shown once

    at = AppTest.from_function(app, default_timeout=60).run()
    (error,) = at.error
    assert error.value == (
        "cities.csv 未能载入：2 个问题。\n\n行号从表头算起。\n\n"
        "- Rows 3, 4: a value is not a number.\n- Rows 7: unknown unit."
    )


def test_multiselect_placeholder_replaces_streamlits_choose_and_no_options_words():
    def app():
        import streamlit as st

        from policylens.ui.locale import multiselect_placeholder

        for options, key in ((["南京", "苏州"], "some"), ([], "none")):
            st.multiselect("城市", options, key=key, placeholder=multiselect_placeholder(options, "zh"))

    at = AppTest.from_function(app, default_timeout=60).run()
    assert at.multiselect(key="some").proto.placeholder == "请选择"
    assert at.multiselect(key="none").proto.placeholder == "没有可选项"
    assert locale.multiselect_placeholder(["a"], "en") == "Choose options"
