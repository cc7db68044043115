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


def render_codebook_editor(ctx: PageContext) -> Codebook | None:
    """Editable settings, pillar, term and pattern tables; returns the edited codebook, or None when invalid."""
    lang = ctx.lang
    pillars, terms = build_codebook_tables(ctx.codebook)
    settings = classification_settings(ctx.codebook)
    shipped = load_model()
    if shipped is not None:
        use_model = st.toggle(
            t("codebook.use_model", lang, n=shipped.trained_on),
            value=codebook_model(ctx.codebook) is not None,
            key=state.CODEBOOK_USE_MODEL,
        )
        settings["model"] = (ctx.codebook.model or DEFAULT_MODEL) if use_model else ""
    else:
        st.caption(t("codebook.no_model", lang))
    cols = st.columns(2)
    settings["rule_weight"] = cols[0].number_input(
        t("codebook.rule_weight", lang),
        0.0,
        10.0,
        ctx.codebook.rule_weight,
        0.05,
        help=t("codebook.rule_weight_help", lang),
        key=state.CODEBOOK_RULE_WEIGHT,
    )
    settings["secondary_min"] = cols[1].number_input(
        t("codebook.secondary_min", lang), 0.0, 1.0, ctx.codebook.secondary_min, 0.05, key=state.CODEBOOK_SECONDARY_MIN
    )
    min_score = cols[0].number_input(
        t("codebook.min_score", lang), 0.0, 100.0, ctx.codebook.min_score, 0.5, key=state.CODEBOOK_MIN_SCORE
    )
    min_margin = cols[1].number_input(
        t("codebook.min_margin", lang), 0.0, 100.0, ctx.codebook.min_margin, 0.5, key=state.CODEBOOK_MIN_MARGIN
    )
    st.markdown(f"**{t('codebook.pillars', lang)}**")
    pillars = st.data_editor(
        pillars,
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        key=state.CODEBOOK_PILLARS_EDITOR,
        column_config={c: t(PILLAR_COLUMN_LABELS[c], lang) for c in pillars.columns},
    )
    st.markdown(f"**{t('codebook.terms', lang)}**")
    st.caption(t("codebook.terms_help", lang))
    terms = st.data_editor(
        terms,
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        key=state.CODEBOOK_TERMS_EDITOR,
        column_config={
            schema.PILLAR: st.column_config.SelectboxColumn(
                t("column.pillar", lang), options=list(pillars["id"].dropna())
            ),
            "language": st.column_config.SelectboxColumn(t("codebook.language", lang), options=["en", "zh"]),
            schema.TERM: t("column.term", lang),
            "weight": st.column_config.NumberColumn(t("codebook.weight", lang), step=0.5),
        },
    )
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
            PATTERN: st.column_config.TextColumn(t("codebook.pattern", lang), width="medium"),
            schema.PILLAR: st.column_config.SelectboxColumn(
                t("column.pillar", lang), options=[*pillars["id"].dropna(), NONE]
            ),
            "weight": st.column_config.NumberColumn(t("codebook.weight", lang), step=0.5),
            "note": t("codebook.note", lang),
            "note_zh": t("codebook.note_zh", lang),
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
        st.error(t_md("codebook.invalid", lang, reason=str(exc)))
        return None


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
