"""PolicyLens: read a policy document against the numbers (core package, no Streamlit)."""

__version__ = "0.1.0"
