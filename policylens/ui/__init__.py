"""The Streamlit layer: session state and its keys, the shell, caches, the download route's
buttons, URL sync and the widgets the pages compose. The only part of PolicyLens that imports streamlit.

May import: streamlit and every core package. Holds no analysis rule of its own and builds no paths.
"""
