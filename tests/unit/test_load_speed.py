"""The shortcuts of document loading and segmentation give what the long way gives: Markdown read
without markdown-it, script detection on precomputed character classes, the drop rules in one pass,
the rjieba words cached on disk, and each token judged once."""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import pytest

from policylens import paths
from policylens.documents import boilerplate, formats, script
from policylens.documents.loader import load_document_bytes
from policylens.text import fastseg
from policylens.text.segment import Segmenter, SegmenterConfig

pytest.importorskip("rjieba")

# A transcript in the shape of a news programme's day file, written for this test.
TRANSCRIPT = (
    "**本台消息**（晚间新闻）：全市今天召开科技创新大会，部署新型工业化重点任务。  \n"
    "\n"
    "会议指出，要加快建设现代化产业体系，推动传统产业转型升级，培育“人工智能+”新业态。\n"
    "  \n"
    "**多地推进 数字经济 发展**\xa0 \n"
    "\n"
    "\xa0**本台消息**（晚间新闻）：2026年1月2日，新区建成3个中试平台，服务企业120家。\n"
    "\n"
    "*[原文](https://example.com/news/2026/01/02/a_1.shtml?from=app&x=%20)*\n"
)


def markdown_it_blocks(text: str) -> list[str]:
    """The long way: markdown-it renders, the HTML reader reads."""
    return formats.extract_html(formats._MARKDOWN.render(text))


def test_a_transcript_is_read_directly_to_markdown_its_blocks():
    blocks = formats._read_plain_markdown(TRANSCRIPT)
    assert blocks is not None
    assert blocks == markdown_it_blocks(TRANSCRIPT)
    assert blocks[0].startswith("本台消息（晚间新闻）：") and blocks[-1] == "原文"


@pytest.mark.parametrize(
    "text",
    [
        "**标题**",
        "**本台消息**（新闻）：正文。",
        "**标题。**",
        "**标题。** 正文",
        "**标题**正文  ",
        "\u3000**标题**\u3000",
        "*[原文](http://example.com/a)*",
        "*[阅读 原文](https://example.com/a?b=1&c=2#d)*",
        "正文，没有任何标记。\n\n   \n第二段。",
        "Plain English, with a colon: and 3.5% growth - and + signs.",
        "",
        "   \n  ",
    ],
)
def test_plain_markdown_is_read_directly(text):
    blocks = formats._read_plain_markdown(text)
    assert blocks is not None
    assert blocks == markdown_it_blocks(text)


@pytest.mark.parametrize(
    "text",
    [
        "# 标题",
        "- 列表",
        "+ 列表",
        "* 列表",
        "1. 第一",
        "2) 第二",
        "> 引用",
        "    缩进代码",
        "\t缩进代码",
        "```\n代码\n```",
        "***",
        "**",
        "=====",
        "[链接]: https://example.com",
        "<div>块</div>",
        "| 表 | 头 |",
        "**标题。**正文",  # the closing run cannot close: the ** stay as text
        "** 标题**",
        "**标题 **",
        "**甲**乙**丙**",
        "第一行  \n第二行",  # a hard break
        "第一行\n第二行",  # a soft break
        "a_b 与 `code`",
        "A &amp; B",
        "转义 \\*",
        "*[原文](javascript:alert(1))*",
        "*[原文](https://example.com/a(b))*",
        "行\r\n行",
        "控制\x0c字符",
        "[原文](https://example.com)",
        "~~删除~~",
        "图 ![x](https://example.com/x.png)",
    ],
)
def test_other_markdown_goes_through_markdown_it(text):
    assert formats._read_plain_markdown(text) is None
    assert formats.extract_markdown(text) == markdown_it_blocks(text)


_WORDS = ["推进", "发展", "文", "a", "Ab", "1", "2026年", "。", "，", "：", "（", "）", "“", "”", "!", "?", ".", ","]
_WORDS += ["%", "-", "+", "\xa0", " ", "  ", "\u3000", "《", "》", "#", "=", "$", ":", "'", '"', "\u0301", "ｆ"]
_PIECES = ["**", "*", "[", "]", "(", ")", "https://a.cn/b_c?d=1&e=2", " ", "  ", "\n", "\n\n", "\xa0", "\u3000"]
_PIECES += ["。", "：", "（", "文", "a", "1", "2.", "3)", "#", "-", "+", ">", "_", "`", "&amp;", "<b>", "\\", "~", "!"]
_PIECES += ["|", "\t", "\r\n", "\x0c", "\x85", "\u2028", "\ufeff", "=", "\U00020000", "\uf900"]
_PIECES += ["*[原](https://a.cn/1)*"]


def _generated_markdown(rng: random.Random) -> str:
    """Paragraphs near the direct reading's edge: bold runs beside punctuation and spaces, links, noise."""

    def words() -> str:
        return "".join(rng.choice(_WORDS) for _ in range(rng.randint(0, 8)))

    paragraphs = []
    for _ in range(rng.randint(1, 5)):
        kind = rng.random()
        if kind < 0.35:
            paragraphs.append(words())
        elif kind < 0.75:
            pad = rng.choice(["", " ", "\xa0", "\u3000"])
            paragraphs.append(pad + "**" + words() + "**" + words() + rng.choice(["", " ", "  ", "\xa0"]))
        elif kind < 0.9:
            target = rng.choice(["https://a.cn/x.shtml", "http://b.org/?q=1&r=%20", "ftp://d", "https://e.cn/a(b)"])
            paragraphs.append("*[" + words() + "](" + target + ")*" + rng.choice(["", " ", "x"]))
        else:
            paragraphs.append("".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 6))))
    separators = ["\n\n", "\n\n", "\n \n", "\n", "\n\n\n"]
    return "".join(p + rng.choice(separators) for p in paragraphs)


def test_generated_markdown_reads_as_markdown_it_reads_it():
    rng = random.Random(20260102)
    direct = 0
    for _ in range(4000):
        text = _generated_markdown(rng)
        blocks = formats._read_plain_markdown(text)
        if blocks is not None:
            direct += 1
            assert blocks == markdown_it_blocks(text), repr(text)
    assert direct > 400  # the comparison is not vacuous


def _markdown_fixtures() -> list[tuple[str, bytes]]:
    found = [(p.name, p.read_bytes()) for p in sorted((paths.ROOT / "tests" / "fixtures").rglob("*.md"))]
    return [*found, ("transcript.md", TRANSCRIPT.encode("utf-8"))]


def test_documents_are_equal_with_and_without_the_direct_reading(monkeypatch):
    fast = [load_document_bytes(data, name) for name, data in _markdown_fixtures()]
    monkeypatch.setattr(formats, "_read_plain_markdown", lambda text: None)
    slow = [load_document_bytes(data, name) for name, data in _markdown_fixtures()]
    assert fast == slow and len(fast) >= 3


def test_formats_imports_word_and_pdf_libraries_only_when_needed():
    code = "import sys, policylens.documents.formats; print('docx' in sys.modules, 'pypdf' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=paths.ROOT, check=True)
    assert result.stdout.split() == ["False", "False"]


# -- Chinese script -------------------------------------------------------------------------------
def reference_detect_script(text: str) -> str:
    """detect_script as first written: convert the text's distinct Han characters, count by occurrence."""
    counts = Counter(re.findall(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]", text))
    if not counts:
        return script.NOT_APPLICABLE

    def share(config: str) -> float:
        chars = list(counts)
        converted = script._converter(config).convert("\n".join(chars)).split("\n")
        return sum(counts[c] for c, new in zip(chars, converted) if new != c) / sum(counts.values())

    traditional_only, simplified_only = share("t2s"), share("s2t")
    if traditional_only >= script.MIN_TRADITIONAL_SHARE and traditional_only > simplified_only:
        return script.TRADITIONAL
    return script.SIMPLIFIED


SCRIPT_TEXTS = [
    "推动高质量发展，建设现代化产业体系。",
    "臺灣的軟體產業發展迅速，政府推動數位轉型與網路建設。",
    "香港特區政府發佈施政報告，推動創新科技發展。",
    "全市推进新型工业化，这里只有一个繁體字。",
    "㐀㐁㐂与豈更車等兼容汉字，𠮷不计。",
    "only English here",
    "",
    "東京の経済と発展",
    "后台发展，乾隆年间",
]


@pytest.mark.parametrize("text", SCRIPT_TEXTS)
def test_script_detection_gives_the_round_trip_answer(text):
    assert script.detect_script(text) == reference_detect_script(text)


def test_script_detection_on_generated_mixtures():
    rng = random.Random(7)
    traditional = "臺灣軟體產業發展國際經濟網路數據環境會議變遷"
    simplified = "台湾软件产业发展国际经济网络数据环境会议变迁"
    shared = "中人大上在和有为以一了是不我们要"
    for _ in range(300):
        pool = rng.choice([traditional + shared, simplified + shared, traditional + simplified, shared])
        text = "".join(rng.choice(pool + "，。ab ") for _ in range(rng.randint(1, 60)))
        assert script.detect_script(text) == reference_detect_script(text), text


@pytest.mark.parametrize("config", ["t2s", "s2t"])
def test_the_character_classes_hold_what_opencc_changes_one_character_at_a_time(config):
    pattern = script._changed_characters(config)
    converter = script._converter(config)
    for first, last in script._HAN_RANGES:
        for code in range(first, last + 1):
            char = chr(code)
            assert bool(pattern.fullmatch(char)) == (converter.convert(char) != char), hex(code)


# -- boilerplate ----------------------------------------------------------------------------------
def test_the_marker_white_space_is_what_regex_s_matches():
    every_char = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    assert boilerplate._WHITESPACE == "".join(re.findall(r"\s", every_char))
    assert boilerplate._WHITESPACE == "".join(c for c in every_char if c.isspace())


def reference_clean_paragraph(paragraph: str, rules: boilerplate.BoilerplateRules) -> str:
    """clean_paragraph as first written: every rule on its own."""
    for rule in rules.cut:
        paragraph = rule.sub("", paragraph)
    bare = re.sub(r"^[*_\s]+|[*_\s]+$", "", paragraph)
    if any(rule.match(bare) for rule in rules.drop):
        return ""
    return paragraph.strip()


PARAGRAPHS = [
    "新区今年建成三个中试平台，服务本地企业开展技术验证。",
    "**本台消息**（晚间新闻）：新区建成中试平台。",
    "*[原文](https://example.com/news/1.shtml)*",
    "  **责任编辑：王小明**  ",
    "_来源：本地日报_",
    "\u3000打开APP，阅读全文\xa0",
    "查看更多",
    "新华社北京1月2日电 新区建成中试平台。",
    "## 新区建成中试平台视频简介",
    "（记者 张三 李四）",
    "Share this article",
    "Editor: Li",
    "***",
    "",
    "新区建成中试平台（责任编辑：王小明）",
]


@pytest.mark.parametrize("paragraph", PARAGRAPHS)
def test_the_shipped_rules_clean_as_rule_by_rule(paragraph):
    rules = boilerplate.load_rules()
    assert rules.any_drop is not None
    assert boilerplate.clean_paragraph(paragraph, rules) == reference_clean_paragraph(paragraph, rules)


def test_rules_that_cannot_be_joined_are_tried_one_by_one():
    rules = boilerplate.parse_rules("drop (甲)\\1\ndrop ^乙$\ncut 丙")
    assert rules.any_drop is None
    assert boilerplate.clean_paragraph("甲甲", rules) == ""
    assert boilerplate.clean_paragraph("乙", rules) == ""
    assert boilerplate.clean_paragraph("丁丙", rules) == "丁"
    empty = boilerplate.parse_rules("cut 丙")
    assert empty.any_drop is None and boilerplate.clean_paragraph("丙乙", empty) == "乙"


def test_joined_drop_rules_match_where_any_rule_matches():
    rules = boilerplate.parse_rules("drop ^来源.{0,4}$\ndrop (?P<x>扫码)\ndrop (?P<x>下载)\ndrop 声明$")
    assert rules.any_drop is None  # the same group name twice: not joined
    rules = boilerplate.parse_rules("drop ^来源.{0,4}$\ndrop (?P<x>扫码)\ndrop 声明$")
    assert rules.any_drop is not None
    for text in ["来源：日报", "来源：本地日报社新闻", "扫码关注", "关注扫码", "版权声明", "声明。"]:
        assert boilerplate.clean_paragraph(text, rules) == reference_clean_paragraph(text, rules), text
    cleaned = [boilerplate.clean_paragraph(t, rules) for t in ["来源：日报", "扫码关注", "关注扫码"]]
    assert cleaned == ["", "", "关注扫码"]  # drop rules match from the start


# -- rjieba words on disk -------------------------------------------------------------------------
CONFIG = SegmenterConfig(extra_terms_zh=("低空经济", "中试平台"), user_words_zh=("人工智能+行动",))
TEXTS = [
    "新区建成三个中试平台，发展低空经济，推进人工智能+行动。",
    "2026年GDP增长5.2%，新增5G基站2万个，C++与AT&T并列，增长25-30个百分点。",
    "The new quality productive forces grow, and emerging industries develop.",
]


@pytest.fixture()
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv(fastseg.CACHE_ENV, str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture(scope="module")
def reference():
    return Segmenter(CONFIG)


def test_the_words_are_cached_and_a_second_segmenter_needs_no_jieba(cache, monkeypatch, reference):
    first = fastseg.load_fast_segmenter(CONFIG)
    files = list(cache.glob("rjieba-words-*.json"))
    assert len(files) == 1 and not list(cache.glob("*.tmp"))
    assert first._jieba is None  # released after building: this backend does not cut with it

    def no_jieba(segmenter):
        raise AssertionError("the cached words were not used")

    monkeypatch.setattr(fastseg, "build_rjieba_words", no_jieba)
    second = fastseg.load_fast_segmenter(CONFIG)
    assert second.backend == fastseg.BACKEND_RJIEBA and second._dict_words == first._dict_words
    for text in TEXTS[:2]:
        assert second.cut_zh(text) == first.cut_zh(text) == reference.cut_zh(text)
        assert second.tokenize(text, "zh") == reference.tokenize(text, "zh")
    assert second.jieba_tokenizer() is not None  # still built on demand


def test_a_damaged_or_foreign_cache_file_is_built_again(cache, monkeypatch):
    key = fastseg.rjieba_words_key(CONFIG)
    built = []
    original = fastseg.build_rjieba_words
    monkeypatch.setattr(fastseg, "build_rjieba_words", lambda segmenter: built.append(1) or original(segmenter))
    segmenter = fastseg.FastSegmenter(CONFIG)
    words = fastseg.load_rjieba_words(segmenter)
    path = fastseg._cache_path(key)
    for damage in ["{not json", json.dumps({"key": "another", "added": [], "dict_words": []}), '{"key": 1}', ""]:
        path.write_text(damage, encoding="utf-8")
        assert fastseg.read_cached_words(key) is None
        assert fastseg.load_rjieba_words(segmenter) == words
        assert fastseg.read_cached_words(key) == words  # written again
    path.unlink()
    assert fastseg.load_rjieba_words(segmenter) == words
    assert len(built) == 6
    monkeypatch.setattr(fastseg, "_UID", path.stat().st_uid + 1)  # a file someone else wrote is not read
    assert fastseg.read_cached_words(key) is None


def test_an_unwritable_cache_folder_only_costs_the_build(tmp_path, monkeypatch):
    blocker = tmp_path / "a file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv(fastseg.CACHE_ENV, str(blocker / "cache"))
    segmenter = fastseg.load_fast_segmenter(SegmenterConfig())
    assert segmenter.backend == fastseg.BACKEND_RJIEBA
    assert "".join(segmenter.cut_zh(TEXTS[0])) == TEXTS[0]
    assert not list(blocker.parent.glob("*.tmp"))


def test_the_cache_key_follows_every_input(tmp_path, monkeypatch):
    userdict = tmp_path / "userdict.txt"
    userdict.write_bytes(paths.USERDICT.read_bytes())
    base = SegmenterConfig(userdict=userdict, extra_terms_zh=("甲乙", "丙丁"))
    key = fastseg.rjieba_words_key(base)
    assert fastseg.rjieba_words_key(SegmenterConfig(userdict=userdict, extra_terms_zh=("甲乙", "丙丁"))) == key
    others = [
        SegmenterConfig(userdict=userdict, extra_terms_zh=("丙丁", "甲乙")),  # tuned in another order
        SegmenterConfig(userdict=userdict, extra_terms_zh=("甲乙",), user_words_zh=("丙丁",)),
        SegmenterConfig(userdict=tmp_path / "missing.txt", extra_terms_zh=("甲乙", "丙丁")),
    ]
    assert len({key, *(fastseg.rjieba_words_key(c) for c in others)}) == 4
    userdict.write_bytes(userdict.read_bytes() + "新词 10 n\n".encode())
    assert fastseg.rjieba_words_key(base) != key
    changed = fastseg.rjieba_words_key(base)
    monkeypatch.setattr(fastseg, "_version", lambda package: "9.9" if package == "rjieba" else "0.42.1")
    assert fastseg.rjieba_words_key(base) != changed
    other_dict = tmp_path / "dict.txt"
    other_dict.write_text("词 3 n\n", encoding="utf-8")
    monkeypatch.setattr(fastseg, "_jieba_dictionary", lambda: other_dict)
    assert len({changed, fastseg.rjieba_words_key(base)}) == 2


def test_the_cache_folder_is_per_user_and_outside_the_repo(monkeypatch, tmp_path):
    monkeypatch.delenv(fastseg.CACHE_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert fastseg.cache_dir() == tmp_path / "policylens"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")  # ignored, as the XDG spec says
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert fastseg.cache_dir() == tmp_path / "home" / ".cache" / "policylens"
    assert paths.ROOT not in fastseg.cache_dir().parents

    def no_home():
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(fastseg.Path, "home", no_home)
    assert fastseg.cache_dir().parent == Path(tempfile.gettempdir())
    assert fastseg.cache_dir().name.startswith("policylens-cache-")


# -- tokens judged once ---------------------------------------------------------------------------
def test_fast_tokenize_keeps_the_terms_segmenter_keeps(cache, reference, monkeypatch):
    fast = fastseg.load_fast_segmenter(CONFIG)
    texts = [*TEXTS, "的 了 和 s 2026 3.5 ， 要素市场化 低空经济", "  ", ""]
    for _ in range(2):  # the second pass answers from the memo
        for text in texts:
            for language in ("zh", "en"):
                assert fast.tokenize(text, language) == reference.tokenize(text, language), (text, language)
    monkeypatch.setattr(fastseg, "_MAX_JUDGED", 3)  # a full memo starts again
    assert fast.tokenize(TEXTS[0], "zh") == reference.tokenize(TEXTS[0], "zh")
    assert len(fast._terms["zh"]) <= len(fast.cut_zh(TEXTS[0]))
