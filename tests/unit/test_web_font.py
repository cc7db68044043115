"""The sliced web font: a plan that covers the font exactly once, and the slices install-font built."""

import io
import re
from collections import Counter

import pytest
from fontTools.ttLib import TTFont

from policylens.fonts.bundled import resolve_cjk_font
from policylens.fonts.web import (
    FAMILY,
    declared_ranges,
    ensure_font_css,
    font_face_css,
    interface_characters,
    load_character_frequencies,
    parse_unicode_range,
    plan_slices,
    read_manifest,
    streamlit_font_faces,
    unicode_range,
)


def test_unicode_range_merges_runs_and_parses_back():
    assert unicode_range([0x41, 0x20, 0x42, 0x43, 0x4E00, 0x4E02]) == "U+20,U+41-43,U+4E00,U+4E02"
    assert parse_unicode_range("U+20,U+41-43,U+4E00,U+4E02") == {0x20, 0x41, 0x42, 0x43, 0x4E00, 0x4E02}
    assert unicode_range([]) == "" and parse_unicode_range("") == set()


def test_plan_puts_base_first_then_hanzi_by_frequency():
    points = [0x41, 0x3001, 0xFF0C, 0x4E00, 0x4E8C, 0x65B0, 0x9F98]  # A 、 ， 一 二 新 龘
    frequencies = Counter({"新": 500, "一": 900, "二": 100})
    slices = plan_slices(points, frequencies, sizes=(1, 2))
    assert slices == [[0x41, 0x3001, 0xFF0C], [0x4E00], [0x4E8C, 0x65B0], [0x9F98]]
    # interface characters go first; the first slice grows to hold them all
    slices = plan_slices(points, frequencies, first="龘二", sizes=(1, 2))
    assert slices == [[0x41, 0x3001, 0xFF0C], [0x4E8C, 0x9F98], [0x4E00, 0x65B0]]


def test_jieba_frequencies_rank_common_characters_first():
    frequencies = load_character_frequencies()
    assert frequencies["的"] > frequencies["新"] > frequencies["龘"]


@pytest.fixture(scope="module")
def manifest(static_dir):
    found = read_manifest(static_dir)
    assert found is not None, f"no web-font slices in {static_dir}"
    return found


def test_slices_cover_every_character_of_the_font_exactly_once(manifest):
    cmap = set(TTFont(str(resolve_cjk_font()), lazy=True).getBestCmap())
    declared = [parse_unicode_range(s["unicode_range"]) for s in manifest["slices"]]
    assert sum(len(d) for d in declared) == len(cmap)
    assert set().union(*declared) == cmap


@pytest.mark.parametrize("number", [0, 1])
def test_small_slices_are_woff2_holding_their_characters(manifest, static_dir, number):
    entry = manifest["slices"][number]
    data = (static_dir / "fonts" / entry["file"]).read_bytes()
    assert data[:4] == b"wOF2" and len(data) == entry["bytes"]
    font = TTFont(io.BytesIO(data))
    assert set(font.getBestCmap()) == parse_unicode_range(entry["unicode_range"])


def test_the_first_two_slices_hold_the_whole_interface_and_stay_small(manifest):
    first_two = parse_unicode_range(manifest["slices"][0]["unicode_range"]) | parse_unicode_range(
        manifest["slices"][1]["unicode_range"]
    )
    assert {ord(c) for c in interface_characters()} <= first_two
    assert {ord(c) for c in "新强融综合中文概览Aa1,.%（）"} <= first_two
    assert manifest["slices"][0]["bytes"] + manifest["slices"][1]["bytes"] < 400_000


def drawn_by(faces: list[dict], codepoint: int) -> str | None:
    """The face a browser uses for a character: of the faces whose unicode-range holds it, the one
    declared last (CSS Fonts 4, font matching)."""
    for face in reversed(faces):
        if codepoint in parse_unicode_range(face["unicodeRange"]):
            return face["url"]
    return None


def test_bridged_ranges_send_each_character_to_its_own_slice():
    slices = [{0x41, 0x43}, {0x42, 0x44, 0x47}, {0x45, 0x46, 0x48, 0x50}]
    # slice 1 runs across 0x43 (slice 0's) but not 0x45 (slice 2's); slice 2 runs across 0x47, never
    # across 0x49-0x4F (in no slice)
    assert declared_ranges(slices) == ["U+41,U+43", "U+42-44,U+47", "U+45-48,U+50"]
    faces = [{"url": str(n), "unicodeRange": r} for n, r in enumerate(declared_ranges(slices))][::-1]
    for number, points in enumerate(slices):
        assert all(drawn_by(faces, c) == str(number) for c in points)
    assert drawn_by(faces, 0x49) is None


def test_streamlit_font_faces_declare_each_slice_last_first(manifest, static_dir):
    faces = streamlit_font_faces(static_dir)
    slices = manifest["slices"][::-1]
    assert [f["url"] for f in faces] == [f"app/static/fonts/{s['file']}" for s in slices]
    assert {f["family"] for f in faces} == {FAMILY}
    # every character of the font is drawn by the slice that holds it, and nothing else is claimed
    exact = {f"app/static/fonts/{s['file']}": parse_unicode_range(s["unicode_range"]) for s in slices}
    claimed = set().union(*(parse_unicode_range(f["unicodeRange"]) for f in faces))
    assert claimed == set().union(*exact.values())
    owner = {c: url for url, points in exact.items() for c in points}
    order = [(url, parse_unicode_range(f["unicodeRange"])) for url, f in zip(exact, faces)][::-1]
    assert all(next(u for u, points in order if c in points) == url for c, url in owner.items())
    # and the theme Streamlit sends with every script run is about half the exact ranges
    assert sum(len(f["unicodeRange"]) for f in faces) < 0.6 * sum(len(s["unicode_range"]) for s in slices)


def test_missing_or_broken_manifest_gives_no_faces(tmp_path):
    assert streamlit_font_faces(tmp_path) is None
    (tmp_path / "fonts").mkdir()
    (tmp_path / "fonts" / "web-font-slices.json").write_text("{not json", encoding="utf-8")
    assert streamlit_font_faces(tmp_path) is None


def test_the_font_stylesheet_declares_each_face_in_order_next_to_the_slices(manifest, static_dir):
    faces = streamlit_font_faces(static_dir)
    name = ensure_font_css(static_dir)
    css = (static_dir / "fonts" / name).read_text(encoding="utf-8")
    rules = re.findall(r"@font-face \{(.*?)\}", css)
    assert css == font_face_css(faces) and len(rules) == len(faces)
    for rule, face in zip(rules, faces):  # URLs relative to the stylesheet: any base path works
        assert f'url("{face["url"].rsplit("/", 1)[1]}") format("woff2")' in rule
        assert f"unicode-range: {face['unicodeRange']};" in rule and 'font-family: "Noto Sans SC"' in rule
    assert ensure_font_css(static_dir) == name  # written once
    assert [p.name for p in (static_dir / "fonts").glob("*.css")] == [name]


def test_the_shell_links_the_slices_only_when_the_theme_declares_no_face(monkeypatch, static_dir):
    import streamlit as st

    from policylens import paths
    from policylens.ui import shell

    monkeypatch.setattr(paths, "STATIC_DIR", static_dir)
    shell._font_stylesheet.cache_clear()
    drawn = []
    monkeypatch.setattr(st, "html", drawn.append)
    options = {"server.baseUrlPath": "policy/"}
    monkeypatch.setattr(st, "get_option", options.get)
    options["theme.fontFaces"] = "[]"  # as the launcher sets it
    shell.render_font_faces()
    assert drawn == [f'<style>@import url("/policy/app/static/fonts/{ensure_font_css(static_dir)}");</style>']
    options["theme.fontFaces"] = [{"family": FAMILY, "url": "app/static/fonts/NotoSansSC-Regular.otf"}]
    shell.render_font_faces()  # a bare `streamlit run dashboard.py`: config.toml's one face
    assert len(drawn) == 1
    shell._font_stylesheet.cache_clear()
