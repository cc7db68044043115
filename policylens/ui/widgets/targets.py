"""render_* helpers of the Targets view: the document's numeric targets by pillar, and one target
charted against the actual series of the indicator it matches."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from policylens import schema
from policylens.figures.text import pillar_color, pillar_label
from policylens.i18n import t
from policylens.indicators.labels import city_label, indicator_name
from policylens.indicators.targets import END, NEAREST, SENTENCE, START, VERB
from policylens.indicators.views import list_sources
from policylens.markup import (
    build_highlighted_html,
    escape_markdown,
    render_markdown_html,
    t_html,
    t_md,
    unescape_plotly,
)
from policylens.ui import cache, state
from policylens.ui.context import PageContext
from policylens.ui.indicator_data import IndicatorData
from policylens.ui.widgets import elements as widgets
from policylens.ui.widgets.indicators import keep_valid, order_cities, render_source_links

QUALIFIER_WORDS = {"lower_bound": "≥ ", "approx": "≈ "}


def target_text(target: dict | pd.Series, lang: str) -> str:
    """ "≥ 2 万亿元 · target year 2025 · 突破"."""
    value = QUALIFIER_WORDS.get(target[schema.QUALIFIER], "") + f"{target[schema.VALUE]:,.12g} {target[schema.UNIT]}"
    year = (
        t("targets.no_year", lang)
        if pd.isna(target[schema.YEAR])
        else t("targets.year", lang, year=target[schema.YEAR])
    )
    return t("targets.item", lang, value=value, year=year, verb=target[VERB] or t("targets.no_verb", lang))


def render_target_list(
    ctx: PageContext, targets: pd.DataFrame, matches: pd.DataFrame, catalogue: pd.DataFrame, lang: str
) -> None:
    """Every target under its paragraph's pillar: the sentence with the number marked, and its matches."""
    pillar_of = dict(zip(ctx.analysis.assignment[schema.PARAGRAPH], ctx.analysis.assignment[schema.PILLAR]))
    pillars = targets[schema.PARAGRAPH].map(lambda p: pillar_of.get(p) if isinstance(pillar_of.get(p), str) else "")
    keep = pillars.isin(ctx.pillars) if ctx.pillars else pd.Series(True, index=targets.index)
    if not keep.any():
        st.info(t("targets.filtered_out", lang))
        return
    labels = {r[schema.INDICATOR_ID]: indicator_name(r, lang) for r in catalogue.to_dict("records")}
    for pillar_id in [*ctx.codebook.ids, ""]:
        mine = targets[keep & (pillars == pillar_id)]
        if mine.empty:
            continue
        st.markdown(f"#### {escape_markdown(pillar_label(ctx.codebook, pillar_id or None, lang))}")
        color = pillar_color(ctx.codebook, pillar_id or None)
        for index, target in mine.iterrows():
            linked = matches[matches[cache.TARGET_ROW] == index][schema.INDICATOR_ID].map(labels).tolist()
            sentence = build_highlighted_html(target[SENTENCE], [(target[START], target[END], "")], color)
            found = (
                t_html("targets.matches", lang, indicators="; ".join(linked))
                if linked
                else t_html("targets.no_match", lang)
            )
            card = render_markdown_html(
                "target_card.html",
                color=color,
                paragraph=int(target[schema.PARAGRAPH]),
                target=target_text(target, lang),
                sentence=sentence,
                found=found,
            )
            st.markdown(card, unsafe_allow_html=True)


def render_target_chart(
    ctx: PageContext,
    view: IndicatorData,
    targets: pd.DataFrame,
    matches: pd.DataFrame,
    catalogue: pd.DataFrame,
    lang: str,
) -> None:
    """One matched target against the actual series of its indicator, for a city the user picks."""
    st.subheader(t("targets.chart", lang))
    if matches.empty:
        st.info(t("targets.no_matches", lang))
        return
    labels = {r[schema.INDICATOR_ID]: indicator_name(r, lang) for r in catalogue.to_dict("records")}
    matches = matches.sort_values(NEAREST, ascending=False, kind="stable").reset_index(drop=True)
    options = list(range(len(matches)))
    keep_valid(state.TARGETS_PICK, options, 0)
    choice = st.selectbox(
        t("targets.pick", lang),
        options,
        **state.bind(state.TARGETS_PICK),
        format_func=lambda i: (
            f"¶{matches.at[i, schema.PARAGRAPH]} · {target_text(matches.iloc[i], lang)} → "
            f"{labels.get(matches.at[i, schema.INDICATOR_ID], matches.at[i, schema.INDICATOR_ID])}"
        ),
    )
    match = matches.iloc[choice]
    rows = view.data[view.data[schema.INDICATOR_ID] == match[schema.INDICATOR_ID]]
    cities = order_cities(rows[schema.CITY])
    keep_valid(state.TARGETS_CITY, cities, cities[0])
    city = st.selectbox(
        t("targets.city", lang), cities, format_func=lambda c: city_label(c, lang), **state.bind(state.TARGETS_CITY)
    )
    st.caption(t_md("targets.city_note", lang, city=city_label(city, lang)))
    figure, drawn = cache.get_target_figure(
        view.key,
        ctx.document.key,
        int(match[cache.TARGET_ROW]),
        match[schema.INDICATOR_ID],
        city,
        lang,
        ctx.document.name,
        view.data,
        targets,
    )
    if not drawn:
        st.warning(
            t_md(
                "targets.unit_mismatch",
                lang,
                unit=match[schema.UNIT],
                chart=unescape_plotly(figure["layout"]["yaxis"]["title"]["text"]),
            )
        )
    widgets.render_chart(figure, key=state.TARGETS_CHART)
    render_source_links(list_sources(rows[rows[schema.CITY] == city]), lang)
    st.caption(t_md("indicator_view.target.source", lang, name=ctx.document.name))
