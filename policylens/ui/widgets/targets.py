"""render_* helpers of the Targets view: the document's numeric targets by pillar, and one target
charted against the actual series of the indicator it matches."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from policylens import schema
from policylens.figures.text import pillar_color, pillar_label
from policylens.i18n import t
from policylens.indicators.labels import CITY_LABELS_ZH, city_label, indicator_name
from policylens.indicators.scopes import PLACE, SCOPE, SERIES_CITIES, UNKNOWN, canonical_place, match_target_scopes
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
from policylens.ui import indicator_cache, state
from policylens.ui.context import PageContext
from policylens.ui.indicator_data import IndicatorData, get_view_data
from policylens.ui.widgets import elements as widgets
from policylens.ui.widgets.indicators import keep_valid, order_cities, render_source_links

QUALIFIER_WORDS = {"lower_bound": "≥ ", "approx": "≈ "}
SCOPE_LABELS = {  # the string key naming each of scopes.SCOPES
    "nation": "targets.scope_nation",
    "province": "targets.scope_province",
    "city": "targets.scope_city",
    "unknown": "targets.scope_unknown",
}


def scope_text(target: dict | pd.Series, lang: str) -> str:
    """ "city: Nanjing", "全国", "scope not stated"."""
    scope = t(SCOPE_LABELS[target[SCOPE]], lang)
    place = canonical_place(target[SCOPE], target[PLACE])
    if place is None or target[SCOPE] in ("nation", UNKNOWN):
        return scope
    shown = CITY_LABELS_ZH.get(place, target[PLACE]) if lang == "zh" else place
    return t("targets.scope_place", lang, scope=scope, place=shown)


def target_text(target: dict | pd.Series, lang: str) -> str:
    """ "≥ 2 万亿元 · target year 2025 · 突破 · city: Nanjing"."""
    value = QUALIFIER_WORDS.get(target[schema.QUALIFIER], "") + f"{target[schema.VALUE]:,.12g} {target[schema.UNIT]}"
    year = (
        t("targets.no_year", lang)
        if pd.isna(target[schema.YEAR])
        else t("targets.year", lang, year=target[schema.YEAR])
    )
    verb = target[VERB] or t("targets.no_verb", lang)
    return t("targets.item", lang, value=value, year=year, verb=verb, scope=scope_text(target, lang))


def render_target_list(
    ctx: PageContext, targets: pd.DataFrame, matches: pd.DataFrame, catalogue: pd.DataFrame, lang: str
) -> None:
    """Every target under its paragraph's pillar: the sentence with the number marked, its scope, and its
    matches (only indicators with a series of the target's scope; the others are named as not drawn)."""
    pillar_of = dict(zip(ctx.analysis.assignment[schema.PARAGRAPH], ctx.analysis.assignment[schema.PILLAR]))
    pillars = targets[schema.PARAGRAPH].map(lambda p: pillar_of.get(p) if isinstance(pillar_of.get(p), str) else "")
    keep = pillars.isin(ctx.pillars) if ctx.pillars else pd.Series(True, index=targets.index)
    if not keep.any():
        st.info(t("targets.filtered_out", lang))
        return
    labels = {r[schema.INDICATOR_ID]: indicator_name(r, lang) for r in catalogue.to_dict("records")}
    data = get_view_data(lang).data
    scoped = match_target_scopes(matches, data)
    cities_of = data.groupby(schema.INDICATOR_ID)[schema.CITY].unique().to_dict()
    for pillar_id in [*ctx.codebook.ids, ""]:
        mine = targets[keep & (pillars == pillar_id)]
        if mine.empty:
            continue
        st.markdown(f"#### {escape_markdown(pillar_label(ctx.codebook, pillar_id or None, lang))}")
        color = pillar_color(ctx.codebook, pillar_id or None)
        for index, target in mine.iterrows():
            mine_matches = scoped[scoped[indicator_cache.TARGET_ROW] == index]
            drawable = mine_matches[SERIES_CITIES].map(len) > 0
            linked = mine_matches[drawable][schema.INDICATOR_ID].map(labels).tolist()
            sentence = build_highlighted_html(target[SENTENCE], [(target[START], target[END], "")], color)
            found = (
                t_html("targets.matches", lang, indicators="; ".join(linked))
                if linked
                else t_html("targets.no_match", lang)
                if drawable.all()
                else ""
            )
            if not drawable.all():
                blocked = mine_matches[~drawable][schema.INDICATOR_ID]
                series = order_cities(c for i in blocked for c in cities_of.get(i, ()))
                found += (" " if found else "") + t_html(
                    "targets.scope_mismatch",
                    lang,
                    indicators="; ".join(blocked.map(labels)),
                    scope=scope_text(target, lang),
                    series=", ".join(city_label(c, lang) for c in series),
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
    """One matched target against the actual series of its indicator, for a city the user picks among the
    series of the target's scope (a national target is never drawn against a city's series)."""
    st.subheader(t("targets.chart", lang))
    if matches.empty:
        st.info(t("targets.no_matches", lang))
        return
    matches = match_target_scopes(matches, view.data)
    matches = matches[matches[SERIES_CITIES].map(len) > 0]
    if matches.empty:
        st.info(t("targets.no_scope_matches", lang))
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
    cities = order_cities(match[SERIES_CITIES])
    keep_valid(state.TARGETS_CITY, cities, cities[0])
    city = st.selectbox(
        t("targets.city", lang), cities, format_func=lambda c: city_label(c, lang), **state.bind(state.TARGETS_CITY)
    )
    if match[SCOPE] == UNKNOWN:
        st.caption(t_md("targets.scope_unknown_note", lang, city=city_label(city, lang)))
    elif match[PLACE] is None:
        st.caption(t_md("targets.city_note", lang, city=city_label(city, lang)))
    figure, drawn = indicator_cache.get_target_figure(
        view.key,
        ctx.document.key,
        int(match[indicator_cache.TARGET_ROW]),
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
