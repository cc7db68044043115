"""render_* helpers of the Dictionary page: segmentation check with one-click locking, the session
user dictionary, and the editable stopword lists."""

from __future__ import annotations

import streamlit as st

from policylens import schema
from policylens.documents.loader import LANGUAGE_LABELS
from policylens.i18n import t
from policylens.markup import t_md
from policylens.text.dictionary import (
    AS_TOKEN,
    IN_TEXT,
    SEGMENTED_AS,
    WHOLE,
    WordListError,
    apply_stopword_edits,
    check_segmentation,
    find_lockable,
    format_userdict,
    parse_userdict,
    parse_word_list,
)
from policylens.ui import locale, state
from policylens.ui.context import PageContext
from policylens.ui.downloads import render_download
from policylens.ui.settings import get_segmenter

MAX_LOCK_BUTTONS = 40


def lock_term(term: str, before: int) -> None:
    """on_click: add the term to the session user dictionary; remember its count for before/after."""
    words = tuple(st.session_state.get(state.CUSTOM_USER_WORDS, ()))
    if term not in words:
        st.session_state[state.CUSTOM_USER_WORDS] = (*words, term)
    st.session_state[state.DICTIONARY_LAST_LOCK] = (term, before)


def render_segmentation_check(ctx: PageContext) -> None:
    """Codebook terms and the user's list, as segmented in this document, with lock buttons."""
    lang = ctx.lang
    st.subheader(t("dictionary.check", lang))
    st.caption(t("dictionary.check_help", lang))
    own = st.text_area(
        t("dictionary.own_terms", lang),
        key=state.seed_widget(state.DICTIONARY_OWN_TERMS),
        on_change=state.store_widget,
        args=(state.DICTIONARY_OWN_TERMS,),
        height=90,
    )
    terms = [*own.split(), *ctx.codebook.all_terms("zh"), *st.session_state.get(state.CUSTOM_USER_WORDS, ())]
    table = check_segmentation(terms, ctx.document.text, ctx.segmenter)
    last = st.session_state.pop(state.DICTIONARY_LAST_LOCK, None)
    if last:
        term, before = last
        after = int(table.loc[table[schema.TERM] == term, AS_TOKEN].sum())
        st.success(t_md("dictionary.locked", lang, term=term, before=before, after=after))
    # a button only where locking changes the segmentation: no single characters, no word kept whole already
    lockable = table.set_index(schema.TERM).loc[find_lockable(table, ctx.document.text, ctx.segmenter)].reset_index()
    st.dataframe(
        table.sort_values([WHOLE, IN_TEXT], ascending=[True, False]),
        column_config={
            schema.TERM: t("column.term", lang),
            WHOLE: t("dictionary.whole", lang),
            SEGMENTED_AS: t("dictionary.segmented_as", lang),
            IN_TEXT: t("dictionary.in_text", lang),
            AS_TOKEN: t("dictionary.as_token", lang),
        },
        hide_index=True,
        width="stretch",
    )
    if lockable.empty:
        st.info(t("dictionary.all_whole", lang))
    for row in lockable.head(MAX_LOCK_BUTTONS).to_dict("records"):
        st.button(
            t_md("dictionary.lock", lang, term=row[schema.TERM], cut=row[SEGMENTED_AS], n=row[IN_TEXT]),
            key=f"{state.DICTIONARY_LOCK}.{row[schema.TERM]}",
            on_click=lock_term,
            args=(row[schema.TERM], row[AS_TOKEN]),
        )


def render_user_dictionary(lang: str) -> None:
    """The session user dictionary: list, remove, download, upload."""
    st.subheader(t("dictionary.user", lang))
    words = list(st.session_state.get(state.CUSTOM_USER_WORDS, ()))
    keep = st.multiselect(
        t("dictionary.user_words", lang),
        words,
        default=words,
        placeholder=locale.multiselect_placeholder(words, lang),
        key=f"{state.DICTIONARY_USER_WORDS}.{hash(tuple(words))}",
    )
    if keep != words:
        st.session_state[state.CUSTOM_USER_WORDS] = tuple(keep)
        st.rerun()
    render_download(
        t("dictionary.download", lang),
        lambda: format_userdict(words).encode("utf-8"),
        "policylens_userdict.txt",
        "text/plain",
        key=state.DICTIONARY_DOWNLOAD,
        disabled=not words,
    )
    # no `type=` (see ui/sidebar.py): a file that is not a UTF-8 word list is reported by the parser
    upload = st.file_uploader(t("dictionary.upload", lang), key=state.DICTIONARY_UPLOAD)
    if upload is not None and st.button(t("dictionary.apply_upload", lang), key=state.DICTIONARY_APPLY_UPLOAD):
        try:
            st.session_state[state.CUSTOM_USER_WORDS] = tuple(
                dict.fromkeys([*words, *parse_userdict(upload.getvalue())])
            )
            st.rerun()
        except WordListError as exc:
            st.error(t_md("dictionary.bad_list", lang, reason=str(exc)))


def add_stopwords(language: str) -> None:
    """on_click: add the typed words (space-separated) to this language's stopwords."""
    words = st.session_state.get(f"{state.DICTIONARY_ADD}.{language}", "").split()
    if words:
        edits = tuple(st.session_state.get(state.CUSTOM_STOPWORD_EDITS, ()))
        st.session_state[state.CUSTOM_STOPWORD_EDITS] = apply_stopword_edits(edits, language, add=words)
        st.session_state[f"{state.DICTIONARY_ADD}.{language}"] = ""


def remove_stopwords(language: str) -> None:
    """on_click: take the chosen words out of this language's stopwords."""
    words = st.session_state.get(f"{state.DICTIONARY_REMOVE}.{language}", [])
    if words:
        edits = tuple(st.session_state.get(state.CUSTOM_STOPWORD_EDITS, ()))
        st.session_state[state.CUSTOM_STOPWORD_EDITS] = apply_stopword_edits(edits, language, remove=words)
        st.session_state[f"{state.DICTIONARY_REMOVE}.{language}"] = []


def render_stopwords(ctx: PageContext) -> None:
    """The effective stopword list of one language: add, remove, download, upload."""
    lang = ctx.lang
    st.subheader(t("dictionary.stopwords", lang))
    language = st.segmented_control(
        t("dictionary.stopword_language", lang),
        ["zh", "en"],
        format_func=lambda x: t(LANGUAGE_LABELS[x], lang),
        default=ctx.document.language,
        key=state.DICTIONARY_STOPWORD_LANGUAGE,
        required=True,
    )
    current = sorted(get_segmenter(ctx.codebook).stopwords(language))
    st.caption(t("dictionary.stopword_count", lang, n=len(current)))
    add_col, remove_col = st.columns(2)
    add_col.text_input(t("dictionary.stopword_add", lang), key=f"{state.DICTIONARY_ADD}.{language}")
    add_col.button(
        t("dictionary.add_button", lang),
        key=f"{state.DICTIONARY_ADD_BUTTON}.{language}",
        on_click=add_stopwords,
        args=(language,),
    )
    remove_col.multiselect(
        t("dictionary.stopword_remove", lang),
        current,
        placeholder=locale.multiselect_placeholder(current, lang),
        key=f"{state.DICTIONARY_REMOVE}.{language}",
    )
    remove_col.button(
        t("dictionary.remove_button", lang),
        key=f"{state.DICTIONARY_REMOVE_BUTTON}.{language}",
        on_click=remove_stopwords,
        args=(language,),
    )
    render_download(
        t("dictionary.stopword_download", lang),
        lambda: ("\n".join(current) + "\n").encode("utf-8"),
        f"policylens_stopwords_{language}.txt",
        "text/plain",
        key=f"{state.DICTIONARY_STOP_DOWNLOAD}.{language}",
    )
    upload = st.file_uploader(t("dictionary.stopword_upload", lang), key=f"{state.DICTIONARY_STOP_UPLOAD}.{language}")
    if upload is not None and st.button(
        t("dictionary.apply_upload", lang), key=f"{state.DICTIONARY_STOP_APPLY}.{language}"
    ):
        try:
            wanted = set(parse_word_list(upload.getvalue()))
        except WordListError as exc:
            st.error(t_md("dictionary.bad_list", lang, reason=str(exc)))
            return
        st.session_state[state.CUSTOM_STOPWORD_EDITS] = apply_stopword_edits(
            tuple(st.session_state.get(state.CUSTOM_STOPWORD_EDITS, ())),
            language,
            add=sorted(wanted - set(current)),
            remove=sorted(set(current) - wanted),
        )
        st.rerun()
