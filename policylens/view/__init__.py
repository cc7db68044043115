"""The view state a user can share: the selection model and the URL query that restores a view.

May import: text, indicators and the foundation. Never figures, export or ui.
"""
