"""The launcher's warm-up (policylens.ui.launch): what the first script run needs, loaded once the
server has started, and off when POLICYLENS_WARM_UP=0."""

from __future__ import annotations

import sys
import threading

from streamlit.web import cli

from policylens import paths
from policylens.text import segment
from policylens.text.model import load_model
from policylens.ui import launch


def test_warm_up_loads_the_modules_and_tables_of_the_first_run():
    launch.warm_up()
    assert "policylens.figures.overview" in sys.modules and "pandas" in sys.modules
    assert segment._english_lemmatizer.cache_info().currsize == 1
    hits = load_model.cache_info().hits
    load_model(paths.PILLAR_MODEL)  # what classify.codebook_model asks for the shipped codebook
    assert load_model.cache_info().hits == hits + 1


def _started_threads(monkeypatch, env_value: str | None) -> list[str]:
    names = []
    real_start = threading.Thread.start

    def start(thread):
        names.append(thread.name)
        real_start(thread)

    monkeypatch.setattr(threading.Thread, "start", start)
    monkeypatch.setattr(launch, "_server_started", lambda: False)  # no server here: the thread ends at once
    monkeypatch.setattr(cli, "main", lambda prog_name: None)
    monkeypatch.setattr(sys, "argv", list(sys.argv))
    if env_value is None:
        monkeypatch.delenv(launch.WARM_UP_ENV, raising=False)
    else:
        monkeypatch.setenv(launch.WARM_UP_ENV, env_value)
    monkeypatch.delenv("STREAMLIT_THEME_FONT_FACES", raising=False)
    launch.main(["--server.port", "8599"])
    monkeypatch.delenv("STREAMLIT_THEME_FONT_FACES", raising=False)
    return names


def test_main_starts_the_warm_up_thread(monkeypatch):
    assert _started_threads(monkeypatch, None) == ["policylens-warm-up"]


def test_the_warm_up_can_be_switched_off(monkeypatch):
    assert _started_threads(monkeypatch, "0") == []


def test_the_chinese_warm_up_builds_the_dictionary_of_the_segmenter_a_new_session_uses():
    import dataclasses

    from policylens.text.analysis import build_segmenter_config
    from policylens.ui import cache

    launch.warm_up_chinese()
    config = build_segmenter_config(cache.get_codebook())
    # what ui.settings.get_segmenter asks for in a session with no locked words or stopword edits
    session = dataclasses.replace(config, user_words_zh=(), stopword_edits=())
    assert cache.get_segmenter(session) is cache.get_segmenter(config)
    assert cache.get_segmenter(session)._jieba is not None  # built: no first-use cost in a script run
