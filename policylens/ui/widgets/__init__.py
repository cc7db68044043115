"""Shared render_* helpers the pages compose: charts with their exports, paragraph cards, indicator,
target, codebook and dictionary editors, and the download buttons of every view.

May import: streamlit, the core packages and policylens.ui.
"""
