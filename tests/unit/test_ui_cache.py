"""ui.cache's process-wide caches: what every rerun asks for is built once and handed out read-only."""

from __future__ import annotations

import dataclasses
import json

import plotly.graph_objects as go
import plotly.io as pio
import plotly.tools

from policylens.text.segment import SegmenterConfig
from policylens.ui import cache


def bar(values: list[int], title: str = "t") -> dict:
    return go.Figure(go.Bar(x=list("abc")[: len(values)], y=values), layout={"title": {"text": title}}).to_plotly_json()


def test_a_figure_dict_becomes_one_shared_figure_that_draws_what_streamlit_would_draw():
    spec = bar([1, 2, 3])
    drawn = cache.drawable_figure(spec)
    assert isinstance(drawn, go.Figure)
    assert cache.drawable_figure(bar([1, 2, 3])) is drawn  # an equal dict from another session or rerun
    assert cache.drawable_figure(bar([1, 2, 4])) is not drawn
    # what st.plotly_chart sends for it equals what it sent for the dict (validated each time)
    validated = plotly.tools.return_figure_from_figure_or_data(spec, validate_figure=True)
    ours = plotly.tools.return_figure_from_figure_or_data(drawn, validate_figure=True)
    assert json.loads(pio.to_json(ours, validate=False)) == json.loads(pio.to_json(validated, validate=False))
    figure = go.Figure()
    assert cache.drawable_figure(figure) is figure  # a Figure is used as it is


def test_a_figure_past_the_size_bound_is_not_kept():
    big = bar([1], title="x" * cache.DRAWN_FIGURE_MAX_JSON)
    assert cache.drawable_figure(big) is big


def test_segmenters_are_shared_per_config_and_bounded():
    cache.get_segmenter.cache_clear()
    base = SegmenterConfig()
    assert cache.get_segmenter(SegmenterConfig()) is cache.get_segmenter(base)
    for n in range(cache.SEGMENTERS + 2):  # a session's dictionary edits, one config each
        cache.get_segmenter(dataclasses.replace(base, user_words_zh=(f"词{n}",)))
    assert cache.get_segmenter.cache_info().currsize == cache.SEGMENTERS


def test_the_seed_is_one_object():
    assert cache.get_seed_document() is cache.get_seed_document()
