"""The Streamlit layer: the only part of PolicyLens that imports streamlit."""
