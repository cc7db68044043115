"""Dictionary: how the document is segmented, the session user dictionary, and the stopwords."""

import streamlit as st

from policylens.i18n import t
from policylens.ui.context import get_context
from policylens.ui.widgets import dictionary as dictionary_widgets

ctx = get_context()
st.title(t("dictionary.title", ctx.lang))
if ctx.document.language == "zh":
    dictionary_widgets.render_segmentation_check(ctx)
else:
    st.info(t("dictionary.english_note", ctx.lang))
dictionary_widgets.render_user_dictionary(ctx.lang)
dictionary_widgets.render_stopwords(ctx)
