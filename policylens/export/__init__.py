"""Files a user takes away: CSV/XLSX, chart HTML, images, the view bundle and the HTML report.

May import: documents, text, indicators, figures, fonts and the foundation. Never view or ui.
"""
