"""Targets for policylens.workers jobs in tests: importable in a worker when tests/ is on its
PYTHONPATH (a test sets it with monkeypatch.setenv before it starts the job)."""

import time

from policylens.documents.loader import load_document_bytes


def slow_load(data: bytes, name: str, seconds: float = 30.0):
    """load_document_bytes after `seconds`: a read that is still running when the test looks."""
    time.sleep(seconds)
    return load_document_bytes(data, name)
