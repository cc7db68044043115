"""Put on PYTHONPATH by tests/browser/test_browser_reads.py for its own server (and so for that
server's workers) only: an upload whose name starts with "slow-" takes SECONDS before it is read,
so a browser sees its progress bar and can press Cancel. Python imports this module at start-up."""

import time

from policylens.documents import loader

SECONDS = 25.0
_read = loader.load_document_bytes


def load_document_bytes(data: bytes, name: str, *args, **kwargs):
    if name.startswith("slow-"):
        time.sleep(SECONDS)
    return _read(data, name, *args, **kwargs)


loader.load_document_bytes = load_document_bytes
