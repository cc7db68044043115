"""The launcher behind `make run`: dashboard.py through streamlit's own CLI, with the sliced web
font declared and st.navigation routing from the first run (the browser tests use it for real)."""

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
    monkeypatch.delenv("STREAMLIT_THEME_FONT_FACES", raising=False)
    monkeypatch.setattr(PagesManager, "uses_pages_directory", None)
    monkeypatch.setattr(sys, "argv", list(sys.argv))
    launch.main(["--server.port", "8599"])
    assert seen["argv"] == ["streamlit", "run", str(paths.ROOT / "dashboard.py"), "--server.port", "8599"]
    assert PagesManager.uses_pages_directory is False  # deep links route through st.navigation
    faces = json.loads(launch.os.environ["STREAMLIT_THEME_FONT_FACES"])
    assert faces == streamlit_font_faces() and len(faces) >= 4
    monkeypatch.delenv("STREAMLIT_THEME_FONT_FACES")
