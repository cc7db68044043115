"""Put on PYTHONPATH by tests/browser/test_browser_reads.py for its own server (and so for that
server's workers) only: an upload whose name starts with "slow-" takes SECONDS before it is read,
and a document named so SECONDS before it is analysed, so a browser sees the progress and can press
Cancel. Python imports this module at start-up."""

import time

from policylens.documents import loader

SECONDS = 25.0
_read = loader.load_document_bytes


def load_document_bytes(data: bytes, name: str, *args, **kwargs):
    if name.startswith("slow-read"):
        time.sleep(SECONDS)
    return _read(data, name, *args, **kwargs)


loader.load_document_bytes = load_document_bytes


from policylens.text import analysis  # noqa: E402 - after the loader's patch, as the app imports them

_analyze = analysis.analyze_document


def analyze_document(document, *args, **kwargs):
    """An analysis of a document named "slow-…" takes SECONDS first (it runs in a worker when the
    document is long enough: ui.heavy.WORKER_CHARACTERS)."""
    if document.name.startswith("slow-"):
        time.sleep(SECONDS)
    return _analyze(document, *args, **kwargs)


analysis.analyze_document = analyze_document
