"""User strings made safe to show: as Markdown text, as text inside the app's HTML, in plotly's pseudo-HTML,
as a link target and as a file name. Document text, file names, codebook labels, CSV cells and typed
queries are all user-controlled; they pass through one of these functions before they reach the page.
"""

from __future__ import annotations

import html
import re
import string
from collections.abc import Sequence
from pathlib import PurePath
from urllib.parse import urlsplit

import jinja2
import jinja2.ext
from markupsafe import Markup

from policylens.i18n import t

# C0 and C1 controls (NUL, tab, newline, ESC ... U+0080-U+009F), DEL and the Unicode line separators.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# Bidi embeddings, overrides and isolates: they reorder what follows them on screen (a name can spoof
# its extension: "txt.exe" shown as "exe.txt").
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Streamlit's Markdown links bare URLs and e-mail addresses in the parsed text (GFM autolink literals,
# after escapes are resolved), so no escape can stop it: an invisible WORD JOINER before "//" after a
# colon, before the dot of "www." and before "@" breaks the patterns it looks for.
WORD_JOINER = "\u2060"
_AUTOLINK = re.compile(r"(?<=:)(?=//)|(?<=www)(?=\.)|(?=@)", re.IGNORECASE)

# CommonMark lets a backslash escape any ASCII punctuation. The colon is the exception: Streamlit looks
# for emoji shortcodes (":smile:") in the raw source and expands them in the parsed text, so an escaped
# colon could still pair with a template's colon. As a character reference it is no colon in the
# source, and Markdown still shows ":".
_MARKDOWN_ESCAPES = {c: "\\" + c for c in string.punctuation} | {":": "&#58;"}
# Inside HTML given to st.markdown the text stays HTML-escaped and the characters that could start
# Markdown or Streamlit syntax become numeric character references, which Markdown does not interpret.
_HTML_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"} | {
    c: f"&#{ord(c)};" for c in "\\`*_~[]()!$:|{}"
}
MAX_FILE_NAME_CHARS = 120
WEB_SCHEMES = ("http", "https")


def escape_markdown(text: object) -> str:
    """`text` as Markdown that Streamlit shows literally: no emphasis, link, image, HTML, code, list,
    heading, table, maths (``$``), colour (``:red[...]``), icon (``:material/...:``) or emoji shortcode.

    Newlines, tabs and other control characters become spaces; bidi controls are dropped.
    """
    text = _CONTROLS.sub(" ", _BIDI.sub("", str(text)))
    escaped = "".join(_MARKDOWN_ESCAPES.get(c, c) for c in _AUTOLINK.sub(WORD_JOINER, text))
    # four leading spaces would start a code block: a character reference is no indentation
    return "&#32;" + escaped[1:] if escaped.startswith(" ") else escaped


def t_md(key: str, lang: str = "en", **values: object) -> str:
    """policylens.i18n.t for Markdown: the trusted template keeps its Markdown, every str value is
    escaped (numbers stay numbers, for format specs such as ``{n:,}``)."""
    return t(key, lang, **{k: escape_markdown(v) if isinstance(v, str) else v for k, v in values.items()})


def escape_html(text: object) -> str:
    """`text` for HTML that st.markdown(..., unsafe_allow_html=True) renders: HTML-escaped (attributes
    too), with Markdown punctuation as character references, so that neither HTML nor Markdown in
    the text is interpreted and the page shows it as written."""
    text = _CONTROLS.sub(" ", str(text))
    return "".join(_HTML_ESCAPES.get(c, c) for c in _AUTOLINK.sub(WORD_JOINER, text))


def t_html(key: str, lang: str = "en", **values: object) -> Markup:
    """policylens.i18n.t for HTML given to st.markdown: the trusted template HTML-escaped, every str
    value through escape_html (numbers stay numbers, for format specs). Markup, so a card template
    takes it as it is."""
    template = html.escape(t(key, lang), quote=False)
    return Markup(template.format(**{k: escape_html(v) if isinstance(v, str) else v for k, v in values.items()}))


def _escape_value(value: object) -> Markup:
    # Jinja2's autoescape is HTML only: st.markdown would still read Markdown and autolinks in the text.
    return value if isinstance(value, Markup) else Markup(escape_html(value))


class _JoinLines(jinja2.ext.Extension):
    """Templates are written across lines; the HTML they give st.markdown is one line, since a blank
    line would end Markdown's HTML block and an indented one could start a code block."""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        return re.sub(r"\n\s*", "", source)


# The cards that st.markdown(..., unsafe_allow_html=True) shows (policylens/templates/). One rule for
# every {{ value }}: escape_html, unless it is Markup (t_html, or HTML another template or builder here made).
MARKDOWN_TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("policylens", "templates"),
    autoescape=True,
    finalize=_escape_value,
    undefined=jinja2.StrictUndefined,
    extensions=[_JoinLines],
)


def render_markdown_html(template: str, **values: object) -> Markup:
    """HTML for st.markdown(..., unsafe_allow_html=True) from policylens/templates/`template`: every
    value escaped with escape_html unless it is Markup."""
    return Markup(MARKDOWN_TEMPLATES.get_template(template).render(**values))


def build_highlighted_html(text: str, spans: Sequence[tuple[int, int, str]], color: str) -> Markup:
    """Escape `text` and wrap each (start, end, term) span in a coloured <mark>.

    Overlapping spans keep the earlier one. Nothing from the document reaches the page unescaped.
    """
    pieces, cursor = [], 0  # (text, term); term None for the text between marks
    for start, end, term in sorted(spans):
        if start < cursor:
            continue
        pieces += [(text[cursor:start], None), (text[start:end], term)]
        cursor = end
    pieces.append((text[cursor:], None))
    return render_markdown_html("highlight.html", pieces=pieces, color=color)


def escape_plotly(text: object) -> str:
    """Data text for plotly's pseudo-HTML (titles, tick labels, trace names, hover text, annotations):
    plotly draws <b>, <br>, <a href> and decodes &amp; &lt; &gt;, so those three are escaped."""
    return html.escape(str(text), quote=False)


def unescape_plotly(text: object) -> object:
    """The plain text of an escape_plotly string (for CSV data and page titles); non-strings unchanged."""
    return html.unescape(text) if isinstance(text, str) else text


def is_web_url(url: object) -> bool:
    """True for an absolute http(s) URL with a host; False for javascript:, data:, vbscript:, any other
    scheme, scheme-relative ("//host") or malformed addresses, and text with spaces or controls."""
    if not isinstance(url, str) or not url or _CONTROLS.search(url) or _BIDI.search(url) or " " in url or "\\" in url:
        return False
    try:
        parts = urlsplit(url)
        return parts.scheme.lower() in WEB_SCHEMES and bool(parts.hostname)
    except ValueError:  # e.g. an unclosed IPv6 bracket or a bad port
        return False


def safe_href(url: object) -> str | None:
    """`url` escaped for an href attribute when it is an http(s) URL, else None (render no link)."""
    return html.escape(url) if is_web_url(url) else None


def clean_file_name(name: str, placeholder: str) -> tuple[str, bool]:
    """A user-supplied file name made safe to keep, show and put in keys: no control characters (NUL,
    C1) or bidi controls, no folder part, surrounding spaces trimmed, at most MAX_FILE_NAME_CHARS
    (the extension kept); `placeholder` when nothing (or only the extension) is left.
    Returns (name, whether it changed)."""
    cleaned = _BIDI.sub("", _CONTROLS.sub("", name)).replace("\\", "/").rsplit("/", 1)[-1].strip()
    if len(cleaned) > MAX_FILE_NAME_CHARS:
        suffix = PurePath(cleaned).suffix
        suffix = suffix if len(suffix) <= 10 else ""
        cleaned = cleaned[: MAX_FILE_NAME_CHARS - len(suffix)].rstrip() + suffix
    if not cleaned.strip("."):
        cleaned = placeholder
    elif cleaned.startswith(".") and cleaned.count(".") == 1:  # only an extension was left: keep the type
        cleaned = placeholder + cleaned
    return cleaned, cleaned != name


def build_source_link(title: str, url: str) -> Markup:
    """HTML of a source title linked to its URL; the title alone (no link) unless the URL is http(s)."""
    href = safe_href(url)  # already HTML-escaped: kept as it is, as escape_html would break the address
    return render_markdown_html("source_link.html", title=title, href=None if href is None else Markup(href))


def build_source_line(links: Sequence[Markup], lang: str, more: Markup | None = None) -> Markup:
    """HTML of the source line under a value or chart: the label, the linked titles, how many more."""
    return render_markdown_html(
        "source_line.html", label=t_html("indicators.sources_label", lang), links=links, more=more
    )
