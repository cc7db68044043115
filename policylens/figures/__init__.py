"""plotly figure builders with one template and one palette, and word clouds.

May import: documents, text, indicators, fonts and the foundation. Never export, view or ui.
"""
