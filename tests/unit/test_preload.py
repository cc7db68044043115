"""The page asks the browser to preload the first screen's element chunks (policylens.ui.launch.
PreloadElementChunks, server.py's middleware); every other response passes untouched."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import streamlit

from policylens.ui.launch import FIRST_SCREEN_ELEMENTS, PreloadElementChunks, find_element_chunks

PAGE = b"<!DOCTYPE html><html><head><title>Streamlit</title></head><body><div id=root></div></body></html>"


def _respond(middleware, path: str, accept: bytes, body: bytes, content_type: bytes, chunks: int = 1):
    """Run one GET through the middleware around an app answering `body`; returns (start, body, seen headers)."""
    seen = {}

    async def app(scope, receive, send):
        seen["headers"] = dict(scope["headers"])
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", content_type), (b"content-length", str(len(body)).encode())],
            }
        )
        size = -(-len(body) // chunks)
        for i in range(chunks):
            part = body[i * size : (i + 1) * size]
            await send({"type": "http.response.body", "body": part, "more_body": i < chunks - 1})

    sent = []

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    scope = {
        "type": "http",
        "method": "GET",
        "path": path,
        "headers": [(b"accept", accept), (b"accept-encoding", b"gzip, deflate")],
    }
    call = middleware(app, ["./static/js/PlotlyChart.x1.js", "./static/js/dep.x2.js"])(scope, receive, send)
    # in a thread of its own: the browser tests' Playwright keeps an event loop running in this one
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, call).result()
    start = next(m for m in sent if m["type"] == "http.response.start")
    content = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start, content, seen["headers"]


def test_the_page_gets_the_preload_link_and_its_length():
    start, content, headers = _respond(
        PreloadElementChunks, "/", b"text/html,*/*", PAGE, b"text/html; charset=utf-8", 3
    )
    link = (
        b'<link rel="modulepreload" crossorigin href="./static/js/PlotlyChart.x1.js" />'
        b'<link rel="modulepreload" crossorigin href="./static/js/dep.x2.js" />'
    )
    assert content == PAGE.replace(b"</head>", link + b"</head>")
    assert dict(start["headers"])[b"content-length"] == str(len(content)).encode()
    assert b"accept-encoding" not in headers  # asked uncompressed, so it can be edited


def test_a_deep_link_page_gets_it_too():
    _, content, _ = _respond(PreloadElementChunks, "/terms", b"text/html", PAGE, b"text/html")
    assert b"modulepreload" in content


def test_other_responses_pass_untouched():
    script = b"console.log('</head>')"
    for path, accept, body, kind in (
        ("/static/js/index.js", b"*/*", script, b"text/javascript"),
        ("/_stcore/health", b"text/html", b"ok", b"text/plain"),
        ("/api/download/abc", b"text/html", PAGE, b"text/html"),
    ):
        start, content, headers = _respond(PreloadElementChunks, path, accept, body, kind)
        assert content == body
        assert headers[b"accept-encoding"] == b"gzip, deflate"


def test_the_chunks_are_the_ones_the_front_end_imports_for_those_elements():
    chunks = find_element_chunks()
    names = {c.rsplit("/", 1)[1].split(".", 1)[0] for c in chunks}
    assert set(FIRST_SCREEN_ELEMENTS) <= names  # each element of this Streamlit version found
    static = Path(streamlit.__file__).parent / "static"
    page = (static / "index.html").read_text(encoding="utf-8")
    code = "".join(p.read_text(encoding="utf-8") for p in (static / "static" / "js").glob("index.*.js"))
    for chunk in chunks:
        file = chunk.removeprefix("./")
        assert (static / file).is_file()
        assert f'"./{file.rsplit("/", 1)[1]}"' in code  # listed in the entry module's dependency table
        assert chunk not in page  # not one the page preloads already
    assert len(chunks) == len(set(chunks))
