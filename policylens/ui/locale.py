"""Streamlit's own words in the UI language. Streamlit has no locale setting for its chrome, so:
widget parameters where there are some (a multiselect's `placeholder` also replaces "No options to
select"), and for the file uploader, whose dropzone and file list have none, a style-only st.html
(it takes no space on the page) keyed on Streamlit's data-testid attributes and the uploader's key
class: Streamlit's text hidden, ours shown with `::after { content: ... }`. The same CSS marks a
file that did not load, in either language, so that the uploader never lists it as if it had.

The selectors follow the DOM of streamlit 1.67 (checked in Chromium): the dropzone
`stFileUploaderDropzone` holds the "Upload" button (`stBaseButton-secondary`, its label in a
`stMarkdownContainer`) and `stFileUploaderDropzoneInstructions` ("20MB per file"); each listed
file is a `stFileChip` whose aria-label is "name, size", with `aria-invalid="true"` when the
browser refused it (over `max_upload_size`: the only refusal an uploader without `type=` has).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping

import streamlit as st

from policylens.i18n import t

_NOT_CLASS = re.compile(r"[^a-zA-Z0-9_-]")


def multiselect_placeholder(options: Collection, lang: str) -> str:
    """The `placeholder=` of an st.multiselect: "Choose options", or "No options to select" when
    there are none, in the UI language."""
    return t("chrome.choose_options" if len(options) else "chrome.no_options", lang)


def key_class(key: str) -> str:
    """The class Streamlit gives the element of a widget with this key (frontend: `st-key-` + the key
    with every character outside [a-zA-Z0-9_-] made a hyphen)."""
    return "st-key-" + _NOT_CLASS.sub("-", key.strip())


def css_string(text: str) -> str:
    """`text` as a quoted CSS string: everything but letters, digits and spaces as a hex escape, so
    that no file name or message can end the string, the rule or the style element."""
    return '"' + "".join(c if c.isalnum() or c == " " else f"\\{ord(c):x} " for c in text) + '"'


def build_chrome_css(lang: str) -> str:
    """Every uploader's own words in `lang` ("" in English, Streamlit's language): the "Upload"
    button and the "Drag and drop files here" shown while a file is dragged over the zone."""
    if lang == "en":
        return ""
    zone = '[data-testid="stFileUploaderDropzone"]'
    label = f'{zone} [data-testid="stBaseButton-secondary"] [data-testid="stMarkdownContainer"]'
    drag = f"{zone} > div:not([data-testid]) > span"
    return "\n".join(
        [
            f"{label} p{{display:none}}",
            f"{label}::after{{content:{css_string(t('chrome.upload', lang))};font-size:0.875rem}}",
            f"{drag}{{font-size:0}}",
            f"{drag}::after{{content:{css_string(t('chrome.drag', lang))};font-size:1rem}}",
        ]
    )


def build_uploader_css(
    key: str, limit_mb: int, lang: str, refused: Mapping[str, str] | None = None, notices_key: str | None = None
) -> str:
    """One uploader's words that depend on it: its limit ("Limit 20 MB per file") in `lang` (English
    is Streamlit's own), and in every language: a file the browser refused (over the limit) or the
    app refused (`refused`: file name -> short reason) shows "Not loaded: reason" under its name;
    while the newest file listed is one the browser refused, the notices of an earlier upload (the
    container with key `notices_key`) are hidden, since the server never hears of that file and
    they would describe another one."""
    box = f".{key_class(key)}"
    chip = f'{box} [data-testid="stFileChip"]'
    not_loaded = "display:block;color:#b3261e;white-space:normal;line-height:1.3;font-size:0.75rem"
    rules = [
        f'{chip}[aria-invalid="true"] [data-testid="stFileChipName"] + div::after'
        f"{{content:{css_string(t('chrome.too_large', lang, limit=limit_mb))};{not_loaded}}}",
    ]
    for name, reason in sorted((refused or {}).items()):
        label = f"{chip}[aria-label^={css_string(name + ', ')}]"
        rules.append(f"{label}{{background-color:#fdecea}}")
        rules.append(
            f'{label} [data-testid="stFileChipName"] + div::after'
            f"{{content:{css_string(t('chrome.not_loaded', lang, reason=reason))};{not_loaded}}}"
        )
    if notices_key:
        newest = f'{box} [data-testid="stFileChips"] > div > div:last-child [aria-invalid="true"]'
        rules.append(f"body:has({newest}) .{key_class(notices_key)}{{display:none}}")
    if lang != "en":
        instructions = f'{box} [data-testid="stFileUploaderDropzoneInstructions"] span'
        per_file = css_string(t("chrome.per_file", lang, limit=limit_mb))
        rules += [f"{instructions}{{font-size:0}}", f"{instructions}::after{{content:{per_file};font-size:0.875rem}}"]
    return "\n".join(rules)


def render_chrome(lang: str) -> None:
    """build_chrome_css, once per run (the sidebar draws it)."""
    css = build_chrome_css(lang)
    if css:
        st.html(f"<style>{css}</style>")


def render_uploader_chrome(
    key: str, limit_mb: int, lang: str, refused: Mapping[str, str] | None = None, notices_key: str | None = None
) -> None:
    """build_uploader_css for the uploader with widget key `key`, once per run, anywhere on the page
    (before or after the uploader); give the uploader `max_upload_size=limit_mb`."""
    st.html(f"<style>{build_uploader_css(key, limit_mb, lang, refused, notices_key)}</style>")
