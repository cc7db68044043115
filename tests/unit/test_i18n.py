"""The string files: en.toml and zh.toml agree key for key and placeholder for placeholder, every key
is used in the code, and the code uses no key that does not exist."""

import ast
import re
import string
import tomllib

import pytest

from policylens import paths, schema
from policylens.i18n import LANGUAGES, STRINGS, t

I18N_DIR = paths.ROOT / "policylens" / "i18n"
CODE_FILES = sorted(
    [
        paths.ROOT / "dashboard.py",
        *paths.ROOT.glob("pages/*.py"),
        *(p for p in paths.ROOT.glob("policylens/**/*.py") if I18N_DIR not in p.parents),
    ]
)
KEY = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z0-9_/]+)+")  # group.name, as "nav.section.read" or "script.n/a"
# Callables whose first argument is a string key; a dict assigned to a *_LABELS name maps codes to keys.
KEY_TAKERS = {"t", "t_md", "t_html", "_t", "_text", "QueryError", "Notice", "ExportUnavailable"}


def _flatten(table: dict, prefix: str = "") -> dict[str, object]:
    flat = {}
    for name, value in table.items():
        flat.update(_flatten(value, f"{prefix}{name}.") if isinstance(value, dict) else {f"{prefix}{name}": value})
    return flat


@pytest.fixture(scope="module")
def files() -> dict[str, dict[str, object]]:
    return {
        lang: _flatten(tomllib.loads((I18N_DIR / f"{lang}.toml").read_text(encoding="utf-8"))) for lang in LANGUAGES
    }


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_both_files_have_the_same_keys(files):
    en, zh = set(files["en"]), set(files["zh"])
    assert en - zh == set(), "missing in zh.toml"
    assert zh - en == set(), "missing in en.toml"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_value_is_empty(files, lang):
    assert [k for k, v in files[lang].items() if not isinstance(v, str) or not v.strip()] == []


def test_placeholders_match_between_languages(files):
    differ = {k: (_fields(v), _fields(files["zh"][k])) for k, v in files["en"].items() if k in files["zh"]}
    assert {k: pair for k, pair in differ.items() if pair[0] != pair[1]} == {}


def test_strings_holds_both_files(files):
    assert STRINGS == {k: {lang: files[lang][k] for lang in LANGUAGES} for k in files["en"]}


def _trees() -> dict[str, ast.Module]:
    return {str(p.relative_to(paths.ROOT)): ast.parse(p.read_text(encoding="utf-8")) for p in CODE_FILES}


def _key_constants(expr: ast.expr) -> set[str | None]:
    """The literal keys an argument may be ("a" if x else "b" is both); None for a key built in code."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return {expr.value}
    if isinstance(expr, ast.IfExp):
        return _key_constants(expr.body) | _key_constants(expr.orelse)
    return {None} if isinstance(expr, ast.JoinedStr | ast.BinOp) else set()


def _used_keys(tree: ast.Module) -> tuple[set[str], list[int]]:
    """(the keys passed to a KEY_TAKER or held in a *_LABELS dict, the lines that build a key in code)."""
    used, built = set(), []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args:
            func = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if func in KEY_TAKERS:
                keys = _key_constants(node.args[0])
                used |= keys - {None}
                if None in keys:
                    built.append(node.lineno)
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict):
            if any(isinstance(n, ast.Name) and n.id.endswith("_LABELS") for n in node.targets):
                used |= {v.value for v in node.value.values if isinstance(v, ast.Constant)}
    return used, built


def test_every_key_is_used_and_every_used_key_exists():
    """A key must appear as a literal: a key built in code (t(f"language.{x}")) hides from this scan, so
    such call sites name their keys in a *_LABELS dict next to them."""
    literals, used, built = set(), set(), {}
    for name, tree in _trees().items():
        literals |= {
            n.value
            for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and KEY.fullmatch(n.value)
        }
        found, lines = _used_keys(tree)
        used |= found
        if lines:
            built[name] = lines
    assert len(used) > 300, "few string keys found: the scan is broken"
    assert built == {}, "keys built in code: name them as literals (a *_LABELS dict)"
    assert used - set(STRINGS) == set(), "used in code but not in en.toml / zh.toml"
    assert set(STRINGS) - literals == set(), "in en.toml / zh.toml but used nowhere"


def test_label_dicts_cover_their_codes():
    from policylens.documents import loader, script
    from policylens.figures import analysis, indicators
    from policylens.indicators import labels, transforms, views
    from policylens.text import codebook_io, network
    from policylens.ui import library
    from policylens.ui.widgets import codebook
    from policylens.ui.widgets import indicators as indicator_widgets

    documents_source = "".join(
        p.read_text(encoding="utf-8") for p in (paths.ROOT / "policylens" / "documents").glob("*.py")
    )
    assert set(re.findall(r'code="(\w+)"', documents_source)) | {"unreadable"} <= set(library.ERROR_LABELS)
    assert set(loader.LANGUAGE_LABELS) == {loader.detect_language("政策文本"), loader.detect_language("policy")}
    assert set(script.SCRIPT_LABELS) == {script.SIMPLIFIED, script.TRADITIONAL, script.NOT_APPLICABLE}
    assert set(labels.QUALIFIER_LABELS) == set(schema.QUALIFIERS)
    non_exact = set(schema.QUALIFIERS) - {"exact"}
    assert set(indicators.QUALIFIER_NOTE_LABELS) == set(indicators.QUALIFIER_LEGEND_LABELS) == non_exact
    assert set(transforms.NOTE_LABELS) == {*views.GAP_NOTES, "qualified"}
    assert set(analysis.MEASURE_LABELS) == set(network.MEASURES)
    assert set(indicator_widgets.MEASURE_LABELS) == set(views.MEASURES)
    assert set(indicator_widgets.SCALE_LABELS) == set(views.SCALES)
    assert set(codebook.PILLAR_COLUMN_LABELS) == set(codebook_io.PILLAR_COLUMNS)


def test_t_formats_and_translates():
    assert t("figure.term_bar.title", "zh", n=5) == "前 5 个词语"
    assert t("figure.term_bar.title", "en", n=5) == "Top 5 terms"


def test_format_count_writes_large_counts_for_a_headline_in_each_language():
    from policylens.i18n import format_count

    assert [format_count(n, "en") for n in (9876, 34_410, 1_538_560, 15_515_588)] == [
        "9,876",
        "34.4 k",
        "1.54 M",
        "15.5 M",
    ]
    assert [format_count(n, "zh") for n in (9876, 34_410, 15_515_588, 123_456_789)] == [
        "9,876",
        "3.44万",
        "1552万",
        "1.23亿",
    ]
