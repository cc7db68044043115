"""The bundled CJK font cut into WOFF2 slices for the browser, the way Google Fonts serves CJK.

The full Noto Sans SC is 7.2 MB: a browser would fetch and parse all of it before it draws any
text in that font. Here the font is cut by character frequency (from jieba's dictionary) into a
few WOFF2 files, each declared with its ``unicode-range``. The first CJK slice starts with every
character of PolicyLens's own Chinese interface (strings, pillar labels, the bundled indicators' names
and source titles), so that the UI never
waits for a big slice; a browser downloads only the slices
whose characters the page uses. An English page with a few Chinese labels needs about 230 kB, a
Chinese page about 1.2 MB. Every character of the font stays in exactly one slice, so nothing
turns into tofu.

`python -m policylens install-font` builds the slices once per machine (about a minute);
`ui.shell` declares them as @font-face rules (font_face_css), and `policylens.ui.launch` empties
Streamlit's theme font faces, which would otherwise name the whole 7.2 MB font.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from importlib import resources
from pathlib import Path

from policylens import paths

FAMILY = "Noto Sans SC"
MANIFEST_NAME = "web-font-slices.json"
FORMAT_VERSION = 1
# Hanzi per slice, most frequent first; every remaining character of the font goes in a last slice.
HANZI_SLICES = (1000, 2500, 3500)
# Everything before the CJK blocks (Latin, Greek, Cyrillic, symbols), CJK punctuation and full-width forms.
BASE_BLOCKS = ((0x0000, 0x2E7F), (0x3000, 0x303F), (0xFF00, 0xFFEF))
URL_PREFIX = "app/static/fonts/"


def _in_base(codepoint: int) -> bool:
    return any(start <= codepoint <= end for start, end in BASE_BLOCKS)


def load_character_frequencies() -> Counter[str]:
    """Character frequency summed over the words of jieba's dictionary (a large general corpus)."""
    counts: Counter[str] = Counter()
    with resources.files("jieba").joinpath("dict.txt").open(encoding="utf-8") as lines:
        for line in lines:
            word, frequency, *_ = line.split(" ")
            for character in word:
                counts[character] += int(frequency)
    return counts


def interface_characters() -> str:
    """Every character of the Chinese interface: the zh strings, the pillar labels, and the names and
    source titles of the bundled indicator table, which the Overview and Indicators pages show as
    they were published (traditional-script titles included: 國, 數)."""
    import csv

    from policylens.i18n import STRINGS
    from policylens.text.pillars import load_codebook

    labels = "".join(p.label("zh") for p in load_codebook(paths.PILLARS_CODEBOOK).pillars)
    with paths.INDICATORS_TABLE.open(encoding="utf-8", newline="") as handle:
        bundled = "".join(r["indicator_zh"] + r["indicator_en"] + r["source_title"] for r in csv.DictReader(handle))
    return "".join(sorted(set("".join(entry.get("zh", "") for entry in STRINGS.values()) + labels + bundled)))


def plan_slices(
    codepoints: Iterable[int], frequencies: Counter[str], first: str = "", sizes: Sequence[int] = HANZI_SLICES
) -> list[list[int]]:
    """Split the font's code points: a base slice, then CJK slices, `first`'s characters first and
    the rest by descending frequency; a first slice grows to hold all of `first`.

    Each code point lands in exactly one slice; ties are broken by code point, so the plan is
    deterministic.
    """
    points = sorted(set(codepoints))
    base = [c for c in points if _in_base(c)]
    wanted = {ord(c) for c in first}
    others = sorted(
        (c for c in points if not _in_base(c)), key=lambda c: (c not in wanted, -frequencies.get(chr(c), 0), c)
    )
    sizes = [max(sizes[0], len(wanted & set(others))), *sizes[1:]] if sizes else []
    slices, start = [base], 0
    for size in sizes:
        slices.append(sorted(others[start : start + size]))
        start += size
    slices.append(sorted(others[start:]))
    return [s for s in slices if s]


def unicode_range(codepoints: Iterable[int]) -> str:
    """The CSS unicode-range of these code points, runs merged: ``U+20-7E,U+4E00,...``."""
    points = sorted(set(codepoints))
    runs: list[str] = []
    i = 0
    while i < len(points):
        j = i
        while j + 1 < len(points) and points[j + 1] == points[j] + 1:
            j += 1
        runs.append(f"U+{points[i]:X}" if i == j else f"U+{points[i]:X}-{points[j]:X}")
        i = j + 1
    return ",".join(runs)


def _subset_woff2(args: tuple[str, tuple[int, ...]]) -> bytes:
    from policylens.fonts.bundled import subset_font

    font_path, codepoints = args
    return subset_font(font_path, "woff2", unicodes=codepoints)


def _digest(font_path: Path) -> str:
    """Identifies the font and the slicing rules."""
    inputs = font_path.read_bytes() + repr((FORMAT_VERSION, HANZI_SLICES, BASE_BLOCKS)).encode()
    return hashlib.sha256(inputs).hexdigest()[:16]


def parse_unicode_range(text: str) -> set[int]:
    """The code points of a CSS unicode-range such as ``U+20-7E,U+4E00``."""
    points: set[int] = set()
    for run in filter(None, text.split(",")):
        start, _, end = run.strip().removeprefix("U+").partition("-")
        points.update(range(int(start, 16), int(end or start, 16) + 1))
    return points


def _covers(slices: list[dict], characters: str) -> bool:
    declared = set().union(*(parse_unicode_range(s["unicode_range"]) for s in slices))
    return {ord(c) for c in characters} <= declared


def read_manifest(static_dir: Path = paths.STATIC_DIR) -> dict | None:
    """The slice manifest written by build_web_font_slices, or None if missing, stale or broken."""
    fonts_dir = Path(static_dir) / "fonts"
    try:
        manifest = json.loads((fonts_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
        if manifest.get("version") != FORMAT_VERSION:
            return None
        if not all((fonts_dir / s["file"]).is_file() for s in manifest["slices"]):
            return None
        return manifest
    except (OSError, ValueError, KeyError, TypeError):
        return None


def build_web_font_slices(static_dir: Path = paths.STATIC_DIR, font_path: Path | None = None) -> Path:
    """Write the WOFF2 slices and their manifest to ``static_dir/fonts/``; return the manifest path.

    Skipped (a hash of the font) when a complete manifest for the same font is already there.
    """
    from fontTools.ttLib import TTFont

    from policylens.fonts.bundled import resolve_cjk_font

    font_path = Path(font_path or resolve_cjk_font())
    fonts_dir = Path(static_dir) / "fonts"
    first = interface_characters()
    digest = _digest(font_path)
    existing = read_manifest(static_dir)
    if existing and existing.get("digest") == digest and _covers(existing["slices"][:2], first):
        return fonts_dir / MANIFEST_NAME  # still right (new strings rarely bring new characters)
    codepoints = TTFont(str(font_path), lazy=True).getBestCmap().keys()
    slices = plan_slices(codepoints, load_character_frequencies(), first)
    with ProcessPoolExecutor(max_workers=2) as pool:  # the last slice alone takes most of the time
        blobs = list(pool.map(_subset_woff2, [(str(font_path), tuple(s)) for s in slices]))
    fonts_dir.mkdir(parents=True, exist_ok=True)
    entries = []
    # the plan is in the name: a new plan's slice never reuses a URL a browser may have cached
    plan = hashlib.sha256(json.dumps(slices).encode()).hexdigest()[:6]
    for number, (points, blob) in enumerate(zip(slices, blobs)):
        name = f"noto-sans-sc-{digest[:8]}-{plan}-{number}.woff2"
        (fonts_dir / name).write_bytes(blob)
        (fonts_dir / name).chmod(0o644)
        entries.append(
            {"file": name, "characters": len(points), "bytes": len(blob), "unicode_range": unicode_range(points)}
        )
    for stale in fonts_dir.glob("noto-sans-sc-*.woff2"):  # slices of an earlier plan
        if stale.name not in {e["file"] for e in entries}:
            stale.unlink()
    manifest = {"version": FORMAT_VERSION, "family": FAMILY, "digest": digest, "slices": entries}
    target = fonts_dir / MANIFEST_NAME
    tmp = target.with_suffix(".part")
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(target)  # the manifest appears only once every slice is written
    return target


def declared_ranges(slices: Sequence[set[int]]) -> list[str]:
    """The unicode-range to declare for each slice when they are declared last slice first.

    Faces of one family whose ranges overlap are checked in reverse order of declaration (CSS Fonts
    4, "font matching": the last one defined is checked first). Declared last slice first, slice k
    is checked only for characters that slices 0..k-1 do not hold, so its range may run across
    theirs: the rare-character slice's 22,000 scattered characters become a few runs. Which file
    draws a character is unchanged. Streamlit sends the theme, these ranges included, with every
    script run, so the 85 kB of exact ranges cost every rerun of every session 6.5 ms of parsing
    (bench/reliability.py); these are about half that.
    """
    ranges, earlier = [], set()
    for points in slices:
        ordered = sorted(points)
        runs, i = [], 0
        while i < len(ordered):
            j = i
            while j + 1 < len(ordered) and earlier.issuperset(range(ordered[j] + 1, ordered[j + 1])):
                j += 1
            runs.append(f"U+{ordered[i]:X}" if i == j else f"U+{ordered[i]:X}-{ordered[j]:X}")
            i = j + 1
        ranges.append(",".join(runs))
        earlier |= points
    return ranges


def streamlit_font_faces(static_dir: Path = paths.STATIC_DIR) -> list[dict] | None:
    """The slices as Streamlit ``theme.fontFaces`` entries, the last slice first (declared_ranges),
    or None when they are not built."""
    manifest = read_manifest(static_dir)
    if manifest is None:
        return None
    ranges = declared_ranges([parse_unicode_range(s["unicode_range"]) for s in manifest["slices"]])
    faces = [
        {
            "family": manifest["family"],
            "url": URL_PREFIX + s["file"],
            "weight": 400,
            "style": "normal",
            "unicodeRange": declared,
        }
        for s, declared in zip(manifest["slices"], ranges)
    ]
    return faces[::-1]


def font_face_css(faces: Sequence[dict]) -> str:
    """@font-face rules for these faces (streamlit_font_faces' entries, in their order, which decides
    the matching: declared_ranges), each URL relative to a stylesheet in the fonts folder."""
    return (
        "\n".join(
            "@font-face {"
            f" font-family: {json.dumps(face['family'])};"
            f' src: url({json.dumps(face["url"].removeprefix(URL_PREFIX))}) format("woff2");'
            f" font-weight: {int(face['weight'])}; font-style: {face['style']}; font-display: swap;"
            f" unicode-range: {face['unicodeRange']}; }}"
            for face in faces
        )
        + "\n"
    )


def ensure_font_css(static_dir: Path = paths.STATIC_DIR) -> str | None:
    """The stylesheet that declares the slices (font_face_css), written next to them if missing;
    its name, or None when the slices are not built. Its name carries the slices' names, so a new
    plan is a new address a browser has not cached.

    The shell links it (ui.shell.render_font_faces) instead of giving the faces to Streamlit's
    theme, which Streamlit re-parses and re-sends with every script run: for these 45 kB of ranges,
    3.5 ms of the one interpreter per rerun of every session (protobuf's ParseDict), and even as a
    st.html <style> 4 ms (Streamlit dedents and scans the text)."""
    faces = streamlit_font_faces(static_dir)
    if not faces:
        return None
    css = font_face_css(faces)
    name = f"noto-sans-sc-{hashlib.sha256(css.encode()).hexdigest()[:10]}.css"
    target = Path(static_dir) / "fonts" / name
    if not target.is_file():
        for stale in target.parent.glob("noto-sans-sc-*.css"):
            stale.unlink()
        tmp = target.with_suffix(".part")
        tmp.write_text(css, encoding="utf-8")
        tmp.chmod(0o644)
        tmp.replace(target)
    return name
