"""The per-document function of an ingest: decode, clean, segment, classify and count one item, as
plain rows for the documents, paragraphs and tokens tables, and the batch task that returns a batch's
rows as Arrow tables. The same task runs in a local process pool and on Dask workers; each process
builds its codebook and segmenter once. Items are classified by text.analysis.classify_document, the
lean form of analyze_document (same decisions, no evidence or tables).

The segmenter is a parameter (`IngestSettings.segmenter_factory`, by default text.fastseg's rjieba
backend, whose tokens equal jieba's) so another backend with the same `tokenize(text, language)` can
replace it; its name is part of the settings digest, so a cache built with one backend is never
reused by another.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from policylens import paths
from policylens.documents.errors import DocumentError
from policylens.documents.loader import load_document_bytes
from policylens.text.analysis import build_segmenter_config, classify_document
from policylens.text.fastseg import load_fast_segmenter
from policylens.text.pillars import Codebook, parse_codebook
from policylens.text.segment import Segmenter, SegmenterConfig

PIPELINE_VERSION = 2  # bump when the rows this module writes change meaning (2: paragraphs.tokens)
PARAGRAPHS_SCHEMA = pa.schema(
    [
        ("doc_id", pa.string()),
        ("paragraph", pa.int32()),
        ("pillar", pa.string()),
        ("secondary", pa.string()),
        ("confidence", pa.float32()),
        ("tokens", pa.int32()),  # the paragraph's rows in the token table (a pillar's share of the terms)
        ("text", pa.string()),
    ]
)
TOKENS_SCHEMA = pa.schema(
    [("doc_id", pa.string()), ("paragraph", pa.int32()), ("position", pa.int32()), ("token", pa.string())]
)
# Files besides the codebook that change an analysis: dictionaries, stopword lists, phrases.
SETTINGS_FILES = (
    paths.USERDICT,
    paths.STOPWORDS_ZH_PROJECT,
    paths.STOPWORDS_EN_PROJECT,
    paths.STOPWORDS_EN_ALLOW,
    paths.PHRASES_EN,
)


@dataclass(frozen=True)
class IngestSettings:
    """What an analysis depends on besides the document; small and picklable, sent to every worker.

    The codebook travels as its TOML text so that a remote worker needs no access to the client's
    files; the dictionaries and the model are the worker's installed data/ (checked by digest)."""

    codebook_text: str
    # rjieba with jieba's frequencies: the same tokens as Segmenter, several times faster (text/fastseg.py)
    segmenter_factory: Callable[[SegmenterConfig], Segmenter] = field(default=load_fast_segmenter)

    @classmethod
    def from_codebook_file(cls, path: Path = paths.PILLARS_CODEBOOK, **kwargs) -> IngestSettings:
        return cls(Path(path).read_text(encoding="utf-8"), **kwargs)


def _jieba_version() -> str:
    """jieba's version without importing it (a fifth of a second, and the parent needs no jieba)."""
    from importlib import metadata

    try:
        return metadata.version("jieba")
    except metadata.PackageNotFoundError:
        import jieba

        return jieba.__version__


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "missing"


def settings_digest(settings: IngestSettings) -> str:
    """SHA-256 of everything that changes the rows: the codebook, the segmenter's config and backend,
    the data files it reads, the pillar model, jieba's version and PIPELINE_VERSION (never hash():
    it is not stable across processes)."""
    codebook = parse_codebook(settings.codebook_text)
    factory = settings.segmenter_factory
    parts = [
        f"v{PIPELINE_VERSION}",
        settings.codebook_text,
        repr(build_segmenter_config(codebook)),
        f"{factory.__module__}.{factory.__qualname__}",
        f"jieba {_jieba_version()}",
        *(_file_digest(p) for p in SETTINGS_FILES),
        _file_digest(paths.DATA_DIR / codebook.model) if codebook.model else "no model",
    ]
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:32]


@dataclass
class DocumentRows:
    """One analysed item, as columns: its figures, then its paragraphs and its tokens."""

    doc_id: str
    language: str
    script: str
    encoding: str
    characters: int
    paragraph_count: int
    token_count: int
    paragraphs: dict[str, list]  # paragraph, pillar, secondary, confidence, text
    tokens: dict[str, list]  # paragraph, position, token


@dataclass
class BatchRows:
    """The results of one batch as the ingest stores them, built in the worker: each analysed item's
    figures, and the paragraph and token rows of all its items as Arrow tables (a few buffers to
    pickle instead of a Python object per token)."""

    documents: list[dict]  # doc_id, language, script, encoding, characters, paragraphs, tokens
    paragraphs: pa.Table  # PARAGRAPHS_SCHEMA, doc_id dictionary-encoded
    tokens: pa.Table  # TOKENS_SCHEMA, likewise
    failures: list[Failure]

    @property
    def items(self) -> int:
        return len(self.documents) + len(self.failures)


@dataclass(frozen=True)
class Failure:
    """An item the loader refused (empty, corrupt, ...), with the loader's message."""

    doc_id: str
    reason: str
    code: str


def analyze_item(doc_id: str, filename: str, data: bytes, codebook: Codebook, segmenter) -> DocumentRows | Failure:
    """Decode, clean (documents.loader), segment and classify one item: the rows of
    text.analysis.analyze_document, through its lean form classify_document (no evidence or tables);
    `segmenter` is anything with Segmenter's tokenize(text, language)."""
    try:
        document = load_document_bytes(data, filename)
    except DocumentError as exc:
        return Failure(doc_id, str(exc), exc.code)
    paragraph_terms, decision = classify_document(document, codebook, segmenter)
    token_paragraph, token_position, token_text = [], [], []
    for number, terms in enumerate(paragraph_terms, start=1):
        token_paragraph += [number] * len(terms)
        token_position += range(1, len(terms) + 1)
        token_text += terms
    return DocumentRows(
        doc_id=doc_id,
        language=document.language,
        script=document.script,
        encoding=document.encoding,
        characters=document.characters,
        paragraph_count=len(document.paragraphs),
        token_count=len(token_text),
        paragraphs={
            "paragraph": list(range(1, len(document.paragraphs) + 1)),
            "pillar": decision.pillar,
            "secondary": decision.secondary,
            "confidence": decision.confidence,
            "tokens": [len(terms) for terms in paragraph_terms],
            "text": list(document.paragraphs),
        },
        tokens={"paragraph": token_paragraph, "position": token_position, "token": token_text},
    )


_WORKER_STATE: dict[IngestSettings, tuple[Codebook, object]] = {}
_WORKER_LOCK = threading.Lock()  # Dask runs tasks on threads: build the segmenter once per process


def _worker_analyser(settings: IngestSettings, expected_digest: str) -> tuple[Codebook, object]:
    with _WORKER_LOCK:
        if settings not in _WORKER_STATE:
            digest = settings_digest(settings)
            if digest != expected_digest:
                raise RuntimeError(
                    "This worker's dictionaries or model differ from the client's (settings digest "
                    f"{digest} != {expected_digest}); install the same PolicyLens on every worker."
                )
            codebook = parse_codebook(settings.codebook_text)
            _WORKER_STATE[settings] = (codebook, settings.segmenter_factory(build_segmenter_config(codebook)))
        return _WORKER_STATE[settings]


def _batch_schema(schema: pa.Schema) -> pa.Schema:
    """A table's schema with doc_id dictionary-encoded: one id per item, not per row, in a batch."""
    return schema.set(0, pa.field("doc_id", pa.dictionary(pa.int32(), pa.string())))


def build_batch_rows(results: Sequence[DocumentRows | Failure]) -> BatchRows:
    """The items' rows as one BatchRows (the analysed items in their order, then the failures)."""
    rows = [r for r in results if isinstance(r, DocumentRows)]
    documents = [
        {
            "doc_id": r.doc_id,
            "language": r.language,
            "script": r.script,
            "encoding": r.encoding,
            "characters": r.characters,
            "paragraphs": r.paragraph_count,
            "tokens": r.token_count,
        }
        for r in rows
    ]
    doc_ids = pa.array([r.doc_id for r in rows], pa.string())
    tables = {}
    for kind, schema in (("paragraphs", PARAGRAPHS_SCHEMA), ("tokens", TOKENS_SCHEMA)):
        columns: dict[str, list] = {name: [] for name in schema.names[1:]}
        owner: list[int] = []
        for index, r in enumerate(rows):
            part = getattr(r, kind)
            owner += [index] * len(part["paragraph"])
            for name in columns:
                columns[name] += part[name]
        doc_id = pa.DictionaryArray.from_arrays(pa.array(owner, pa.int32()), doc_ids)
        tables[kind] = pa.table({"doc_id": doc_id, **columns}, schema=_batch_schema(schema))
    failures = [r for r in results if isinstance(r, Failure)]
    return BatchRows(documents, tables["paragraphs"], tables["tokens"], failures)


def analyze_batch(batch: Sequence[tuple[str, str, bytes]], settings: IngestSettings, digest: str) -> BatchRows:
    """analyze_item over (doc_id, filename, data) items with this process's codebook and segmenter,
    as one BatchRows: the task both engines run (batches keep the per-task overhead small)."""
    codebook, segmenter = _worker_analyser(settings, digest)
    return build_batch_rows(
        [analyze_item(doc_id, filename, data, codebook, segmenter) for doc_id, filename, data in batch]
    )
