"""render_* helpers of the Codebook page: table editors, live preview, TOML download and upload."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from policylens import schema
from policylens.figures.text import pillar_label
from policylens.i18n import t
from policylens.markup import t_md
from policylens.text.analysis import analyze_document, summarise_pillars
from policylens.text.classify import codebook_model
from policylens.text.codebook_io import (
    PATTERN,
    build_codebook_from_tables,
    build_codebook_tables,
    build_pattern_table,
    classification_settings,
    format_codebook,
)
from policylens.text.model import load_model
from policylens.text.pillars import DEFAULT_MODEL, NONE, Codebook, CodebookError, parse_codebook
from policylens.ui import check, state
from policylens.ui.context import PageContext
from policylens.ui.downloads import render_download
from policylens.ui.settings import get_segmenter

PILLAR_COLUMN_LABELS = {  # the headers of codebook_io.PILLAR_COLUMNS
    "id": "codebook.column.id",
    "label_en": "codebook.column.label_en",
    "label_zh": "codebook.column.label_zh",
    "color": "codebook.column.color",
    "description_en": "codebook.column.description_en",
    "description_zh": "codebook.column.description_zh",
}


# Column widths (px) that keep every column in view down to a 1024 px window with the sidebar open:
# the terms editor in 5/7 of a 564 px main column (about 390 px), the other tables across all of it.
# A width Streamlit is given is a minimum: space left over is shared out among the columns.
TERM_WIDTHS = {schema.PILLAR: 68, "language": 84, "weight": 70, schema.TERM: 120}
PILLAR_WIDTHS = {"id": 60, "label_en": 80, "label_zh": 60, "color": 76, "description_en": 120, "description_zh": 120}
PATTERN_WIDTHS = {schema.PILLAR: 72, "weight": 72, PATTERN: 150, "note": 100, "note_zh": 100}


def render_codebook_editor(ctx: PageContext, settings_box, terms_box, tables_box) -> Codebook | None:
    """Editable settings (in `settings_box`), the term table (in `terms_box`, beside the preview),
    and the pillar and pattern tables with the ignore list (in `tables_box`, across the page).
    Returns the edited codebook, or None when invalid."""
    lang = ctx.lang
    pillars, terms = build_codebook_tables(ctx.codebook)
    settings = classification_settings(ctx.codebook)
    with settings_box:
        model, numbers = _render_settings(ctx)
    if model is not None:  # None: no shipped model, so no toggle; the codebook's setting stays
        settings["model"] = model
    settings["rule_weight"], settings["secondary_min"] = numbers[0], numbers[1]
    min_score, min_margin = numbers[2], numbers[3]
    with tables_box:  # drawn before the terms: their pillar column offers the ids edited here
        st.markdown(f"**{t('codebook.pillars', lang)}**")
        pillars = st.data_editor(
            pillars,
            num_rows="dynamic",
            hide_index=True,
            width="stretch",
            key=state.CODEBOOK_PILLARS_EDITOR,
            column_config={
                c: st.column_config.Column(t(PILLAR_COLUMN_LABELS[c], lang), width=PILLAR_WIDTHS[c])
                for c in pillars.columns
            },
        )
    with terms_box:
        st.markdown(f"**{t('codebook.terms', lang)}**")
        st.caption(t("codebook.terms_help", lang))
        terms = st.data_editor(
            terms,
            num_rows="dynamic",
            hide_index=True,
            width="stretch",
            key=state.CODEBOOK_TERMS_EDITOR,
            # the weight before the term: a long term can never push it out of sight
            column_order=[schema.PILLAR, "language", "weight", schema.TERM],
            column_config={
                schema.PILLAR: st.column_config.SelectboxColumn(
                    t("column.pillar", lang), options=list(pillars["id"].dropna()), width=TERM_WIDTHS[schema.PILLAR]
                ),
                "language": st.column_config.SelectboxColumn(
                    t("codebook.language", lang), options=["en", "zh"], width=TERM_WIDTHS["language"]
                ),
                schema.TERM: st.column_config.TextColumn(t("column.term", lang), width=TERM_WIDTHS[schema.TERM]),
                "weight": st.column_config.NumberColumn(
                    t("codebook.weight", lang), step=0.5, width=TERM_WIDTHS["weight"]
                ),
            },
        )
    with tables_box:
        st.markdown(f"**{t('codebook.patterns', lang)}**")
        st.caption(t("codebook.patterns_help", lang))
        patterns = st.data_editor(
            build_pattern_table(ctx.codebook),
            num_rows="dynamic",
            hide_index=True,
            width="stretch",
            key=state.CODEBOOK_PATTERNS_EDITOR,
            # pillar and weight first: at 1024 px a long pattern pushed them out of sight
            column_order=[schema.PILLAR, "weight", PATTERN, "note", "note_zh"],
            column_config={
                PATTERN: st.column_config.TextColumn(t("codebook.pattern", lang), width=PATTERN_WIDTHS[PATTERN]),
                schema.PILLAR: st.column_config.SelectboxColumn(
                    t("column.pillar", lang),
                    options=[*pillars["id"].dropna(), NONE],
                    width=PATTERN_WIDTHS[schema.PILLAR],
                ),
                "weight": st.column_config.NumberColumn(
                    t("codebook.weight", lang), step=0.5, width=PATTERN_WIDTHS["weight"]
                ),
                "note": st.column_config.TextColumn(t("codebook.note", lang), width=PATTERN_WIDTHS["note"]),
                "note_zh": st.column_config.TextColumn(t("codebook.note_zh", lang), width=PATTERN_WIDTHS["note_zh"]),
            },
        )
        ignore = st.text_area(
            t("codebook.ignore", lang),
            "\n".join(ctx.codebook.ignore),
            help=t("codebook.ignore_help", lang),
            key=state.CODEBOOK_IGNORE,
        )
    settings["ignore"] = [line.strip() for line in ignore.splitlines() if line.strip()]
    try:
        return build_codebook_from_tables(pillars, terms, min_score, min_margin, patterns=patterns, settings=settings)
    except CodebookError as exc:
        with terms_box:
            st.error(t_md("codebook.invalid", lang, reason=str(exc)))
        return None


def _render_settings(ctx: PageContext) -> tuple[str | None, tuple[float, float, float, float]]:
    """The model toggle and the four numbers in one row: (model name, "" for none, or None without a
    shipped model; (rule weight, secondary minimum, minimum score, minimum margin))."""
    lang, codebook = ctx.lang, ctx.codebook
    shipped = load_model()
    model = None
    if shipped is not None:
        use_model = st.toggle(
            t("codebook.use_model", lang, n=shipped.trained_on),
            value=codebook_model(codebook) is not None,
            key=state.CODEBOOK_USE_MODEL,
        )
        model = (codebook.model or DEFAULT_MODEL) if use_model else ""
    else:
        st.caption(t("codebook.no_model", lang))
    cols = st.columns(4)
    rule_weight = cols[0].number_input(
        t("codebook.rule_weight", lang),
        0.0,
        10.0,
        codebook.rule_weight,
        0.05,
        help=t("codebook.rule_weight_help", lang),
        key=state.CODEBOOK_RULE_WEIGHT,
    )
    secondary_min = cols[1].number_input(
        t("codebook.secondary_min", lang), 0.0, 1.0, codebook.secondary_min, 0.05, key=state.CODEBOOK_SECONDARY_MIN
    )
    min_score = cols[2].number_input(
        t("codebook.min_score", lang), 0.0, 100.0, codebook.min_score, 0.5, key=state.CODEBOOK_MIN_SCORE
    )
    min_margin = cols[3].number_input(
        t("codebook.min_margin", lang), 0.0, 100.0, codebook.min_margin, 0.5, key=state.CODEBOOK_MIN_MARGIN
    )
    return model, (rule_weight, secondary_min, min_score, min_margin)


def render_preview(ctx: PageContext, edited: Codebook) -> None:
    """The classification under the edited codebook, next to the current one."""
    lang = ctx.lang
    # with the session's confirmed examples, as ctx.analysis has them: only the edit may differ
    preview = analyze_document(ctx.document, edited, get_segmenter(edited), check.session_examples(edited.classes))
    before = ctx.analysis.assignment.set_index(schema.PARAGRAPH)[schema.PILLAR]
    after = preview.assignment.set_index(schema.PARAGRAPH)[schema.PILLAR]
    changed = [p for p in before.index if before[p] != after[p] and not (pd.isna(before[p]) and pd.isna(after[p]))]
    shares = summarise_pillars(preview, edited)
    st.dataframe(
        pd.DataFrame(
            {
                t("column.pillar", lang): [pillar_label(edited, p, lang) for p in shares[schema.PILLAR]],
                t("column.paragraphs", lang): shares[schema.PARAGRAPHS],
            }
        ),
        hide_index=True,
        width="stretch",
        # two columns in the preview's 2/7 of the page (150 px at 1024), shared out when wider
        column_config={
            t("column.pillar", lang): st.column_config.Column(width=70),
            t("column.paragraphs", lang): st.column_config.NumberColumn(width=70),
        },
    )
    if changed:
        st.info(t("codebook.changed", lang, n=len(changed), paragraphs=", ".join(f"¶{p}" for p in changed)))
    else:
        st.caption(t("codebook.unchanged", lang))


EDITOR_KEYS = (
    state.CODEBOOK_PILLARS_EDITOR,
    state.CODEBOOK_TERMS_EDITOR,
    state.CODEBOOK_PATTERNS_EDITOR,
    state.CODEBOOK_MIN_SCORE,
    state.CODEBOOK_MIN_MARGIN,
    state.CODEBOOK_RULE_WEIGHT,
    state.CODEBOOK_SECONDARY_MIN,
    state.CODEBOOK_USE_MODEL,
    state.CODEBOOK_IGNORE,
)


def _clear_editors() -> None:
    """The editors hold their edits as changes to their input; a new codebook is a new input."""
    for key in EDITOR_KEYS:
        st.session_state.pop(key, None)


def apply_codebook(edited: Codebook) -> None:
    """on_click: use the edited codebook in every view of this session."""
    st.session_state[state.CUSTOM_CODEBOOK] = format_codebook(edited)
    _clear_editors()


def reset_codebook() -> None:
    """on_click: back to data/pillars.toml."""
    st.session_state[state.CUSTOM_CODEBOOK] = None
    _clear_editors()


def render_codebook_files(ctx: PageContext) -> None:
    """Download the codebook in use; upload a TOML codebook to use instead."""
    lang = ctx.lang
    codebook = ctx.codebook
    render_download(
        t("codebook.download", lang),
        lambda: format_codebook(codebook).encode("utf-8"),
        "policylens_pillars.toml",
        "application/toml",
        key=state.CODEBOOK_DOWNLOAD,
    )
    # no `type=` (see ui/sidebar.py): a file that is not TOML fails to parse and is reported
    upload = st.file_uploader(t("codebook.upload", lang), key=state.CODEBOOK_UPLOAD)
    if upload is not None and st.button(t("codebook.apply_upload", lang), key=state.CODEBOOK_APPLY_UPLOAD):
        try:
            codebook = parse_codebook(upload.getvalue().decode("utf-8-sig"))
        except (CodebookError, UnicodeDecodeError) as exc:
            st.error(t_md("codebook.invalid", lang, reason=str(exc)))
            return
        reset_codebook()
        apply_codebook(codebook)
        st.rerun()
