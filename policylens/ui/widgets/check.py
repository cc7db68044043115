"""render_* helpers of the Check page: confirm or correct each paragraph's pillar, agreement with the
classifier (kappa, confusion), the effect of learning from confirmed paragraphs, and labels as TSV."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from policylens import schema
from policylens.documents.loader import MAX_BYTES
from policylens.export.files import neutralise_cell
from policylens.figures.text import pillar_label
from policylens.i18n import t
from policylens.markup import t_md
from policylens.text.analysis import Analysis, analyzer_for
from policylens.text.evaluation import (
    SKIP,
    Confirmed,
    LabelledSetError,
    agreement,
    evaluate,
    labels_to_tsv,
    match_rows,
    read_labelled_tsv,
)
from policylens.text.pillars import NONE
from policylens.ui import cache, check, state
from policylens.ui.context import PageContext
from policylens.ui.downloads import render_download
from policylens.ui.widgets import elements
from policylens.ui.widgets.exports import file_stem

PAGE_SIZE = 10
MAX_LISTED = 20  # paragraphs named in the learning-effect message; the rest are counted
MAX_EVALUATED_ROWS = 3000  # an uploaded labelled set is evaluated whole only up to this size (CPU)
ORDERS = {"position": "check.order.position", "confidence": "check.order.confidence"}


def base_analysis(ctx: PageContext) -> Analysis:
    """The classifier without the session's examples: agreement is measured against it, so that a
    confirmed paragraph does not agree with itself."""
    return cache.get_analysis(ctx.document.key, ctx.settings_key, ctx.document, ctx.codebook, ctx.segmenter)


def _classes(ctx: PageContext) -> list[str]:
    return [*ctx.codebook.ids, NONE]


def render_agreement(ctx: PageContext, base: Analysis, labels: Confirmed) -> None:
    """Headline agreement figures, per-class precision and recall, and the confusion matrix."""
    lang = ctx.lang
    figures = agreement(labels, base.assignment, ctx.codebook.ids)
    total = len(ctx.document.paragraphs)
    cols = st.columns(4)
    cols[0].metric(t("check.confirmed", lang), f"{len(labels)} / {total}")
    if figures is None:
        st.info(t("check.none_yet", lang))
        return
    cols[1].metric(t("check.exact", lang), f"{figures['exact']:.0%}")
    cols[2].metric(t("check.kappa", lang), f"{figures['kappa']:.2f}")
    cols[3].metric(t("check.top2", lang), f"{figures['top2']:.0%}")
    st.caption(t("check.agreement_caption", lang))
    render_figures_tables(ctx, figures)


def render_figures_tables(ctx: PageContext, figures: dict) -> None:
    """Per-class precision/recall and the confusion matrix (rows: your label, columns: the classifier's)."""
    lang = ctx.lang
    classes = _classes(ctx)
    names = [pillar_label(ctx.codebook, c, lang) for c in classes]

    def share(value: float | None) -> str:  # precision of a class never predicted is undefined, not 0
        return t("check.undefined", lang) if value is None else f"{value:.0%}"

    # one under the other: side by side, a 1024 px window cut their last columns
    st.dataframe(
        pd.DataFrame(
            {
                t("column.pillar", lang): names,
                t("check.precision", lang): [share(figures["per_pillar"][c]["precision"]) for c in classes],
                t("check.recall", lang): [share(figures["per_pillar"][c]["recall"]) for c in classes],
                t("check.support", lang): [figures["per_pillar"][c]["support"] for c in classes],
            }
        ),
        hide_index=True,
    )
    matrix = pd.DataFrame(
        [[figures["confusion"][g][p] for p in classes] for g in classes],
        index=pd.Index(names, name=t("check.gold", lang)),
        columns=names,
    )
    st.caption(t("check.confusion", lang))
    st.dataframe(matrix)


def render_learning(ctx: PageContext, base: Analysis, labels: Confirmed) -> None:
    """The learn-from-examples switch and its effect on the paragraphs not yet confirmed."""
    lang = ctx.lang
    st.toggle(
        t("check.learn", lang),
        value=check.learning(),
        key=state.CHECK_LEARN_TOGGLE,
        on_change=_store_learning,
        help=t("check.learn_help", lang),
    )
    examples = check.session_examples(ctx.codebook.classes)
    if not examples:
        return
    before = base.assignment.set_index(schema.PARAGRAPH)[schema.PILLAR]
    after = ctx.analysis.assignment.set_index(schema.PARAGRAPH)[schema.PILLAR]
    changed = [
        t(
            "check.change",
            lang,
            paragraph=p,
            before=pillar_label(ctx.codebook, before[p], lang),
            after=pillar_label(ctx.codebook, after[p], lang),
        )
        for p in before.index
        if p not in labels
        and (before[p] if isinstance(before[p], str) else None) != (after[p] if isinstance(after[p], str) else None)
    ]
    if changed:
        more = t("check.and_more", lang, n=len(changed) - MAX_LISTED) if len(changed) > MAX_LISTED else ""
        listed = "; ".join(changed[:MAX_LISTED]) + more
        st.success(t_md("check.effect", lang, n=len(examples), changed=len(changed), paragraphs=listed))
    else:
        st.caption(t_md("check.no_effect", lang, n=len(examples)))


def _store_learning() -> None:
    st.session_state[state.CHECK_LEARN] = bool(st.session_state[state.CHECK_LEARN_TOGGLE])


def _label_key(ctx: PageContext, paragraph: int) -> str:
    return f"{state.CHECK_LABEL_PREFIX}{ctx.document.key}.{paragraph}"


def _store_label(ctx: PageContext, paragraph: int, secondary: str | None) -> None:
    check.set_labels(ctx.document, {paragraph: (st.session_state.get(_label_key(ctx, paragraph)), secondary)})
    st.session_state.pop(state.CHECK_IMPORT_RESULT, None)  # the last import's message is old news now


def _forget_controls(ctx: PageContext) -> None:
    """Drop the label controls' own state, so they show the labels again (after an import or a clear)."""
    for paragraph in range(1, len(ctx.document.paragraphs) + 1):
        st.session_state.pop(_label_key(ctx, paragraph), None)


def _clear(ctx: PageContext) -> None:
    check.clear_labels(ctx.document)
    _forget_controls(ctx)


def render_paragraphs_to_check(ctx: PageContext, base: Analysis, labels: Confirmed) -> None:
    """The paragraphs, a page at a time, each with the classifier's own pillar (without your examples)
    and a control to confirm or correct it."""
    lang = ctx.lang
    assignment = base.assignment
    cols = st.columns([2, 2, 1])
    order = cols[0].selectbox(
        t("check.order", lang), list(ORDERS), format_func=lambda o: t(ORDERS[o], lang), key=state.CHECK_ORDER
    )
    unconfirmed = cols[1].toggle(t("check.unconfirmed_only", lang), key=state.CHECK_UNCONFIRMED_ONLY)
    rows = assignment.sort_values(
        [schema.CONFIDENCE, schema.PARAGRAPH] if order == "confidence" else [schema.PARAGRAPH], kind="stable"
    )
    paragraphs = [int(p) for p in rows[schema.PARAGRAPH] if not (unconfirmed and int(p) in labels)]
    if not paragraphs:
        st.info(t("check.all_confirmed", lang))
        return
    pages = max(1, -(-len(paragraphs) // PAGE_SIZE))
    page = cols[2].number_input(t("check.page", lang, pages=pages), 1, pages, 1, key=state.CHECK_PAGE)
    shown = paragraphs[(int(page) - 1) * PAGE_SIZE : int(page) * PAGE_SIZE]
    classes = _classes(ctx)
    for paragraph in shown:
        elements.render_paragraph(base, ctx.segmenter, ctx.codebook, paragraph, lang)
        key = _label_key(ctx, paragraph)
        current = labels.get(paragraph)
        if key not in st.session_state and current is not None:
            st.session_state[key] = current[0]
        st.segmented_control(
            t("check.your_label", lang, paragraph=paragraph),
            classes,
            format_func=lambda c: pillar_label(ctx.codebook, c, lang),
            key=key,
            on_change=_store_label,
            args=(ctx, paragraph, current[1] if current else None),
        )


def render_label_files(ctx: PageContext, base: Analysis, labels: Confirmed) -> None:
    """Labels out as TSV (the development set's format) and in from one; an uploaded set that holds
    other documents is evaluated whole."""
    lang = ctx.lang
    document = ctx.document
    cols = st.columns(2)
    with cols[0]:
        render_download(
            t("check.download", lang),
            lambda: labels_to_tsv(document, labels, base.assignment, cell=neutralise_cell).encode("utf-8"),
            f"{file_stem('labels')}.tsv",
            "text/tab-separated-values",
            key=state.CHECK_DOWNLOAD,
            document_key=document.key,
            disabled=not labels,
        )
        st.button(t("check.clear", lang), key=state.CHECK_CLEAR, on_click=_clear, args=(ctx,), disabled=not labels)
    with cols[1]:
        # no `type=` (see ui/sidebar.py): anything that is not a labelled TSV gets its own message
        upload = st.file_uploader(t("check.upload", lang), key=state.CHECK_UPLOAD)
        if upload is not None and st.button(t("check.import", lang), key=state.CHECK_IMPORT):
            st.session_state[state.CHECK_IMPORT_RESULT] = _import(ctx, upload.getvalue())
            st.rerun()  # the labels and the figures above them are drawn again with the import
        _render_import_result(ctx, st.session_state.get(state.CHECK_IMPORT_RESULT))


def _import(ctx: PageContext, data: bytes) -> dict:
    """Read an uploaded labelled TSV: labels of this document's paragraphs are stored; a file that
    also holds other paragraphs is evaluated whole. Returns what to show (kept across the rerun)."""
    if len(data) > MAX_BYTES:
        return {"error": ("check.too_large", {"mb": MAX_BYTES // 2**20})}
    try:
        rows = read_labelled_tsv(data.decode("utf-8-sig"), ctx.codebook.ids)
    except UnicodeDecodeError:
        return {"error": ("check.not_utf8", {})}
    except LabelledSetError as exc:
        return {"error": ("check.bad_file", {"reason": str(exc)})}
    matched, unmatched = match_rows(rows, ctx.document)
    if matched:
        check.set_labels(ctx.document, matched)
        _forget_controls(ctx)
    result: dict = {"document": ctx.document.key, "matched": len(matched), "unmatched": unmatched}
    scored = [r for r in rows if r.primary != SKIP]
    if unmatched and len(scored) > MAX_EVALUATED_ROWS:
        result["too_many"] = len(scored)
    elif unmatched:
        with st.spinner(t("check.evaluating", ctx.lang, n=len(scored))):
            analyze = analyzer_for(ctx.codebook, segmenter=ctx.segmenter)
            result["figures"], _ = evaluate(rows, analyze, ctx.codebook.ids)
    return result


def _render_import_result(ctx: PageContext, result: dict | None) -> None:
    lang = ctx.lang
    if not result:
        return
    if "error" in result:
        key, values = result["error"]
        st.error(t_md(key, lang, **values))
        return
    if result.get("document") != ctx.document.key:
        return  # an import into another document of the session
    st.success(t("check.imported", lang, n=result["matched"], unmatched=result["unmatched"]))
    if "too_many" in result:
        st.info(t("check.too_many_to_evaluate", lang, n=result["too_many"], limit=MAX_EVALUATED_ROWS))
    if "figures" in result:
        figures = result["figures"]
        st.markdown(t_md("check.file_figures", lang, n=figures["n"], exact=figures["exact"], kappa=figures["kappa"]))
        render_figures_tables(ctx, figures)
