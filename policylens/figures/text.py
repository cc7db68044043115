"""Plotly figure builders for the text views; all share figure_style's template and pillar colours.

Builders take tidy tables and return go.Figure objects with title, axis labels and source line
inside the figure, so exports carry them. Selection-friendly trace types only (bar, scatter).
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from policylens import schema
from policylens.figures.style import SOURCE_MARGIN, apply_style
from policylens.i18n import t
from policylens.markup import escape_plotly
from policylens.text.pillars import NONE, Codebook

GENERAL_COLOR = "#9e9e9e"
UNSELECTED_OPACITY = 0.3  # a bar outside the pillar filter: still there to click, clearly not in view


def pillar_label(codebook: Codebook, pillar_id: str | None, lang: str) -> str:
    """Display label of a pillar id; None (or "none", the classifier's class for it) is the general bucket."""
    known = isinstance(pillar_id, str) and pillar_id != NONE
    return codebook.get(pillar_id).label(lang) if known else t("pillar.general", lang)


def fade(color: str, alpha: float) -> str:
    """A "#rrggbb" colour at opacity `alpha`, as rgba (the colour itself when alpha is 1)."""
    if alpha >= 1.0:
        return color
    red, green, blue = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red}, {green}, {blue}, {alpha})"


def pillar_color(codebook: Codebook, pillar_id: str | None) -> str:
    return codebook.get(pillar_id).color if isinstance(pillar_id, str) and pillar_id != NONE else GENERAL_COLOR


def build_pillar_share_figure(
    summary: pd.DataFrame, codebook: Codebook, lang: str, source: str, selected: tuple[str, ...] = ()
) -> go.Figure:
    """Horizontal bars: share of the document's characters per pillar (general last).

    `summary` is analysis.summarise_pillars output. customdata holds the pillar id (or ""). With a
    filter (`selected` pillars), every bar stays and the others are faded (UNSELECTED_OPACITY).
    """
    rows = summary.to_dict("records")
    # the fade is in the colour: plotly.js fails on a selection click when marker.opacity is an array
    faded = [bool(selected) and r[schema.PILLAR] not in selected for r in rows]
    colors = [
        fade(pillar_color(codebook, r[schema.PILLAR]), UNSELECTED_OPACITY if f else 1.0) for r, f in zip(rows, faded)
    ]
    labels = [escape_plotly(pillar_label(codebook, r[schema.PILLAR], lang)) for r in rows]
    fig = go.Figure(
        go.Bar(
            x=[100 * r["char_share"] for r in rows],
            y=labels,
            orientation="h",
            marker_color=colors,
            customdata=[r[schema.PILLAR] if isinstance(r[schema.PILLAR], str) else "" for r in rows],
            text=[f"{100 * r['char_share']:.0f}%" for r in rows],
            textposition="outside",
            cliponaxis=False,
            hovertext=[
                t(
                    "figure.pillar_share.hover",
                    lang,
                    pillar=label,
                    paragraphs=r[schema.PARAGRAPHS],
                    share=r["char_share"],
                )
                for label, r in zip(labels, rows)
            ],
            hoverinfo="text",
        )
    )
    fig.update_yaxes(autorange="reversed", title_text=None)
    fig.update_xaxes(title_text=t("figure.pillar_share.x", lang), range=[0, 105])
    fig.update_layout(height=300, showlegend=False)
    return apply_style(fig, t("figure.pillar_share.title", lang), source)


def build_term_bar_figure(
    terms: pd.DataFrame,
    term_pillars: dict[str, str | None],
    codebook: Codebook,
    lang: str,
    title: str,
    source: str,
    height: int | None = None,
    highlight: str | None = None,
    value: str = schema.COUNT,
    value_title: str | None = None,
    pillar: str | None = None,
) -> go.Figure:
    """Ranked horizontal bars of terms, the first on top.

    `terms` has columns term and `value` (count by default, or a key-term score; already sorted
    and cut). With `pillar` (the bars are that pillar's top terms) every bar takes its colour;
    otherwise each bar takes its own term's pillar (`term_pillars`), and a legend line under the
    title names the colours shown. customdata holds the term. When `highlight` (the selected term)
    is among the bars, the other bars are drawn paler. `value_title` names the x axis (default:
    the count's).
    """
    own = [pillar if pillar is not None else term_pillars.get(term) for term in terms[schema.TERM]]
    colors = [pillar_color(codebook, p) for p in own]
    shown = set(terms[schema.TERM])
    opacity = [1.0 if highlight not in shown or term == highlight else 0.35 for term in terms[schema.TERM]]
    fig = go.Figure(
        go.Bar(
            x=terms[value],
            y=[escape_plotly(term) for term in terms[schema.TERM]],
            orientation="h",
            marker=dict(color=colors, opacity=opacity),
            customdata=terms[schema.TERM],
            hovertemplate="%{y}: %{x}<extra></extra>" if value == schema.COUNT else "%{y}: %{x:.1f}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed", title_text=None, tickfont=dict(size=12), dtick=1)
    fig.update_xaxes(title_text=value_title or t("figure.count", lang), rangemode="tozero")
    top = 60  # the template's: room for the title
    if pillar is None and len(terms):
        # one entry per pillar among the bars, in codebook order, general last
        present = dict.fromkeys(p if isinstance(p, str) and p in codebook.ids else None for p in own)
        order = [p.id for p in codebook.pillars if p.id in present] + ([None] if None in present else [])
        swatches = "   ".join(
            f'<span style="color:{pillar_color(codebook, p)}">■</span> {escape_plotly(pillar_label(codebook, p, lang))}'
            for p in order
        )
        fig.add_annotation(
            text=f"{escape_plotly(t('figure.term_bar.legend', lang))} {swatches}",
            xref="paper",
            yref="paper",
            x=0,
            y=1,
            xanchor="left",
            yanchor="bottom",
            yshift=6,
            showarrow=False,
            align="left",
            font=dict(size=12),
        )
        top = 84
    # rows of 22 px, plus the title above and the axis and source line below (SOURCE_MARGIN)
    fig.update_layout(
        height=height or top + 20 + 22 * len(terms) + SOURCE_MARGIN,
        showlegend=False,
        bargap=0.25,
        margin=dict(t=top),
    )
    return apply_style(fig, title, source)


def build_paragraph_map_figure(
    scores: pd.DataFrame, assignment: pd.DataFrame, codebook: Codebook, lang: str, source: str
) -> go.Figure:
    """Paragraph x pillar strip: one square per (paragraph, pillar), opacity by score.

    The assigned pillar of each paragraph gets a full-colour, outlined square; customdata holds
    (paragraph, pillar id) so a click can point back to the text.
    """
    assigned = assignment.set_index(schema.PARAGRAPH)[schema.PILLAR].to_dict()
    top = max(float(scores[schema.SCORE].max()), 1.0)
    fig = go.Figure()
    present = set(scores[schema.PILLAR])
    for pillar in reversed([p for p in codebook.pillars if p.id in present]):
        part = scores[scores[schema.PILLAR] == pillar.id]
        label = escape_plotly(pillar.label(lang))
        is_assigned = [assigned.get(p) == pillar.id for p in part[schema.PARAGRAPH]]
        fig.add_trace(
            go.Scatter(
                x=part[schema.PARAGRAPH],
                y=[label] * len(part),
                mode="markers",
                name=label,
                marker=dict(
                    symbol="square",
                    size=18,
                    color=pillar.color,
                    opacity=[0.15 + 0.85 * min(s / top, 1.0) if s > 0 else 0.06 for s in part[schema.SCORE]],
                    line=dict(width=[2.5 if a else 0 for a in is_assigned], color="#262730"),
                ),
                customdata=list(zip(part[schema.PARAGRAPH], [pillar.id] * len(part))),
                hovertext=[
                    t(
                        "figure.paragraph_map.hover",
                        lang,
                        paragraph=p,
                        pillar=label,
                        score=s,
                        assigned=t("figure.paragraph_map.assigned", lang) if a else "",
                    )
                    for p, s, a in zip(part[schema.PARAGRAPH], part[schema.SCORE], is_assigned)
                ],
                hoverinfo="text",
            )
        )
    n = int(scores[schema.PARAGRAPH].max()) if len(scores) else 0
    fig.update_xaxes(title_text=t("figure.paragraph", lang), range=[0.3, n + 0.7], dtick=1 if n <= 40 else None)
    fig.update_yaxes(title_text=None, gridcolor="#f4f4f4")
    fig.update_layout(height=260, showlegend=False)
    return apply_style(fig, t("figure.paragraph_map.title", lang), source)
