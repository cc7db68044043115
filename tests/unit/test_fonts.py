"""Tests for policylens.fonts with the real bundled Noto Sans SC and wordcloud's DroidSansMono."""

import os
import shutil
import stat
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
from wordcloud.wordcloud import FONT_PATH as DROID_SANS_MONO

from policylens.fonts import bundled as fonts


@pytest.fixture(scope="module")
def cjk_font():
    return fonts.resolve_cjk_font()


def test_resolve_cjk_font_is_the_bundled_noto_sans_sc(cjk_font):
    assert cjk_font.name == "NotoSansSC-Regular.otf"
    assert cjk_font.is_file()


def test_resolve_cjk_font_explains_a_missing_package(monkeypatch):
    monkeypatch.setitem(sys.modules, "pylopdf_fonts_zh_cn", None)  # makes the import fail
    with pytest.raises(fonts.CJKFontMissingError, match="pip install pylopdf-fonts-zh-cn"):
        fonts.resolve_cjk_font()


def test_policy_terms_have_no_missing_glyphs(cjk_font):
    assert fonts.find_missing_glyphs(["新质生产力", "高质量发展", "“双碳”目标，"], cjk_font) == {}


def test_private_use_and_rare_emoji_are_reported_missing(cjk_font):
    words = ["科技\ue000", "\U0001fae0", "数字经济"]
    assert fonts.find_missing_glyphs(words, cjk_font) == {
        "科技\ue000": ["\ue000"],
        "\U0001fae0": ["\U0001fae0"],
    }


def test_missing_characters_are_listed_once_in_first_seen_order(cjk_font):
    missing = fonts.find_missing_glyphs(["\ue001a\ue000\ue001"], cjk_font)
    assert missing == {"\ue001a\ue000\ue001": ["\ue001", "\ue000"]}


def test_whitespace_is_ignored(cjk_font):
    # Noto Sans SC has no glyph for a tab; a whitespace check that slipped would report it.
    assert fonts.find_missing_glyphs(["high\tquality development", "新质\u3000生产力"], cjk_font) == {}


def test_wordcloud_default_font_lacks_chinese_glyphs():
    # DroidSansMono is what wordcloud uses without font_path: every Chinese character is missing,
    # which is why Chinese clouds drawn with it show boxes.
    assert fonts.find_missing_glyphs(["新质生产力", "growth"], DROID_SANS_MONO) == {
        "新质生产力": list("新质生产力"),
    }


def test_install_static_font_copies_the_font(tmp_path, cjk_font):
    target = fonts.install_static_font(tmp_path)
    assert target == tmp_path / "fonts" / "NotoSansSC-Regular.otf"
    assert target.read_bytes() == cjk_font.read_bytes()
    assert [p.name for p in target.parent.iterdir()] == [target.name]  # no temporary left behind


def test_install_static_font_is_idempotent(tmp_path, monkeypatch):
    target = fonts.install_static_font(tmp_path)
    stat_before = target.stat()

    def fail_copy(*args, **kwargs):
        raise AssertionError("the font was copied again")

    monkeypatch.setattr(fonts.shutil, "copyfile", fail_copy)
    assert fonts.install_static_font(tmp_path) == target
    assert target.stat().st_mtime_ns == stat_before.st_mtime_ns


def test_installed_font_is_world_readable(tmp_path):
    target = fonts.install_static_font(tmp_path)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    target.chmod(0o600)
    fonts.install_static_font(tmp_path)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_install_static_font_replaces_a_truncated_copy(tmp_path, cjk_font):
    target = tmp_path / "fonts" / "NotoSansSC-Regular.otf"
    target.parent.mkdir()
    target.write_bytes(b"half a font")
    fonts.install_static_font(tmp_path)
    assert target.stat().st_size == cjk_font.stat().st_size


def test_write_fontconfig_lists_the_bundled_font_folder(tmp_path, cjk_font):
    config = fonts.write_fontconfig(tmp_path)
    root = ET.parse(config).getroot()
    assert root.tag == "fontconfig"
    assert [d.text for d in root.iter("dir")] == [str(cjk_font.parent)]


def test_fontconfig_file_makes_the_font_visible_to_fontconfig(tmp_path, cjk_font):
    if shutil.which("fc-match") is None:
        pytest.skip("fontconfig tools are not installed")
    config = fonts.write_fontconfig(tmp_path)
    env = {**os.environ, "FONTCONFIG_FILE": str(config)}
    found = subprocess.run(
        ["fc-match", "-f", "%{file}", "Noto Sans SC"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    assert found == str(cjk_font)
