"""PolicyLens: read a policy document against the numbers. The core package, pure Python (no
Streamlit); ARCHITECTURE.md at the repository root draws its layers.

Foundation modules here (paths, schema, markup, the i18n package) import only each other. The layers
above them import one way: documents <- text <- figures <- export, indicators <- figures, text and
indicators <- view; only policylens.ui imports streamlit, and no core module imports policylens.ui.
"""

__version__ = "0.1.0"
