"""Start the dashboard with its first-visit work already under way: `python -m policylens.ui.launch`.

`streamlit run dashboard.py` only starts the script when the first browser session connects, so
the first visitor waits for pandas and plotly to import and for the seed to be read, classified
and counted. This launcher starts the same Streamlit server in this process and, on a background
thread, does that work while the server binds and the browser loads the front end. The warm-up
fills the very st.cache_* entries the pages read, so nothing is computed twice; if it fails, the
pages simply compute as usual.

Arguments after the module name are passed to `streamlit run` (for example `--server.port 8501`).
"""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
import time

from policylens import paths
from policylens.web_font import streamlit_font_faces

LOGGER = logging.getLogger(__name__)
RUNTIME_WAIT_S = 60.0


def _wait_for_runtime() -> bool:
    from streamlit.runtime import Runtime

    deadline = time.monotonic() + RUNTIME_WAIT_S
    while not Runtime.exists():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def warm_up() -> None:
    """Import the figure stack and fill the caches of the seed's Overview (default settings)."""
    import plotly.graph_objects  # noqa: F401  (imports pandas too)

    from policylens import analysis_figures, doc_stats, figures, terms  # noqa: F401
    from policylens.analysis import build_segmenter_config
    from policylens.ui import cache
    from policylens.ui.library import SEED_ID  # noqa: F401  (imports the page-side modules)

    if not _wait_for_runtime():  # caches filled before the runtime exists would be thrown away
        return
    codebook = cache.get_codebook()
    document = cache.get_seed_document()
    segmenter = cache.get_segmenter(build_segmenter_config(codebook))
    key = f"{hash(codebook)}:{hash(segmenter.config)}"
    cache.get_analysis(document.key, key, document, codebook, segmenter)
    cache.get_headline_indicators("Nanjing")
    cache.ensure_static_font()


def _warm_up_quietly() -> None:
    try:
        warm_up()
    except Exception:  # the warm-up is an optimisation: the pages recompute whatever it missed
        LOGGER.warning("start-up warm-up failed; the first page will compute instead", exc_info=True)


def main(argv: list[str] | None = None) -> None:
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.web import cli

    # dashboard.py routes with st.navigation: tell Streamlit now, so that a deep link on the
    # server's first run is routed by dashboard.py instead of the legacy pages/ mode (see shell.py)
    PagesManager.uses_pages_directory = False
    faces = streamlit_font_faces()
    if faces:  # the sliced web font replaces the one 7.2 MB face of .streamlit/config.toml
        os.environ["STREAMLIT_THEME_FONT_FACES"] = json.dumps(faces)
    threading.Thread(target=_warm_up_quietly, name="policylens-warm-up", daemon=True).start()
    sys.argv = ["streamlit", "run", str(paths.ROOT / "dashboard.py"), *(sys.argv[1:] if argv is None else argv)]
    cli.main(prog_name="streamlit")


if __name__ == "__main__":
    main()
