"""The st.cache_data wrappers of the indicator views and of a document's numeric targets against
them (ui.cache holds the rest, and the rules). Every indicator function is keyed on the dataset in
view ("bundled", an upload id, or several joined by "+"); the table itself is passed as `_data`,
outside the hash. Each is a `per_document` cache: shared for the bundled table, held per session for
an upload."""

from __future__ import annotations

import datetime

import pandas as pd
import streamlit as st

from policylens import schema
from policylens.indicators import table as indicators
from policylens.ui.cache import get_indicators, per_document

TARGET_ROW = "target_row"  # in get_target_matches: the matched target's row in the targets table


@per_document(max_entries=8)
def get_combined_indicators(
    dataset_ids: tuple[str, ...], _uploads: tuple[tuple[str, pd.DataFrame], ...]
) -> pd.DataFrame:
    """Several datasets stacked with a `dataset` column (indicator_io.combine_indicator_tables)."""
    from policylens.indicators.upload import BUNDLED_DATASET, combine_indicator_tables

    uploads = dict(_uploads)
    return combine_indicator_tables({i: get_indicators() if i == BUNDLED_DATASET else uploads[i] for i in dataset_ids})


@per_document(max_entries=64)
def get_indicator_catalogue(dataset_key: str, pillar_id: str, _data: pd.DataFrame) -> pd.DataFrame:
    """Indicators of one pillar in the dataset, best covered first (indicators.list_indicators)."""
    catalogue = indicators.list_indicators(_data, (pillar_id,))
    return catalogue.sort_values([schema.N_YEARS, schema.INDICATOR_ID], ascending=[False, True], kind="stable")


@per_document(max_entries=32)
def get_full_catalogue(dataset_key: str, _data: pd.DataFrame) -> pd.DataFrame:
    """Every indicator of the dataset (indicators.list_indicators)."""
    return indicators.list_indicators(_data)


@per_document(max_entries=128)
def get_view_series(dataset_key: str, spec, _data: pd.DataFrame) -> pd.DataFrame:
    """One indicator for the chosen cities in the chosen measure, within the time range (indicator_views)."""
    from policylens.indicators.views import view_series

    return view_series(_data, spec)


@per_document(max_entries=128)
def get_view_figure(dataset_key: str, spec, lang: str, _data: pd.DataFrame) -> dict:
    """The figure of a view spec as plotly JSON (the data is cached; Streamlit draws a fresh figure)."""
    from policylens.figures.indicator_views import build_view_figure

    return build_view_figure(_data, spec, lang).to_plotly_json()


@per_document(max_entries=64)
def get_coverage_figure(
    dataset_key: str,
    cities: tuple[str, ...],
    pillar_ids: tuple[str, ...],
    lang: str,
    source: str,
    _data: pd.DataFrame,
) -> dict | None:
    """The indicator × year coverage of the chosen cities and pillars as plotly JSON; None when empty."""
    from policylens.figures.indicators import build_coverage_figure
    from policylens.indicators.labels import indicator_name

    rows = _data[_data[schema.CITY].isin(cities) & _data[schema.PILLAR].isin(pillar_ids)]
    if rows.empty:
        return None
    catalogue = indicators.list_indicators(rows)
    labels = {r[schema.INDICATOR_ID]: indicator_name(r, lang) for r in catalogue.to_dict("records")}
    return build_coverage_figure(indicators.summarise_coverage(rows), lang, labels, source or None).to_plotly_json()


@st.cache_data(show_spinner=False)
def get_indicator_keywords() -> pd.DataFrame:
    """data/indicators/keywords.csv (targets.load_indicator_keywords)."""
    from policylens.indicators.targets import load_indicator_keywords

    return load_indicator_keywords()


@per_document(max_entries=16)
def get_view_keywords(dataset_key: str, _table: pd.DataFrame | None) -> pd.DataFrame:
    """The keywords of the indicators in view (dataset ids `dataset_key`): the bundled ones, plus an
    uploaded indicator's own names (targets.keywords_for_table)."""
    from policylens.indicators.targets import keywords_for_table

    bundled = get_indicator_keywords()
    return bundled if _table is None else keywords_for_table(_table, bundled)


@per_document(max_entries=64)
def get_linked_indicators(
    terms: tuple[str, ...], dataset_key: str = "bundled", _table: pd.DataFrame | None = None
) -> list[str]:
    """Indicator ids whose keywords meet the terms (targets.find_linked_indicators)."""
    from policylens.indicators.targets import find_linked_indicators

    return find_linked_indicators(terms, get_view_keywords(dataset_key, _table))


@per_document(max_entries=64)
def get_indicator_text_links(
    document_key: str,
    indicator_id: str,
    language: str,
    window: int,
    _paragraphs: tuple[str, ...],
    dataset_key: str = "bundled",
    _table: pd.DataFrame | None = None,
) -> tuple[list[int], pd.DataFrame]:
    """The paragraphs that speak about the indicator (targets.find_linked_paragraphs) and the KWIC
    lines of its keywords in them (kwic.KWIC_COLUMNS); `dataset_key` names the datasets in view."""
    from policylens.indicators.targets import find_linked_paragraphs, fold_text, keyword_patterns
    from policylens.text.kwic import find_patterns_in_context

    keywords = get_view_keywords(dataset_key, _table)
    paragraphs = find_linked_paragraphs(_paragraphs, indicator_id, keywords, language)
    patterns = keyword_patterns(indicator_id, keywords, language)
    return paragraphs, find_patterns_in_context(_paragraphs, patterns, window, language=language, fold=fold_text)


@per_document(max_entries=16)
def get_targets(
    document_key: str, _paragraphs: tuple[str, ...], language: str, date: datetime.date | None = None
) -> pd.DataFrame:
    """The document's numeric targets (targets.extract_targets), years judged against its `date`."""
    from policylens.indicators.targets import extract_targets

    return extract_targets(_paragraphs, language if language in ("zh", "en") else "en", document_date=date)


@per_document(max_entries=32)
def get_target_matches(
    document_key: str, dataset_key: str, _targets: pd.DataFrame, _data: pd.DataFrame
) -> pd.DataFrame:
    """Targets paired with the indicators of the dataset they name (targets.match_targets_to_indicators),
    with TARGET_ROW: the target's row in the targets table."""
    from policylens.indicators.targets import SENTENCE, START, match_targets_to_indicators

    numbered = _targets.reset_index(drop=True)
    matches = match_targets_to_indicators(numbered, get_full_catalogue(dataset_key, _data), get_indicator_keywords())
    identity = [schema.PARAGRAPH, START, SENTENCE]
    order = {tuple(r): i for i, r in enumerate(numbered[identity].itertuples(index=False))}
    return matches.assign(**{TARGET_ROW: [order[tuple(r)] for r in matches[identity].itertuples(index=False)]})


@per_document(max_entries=32)
def get_target_figure(
    dataset_key: str,
    document_key: str,
    target: int,
    indicator_id: str,
    city: str,
    lang: str,
    document_name: str,
    _data: pd.DataFrame,
    _targets: pd.DataFrame,
) -> tuple[dict, bool]:
    """A target against one city's series, as plotly JSON, and whether the target could be drawn."""
    from policylens.figures.indicator_views import build_target_figure

    rows = _data[(_data[schema.INDICATOR_ID] == indicator_id) & (_data[schema.CITY] == city)]
    figure, drawn = build_target_figure(rows, _targets.iloc[target].to_dict(), document_name, lang)
    return figure.to_plotly_json(), drawn
