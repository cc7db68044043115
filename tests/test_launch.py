"""The launcher behind `make run`: it runs dashboard.py through streamlit's own CLI, with the
sliced web font declared and the first-visit work warmed up (the browser tests use it for real)."""

import json
import sys

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

from policylens import paths
from policylens.ui import launch
from policylens.web_font import streamlit_font_faces


def test_main_runs_the_dashboard_with_the_sliced_font(monkeypatch):
    seen = {}
    monkeypatch.setattr(cli, "main", lambda prog_name: seen.update(argv=list(sys.argv), prog=prog_name))
    monkeypatch.setattr(launch, "_warm_up_quietly", lambda: seen.setdefault("warmed", True))
    monkeypatch.delenv("STREAMLIT_THEME_FONT_FACES", raising=False)
    monkeypatch.setattr(PagesManager, "uses_pages_directory", None)
    launch.main(["--server.port", "8599"])
    assert seen["argv"] == ["streamlit", "run", str(paths.ROOT / "dashboard.py"), "--server.port", "8599"]
    assert PagesManager.uses_pages_directory is False  # deep links route through st.navigation
    faces = json.loads(launch.os.environ["STREAMLIT_THEME_FONT_FACES"])
    assert faces == streamlit_font_faces() and len(faces) >= 4
    monkeypatch.delenv("STREAMLIT_THEME_FONT_FACES")


def test_warm_up_gives_up_quietly_without_a_runtime(monkeypatch):
    monkeypatch.setattr(launch, "RUNTIME_WAIT_S", 0.05)
    launch.warm_up()  # imports the chart stack, then returns: no Streamlit runtime in a test process
    assert "plotly.graph_objects" in sys.modules
