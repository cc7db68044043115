"""Start the dashboard as `make run` does: `python -m policylens.ui.launch [streamlit options]`.

The same server as `streamlit run dashboard.py`, plus the download route of server.py, with the
CJK web font declared as its WOFF2 slices (policylens.fonts.web), so a browser fetches only the
slices a page needs instead of the whole 7.2 MB font. A deep link on the server's first run is
routed through dashboard.py by the pages themselves (policylens.ui.navigation), not here.

A background warm-up of the seed's first page was tried here and dropped: with the GIL shared by
the server, it slowed the serving of the front end as much as it sped up the first script run
(bench/startup.py: 8.68 s against 8.82 s, within noise).

Arguments after the module name are passed to `streamlit run` (for example `--server.port 8501`).
"""

from __future__ import annotations

import json
import os
import sys

from policylens import paths
from policylens.fonts.web import streamlit_font_faces


def main(argv: list[str] | None = None) -> None:
    from streamlit.web import cli

    faces = streamlit_font_faces(paths.STATIC_DIR)
    if faces:  # the sliced web font replaces the one 7.2 MB face of .streamlit/config.toml
        os.environ["STREAMLIT_THEME_FONT_FACES"] = json.dumps(faces)
    sys.argv = ["streamlit", "run", str(paths.ROOT / "server.py"), *(sys.argv[1:] if argv is None else argv)]
    cli.main(prog_name="streamlit")


if __name__ == "__main__":
    main()
