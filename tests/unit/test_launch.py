"""The launcher behind `make run`: server.py (dashboard.py plus the download route) through
streamlit's own CLI, with the sliced web font declared (the browser tests use it for real, deep
links on the server's first run included)."""

import importlib.util
import json
import sys

from streamlit.web import cli
from streamlit.web.server.app_discovery import discover_asgi_app

from policylens import paths
from policylens.fonts.web import streamlit_font_faces
from policylens.ui import launch


def test_main_runs_the_dashboard_with_the_sliced_font(monkeypatch, static_dir):
    seen = {}
    monkeypatch.setattr(cli, "main", lambda prog_name: seen.update(argv=list(sys.argv), prog=prog_name))
    monkeypatch.delenv("STREAMLIT_THEME_FONT_FACES", raising=False)
    monkeypatch.setattr(sys, "argv", list(sys.argv))
    monkeypatch.setattr(paths, "STATIC_DIR", static_dir)  # slices built by install-font or by the fixture
    launch.main(["--server.port", "8599"])
    assert seen["argv"] == ["streamlit", "run", str(paths.ROOT / "server.py"), "--server.port", "8599"]
    assert len(streamlit_font_faces(static_dir)) >= 4
    # the theme declares no face: the shell declares the slices (ui.shell.render_font_faces)
    assert json.loads(launch.os.environ["STREAMLIT_THEME_FONT_FACES"]) == []
    monkeypatch.delenv("STREAMLIT_THEME_FONT_FACES")


def test_server_is_an_st_app_that_streamlit_run_discovers():
    """`streamlit run server.py` must find the st.App (else it would run server.py as the page
    script); the download route itself is exercised for real by the browser tests."""
    found = discover_asgi_app(paths.ROOT / "server.py")
    assert found.is_asgi_app and found.app_name == "app"
    spec = importlib.util.spec_from_file_location("policylens_server", paths.ROOT / "server.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.app.script_path == paths.ROOT / "dashboard.py"


def test_freeze_long_lived_takes_what_exists_out_of_the_collectors_walk():
    """What the warm-up built is frozen, so the collections after it walk only newer objects; they
    still collect the newer objects' garbage."""
    import gc
    import weakref

    class Node:
        pass

    old = Node()
    try:
        launch.freeze_long_lived()
        assert gc.get_freeze_count() > 0
        assert not any(o is old for o in gc.get_objects())  # frozen: outside every generation
        cycle = Node()
        cycle.me = cycle  # garbage that only the collector can free
        gone = weakref.ref(cycle)
        del cycle
        gc.collect()
        assert gone() is None
    finally:
        gc.unfreeze()


def test_streamlit_runs_no_full_collection_after_every_script_run():
    """A full collection after each run cost 0.10-0.17 s of the one interpreter (bench/reliability.py)."""
    import tomllib

    config = tomllib.loads((paths.ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["runner"]["postScriptGC"] is False
