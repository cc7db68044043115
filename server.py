"""The PolicyLens web server: dashboard.py served by Streamlit, plus the route that serves every
download (policylens.ui.downloads). `make run` starts it through policylens.ui.launch, which runs
`streamlit run server.py`; Streamlit finds the `app` below and serves it with uvicorn.
"""

from contextlib import asynccontextmanager
from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware
from starlette.routing import Route

from policylens.ui import downloads
from policylens.ui.launch import PreloadElementChunks


@asynccontextmanager
async def lifespan(_app):
    downloads.mark_route_served()
    yield


app = st.App(
    Path(__file__).resolve().parent / "dashboard.py",
    routes=[Route(downloads.ROUTE, downloads.serve_download, methods=["GET"])],
    middleware=[Middleware(PreloadElementChunks)],  # the page preloads the element chunks (ui/launch.py)
    lifespan=lifespan,
)
