"""Term statistics: counts, relative frequency, paragraphs and keyness per pillar; CSV download."""

import streamlit as st

from policylens import schema
from policylens.figures.analysis import build_keyness_figure
from policylens.i18n import t
from policylens.markup import escape_markdown
from policylens.text.keyness import PER_10K, TOP_PILLAR, keyness_column
from policylens.text.terms import drop_figures
from policylens.ui import cache, state
from policylens.ui.context import get_context
from policylens.ui.widgets import elements as widgets
from policylens.ui.widgets import exports

ctx = get_context()
lang, codebook = ctx.lang, ctx.codebook
st.title(t("statistics.title", lang))
st.caption(t("statistics.intro", lang))

# figures (3.3万亿元, 2023年) are listed on the Terms page, not ranked as terms
stats = drop_figures(cache.get_term_statistics(ctx.document.key, ctx.settings_key, ctx.analysis, codebook.ids))
shown = stats if not ctx.pillars else stats[stats[TOP_PILLAR].isin(ctx.pillars)]
columns = {
    schema.TERM: t("column.term", lang),
    schema.COUNT: t("column.count", lang),
    PER_10K: t("statistics.per_10k", lang),
    schema.PARAGRAPHS: t("column.paragraphs", lang),
    TOP_PILLAR: t("statistics.top_pillar", lang),
    **{keyness_column(p.id): t("statistics.keyness", lang, pillar=p.label(lang)) for p in codebook.pillars},
}
labels = {p.id: p.label(lang) for p in codebook.pillars}
table = shown.assign(**{TOP_PILLAR: [labels.get(p, "") if isinstance(p, str) else "" for p in shown[TOP_PILLAR]]})
numbers = {PER_10K, *(keyness_column(p.id) for p in codebook.pillars)}
st.dataframe(
    table,
    column_config={
        k: st.column_config.NumberColumn(v, format="%.2f") if k in numbers else st.column_config.Column(v)
        for k, v in columns.items()
    },
    hide_index=True,
    width="stretch",
    height=420,
)
exports.render_table_exports(shown, "term-statistics", lang)

pillars = [p for p in codebook.pillars if not ctx.pillars or p.id in ctx.pillars]
pillar_id = st.segmented_control(
    t("statistics.keyness_for", lang),
    [p.id for p in pillars],
    format_func=lambda p: escape_markdown(codebook.get(p).label(lang)),  # option labels are Markdown
    default=pillars[0].id,
    key=state.STATISTICS_KEYNESS_PILLAR,
    required=True,
)
pillar = codebook.get(pillar_id)
fig = build_keyness_figure(stats, pillar.id, 12, pillar.color, lang, ctx.source_line, pillar_label=pillar.label(lang))
widgets.render_chart(fig, key=state.STATISTICS_KEYNESS, on_click="term")
st.caption(t("selection.term_hint", lang))
