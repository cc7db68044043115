"""Every user-facing string, keyed by name, in English and Chinese: en.toml and zh.toml, read once at
import into STRINGS (key -> {"en": ..., "zh": ...}), and t() to look one up.

Imports only the standard library, nothing from policylens, so that every layer may use it.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path

LANGUAGES = ("en", "zh")
LANGUAGE_NAMES = {"en": "English", "zh": "中文"}


def _flatten(table: Mapping[str, object], prefix: str = "") -> Iterator[tuple[str, str]]:
    """(dotted key, string) of a parsed file: [nav.section] read = ... gives nav.section.read."""
    for name, value in table.items():
        if isinstance(value, Mapping):
            yield from _flatten(value, f"{prefix}{name}.")
        else:
            yield f"{prefix}{name}", value


def _load(lang: str) -> dict[str, str]:
    with (Path(__file__).parent / f"{lang}.toml").open("rb") as file:
        pairs = list(_flatten(tomllib.load(file)))
    strings = dict(pairs)
    if len(strings) != len(pairs):  # "sort.left" in [kwic] and left in [kwic.sort] are the same key
        raise ValueError(f"{lang}.toml defines a key twice")
    return strings


_TABLES = {lang: _load(lang) for lang in LANGUAGES}
STRINGS: dict[str, dict[str, str]] = {
    key: {lang: _TABLES[lang].get(key, "") for lang in LANGUAGES} for key in _TABLES[LANGUAGES[0]]
}


def t(key: str, lang: str = "en", **values: object) -> str:
    """The string `key` in `lang` (falling back to English), formatted with `values`."""
    entry = STRINGS[key]
    text = entry.get(lang) or entry["en"]
    return text.format(**values) if values else text


def format_count(n: int, lang: str = "en") -> str:
    """A large count for a headline: 1.54 M or 20.3 k in English, 154万 or 1.2亿 in Chinese (three
    significant figures, whole units from 100 up); below ten thousand it is written out (9,876)."""
    if abs(n) < 10_000:
        return f"{n:,}"
    if lang == "zh":
        value, unit = (n / 1e8, "亿") if abs(n) >= 1e8 else (n / 1e4, "万")
    else:
        value, unit = (n / 1e6, " M") if abs(n) >= 1e6 else (n / 1e3, " k")
    return f"{value:.3g}{unit}" if value < 100 else f"{value:.0f}{unit}"
