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
    faces = json.loads(launch.os.environ["STREAMLIT_THEME_FONT_FACES"])
    assert faces == streamlit_font_faces(static_dir) and len(faces) >= 4
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
