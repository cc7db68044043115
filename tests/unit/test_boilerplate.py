"""Page chrome stripped at document load, and Taiwan-style Traditional converted by phrase (tw2sp)."""

from __future__ import annotations

import pytest

from policylens.documents.boilerplate import clean_paragraph, load_rules, parse_rules, strip_boilerplate
from policylens.documents.loader import load_document_bytes, load_pasted_text
from policylens.documents.script import convert_to_simplified

BODY = "新区今年建成三个中试平台，服务本地企业开展技术验证。"


@pytest.mark.parametrize(
    "chrome",
    [
        "*[原文](https://example.com/news/1.shtml)*",
        "责任编辑：王小明",
        "来源：本地日报",
        "编辑：李四",
        "打开网易新闻 查看精彩图片",
        "打开APP，阅读全文",
        "查看更多",
        "精彩图片",
        "点击查看",
        "扫码下载客户端",
        "网易首页 > 新闻中心 > 国内新闻",
        "新浪首页 | 新闻",
        "# 新闻联播 2026-01-02",
        "## 《新闻联播》 20260102 19:00视频简介",
        "（记者 张三 李四）",
        "通讯员 王五：",
    ],
)
def test_chrome_paragraphs_are_dropped(chrome):
    assert clean_paragraph(chrome, load_rules()) == ""


@pytest.mark.parametrize(
    ("line", "clean"),
    [
        ("**央视网消息**（新闻联播）：" + BODY, BODY),
        ("南京日报讯（记者 王明）：" + BODY, BODY),
        ("扬子晚报网讯（通讯员 李华）" + BODY, BODY),
        ("央视网消息（新闻联播）：" + BODY, BODY),
        ("新华社北京1月2日电 " + BODY, BODY),
        ("## 新区建成中试平台视频简介", "新区建成中试平台"),
    ],
)
def test_inline_bylines_are_cut(line, clean):
    assert clean_paragraph(line, load_rules()) == clean


@pytest.mark.parametrize(
    "text",
    [
        BODY,
        "来源于企业的需求清单，编辑成一份技术目录后向社会发布，点击量很高，扫码报名的企业超过百家。",
        "编辑部的调研显示，新区企业普遍希望增加中试验证服务。",
    ],
)
def test_real_paragraphs_are_kept(text):
    assert clean_paragraph(text, load_rules()) == text


def test_a_document_loses_its_chrome_at_load_and_keeps_what_was_removed():
    text = "\n".join(["*[原文](https://example.com/a.shtml)*", "**央视网消息**（新闻联播）：" + BODY, "责任编辑：张三"])
    document = load_pasted_text(text)
    assert document.paragraphs == (BODY,)
    assert document.removed_paragraphs == ("*[原文](https://example.com/a.shtml)*", "责任编辑：张三")


def test_a_document_of_chrome_only_is_kept_as_it_is():
    assert strip_boilerplate(("责任编辑：张三",)) == (("责任编辑：张三",), ())


def test_bad_rules_name_their_line():
    with pytest.raises(ValueError, match="line 2"):
        parse_rules("cut ^x\nkeep ^y")
    with pytest.raises(ValueError, match="line 1"):
        parse_rules("drop (")


def test_taiwan_traditional_converts_by_phrase():
    assert convert_to_simplified(("軟體產業與網路資訊安全",)) == ("软件产业与网络信息安全",)
    document = load_document_bytes(
        "本市軟體產業與網路資訊安全產業蓬勃發展，資料庫服務業者持續增加。".encode(), "tw.txt"
    )
    assert document.script == "traditional"
    assert "软件" in document.text and "软体" not in document.text and "数据库" in document.text
    assert document.original_paragraphs == ("本市軟體產業與網路資訊安全產業蓬勃發展，資料庫服務業者持續增加。",)
