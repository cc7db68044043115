"""The bundled CJK font (OFL Noto Sans SC): where it is, which characters it lacks, and copies of it
for the browser (Streamlit static serving) and for Chromium exports (fontconfig).
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from fontTools.ttLib import TTFont

from policylens import paths

STATIC_FONT_NAME = "NotoSansSC-Regular.otf"
STATIC_FONT_MODE = 0o644
FONTCONFIG_NAME = "fonts.conf"


class CJKFontMissingError(RuntimeError):
    """Raised when the bundled CJK font package is not installed or its font file is gone."""


def resolve_cjk_font() -> Path:
    """Return the path of the bundled Noto Sans SC (OFL) from ``pylopdf_fonts_zh_cn``."""
    try:
        import pylopdf_fonts_zh_cn
    except ImportError as exc:
        raise CJKFontMissingError(
            "The CJK font package is not installed; run `pip install pylopdf-fonts-zh-cn`. "
            "Without it Chinese text renders as empty boxes."
        ) from exc
    font_path = Path(pylopdf_fonts_zh_cn.sans_path())
    if not font_path.is_file():
        raise CJKFontMissingError(f"pylopdf_fonts_zh_cn is installed but {font_path} is missing.")
    return font_path


@lru_cache(maxsize=8)
def _load_codepoints(font_path: str) -> frozenset[int]:
    # Reading the cmap of the 8 MB Noto Sans SC takes ~0.15 s, hence the cache.
    # fontNumber=0 picks the first face of a .ttc/.otc and is ignored for single fonts.
    with TTFont(font_path, lazy=True, fontNumber=0) as font:
        return frozenset(font.getBestCmap())


def find_missing_glyphs(words: Iterable[str], font_path: str | os.PathLike[str]) -> dict[str, list[str]]:
    """Map each word that the font cannot draw to its missing characters (first-seen order).

    Coverage comes from the font's cmap, not from looking at pixels. Whitespace is ignored and
    words the font fully covers are left out of the result.
    """
    codepoints = _load_codepoints(str(Path(font_path).resolve()))
    missing: dict[str, list[str]] = {}
    for word in words:
        absent = [c for c in dict.fromkeys(word) if not c.isspace() and ord(c) not in codepoints]
        if absent:
            missing[word] = absent
    return missing


def subset_font(
    font_path: str | os.PathLike[str], flavor: str, *, text: str = "", unicodes: Iterable[int] = ()
) -> bytes:
    """A subset of the font with the characters of ``text`` and ``unicodes``, as ``flavor`` ("woff"
    or "woff2"; WOFF2 needs the brotli package). Hinting is dropped, which browsers ignore anyway."""
    from fontTools import subset

    options = subset.Options(hinting=False, desubroutinize=True, ignore_missing_glyphs=True, layout_features=["*"])
    options.flavor = flavor
    font = subset.load_font(str(font_path), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text, unicodes=list(unicodes))
    subsetter.subset(font)
    buffer = io.BytesIO()
    subset.save_font(font, buffer, options)
    return buffer.getvalue()


def install_static_font(static_dir: Path = paths.STATIC_DIR) -> Path:
    """Copy the CJK font to ``static_dir/fonts/`` for Streamlit static serving; return its path.

    Idempotent and cheap (a stat) when an identical-size copy is already there.
    """
    source = resolve_cjk_font()
    target = Path(static_dir) / "fonts" / STATIC_FONT_NAME
    if target.is_file() and target.stat().st_size == source.stat().st_size:
        if target.stat().st_mode & 0o444 != 0o444:
            target.chmod(STATIC_FONT_MODE)  # earlier copies were left private (0600)
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    # Copy then rename, so a browser or a second server process never sees a half-written font.
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=".", suffix=".part")
    os.close(fd)
    try:
        shutil.copyfile(source, tmp_name)
        os.chmod(tmp_name, STATIC_FONT_MODE)  # mkstemp makes 0600 files; a web font is public
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return target


def write_fontconfig(directory: Path) -> Path:
    """Write ``directory/fonts.conf`` adding the bundled font's folder to the system fonts.

    Point ``FONTCONFIG_FILE`` at the result so Chromium (kaleido exports) can draw Chinese.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    font_dir = resolve_cjk_font().parent
    config = (
        '<?xml version="1.0"?>\n'
        '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        "<fontconfig>\n"
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
        f"  <dir>{escape(str(font_dir))}</dir>\n"
        # A private cache: the system cache dir may not be writable for the server user.
        f"  <cachedir>{escape(str(directory / 'fontconfig-cache'))}</cachedir>\n"
        "</fontconfig>\n"
    )
    target = directory / FONTCONFIG_NAME
    target.write_text(config, encoding="utf-8")
    return target
