"""The bundled CJK font: where it is, glyph checks, subsets and the sliced web font.

May import: the foundation only.
"""
