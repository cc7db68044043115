"""The ingest: a source's items through pipeline.analyze_batch, in parallel (a local process pool or
Dask distributed), into a cache folder of Parquet tables and a manifest.

The cache is keyed by the items' content hashes and the settings digest: items already in the
folder under the same digest are not analysed again, so re-ingesting is a read of the manifest and
adding documents analyses only the new ones. Metadata is re-read from the source on every ingest.

Results are streamed: a few batches are in flight at a time, and each finished batch's paragraphs
and tokens go straight into this run's Parquet part files (paragraphs/<run>.parquet,
tokens/<run>.parquet, written in large row groups), so memory does not grow with the corpus. The
manifest lists the parts of each table (table_files); a part left by a crashed run is not listed
and never read. documents.parquet is rewritten whole on every run (one small row per document).
"""

from __future__ import annotations

import datetime
import json
import os
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from policylens.corpus.parts import PART_TABLES, PartWriter, carry_over, table_files, write_table
from policylens.corpus.pipeline import (
    BatchRows,
    IngestSettings,
    analyze_batch,
    settings_digest,
)
from policylens.corpus.sources import METADATA_FIELDS, BadFile, SourceItem, read_source
from policylens.text.pillars import parse_codebook

MANIFEST = "manifest.json"
CODEBOOK_FILE = "codebook.toml"  # the codebook the corpus was analysed with (its terms are in the dictionary)
MANIFEST_FORMAT = 2  # 2: paragraphs and tokens as listed part files
IN_FLIGHT_PER_WORKER = 3  # batches submitted ahead per worker: enough to keep it busy, bounded in memory
ENGINES = ("local", "dask")
TABLES = ("documents", "paragraphs", "tokens")
DOCUMENTS_SCHEMA = pa.schema(
    [
        ("doc_id", pa.string()),
        ("name", pa.string()),
        *((f, pa.date32() if f == "date" else pa.string()) for f in METADATA_FIELDS),
        ("language", pa.string()),
        ("script", pa.string()),
        ("encoding", pa.string()),
        ("characters", pa.int64()),
        ("paragraphs", pa.int32()),
        ("tokens", pa.int64()),
    ]
)
ANALYSIS_COLUMNS = ("language", "script", "encoding", "characters", "paragraphs", "tokens")


class IngestError(RuntimeError):
    """An ingest that cannot run: a bad option, an unreachable scheduler, a cache that is not ours."""


@dataclass(frozen=True)
class Progress:
    """How far an ingest is: items done of total, seconds since the analysis started, and the ETA."""

    done: int
    total: int
    elapsed: float
    eta: float | None


@dataclass(frozen=True)
class IngestOptions:
    """How to ingest: the split rule, the engine and its parallelism, and the analysis settings."""

    settings: IngestSettings
    split_items: bool | str = False  # a sources.SPLIT_RULES name; True: the default rule (## headings)
    sidecar: Path | None = None
    workers: int | None = None  # None: every core
    engine: str = "local"
    scheduler: str | None = None  # a Dask scheduler address; None starts a LocalCluster
    batch_size: int | None = None  # items per task; None: about 8 tasks per worker, at most 64 items


@dataclass
class IngestResult:
    """What an ingest did. `bad` lists files and items left out, with their reason."""

    out: Path
    documents: int
    analysed: int
    reused: int
    bad: list[BadFile] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)  # names whose content another item already has
    characters: int = 0
    seconds: float = 0.0
    cancelled: bool = False

    def summary(self) -> dict:
        return {
            **{k: v for k, v in asdict(self).items() if k not in ("out", "bad")},
            "out": str(self.out),
            "bad": [asdict(b) for b in self.bad],
        }


def read_manifest(out: Path) -> dict | None:
    """The manifest of a cache folder, or None when there is none (or it is not readable)."""
    try:
        manifest = json.loads((Path(out) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) and manifest.get("format") == MANIFEST_FORMAT else None


def _batches(items: Sequence[SourceItem], size: int) -> Iterator[list[tuple[str, str, bytes]]]:
    for i in range(0, len(items), size):
        yield [(item.doc_id, item.filename, item.data) for item in items[i : i + size]]


def _documents_table(items: Sequence[SourceItem], stats: dict[str, dict]) -> pa.Table:
    """One row per analysed item: its current metadata and the figures of its analysis."""
    rows = []
    for item in items:
        if item.doc_id not in stats:
            continue
        meta = item.metadata
        date = meta.get("date")
        rows.append(
            {
                "doc_id": item.doc_id,
                "name": item.name,
                **{f: meta.get(f) for f in METADATA_FIELDS},
                "date": datetime.date.fromisoformat(date) if date else None,
                **stats[item.doc_id],
            }
        )
    return pa.Table.from_pylist(rows, schema=DOCUMENTS_SCHEMA)


def _cached_stats(out: Path, manifest: dict | None, digest: str) -> dict[str, dict]:
    """The analysis figures of every document already in the cache under the same settings."""
    path = out / "documents.parquet"
    if not manifest or manifest.get("settings_digest") != digest or not path.is_file():
        return {}
    if not all(p.is_file() for kind in PART_TABLES for p in table_files(out, manifest, kind)):
        return {}
    table = pq.read_table(path, columns=["doc_id", *ANALYSIS_COLUMNS])
    return {row.pop("doc_id"): row for row in table.to_pylist()}


def _unique(items: Sequence[SourceItem]) -> tuple[list[SourceItem], list[str]]:
    seen: set[str] = set()
    unique, duplicates = [], []
    for item in items:
        (duplicates.append(item.name) if item.doc_id in seen else unique.append(item))
        seen.add(item.doc_id)
    return unique, duplicates


def _run_local(batches: Iterator[list], settings, digest, workers: int) -> Iterator[BatchRows]:
    """Each batch's results as it finishes, at most IN_FLIGHT_PER_WORKER batches per worker
    submitted ahead; a single worker runs in this process."""
    if workers <= 1:
        for batch in batches:
            yield analyze_batch(batch, settings, digest)
        return
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    # forkserver, not fork: the parent may hold threads (DuckDB, Dask); children import the pipeline once
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["policylens.corpus.pipeline"])
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
    try:
        pending = set()
        for batch in batches:
            pending.add(pool.submit(analyze_batch, batch, settings, digest))
            while len(pending) >= workers * IN_FLIGHT_PER_WORKER:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                yield from (future.result() for future in done)
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            yield from (future.result() for future in done)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)  # reached on cancel too: pending batches are dropped


def _run_dask(batches: Iterator[list], settings, digest, workers: int, scheduler: str | None) -> Iterator[BatchRows]:
    """The same task on Dask distributed: the cluster at `scheduler`, or a LocalCluster of `workers`;
    as many batches in flight per worker thread as the local pool keeps."""
    from dask.distributed import Client, LocalCluster, as_completed

    cluster = None
    try:
        if scheduler:
            client = Client(scheduler, timeout="20s")
        else:
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, dashboard_address=None)
            client = Client(cluster)
    except (OSError, TimeoutError, ValueError) as exc:
        raise IngestError(f"Cannot reach the Dask scheduler {scheduler or '(local)'}: {exc}") from exc
    try:
        threads = max(1, sum(client.nthreads().values()))
        submit = lambda batch: client.submit(analyze_batch, batch, settings, digest, pure=False)  # noqa: E731
        running = as_completed([submit(b) for _, b in zip(range(threads * IN_FLIGHT_PER_WORKER), batches)])
        try:
            for future in running:
                try:
                    result = future.result()
                except Exception as exc:  # the cluster's own failure: one clear line, not its traceback
                    message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                    raise IngestError(
                        f"The Dask cluster could not run the analysis ({message}). The scheduler and every "
                        "worker need the same PolicyLens importable (README, Corpus mode)."
                    ) from exc
                future.release()
                for batch in (b for _, b in zip(range(1), batches)):
                    running.add(submit(batch))
                yield result
        finally:
            for future in running.futures:
                future.cancel()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _analyse(todo, options: IngestOptions, digest: str, writers, progress, cancel) -> tuple[list, list, bool]:
    """Run the engine over `todo`, each finished batch's rows into `writers`: (the analysed
    documents' figures, failures, cancelled)."""
    workers = max(1, options.workers or os.cpu_count() or 1)
    size = options.batch_size or max(1, min(64, -(-len(todo) // (workers * 8))))
    batches = _batches(todo, size)
    if options.engine == "dask":
        runs = _run_dask(batches, options.settings, digest, workers, options.scheduler)
    else:
        runs = _run_local(batches, options.settings, digest, workers)
    figures, failures, done, start = [], [], 0, time.perf_counter()
    cancelled = False
    for batch in runs:
        writers["paragraphs"].write(batch.paragraphs)
        writers["tokens"].write(batch.tokens)
        figures += batch.documents
        failures += batch.failures
        done += batch.items
        if progress:
            elapsed = time.perf_counter() - start
            progress(Progress(done, len(todo), elapsed, elapsed / done * (len(todo) - done)))
        if cancel and cancel() and done < len(todo):
            cancelled = True
            runs.close()  # shuts the pool or the client down; finished batches are kept
            break
    return figures, failures, cancelled


def ingest_corpus(
    source: Path | str,
    out: Path | str,
    options: IngestOptions,
    progress: Callable[[Progress], None] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> IngestResult:
    """Ingest `source` (folder, .zip, CSV/XLSX) into the cache folder `out`.

    `progress` is called after every finished batch; when `cancel()` turns true the ingest stops,
    keeps what is finished (the next ingest resumes from there) and reports cancelled=True.
    Writes documents.parquet (doc_id, name, title, date, place, level, issuer, type, source_url,
    language, script, encoding, characters, paragraphs, tokens), the part files of paragraphs
    (doc_id, paragraph, pillar, secondary, confidence, tokens, text) and tokens (doc_id, paragraph,
    position, token), and manifest.json, which lists the parts (table_files)."""
    if options.engine not in ENGINES:
        raise IngestError(f"Unknown engine '{options.engine}'; use one of {', '.join(ENGINES)}.")
    start = time.perf_counter()
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise IngestError(f"{out} exists and is not a folder.")
    manifest = read_manifest(out)
    if manifest is None and _older_cache(out):  # written by an earlier PolicyLens: built again in place
        for name in ("documents.parquet", "paragraphs.parquet", "tokens.parquet", MANIFEST):
            (out / name).unlink(missing_ok=True)
    if out.is_dir() and any(out.iterdir()) and manifest is None:
        raise IngestError(f"{out} is not empty and holds no corpus manifest; choose an empty or new folder.")
    items, bad = read_source(source, options.split_items, options.sidecar)
    items, duplicates = _unique(items)
    digest = settings_digest(options.settings)
    cached = _cached_stats(out, manifest, digest)
    todo = [item for item in items if item.doc_id not in cached]
    current = {item.doc_id for item in items}
    stats = {doc_id: s for doc_id, s in cached.items() if doc_id in current}
    keep = set(stats)
    out.mkdir(parents=True, exist_ok=True)
    run = f"{datetime.datetime.now(datetime.UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
    reusable = manifest if cached else None  # other settings, or parts missing: nothing carries over
    parts = carry_over(out, reusable, keep, keep != set(cached), run)
    writers = {kind: PartWriter(out, kind, run) for kind in PART_TABLES}
    try:
        figures, failures, cancelled = (
            _analyse(todo, options, digest, writers, progress, cancel) if todo else ([], [], False)
        )
    except BaseException:
        for writer in writers.values():
            writer.abort()
        raise
    for kind, writer in writers.items():
        relative = writer.close()
        if writer.rows or not parts[kind]:  # an empty part only when the table has no other
            parts[kind].append(relative)
        else:
            (out / relative).unlink()
    names = {item.doc_id: item.name for item in todo}
    bad += [BadFile(names[f.doc_id], f.reason, f.code) for f in failures]
    for row in figures:
        stats[row["doc_id"]] = {k: v for k, v in row.items() if k != "doc_id"}
    documents = _documents_table(items, stats)
    write_table(documents, out / "documents.parquet")
    seconds = time.perf_counter() - start
    result = IngestResult(
        out=out,
        documents=documents.num_rows,
        analysed=len(figures),
        reused=len(keep),
        bad=bad,
        duplicates=duplicates,
        characters=int(pc.sum(documents["characters"]).as_py() or 0),
        seconds=round(seconds, 3),
        cancelled=cancelled,
    )
    old_files = {p for kind in PART_TABLES for p in (table_files(out, manifest, kind) if manifest else [])}
    _write_manifest(out, source, options, digest, result, parts)
    for path in old_files - {out / p for kind in PART_TABLES for p in parts[kind]}:
        path.unlink(missing_ok=True)  # parts rewritten or emptied: gone once the new manifest is in place
    return result


def _older_cache(out: Path) -> bool:
    """A cache folder of another manifest format (its tables are rebuilt, never read)."""
    try:
        manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (
        isinstance(manifest, dict) and isinstance(manifest.get("format"), int) and manifest["format"] != MANIFEST_FORMAT
    )


def _write_manifest(out: Path, source, options: IngestOptions, digest: str, result: IngestResult, parts) -> None:
    codebook = parse_codebook(options.settings.codebook_text)
    factory = options.settings.segmenter_factory
    manifest = {
        "format": MANIFEST_FORMAT,
        "settings_digest": digest,
        "segmenter": f"{factory.__module__}.{factory.__qualname__}",
        "pillars": list(codebook.ids),
        "source": str(Path(source).resolve()),
        "split_items": options.split_items,
        "updated": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "parts": parts,
        **{k: v for k, v in result.summary().items() if k not in ("out", "seconds")},
    }
    (out / CODEBOOK_FILE).write_text(options.settings.codebook_text, encoding="utf-8")  # how it was read
    tmp = out / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(tmp, out / MANIFEST)
