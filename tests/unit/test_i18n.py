"""The string table: every key in both languages, and every key used in code exists."""

import re

import pytest

from policylens import paths
from policylens.i18n import LANGUAGES, STRINGS, t


@pytest.mark.parametrize("key", sorted(STRINGS))
def test_every_key_has_both_languages(key):
    for lang in LANGUAGES:
        assert STRINGS[key].get(lang), f"{key} lacks {lang}"


def test_placeholders_match_between_languages():
    for key, entry in STRINGS.items():
        names = {lang: set(re.findall(r"{(\w+)", text)) for lang, text in entry.items()}
        assert names["en"] == names["zh"], key


def test_every_key_used_in_code_exists():
    used = set()
    for path in [*paths.ROOT.glob("pages/*.py"), *paths.ROOT.glob("policylens/**/*.py"), paths.ROOT / "dashboard.py"]:
        used |= set(re.findall(r"""\bt(?:_md|_html)?\(\s*["']([a-z_.]+)["']""", path.read_text(encoding="utf-8")))
    assert used, "no string keys found: the scan is broken"
    assert used - set(STRINGS) == set()


def test_t_formats_and_translates():
    assert t("figure.term_bar.title", "zh", n=5) == "前 5 个词语"
    assert t("figure.term_bar.title", "en", n=5) == "Top 5 terms"
