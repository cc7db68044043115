"""The README states the limits the code enforces: each figure it gives is read from its one home."""

from policylens import paths, workers
from policylens.corpus.sources import ZIP_LIMITS
from policylens.documents.loader import LOAD_LIMITS
from policylens.indicators.upload import READ_LIMITS

README = " ".join((paths.ROOT / "README.md").read_text(encoding="utf-8").split())  # lines joined


def shown(limits: workers.Limits) -> str:
    return f"{limits.memory // workers.MiB:,} MB and {limits.seconds:g} s"


def test_the_readme_gives_the_worker_limits_of_reads_and_analyses():
    from policylens.ui import heavy

    assert f"at most {shown(LOAD_LIMITS)} for a document, {shown(READ_LIMITS)} for an indicator table" in README
    assert f"a document of {heavy.WORKER_CHARACTERS:,} characters or more, or with a paragraph of" in README
    assert f"a paragraph of {heavy.WORKER_PARAGRAPH:,} or more, is also analysed" in README
    assert f"(at most {shown(heavy.ANALYSIS_LIMITS)}, with a notice" in README


def test_the_readme_gives_the_export_limits():
    from policylens.ui.widgets import exports

    assert (
        f"a table's XLSX of more than {exports.XLSX_IN_SERVER_CELLS:,} cells (at most {shown(exports.XLSX_LIMITS)})"
        in README
    )


def test_the_readme_gives_the_corpus_limits():
    from policylens.ui.corpus import INGEST_LIMITS

    minutes = f"{INGEST_LIMITS.seconds / 60:g} minutes"
    assert f"at {minutes} or {INGEST_LIMITS.memory // workers.MiB:,} MB" in README
    assert f"more than {ZIP_LIMITS.entries:,} files or {ZIP_LIMITS.unpacked // workers.MiB:,} MB unpacked" in README
