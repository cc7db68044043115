"""Check: confirm or correct the pillar of paragraphs, see how far the classifier agrees, and teach it."""

import streamlit as st

from policylens.i18n import t
from policylens.ui import check
from policylens.ui.context import get_context
from policylens.ui.widgets import check as check_widgets

ctx = get_context()
st.title(t("check.title", ctx.lang))
st.caption(t("check.intro", ctx.lang))
base = check_widgets.base_analysis(ctx)
labels = check.document_labels(ctx.document, ctx.codebook.classes)
aside = check.set_aside(ctx.document, ctx.codebook.classes)
if aside:
    st.warning(t("check.set_aside", ctx.lang, n=aside))
check_widgets.render_agreement(ctx, base, labels)
check_widgets.render_learning(ctx, base, labels)
check_widgets.render_label_files(ctx, base, labels)
st.subheader(t("check.paragraphs", ctx.lang))
check_widgets.render_paragraphs_to_check(ctx, base, labels)
