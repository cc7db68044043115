"""simplemma's dictionaries kept decoded on disk, so a new process does not decode them again.

simplemma ships each language as an lzma-compressed front-coded stream; decoding English takes
0.5-1.3 s on this machine, reading the decoded table back (marshal) about 0.1 s. The table is
cached per user (text.fastseg.cache_dir) under a key made of everything it is derived from: the
cache format, simplemma's version, the Python version (marshal's format), and the bytes of the
shipped dictionary file. The lemmas are simplemma's own: the same `Lemmatizer` and strategy as
`simplemma.lemmatize(word, lang)`, only its dictionary factory reads this cache.
Run `python -m policylens.text.lemma_cache` to build the caches before serving (`make run` does).
"""

from __future__ import annotations

import hashlib
import logging
import marshal
import os
import sys
import tempfile
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path

from simplemma import Lemmatizer
from simplemma.strategies import DefaultStrategy
from simplemma.strategies.dictionaries.dictionary_factory import (
    DATA_FOLDER,
    CachingDictionaryFactory,
    MappingStrToByteString,
    _load_dictionary_from_disk,
)

logger = logging.getLogger(__name__)

_CACHE_FORMAT = 1  # bump when what the cache file holds changes
_UID = os.getuid() if hasattr(os, "getuid") else None  # None: no POSIX owners (Windows)
LANGUAGES = ("en",)  # the languages PolicyLens lemmatises (Chinese is segmented, not lemmatised)


def dictionary_key(lang: str) -> str:
    """SHA-256 of what the decoded dictionary of `lang` depends on (see the module docstring)."""
    source = DATA_FOLDER / f"{lang}.plzma"
    parts = [
        f"format {_CACHE_FORMAT}",
        f"simplemma {metadata.version('simplemma')}",
        f"python {sys.version_info[:3]} marshal {marshal.version}",
        hashlib.sha256(source.read_bytes()).hexdigest(),
    ]
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


def cache_path(lang: str, key: str) -> Path:
    from policylens.text.fastseg import cache_dir  # fastseg imports text.segment, which imports this lazily

    return cache_dir() / f"simplemma-{lang}-{key[:32]}.marshal"


def read_cached_dictionary(lang: str, key: str) -> dict[bytes, bytes] | None:
    """The decoded dictionary stored under `key`, or None when there is none to trust (missing,
    unreadable, another shape, another key, or a file another user owns)."""
    path = cache_path(lang, key)
    try:
        if _UID is not None and path.stat().st_uid != _UID:
            return None
        stored_key, table = marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return None
    if stored_key != key or not isinstance(table, dict):
        return None
    return table


def write_cached_dictionary(lang: str, key: str, table: dict[bytes, bytes]) -> None:
    """Store the table atomically (temporary file, then os.replace); a failure is only logged."""
    path = cache_path(lang, key)
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(marshal.dumps((key, table)))
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError as exc:
        logger.info("could not cache simplemma's %s dictionary in %s: %s", lang, path.parent, exc)


def load_dictionary(lang: str) -> dict[bytes, bytes]:
    """simplemma's decoded dictionary of `lang` (bytes -> bytes): from the cache, else decoded and cached."""
    key = dictionary_key(lang)
    table = read_cached_dictionary(lang, key)
    if table is None:
        table = _load_dictionary_from_disk(lang)
        write_cached_dictionary(lang, key, table)
    return table


class CachedDictionaryFactory(CachingDictionaryFactory):
    """simplemma's DefaultDictionaryFactory, with the decoded tables read from the disk cache."""

    __slots__ = ()

    def _get_dictionary_uncached(self, lang: str) -> Mapping[str, str]:
        if not (DATA_FOLDER / f"{lang}.plzma").is_file():
            raise ValueError(f"Unsupported language: {lang}")
        return MappingStrToByteString(load_dictionary(lang))


def build_lemmatizer() -> Lemmatizer:
    """simplemma's legacy `lemmatize` lemmatizer (DefaultStrategy, not greedy), on the cached tables."""
    return Lemmatizer(lemmatization_strategy=DefaultStrategy(dictionary_factory=CachedDictionaryFactory()))


if __name__ == "__main__":  # build the caches (make run, before serving)
    for language in LANGUAGES:
        load_dictionary(language)
