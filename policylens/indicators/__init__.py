"""City indicators: the bundled table, units, labels, upload and validation, transforms, views
and numeric targets found in a text.

May import: documents (decoding) and the foundation. Never text, figures, export, view or ui.
"""
