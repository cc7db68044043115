"""render_* helpers shared by the pages and dashboard.py."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from policylens import schema
from policylens.figures.indicators import format_value
from policylens.figures.text import GENERAL_COLOR, pillar_color, pillar_label
from policylens.i18n import t
from policylens.indicators.labels import FOCUS_CITY, city_label
from policylens.markup import build_highlighted_html, is_web_url, render_markdown_html, t_md
from policylens.text.analysis import Analysis
from policylens.text.classify import DETAIL
from policylens.text.pillars import Codebook
from policylens.text.segment import Segmenter
from policylens.ui import cache, selection, state
from policylens.ui.widgets import exports

# Plotly's own toolbar gives PNG downloads; the image keeps the in-figure title and source line.
CHART_CONFIG = {"displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 2}}


def chart_config(name: str) -> dict:
    """Plotly toolbar settings: PNG at twice the size, named after the chart."""
    options = {**CHART_CONFIG["toImageButtonOptions"], "filename": exports.file_stem(name)}
    return {**CHART_CONFIG, "toImageButtonOptions": options}


def render_chart(
    fig: go.Figure | dict,
    key: str,
    *,
    on_click: str | None = None,
    value_index: int = 0,
    data: pd.DataFrame | None = None,
    stretch: bool = True,
    downloads: bool = True,
) -> None:
    """A plotly chart with the figure's own template (not Streamlit's theme) and an Export menu.

    ``on_click`` ("pillar", "term" or "indicator") makes a point click select item ``value_index``
    of its customdata (policylens.view.selection rules, through ui/selection.py callbacks). ``data``
    replaces the traces' points as the CSV download. ``stretch`` False keeps the figure's width;
    ``downloads`` False leaves out the Export menu.
    """
    config, width = chart_config(key), ("stretch" if stretch else "content")
    drawn = cache.drawable_figure(fig)  # read only: the exports below build their own from `fig`
    if on_click is None:
        st.plotly_chart(drawn, key=key, theme=None, config=config, width=width)
    else:
        widget = selection.chart_key(key)
        # A callback, not on_select="rerun": the chart keeps its selection across reruns, and a
        # callback fires only when it changes, so a cleared selection is not re-applied.
        st.plotly_chart(
            drawn,
            key=widget,
            theme=None,
            config=config,
            width=width,
            selection_mode=("points",),
            on_select=lambda: selection.handle_chart_click(widget, on_click, value_index),
        )
    if downloads:
        exports.render_chart_exports(fig, key, state.get_lang(), data)


def _pattern_lines(codebook: Codebook, detail: dict, lang: str) -> list[str]:
    """One line per pattern that fired: its note in the UI language and what it gave each class."""
    notes = {p.pattern: p.label(lang) for p in codebook.patterns}
    weights: dict[str, list[str]] = {}
    for pattern, cls, weight in detail.get("patterns", []):
        weights.setdefault(pattern, []).append(
            t("themes.pattern_weight", lang, pillar=pillar_label(codebook, cls, lang), weight=weight)
        )
    return [t("themes.pattern", lang, note=notes.get(p, p), weights=", ".join(w)) for p, w in weights.items()]


def _example_lines(codebook: Codebook, detail: dict, lang: str) -> list[str]:
    return [
        t("themes.example", lang, source=source, label=pillar_label(codebook, label, lang), similarity=sim)
        for _, label, source, sim in detail.get("examples", [])
    ]


def render_paragraph(
    analysis: Analysis,
    segmenter: Segmenter,
    codebook: Codebook,
    paragraph: int,
    lang: str,
    spans: list[tuple[int, int, str]] | None = None,
) -> None:
    """One paragraph card: number, pillar badge, score, and highlighted spans in the text.

    The highlights are the evidence terms unless `spans` (start, end, term) are given, e.g. KWIC hits.
    """
    row = analysis.assignment.set_index(schema.PARAGRAPH).loc[paragraph]
    pillar_id = row[schema.PILLAR] if isinstance(row[schema.PILLAR], str) else None
    secondary = row.get(schema.SECONDARY)
    secondary = secondary if isinstance(secondary, str) and secondary in codebook.ids else None
    color = codebook.get(pillar_id).color if pillar_id else GENERAL_COLOR
    text = analysis.document.paragraphs[paragraph - 1]
    evidence = list(row[schema.EVIDENCE])
    detail = row.get(DETAIL) if isinstance(row.get(DETAIL), dict) else {}
    if spans is None:
        spans = segmenter.find_spans(text, evidence, analysis.document.language) if evidence else []
    original = analysis.document.original_paragraphs  # as written (Traditional Chinese), when converted
    patterns, examples = _pattern_lines(codebook, detail, lang), _example_lines(codebook, detail, lang)
    card = render_markdown_html(
        "paragraph_card.html",
        color=color,
        pillar=pillar_label(codebook, pillar_id, lang),
        secondary=t("themes.secondary", lang, pillar=pillar_label(codebook, secondary, lang)) if secondary else None,
        secondary_color=codebook.get(secondary).color if secondary else GENERAL_COLOR,
        paragraph=paragraph,
        score=(
            t("themes.confirmed", lang, source=detail["confirmed"])
            if detail.get("confirmed")
            else t("themes.score", lang, confidence=float(row.get(schema.CONFIDENCE, 0.0)))
        ),
        text=build_highlighted_html(text, spans, color),
        evidence_label=t("themes.evidence", lang),
        evidence=", ".join(detail.get("codebook", evidence)) or t("themes.no_evidence", lang),
        model_label=t("themes.model_evidence", lang, pillar=pillar_label(codebook, pillar_id, lang)),
        model_terms=", ".join(f"{term} ({amount:.2f})" for term, amount in detail.get("model", [])),
        pattern_label=t("themes.pattern_evidence", lang),
        patterns="; ".join(patterns),
        example_label=t("themes.example_evidence", lang),
        examples=examples,
        original=original[paragraph - 1] if original else None,
        original_label=t("themes.original", lang),
    )
    st.markdown(card, unsafe_allow_html=True)


def render_cloud(cloud, figure: dict, table: pd.DataFrame, lang: str) -> None:  # cloud: a clouds.CloudResult
    """The interactive cloud (click a word to select it), and a clear message for any term the
    font could not draw. ``figure`` is clouds.build_cloud_figure of ``cloud``; ``table`` its data."""
    if not cloud.layout:
        st.info(t("terms.empty", lang))
    else:
        # at its own size: one axis unit is one pixel of the image, so the font sizes match it
        render_chart(figure, key=state.TERMS_CLOUD, on_click="term", data=table, stretch=False)
    if cloud.missing_glyphs:
        st.warning(t_md("terms.missing_glyphs", lang, terms=", ".join(sorted(cloud.missing_glyphs))))


def translate_period_note(note: str, lang: str) -> str:
    """The common full-year note in the UI language; other notes stay as the source wrote them."""
    return t("indicators.full_year", lang) if note == "calendar year / year-end" else note


def keep_web_links(table: pd.DataFrame) -> pd.DataFrame:
    """The table with every link that is not an http(s) URL blanked, for a LinkColumn: source_url and
    any other column named *source_url (a ratio's denominator_source_url)."""
    columns = [c for c in table.columns if isinstance(c, str) and c.endswith(schema.SOURCE_URL)]
    return table.assign(**{c: table[c].where(table[c].map(is_web_url), None) for c in columns})


def render_headline_indicators(pillars: tuple[str, ...], codebook: Codebook, lang: str) -> None:
    """Latest Nanjing values for the best-covered indicators of each pillar, each with its source."""
    labels = tuple((p.id, p.label(lang)) for p in codebook.pillars)
    grid = cache.get_headline_grid(FOCUS_CITY, pillars, lang, labels)
    if grid is None:
        st.info(t("indicators.none", lang))
    else:
        st.markdown(grid, unsafe_allow_html=True)


def render_indicator_sources(rows: pd.DataFrame, lang: str) -> None:
    """Every value behind a chart with its qualifier, period note and linked source."""
    table = rows.sort_values([schema.CITY, schema.YEAR], kind="stable")
    shown = pd.DataFrame(
        {
            schema.CITY: [city_label(c, lang) for c in table[schema.CITY]],
            schema.YEAR: table[schema.YEAR],
            "shown": [
                format_value(v, u, q, lang)
                for v, u, q in zip(table[schema.VALUE], table[schema.UNIT_CODE], table[schema.QUALIFIER])
            ],
            schema.PERIOD_NOTE: [translate_period_note(n, lang) for n in table[schema.PERIOD_NOTE]],
            schema.SOURCE_TITLE: table[schema.SOURCE_TITLE],
            schema.SOURCE_URL: table[schema.SOURCE_URL],
        }
    )
    st.dataframe(
        keep_web_links(shown),
        column_config={
            schema.CITY: t("column.city", lang),
            schema.YEAR: st.column_config.NumberColumn(t("column.year", lang), format="%d"),
            "shown": t("column.value", lang),
            schema.PERIOD_NOTE: t("column.period_note", lang),
            schema.SOURCE_TITLE: t("column.source_title", lang),
            schema.SOURCE_URL: st.column_config.LinkColumn(t("column.source_url", lang)),
        },
        hide_index=True,
        width="stretch",
    )


MAX_KWIC_LINES = 500


def build_kwic_table(lines: pd.DataFrame, codebook: Codebook, lang: str) -> pd.DataFrame:
    """KWIC lines as a download table with headers in the UI language: paragraph, pillar, left, match, right."""
    from policylens.text.kwic import LEFT, MATCH, RIGHT

    return pd.DataFrame(
        {
            t("kwic.column.paragraph", lang): lines[schema.PARAGRAPH].to_numpy(),
            t("column.pillar", lang): [pillar_label(codebook, p, lang) for p in lines[schema.PILLAR]],
            t("kwic.column.left", lang): lines[LEFT].to_numpy(),
            t("kwic.column.match", lang): lines[MATCH].to_numpy(),
            t("kwic.column.right", lang): lines[RIGHT].to_numpy(),
        }
    )


def render_paragraph_table_exports(analysis: Analysis, codebook: Codebook, shown: pd.DataFrame, lang: str) -> None:
    """CSV/XLSX of the paragraphs shown: number, pillar, score, evidence and text (UI-language headers)."""
    text = analysis.document.paragraphs
    table = pd.DataFrame(
        {
            t("kwic.column.paragraph", lang): shown[schema.PARAGRAPH].to_numpy(),
            t("column.pillar", lang): [pillar_label(codebook, p, lang) for p in shown[schema.PILLAR]],
            t("themes.column.secondary", lang): [
                pillar_label(codebook, p, lang) if isinstance(p, str) else "" for p in shown[schema.SECONDARY]
            ],
            t("themes.column.confidence", lang): shown[schema.CONFIDENCE].to_numpy(),
            t("themes.column.evidence", lang): ["; ".join(e) for e in shown[schema.EVIDENCE]],
            t("themes.column.text", lang): [text[int(p) - 1] for p in shown[schema.PARAGRAPH]],
        }
    )
    exports.render_table_exports(table, "paragraphs", lang)


def render_kwic_lines(lines: pd.DataFrame, codebook: Codebook, lang: str, pager_key: str | None = None) -> None:
    """KWIC lines as one escaped HTML block (aligned columns), each linked to its paragraph: the first
    MAX_KWIC_LINES, or with `pager_key` (a state key) every line, MAX_KWIC_LINES to a page."""
    from policylens.text.kwic import build_kwic_html

    page = render_pager(len(lines), pager_key, lang, MAX_KWIC_LINES, "pager.lines") if pager_key else None
    shown = (lines.iloc[page] if page is not None else lines.head(MAX_KWIC_LINES)).to_dict("records")
    rows = [build_kwic_html(row, pillar_color(codebook, row[schema.PILLAR])) for row in shown]
    st.markdown(render_markdown_html("kwic_block.html", lines=rows), unsafe_allow_html=True)
    if page is not None:
        render_pager_end(len(lines), pager_key, lang, MAX_KWIC_LINES)
    if page is None and len(lines) > MAX_KWIC_LINES:
        st.caption(t("kwic.truncated", lang, shown=MAX_KWIC_LINES, n=len(lines)))


PAGER_WIDTH = 200
PAGE_SIZE = 50  # cards on one page of a long list (Themes): a 10,000-paragraph document opens in seconds


def render_pager(total: int, key: str, lang: str, size: int = PAGE_SIZE, showing: str = "pager.showing") -> slice:
    """The slice of a list of `total` items to draw: all of them when they fit one page, else the page
    the user picks (kept in the state key `key`, brought back within range when the list shrinks);
    `showing` is the key of the caption that says which items are shown."""
    if total <= size:
        return slice(0, total)
    pages = -(-total // size)
    st.session_state[key] = min(max(int(st.session_state.get(key) or 1), 1), pages)
    page = st.number_input(
        t("pager.page", lang, pages=pages), min_value=1, max_value=pages, step=1, width=PAGER_WIDTH, **state.bind(key)
    )
    first = (int(page) - 1) * size
    st.caption(t(showing, lang, first=first + 1, last=min(first + size, total), total=total))
    if st.session_state.get(state.PAGER_SCROLL) == key:  # turned at the bottom: show the new page's top
        del st.session_state[state.PAGER_SCROLL]
        st.html(SCROLL_HERE, unsafe_allow_javascript=True)
    return slice(first, first + size)


# An empty marker that scrolls the page to itself once drawn (Streamlit runs an st.html script when
# unsafe_allow_javascript is set; the script is ours, nothing from a document is in it).
SCROLL_HERE = (
    '<span data-testid="policylens-scroll-here" style="display:block;scroll-margin-top:12rem"></span><script>'
    'document.querySelector(\'[data-testid="policylens-scroll-here"]\')?.scrollIntoView({block: "start"});'
    "</script>"
)


def _turn_page(key: str, step: int, pages: int) -> None:
    st.session_state[key] = min(max(int(st.session_state.get(key) or 1) + step, 1), pages)
    st.session_state[state.PAGER_SCROLL] = key


def render_pager_end(total: int, key: str, lang: str, size: int = PAGE_SIZE) -> None:
    """Below a list that render_pager cut into pages: the previous and next page, so a reader at the
    end of a page need not scroll back up (the number at the top follows)."""
    if total <= size:
        return
    pages = -(-total // size)
    page = int(st.session_state.get(key) or 1)
    left, right, rest = st.columns([1, 1, 3], vertical_alignment="center")
    left.button(
        t("pager.previous", lang),
        key=f"{key}.previous",
        on_click=_turn_page,
        args=(key, -1, pages),
        disabled=page <= 1,
        icon=":material/chevron_left:",
        width="stretch",
    )
    right.button(
        t("pager.next", lang),
        key=f"{key}.next",
        on_click=_turn_page,
        args=(key, 1, pages),
        disabled=page >= pages,
        icon=":material/chevron_right:",
        width="stretch",
    )
    rest.caption(t("pager.at", lang, page=page, pages=pages))
