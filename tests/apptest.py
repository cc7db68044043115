"""Shared AppTest helpers (imported as `apptest`: pytest puts tests/, the folder of the root conftest, on sys.path)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from policylens import paths
from policylens.ui import state

TIMEOUT = 120  # seconds per script run: the first run builds the tokenizer, a cloud takes a second or two
DASHBOARD = str(paths.ROOT / "dashboard.py")
PAGES = sorted(str(p.relative_to(paths.ROOT)) for p in (paths.ROOT / "pages").glob("*.py"))


def open_app(lang: str | None = None, params: dict[str, str] | None = None) -> AppTest:
    """dashboard.py after its first run, with no exception; `params` as the opening URL's query;
    `lang` pins the UI language (only a change of the control pins it, the default follows the document)."""
    at = AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT)
    for name, value in (params or {}).items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, at.exception
    if lang:
        for value in ("zh" if lang == "en" else "en", lang):
            at.segmented_control(key=state.widget_key(state.GLOBAL_LANG)).set_value(value).run()
        assert not at.exception, at.exception
    return at
