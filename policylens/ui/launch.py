"""Start the dashboard as `make run` does: `python -m policylens.ui.launch [streamlit options]`.

The same server as `streamlit run dashboard.py`, plus the download route of server.py, with the
CJK web font declared as its WOFF2 slices (policylens.fonts.web), so a browser fetches only the
slices a page needs instead of the whole 7.2 MB font. A deep link on the server's first run is
routed through dashboard.py by the pages themselves (policylens.ui.navigation), not here.

Once the server is up, a thread imports the modules the first script run needs (numpy, pandas,
plotly, the analysis modules, the ui modules that dashboard.py and the Overview import) and loads
the process-wide tables (simplemma's English dictionary, the pillar model): the browser spends about
a second fetching and compiling the front end before it opens the session, and the server is idle
meanwhile. Only imports and read-only tables, no page: an earlier warm-up ran the seed's whole first
page in a thread and, with the GIL shared by the server, slowed the serving of the front end as much
as it sped up the first run (8.68 s against 8.82 s in bench/startup.py). This one drew the Overview
in 6.62 s against 7.32 s without it (median of 5, same run, 2026-12; faster in 4 of the 5 pairs).
POLICYLENS_WARM_UP=0 switches it off (bench/startup.py --compare-warm-up measures it). The
source-file watcher is off in .streamlit/config.toml: its start-up held the first script run back by
0.3-0.4 s.

The page the server sends a browser also asks it to preload the front-end chunks of the elements the
first screen draws (PreloadElementChunks, server.py's middleware): Streamlit fetches and compiles each
one only when its first element arrives, one after another as the script streams the page.

Arguments after the module name are passed to `streamlit run` (for example `--server.port 8501`).
"""

from __future__ import annotations

import gc
import json
import logging
import os
import re
import sys
import threading
import time
from pathlib import Path

from policylens import paths
from policylens.fonts.web import ensure_font_css

WARM_UP_ENV = "POLICYLENS_WARM_UP"
PRELOAD_ENV = "POLICYLENS_PRELOAD_ELEMENTS"
logger = logging.getLogger(__name__)


# The front-end chunks of the elements the Overview's first screen draws (the sidebar's widgets, the
# summary metrics, the start links, the charts' Export menus). Streamlit loads each one only when its
# first element arrives; named here, the page preloads them with their dependencies. Not the plotly
# chunk (4.7 MB): preloaded too, its compilation held up the first content and, in bench/startup.py
# (2026-12, --variant), sped up the fully drawn page in one run and slowed it by 2 s in the next.
FIRST_SCREEN_ELEMENTS = (
    "Selectbox",
    "FileUploader",
    "TextArea",
    "Button",
    "Html",
    "Multiselect",
    "ButtonGroup",
    "PageLink",
    "Metric",
    "DownloadButton",
)


def find_element_chunks(elements: tuple[str, ...] = FIRST_SCREEN_ELEMENTS) -> list[str]:
    """The JavaScript files (paths relative to the page, "./static/js/...") of these elements and of
    what they import, read from the front end's entry module: its `__vite__mapDeps` file table and
    each lazy `import(`./Name.<hash>.js`)` with the indices of its dependencies. Files the page
    already loads, and names this Streamlit version does not have, are left out."""
    import streamlit

    static = Path(streamlit.__file__).parent / "static"
    page = (static / "index.html").read_text(encoding="utf-8")
    entry = re.search(r'<script type="module"[^>]* src="\./(static/js/index\.[\w-]+\.js)"', page)
    if entry is None:
        return []
    code = (static / entry.group(1)).read_text(encoding="utf-8")
    table = re.search(r"m\.f=(\[[^\]]*\])", code)
    files = json.loads(table.group(1)) if table else []
    loaded = set(re.findall(r'href="\./static/js/([\w.-]+\.js)"', page))
    chunks: list[str] = []
    for name in elements:
        found = re.search(
            r"import\(`\./(" + re.escape(name) + r"\.[\w-]+\.js)`\),__vite__mapDeps\(\[([\d,]*)\]\)", code
        )
        if found is None:
            continue
        deps = [files[int(i)][2:] for i in found.group(2).split(",") if i and int(i) < len(files)]
        for file in (found.group(1), *deps):
            if file.endswith(".js") and file not in loaded and f"./static/js/{file}" not in chunks:
                chunks.append(f"./static/js/{file}")
    return chunks


class PreloadElementChunks:
    """ASGI middleware: adds `<link rel="modulepreload">` for the first screen's element chunks
    (find_element_chunks) to the HTML page, so the browser fetches and compiles them while the session
    starts and the script runs, instead of one after another as the elements arrive. The page is
    asked for uncompressed (a few kB) so it can be edited; every other request passes untouched."""

    def __init__(self, app, chunks: list[str] | None = None) -> None:
        self.app = app
        if chunks is None:
            chosen = os.environ.get(PRELOAD_ENV)  # to measure: a comma-separated list of elements, "" for none
            elements = FIRST_SCREEN_ELEMENTS if chosen is None else tuple(e for e in chosen.split(",") if e)
            chunks = find_element_chunks(elements)
        self.links = "".join(f'<link rel="modulepreload" crossorigin href="{c}" />' for c in chunks).encode()

    async def __call__(self, scope, receive, send) -> None:
        if not self.links or scope["type"] != "http" or scope.get("method") != "GET" or not _wants_html(scope):
            await self.app(scope, receive, send)
            return
        headers = [(k, v) for k, v in scope["headers"] if k.lower() != b"accept-encoding"]
        started: dict = {}
        body = bytearray()

        async def edit(message) -> None:
            if message["type"] == "http.response.start":
                started.update(message)
                return
            if message["type"] != "http.response.body" or not started:
                await send(message)
                return
            body.extend(message.get("body", b""))
            if message.get("more_body"):
                return
            content = bytes(body)
            kinds = {k.lower(): v for k, v in started.get("headers", [])}
            if kinds.get(b"content-type", b"").startswith(b"text/html") and b"</head>" in content:
                content = content.replace(b"</head>", self.links + b"</head>", 1)
            out = [(k, v) for k, v in started.get("headers", []) if k.lower() != b"content-length"]
            await send({**started, "headers": [*out, (b"content-length", str(len(content)).encode())]})
            await send({"type": "http.response.body", "body": content})

        await self.app({**scope, "headers": headers}, receive, edit)


def _wants_html(scope) -> bool:
    """A page request (the SPA's index.html): a browser asking for HTML, not a static file or an API."""
    path = scope.get("path", "")
    if path.startswith(("/static/", "/_stcore/", "/media/", "/component/", "/app/static/", "/api/")):
        return False
    accept = dict(scope.get("headers", [])).get(b"accept", b"")
    return b"text/html" in accept


def _server_started(timeout_s: float = 120) -> bool:
    """Wait until Streamlit's runtime has started (its event loop runs: it serves requests)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        module = sys.modules.get("streamlit.runtime.runtime")
        runtime = getattr(module, "Runtime", None)
        if runtime is not None and runtime.exists() and runtime.instance().state.name != "INITIAL":
            return True
        time.sleep(0.05)
    return False


def warm_up() -> None:
    """Import what the first script run of the Overview needs and load the tables every session
    shares; each is cached per process (sys.modules, lru_cache), so the script run finds them done
    or, if it starts first, waits on the same import instead of doing it twice."""
    import plotly.graph_objects as go

    from policylens.figures import overview  # noqa: F401  (pandas, numpy, plotly, the analysis modules)
    from policylens.indicators import table  # noqa: F401
    from policylens.text.model import load_model
    from policylens.text.segment import lemmatize_en
    from policylens.ui import context, navigation, shell  # noqa: F401  (what dashboard.py imports)
    from policylens.ui.widgets import elements  # noqa: F401  (and the Overview page)
    from policylens.ui.widgets import overview as overview_widgets  # noqa: F401

    lemmatize_en("policies")  # simplemma's English dictionary (text.lemma_cache)
    load_model(paths.PILLAR_MODEL)  # the shipped codebook's model, keyed by this same path
    go.Figure(go.Bar(x=[0], y=[0]), layout={"title": {"text": "warm-up"}})  # plotly's validators for a bar chart


CHINESE_WARM_UP_DELAY = 20.0  # seconds after the warm-up: past a first visitor's first page


def warm_up_chinese() -> None:
    """Build the shared segmenter's Chinese dictionary (jieba's, plus the codebook's terms): 1.5 s of
    the server's interpreter, which the first Chinese document would otherwise spend in its script
    run while every other session waits (bench/reliability.py). Later, not in warm_up: a first page
    served meanwhile would wait on it."""
    from policylens.text.analysis import build_segmenter_config
    from policylens.ui import cache

    cache.get_segmenter(build_segmenter_config(cache.get_codebook())).jieba_tokenizer()


def freeze_long_lived() -> None:
    """Move every object alive now (modules, jieba's dictionary, plotly's validators, the codebook's
    model) out of the garbage collector's reach. Streamlit runs a full collection after every script
    run (runner.postScriptGC); over the warm server's 140,000 tracked objects that took 0.10-0.17 s of
    the one interpreter, two thirds of a filter change's CPU (py-spy, bench/reliability.py), while the
    garbage it is there for is the run's own. Frozen objects are still freed when their last
    reference goes; only a reference cycle among them would outlive its use, and these live as long
    as the process."""
    gc.collect()
    gc.freeze()


def _warm_up_when_started() -> None:
    if _server_started():
        try:
            warm_up()
            freeze_long_lived()
            time.sleep(CHINESE_WARM_UP_DELAY)
            warm_up_chinese()
            freeze_long_lived()
        except Exception:  # a warm-up is an optimisation: the script run does the same work and reports
            logger.exception("warm-up failed")


def main(argv: list[str] | None = None) -> None:
    from streamlit.web import cli

    if ensure_font_css(paths.STATIC_DIR):
        # the sliced web font, which the shell declares (ui.shell.render_font_faces), replaces the
        # one 7.2 MB face of .streamlit/config.toml
        os.environ["STREAMLIT_THEME_FONT_FACES"] = "[]"
    if os.environ.get(WARM_UP_ENV, "1") != "0":
        threading.Thread(target=_warm_up_when_started, name="policylens-warm-up", daemon=True).start()
    sys.argv = ["streamlit", "run", str(paths.ROOT / "server.py"), *(sys.argv[1:] if argv is None else argv)]
    cli.main(prog_name="streamlit")


if __name__ == "__main__":
    main()
