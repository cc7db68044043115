"""The global sidebar: document library (pick, upload, paste), pillar filter and UI language."""

from __future__ import annotations

import streamlit as st

from policylens.documents.loader import LANGUAGE_LABELS, MAX_BYTES, SUPPORTED_EXTENSIONS, Document
from policylens.i18n import LANGUAGE_NAMES, LANGUAGES, t
from policylens.markup import t_md
from policylens.text.pillars import Codebook
from policylens.ui import library, locale, state

UPLOAD_LIMIT_MB = MAX_BYTES // 10**6  # the uploader refuses a larger file in the browser (see documents.loader)


def render_sidebar(document: Document, codebook: Codebook) -> None:
    """Everything in the sidebar below the page navigation."""
    lang = state.get_lang()
    locale.render_chrome(lang)  # Streamlit's own words on every uploader of the page, once per run
    with st.sidebar:
        st.markdown(f"### {t('app.title', lang)}")
        st.caption(t("app.tagline", lang))
        render_document_picker(lang)
        st.caption(describe_document(document, lang))
        st.multiselect(
            t("sidebar.pillars", lang),
            options=list(codebook.ids),
            format_func=lambda pid: f"{codebook.get(pid).label_en} {codebook.get(pid).label_zh}",
            key=state.seed_widget(state.GLOBAL_PILLARS),
            on_change=state.store_widget,
            args=(state.GLOBAL_PILLARS,),
            placeholder=t("sidebar.pillars_placeholder", lang),
            help=t("sidebar.pillars_help", lang),
        )
        st.segmented_control(
            t("sidebar.language", lang),
            options=list(LANGUAGES),
            format_func=LANGUAGE_NAMES.get,
            key=state.seed_widget(state.GLOBAL_LANG),
            on_change=state.store_widget,
            args=(state.GLOBAL_LANG,),
            selection_mode="single",
            required=True,
        )


def render_document_picker(lang: str) -> None:
    """Choose the active document; add documents by upload or paste. Failures are reported by name."""
    docs = library.get_library()
    if st.session_state.get(state.DOCS_ACTIVE) not in docs:
        st.session_state[state.DOCS_ACTIVE] = library.SEED_ID
    st.selectbox(
        t("sidebar.document", lang),
        list(docs),
        format_func=lambda doc_id: picker_label(docs[doc_id], doc_id == library.SEED_ID, lang),
        key=state.seed_widget(state.DOCS_ACTIVE),
        on_change=state.store_widget,
        args=(state.DOCS_ACTIVE,),
    )
    with st.expander(t("docs.add", lang)):
        st.file_uploader(
            # no `type=`: Streamlit's own check of the name (a NUL, another extension) raises on every
            # rerun while the browser keeps the file; the loader refuses other types with a message
            t("docs.upload", lang),
            accept_multiple_files=True,
            key=state.widget_key(state.DOCS_UPLOAD),
            on_change=library.load_uploads,
            max_upload_size=UPLOAD_LIMIT_MB,
            help=t("docs.upload_help", lang, limit=UPLOAD_LIMIT_MB, types=", ".join(SUPPORTED_EXTENSIONS)),
        )
        st.text_area(t("docs.paste", lang), key=state.widget_key(state.DOCS_PASTE), height=100)
        st.button(t("docs.paste_button", lang), on_click=library.load_paste, key=state.DOCS_PASTE_BUTTON)
    refused = {name: library.describe_code(code, lang) for name, code in library.get_refused().items()}
    locale.render_uploader_chrome(
        state.widget_key(state.DOCS_UPLOAD), UPLOAD_LIMIT_MB, lang, refused, notices_key=library.NOTICES_BOX
    )
    if library.get_pending():
        library.render_pending(lang)
    library.render_notices(lang)


def picker_label(document: Document, is_seed: bool, lang: str) -> str:
    """A document in the picker: its title, then what tells two apart (the seed's mark, a file name)."""
    if is_seed:
        return f"{document.label} ({t('docs.seed', lang)})"
    return f"{document.title} · {document.name}" if document.title else document.name


def describe_document(document: Document, lang: str) -> str:
    """The caption under the picker: name · language · 1 paragraph / 15 paragraphs · characters."""
    paragraphs = len(document.paragraphs)
    return t_md(
        "sidebar.document_caption_one" if paragraphs == 1 else "sidebar.document_caption",
        lang,
        name=document.name,
        language=t(LANGUAGE_LABELS[document.language], lang),
        paragraphs=paragraphs,
        characters=document.characters,
    )
