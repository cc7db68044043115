"""Which document is active in this session (the bundled seed until uploads arrive)."""

from __future__ import annotations

from policylens.documents import Document
from policylens.ui import cache


def get_active_document() -> Document:
    """The document the sidebar has selected (the bundled seed for now)."""
    return cache.get_seed_document()
