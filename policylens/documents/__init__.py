"""Bytes in, clean text out: file formats, encodings, Chinese script, paragraphs, summary counts.

May import: the foundation (paths, schema, markup, i18n). Never text, indicators, figures, export, ui.
"""
