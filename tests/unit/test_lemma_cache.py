"""simplemma's English dictionary cached on disk (text.lemma_cache): the same lemmas, never a stale table."""

from __future__ import annotations

import marshal

import pytest
import simplemma

from policylens.text import lemma_cache

WORDS = (
    "industries",
    "policies",
    "developing",
    "was",
    "better",
    "enterprises",
    "strengthened",
    "analyses",
    "data",
    "Nanjing",
    "innovation",
    "clusters",
    "upgrading",
    "children",
    "running",
)


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("POLICYLENS_CACHE_DIR", str(tmp_path))
    return tmp_path


def test_cached_lemmatizer_gives_simplemmas_lemmas(cache_dir):
    expected = [simplemma.lemmatize(w, lang="en") for w in WORDS]
    first = lemma_cache.build_lemmatizer()
    assert [first.lemmatize(w, "en") for w in WORDS] == expected  # decoded, and the cache written
    assert list(cache_dir.glob("simplemma-en-*.marshal"))
    second = lemma_cache.build_lemmatizer()
    assert [second.lemmatize(w, "en") for w in WORDS] == expected  # read back from the cache


def test_cached_table_equals_the_decoded_one(cache_dir):
    built = lemma_cache.load_dictionary("en")
    key = lemma_cache.dictionary_key("en")
    assert lemma_cache.read_cached_dictionary("en", key) == built
    assert built[b"industries"] == b"industry"


def test_a_table_stored_under_another_key_is_not_served(cache_dir):
    key = lemma_cache.dictionary_key("en")
    path = lemma_cache.cache_path("en", key)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(marshal.dumps(("another key", {b"industries": b"wrong"})))
    assert lemma_cache.read_cached_dictionary("en", key) is None
    assert lemma_cache.load_dictionary("en")[b"industries"] == b"industry"  # decoded again, and rewritten
    assert lemma_cache.read_cached_dictionary("en", key)[b"industries"] == b"industry"


def test_an_unreadable_cache_file_is_rebuilt(cache_dir):
    key = lemma_cache.dictionary_key("en")
    path = lemma_cache.cache_path("en", key)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"not marshal data")
    assert lemma_cache.read_cached_dictionary("en", key) is None
    assert lemma_cache.load_dictionary("en")[b"policies"] == b"policy"


def test_the_key_follows_simplemmas_version(monkeypatch):
    key = lemma_cache.dictionary_key("en")
    monkeypatch.setattr(lemma_cache.metadata, "version", lambda package: "0.0.1")
    assert lemma_cache.dictionary_key("en") != key


def test_an_unsupported_language_is_refused(cache_dir):
    with pytest.raises(ValueError):
        lemma_cache.CachedDictionaryFactory().get_dictionary("xx")
