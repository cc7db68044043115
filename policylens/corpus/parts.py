"""The part files of an ingested corpus: which Parquet files hold each table (the manifest lists
them), the writer that streams one run's rows into its own part, and the carrying over of older
parts into a new run (a part holding a document that left the corpus is rewritten without it)."""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from policylens.corpus.pipeline import PARAGRAPHS_SCHEMA, TOKENS_SCHEMA

PART_TABLES = {"paragraphs": PARAGRAPHS_SCHEMA, "tokens": TOKENS_SCHEMA}
ROW_GROUP_ROWS = {"paragraphs": 100_000, "tokens": 1_000_000}  # rows buffered before a row group is written


def table_files(out: Path, manifest: dict, table: str) -> list[Path]:
    """The Parquet files holding one table of a cache folder: documents.parquet, or the parts of
    paragraphs and tokens its manifest lists."""
    if table == "documents":
        return [Path(out) / "documents.parquet"]
    return [Path(out) / part for part in manifest.get("parts", {}).get(table, [])]


class PartWriter:
    """This run's part file of one table: rows buffered into large row groups, written as batches
    arrive, renamed into place on close (a crash leaves only a .tmp that no manifest names)."""

    def __init__(self, out: Path, kind: str, run: str) -> None:
        self.kind, self.schema = kind, PART_TABLES[kind]
        self.relative = f"{kind}/{run}.parquet"
        self.path = out / self.relative
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.tmp = self.path.with_suffix(".parquet.tmp")
        self.writer = pq.ParquetWriter(self.tmp, self.schema, compression="zstd")
        self.buffer: list[pa.Table] = []
        self.buffered = self.rows = 0

    def write(self, table: pa.Table) -> None:
        # the batches' doc_id is dictionary-encoded (small to send and to hold): plain strings on disk
        self.buffer.append(table.cast(self.schema))
        self.buffered += table.num_rows
        if self.buffered >= ROW_GROUP_ROWS[self.kind]:
            self._flush()

    def _flush(self) -> None:
        if self.buffer:
            self.writer.write_table(pa.concat_tables(self.buffer), row_group_size=max(self.buffered, 1))
            self.rows += self.buffered
            self.buffer, self.buffered = [], 0

    def close(self) -> str:
        self._flush()
        self.writer.close()
        os.replace(self.tmp, self.path)
        return self.relative

    def abort(self) -> None:
        self.writer.close()
        self.tmp.unlink(missing_ok=True)


def carry_over(out: Path, manifest: dict | None, keep: set[str], removed: bool, run: str) -> dict[str, list[str]]:
    """The old parts to list again: all of them when no document left the corpus; otherwise each
    part holding a removed document is rewritten without it (or dropped when nothing is kept)."""
    parts: dict[str, list[str]] = {kind: [] for kind in PART_TABLES}
    if not manifest:
        return parts
    for kind in PART_TABLES:
        for n, path in enumerate(table_files(out, manifest, kind)):
            relative = path.relative_to(out).as_posix()
            if not removed:
                parts[kind].append(relative)
                continue
            old = pq.read_table(path)
            kept = old.filter(pc.is_in(old["doc_id"], value_set=pa.array(sorted(keep), pa.string())))
            if kept.num_rows == old.num_rows:
                parts[kind].append(relative)
            elif kept.num_rows:
                relative = f"{kind}/{run}-kept{n}.parquet"
                write_table(kept, out / relative)
                parts[kind].append(relative)
    return parts


def write_table(table: pa.Table, path: Path) -> None:
    """Write through a temporary file, so a crash never leaves half a table under the real name."""
    tmp = path.with_suffix(".parquet.tmp")
    pq.write_table(table, tmp, compression="zstd")
    os.replace(tmp, path)
