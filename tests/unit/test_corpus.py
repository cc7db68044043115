"""Corpus mode core: sources and metadata, item splitting, the Parquet ingest and its cache, the
process pool and Dask engines, and the DuckDB queries, on the small corpora in tests/fixtures/corpus."""

import datetime
import shutil
import zipfile

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from policylens import paths
from policylens.corpus import sources
from policylens.corpus.ingest import IngestError, IngestOptions, ingest_corpus, read_manifest
from policylens.corpus.parts import table_files
from policylens.corpus.pipeline import IngestSettings
from policylens.corpus.queries import compare_subsets, count_pillar_shares, count_term_trends
from policylens.corpus.store import Corpus, CorpusQueryError, parse_filter
from policylens.documents.formats import PackageLimits

FIXTURES = paths.ROOT / "tests" / "fixtures" / "corpus"
BASIC = FIXTURES / "basic"
GOOD = ["2022-01-15_taipei.txt", "2023-03-05_nanjing.txt", "2023-11-20_english.txt", "2024-06-10_nanjing.html"]
GOOD.append("20240305_suzhou.md")


@pytest.fixture(scope="module")
def settings():
    return IngestSettings.from_codebook_file()


@pytest.fixture(scope="module")
def ingested(tmp_path_factory, settings):
    """The basic fixture corpus ingested once in this process (workers=1)."""
    out = tmp_path_factory.mktemp("corpus") / "cache"
    result = ingest_corpus(BASIC, out, IngestOptions(settings, workers=1))
    return out, result


def read_tables(out):
    """The three tables sorted by their keys, for comparing two ingests."""
    keys = {
        "documents": ["doc_id"],
        "paragraphs": ["doc_id", "paragraph"],
        "tokens": ["doc_id", "paragraph", "position"],
    }
    return {
        name: pa.concat_tables([pq.read_table(p) for p in table_files(out, read_manifest(out), name)])
        .to_pandas()
        .sort_values(key)
        .reset_index(drop=True)
        for name, key in keys.items()
    }


def test_sources_read_metadata_from_sidecar_front_matter_and_file_name():
    items, bad = sources.read_source(BASIC)
    by_name = {item.name: item.metadata for item in items}
    assert sorted(by_name) == sorted([*GOOD, "broken.docx", "empty.txt"])
    assert by_name["2023-03-05_nanjing.txt"] == {
        "title": "南京市科技创新工作报告",
        "date": "2023-03-05",
        "place": "南京",
        "level": "city",
        "issuer": "南京市人民政府",
        "type": "报告",
        "source_url": "https://example.org/nj-2023",
    }
    suzhou = by_name["20240305_suzhou.md"]  # front matter title and type; the sidecar's place; the name's date
    assert (suzhou["title"], suzhou["type"], suzhou["place"], suzhou["date"]) == (
        "苏州市先进制造业发展意见",
        "意见",
        "苏州",
        "2024-03-05",
    )
    assert bad == []  # the empty and the corrupt file are refused by the loader, at ingest


def test_a_file_of_items_is_split_on_level_two_headings():
    items, bad = sources.read_source(FIXTURES / "items", split=True)
    assert [i.name for i in items] == ["2024-01-02.md#1", "2024-01-02.md#2", "2024-01-02.md#3"]
    assert [i.metadata["title"] for i in items] == ["国家实验室建设取得新进展", "人工智能产业加快发展", "天气预报"]
    assert {i.metadata["date"] for i in items} == {"2024-01-02"}
    assert items[2].data.decode() == "明天全国大部分地区天气晴好。" and not bad
    whole, _ = sources.read_source(FIXTURES / "items")
    assert len(whole) == 1


def test_dates_are_read_in_the_usual_forms():
    assert sources.parse_date("20240305_x.md") == datetime.date(2024, 3, 5)
    assert sources.parse_date("2024年3月5日") == datetime.date(2024, 3, 5)
    assert sources.parse_date("2024") == datetime.date(2024, 1, 1)
    assert sources.parse_date("notes-2024-13-40.txt") is None


def test_ingest_writes_the_three_tables_and_lists_bad_files(ingested):
    out, result = ingested
    assert (result.documents, result.analysed, result.reused) == (5, 5, 0)
    assert sorted(b.name for b in result.bad) == ["broken.docx", "empty.txt"]
    assert {b.code for b in result.bad} == {"empty", "docx"}
    tables = read_tables(out)
    docs = tables["documents"].set_index("name")
    items = {i.name: i for i in sources.read_source(BASIC)[0]}
    assert docs.loc["2023-03-05_nanjing.txt", "doc_id"] == items["2023-03-05_nanjing.txt"].doc_id
    assert docs.loc["2023-11-20_english.txt", "language"] == "en"
    assert docs.loc["2022-01-15_taipei.txt", "script"] == "traditional"
    taipei = tables["paragraphs"][tables["paragraphs"]["doc_id"] == docs.loc["2022-01-15_taipei.txt", "doc_id"]]
    assert "臺" not in "".join(taipei["text"]) and "台北市" in taipei["text"].iloc[0]
    paragraph_columns = ["doc_id", "paragraph", "pillar", "secondary", "confidence", "tokens", "text"]
    assert list(tables["paragraphs"].columns) == paragraph_columns
    per_paragraph = tables["tokens"].groupby(["doc_id", "paragraph"]).size()
    stated = tables["paragraphs"].set_index(["doc_id", "paragraph"])["tokens"]
    assert (stated.reindex(per_paragraph.index) == per_paragraph).all() and stated.sum() == per_paragraph.sum()
    assert list(tables["tokens"].columns) == ["doc_id", "paragraph", "position", "token"]
    counts = tables["tokens"].groupby("doc_id").size()
    assert counts.to_dict() == docs.set_index("doc_id")["tokens"].to_dict()
    nanjing = tables["tokens"][tables["tokens"]["doc_id"] == docs.loc["2023-03-05_nanjing.txt", "doc_id"]]
    assert {"科研人员", "原始创新", "专精特新"} <= set(nanjing["token"])  # codebook terms kept whole
    assert read_manifest(out)["documents"] == 5


def test_reingest_reuses_everything_and_a_new_file_is_the_only_one_analysed(tmp_path, settings):
    source = tmp_path / "src"
    shutil.copytree(BASIC, source)
    out = tmp_path / "cache"
    first = ingest_corpus(source, out, IngestOptions(settings, workers=1))
    (tokens_part,) = table_files(out, read_manifest(out), "tokens")
    tokens_written = tokens_part.stat().st_mtime_ns
    again = ingest_corpus(source, out, IngestOptions(settings, workers=1))
    assert (again.analysed, again.reused) == (0, first.documents)
    assert table_files(out, read_manifest(out), "tokens") == [tokens_part]  # nothing to rewrite
    assert tokens_part.stat().st_mtime_ns == tokens_written
    shutil.copy(FIXTURES / "extra" / "2024-09-01_wuxi.txt", source)
    sidecar = source / "metadata.csv"
    sidecar.write_text(sidecar.read_text(encoding="utf-8").replace(",台北,", ",臺北,"), encoding="utf-8")
    grown = ingest_corpus(source, out, IngestOptions(settings, workers=1))
    assert (grown.analysed, grown.reused, grown.documents) == (1, 5, 6)
    docs = read_tables(out)["documents"].set_index("name")
    assert docs.loc["2022-01-15_taipei.txt", "place"] == "臺北"  # metadata re-read without re-analysis
    (source / "2023-11-20_english.txt").unlink()
    shrunk = ingest_corpus(source, out, IngestOptions(settings, workers=1))
    assert (shrunk.analysed, shrunk.documents) == (0, 5)
    assert set(read_tables(out)["tokens"]["doc_id"]) == set(read_tables(out)["documents"]["doc_id"])
    listed = {p for kind in ("paragraphs", "tokens") for p in table_files(out, read_manifest(out), kind)}
    on_disk = {p for kind in ("paragraphs", "tokens") for p in (out / kind).iterdir()}
    assert listed == on_disk  # a rewritten part leaves no stale file behind


def test_other_settings_analyse_again(tmp_path, settings):
    out = tmp_path / "cache"
    ingest_corpus(FIXTURES / "items", out, IngestOptions(settings, split_items=True, workers=1))
    edited = IngestSettings(settings.codebook_text + "\n# an edit\n")
    assert ingest_corpus(FIXTURES / "items", out, IngestOptions(edited, split_items=True, workers=1)).analysed == 3


def test_cancel_keeps_finished_items_and_the_next_ingest_resumes(tmp_path, settings):
    out, seen = tmp_path / "cache", []
    options = IngestOptions(settings, workers=1, batch_size=1)
    result = ingest_corpus(BASIC, out, options, progress=seen.append, cancel=lambda: len(seen) >= 2)
    assert result.cancelled and result.documents == 2
    assert [(p.done, p.total) for p in seen] == [(1, 7), (2, 7)] and seen[-1].eta >= 0
    resumed = ingest_corpus(BASIC, out, options)
    assert (resumed.reused, resumed.analysed, resumed.cancelled) == (2, 3, False)


def test_process_pool_and_dask_local_cluster_write_the_same_tables(tmp_path, ingested, settings):
    distributed = pytest.importorskip("distributed")
    pool = ingest_corpus(BASIC, tmp_path / "pool", IngestOptions(settings, workers=2))
    assert pool.analysed == 5
    expected = read_tables(ingested[0])
    for name, table in read_tables(tmp_path / "pool").items():
        pd.testing.assert_frame_equal(table, expected[name])
    with distributed.LocalCluster(
        processes=False, n_workers=1, threads_per_worker=1, dashboard_address=None
    ) as cluster:
        options = IngestOptions(settings, engine="dask", scheduler=cluster.scheduler_address)
        result = ingest_corpus(BASIC, tmp_path / "dask", options)
    assert result.analysed == 5 and sorted(b.name for b in result.bad) == ["broken.docx", "empty.txt"]
    for name, table in read_tables(tmp_path / "dask").items():
        pd.testing.assert_frame_equal(table, expected[name])


def test_a_zip_reads_like_its_folder_and_its_limits_are_checked_before_reading(tmp_path, monkeypatch):
    archive = tmp_path / "corpus.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        for path in sorted(BASIC.iterdir()):
            z.write(path, path.name)
    folder_items, _ = sources.read_source(BASIC)
    zip_items, _ = sources.read_source(archive)
    assert [(i.name, i.doc_id, i.metadata) for i in zip_items] == [(i.name, i.doc_id, i.metadata) for i in folder_items]
    monkeypatch.setattr(sources, "ZIP_LIMITS", PackageLimits(entries=3, unpacked=2**30))
    with pytest.raises(sources.SourceError, match=r"The zip holds \d+ files; the limit is 3\.") as refused:
        sources.read_source(archive)
    assert refused.value.code == "package_entries" and refused.value.values["limit"] == 3
    with pytest.raises(sources.SourceError, match="limit is 3"):
        sources.check_zip_bytes(archive.read_bytes())  # the upload's check, before anything is written


def test_a_zip_corpus_that_declares_thousands_of_files_is_refused_from_its_directory_with_separators(tmp_path):
    archive = tmp_path / "many.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as z:
        for n in range(sources.ZIP_LIMITS.entries + 1):
            z.writestr(f"d{n}.txt", "")
    with pytest.raises(sources.SourceError) as refused:
        sources.check_zip_bytes(archive.read_bytes())
    assert str(refused.value) == "The zip holds 50,001 files; the limit is 50,000. It was not read."
    assert refused.value.values == {"declared": 50_001, "limit": 50_000}


def test_a_table_with_a_text_column_is_one_document_per_row(tmp_path):
    table = tmp_path / "reports.csv"
    table.write_text(
        "title,date,place,text\n报告一,2023-01-05,南京,发展人工智能产业。\n报告二,2024,苏州,\n", encoding="utf-8"
    )
    items, bad = sources.read_source(table)
    assert [(i.name, i.metadata) for i in items] == [
        ("reports.csv:2", {"title": "报告一", "date": "2023-01-05", "place": "南京"})
    ]
    assert [b.name for b in bad] == ["reports.csv:3"]


def test_a_bad_source_or_cache_folder_is_refused(tmp_path, settings):
    with pytest.raises(sources.SourceError):
        sources.read_source(tmp_path / "missing")
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    with pytest.raises(IngestError, match="no corpus manifest"):
        ingest_corpus(BASIC, tmp_path, IngestOptions(settings, workers=1))
    with pytest.raises(IngestError, match="Unknown engine"):
        ingest_corpus(BASIC, tmp_path / "out", IngestOptions(settings, engine="ray"))


def test_term_trends_count_per_period_and_per_10k_tokens(ingested):
    out, _ = ingested
    with Corpus(out) as corpus:
        trends = count_term_trends(corpus, ["人工智能", "researchers"], by="year")
    tables = read_tables(out)
    docs = tables["documents"].assign(period=lambda d: pd.to_datetime(d["date"]).dt.year.astype(str))
    tokens = tables["tokens"].merge(docs[["doc_id", "period"]], on="doc_id")
    rows = []
    for period, group in tokens.groupby("period"):
        for term, token in (("人工智能", "人工智能"), ("researchers", "researcher")):
            n = int((group["token"] == token).sum())
            rows.append((period, term, n, n * 10000 / len(group)))
    expected = pd.DataFrame(rows, columns=["period", "term", "count", "per_10k"])
    pd.testing.assert_frame_equal(trends, expected, check_dtype=False)
    assert trends.set_index(["period", "term"]).loc[("2023", "researchers"), "count"] == 1  # the lemma researcher


def test_trends_by_month_and_quarter_and_under_a_filter(ingested):
    with Corpus(ingested[0]) as corpus:
        months = count_term_trends(corpus, ["人工智能"], by="month")
        quarters = count_term_trends(corpus, ["人工智能"], by="quarter", where=parse_filter("place=南京"))
    assert list(months["period"]) == ["2022-01", "2023-03", "2023-11", "2024-03", "2024-06"]
    assert list(quarters["period"]) == ["2023-Q1", "2024-Q2"]
    with pytest.raises(CorpusQueryError):
        count_term_trends(Corpus(ingested[0]), ["x"], by="week")


def test_pillar_shares_cover_every_pillar_and_sum_to_one(ingested):
    with Corpus(ingested[0]) as corpus:
        shares = count_pillar_shares(corpus, by="year")
        pillars = corpus.pillar_ids
    assert list(shares.columns) == ["period", "pillar", "paragraphs", "share"]
    assert list(shares["pillar"].iloc[: len(pillars) + 1]) == [*pillars, None]
    assert shares.groupby("period")["share"].sum().round(9).eq(1).all()
    paragraphs = read_tables(ingested[0])["paragraphs"]
    assert shares["paragraphs"].sum() == len(paragraphs)


def test_compare_ranks_the_terms_of_each_subset_by_log_likelihood(ingested):
    with Corpus(ingested[0]) as corpus:
        report = compare_subsets(corpus, parse_filter("place=南京"), parse_filter("place=苏州|台北"), top=5, min_g2=0)
        rest = compare_subsets(corpus, parse_filter("date=2024-06"), None, top=3, min_g2=0)
        with pytest.raises(CorpusQueryError, match="matches no documents"):
            compare_subsets(corpus, parse_filter("place=上海"), None)
    assert (report["a"]["documents"], report["b"]["documents"], report["overlap"]) == (2, 2, 0)
    terms = report["terms"]
    assert list(terms.columns) == [
        "term", "count_a", "count_b", "per_10k_a", "per_10k_b", "log_likelihood", "log_ratio"
    ]  # fmt: skip
    side_a = terms[terms["log_likelihood"] > 0]
    assert (side_a["count_a"] / report["a"]["tokens"] > side_a["count_b"] / report["b"]["tokens"]).all()
    assert (terms["log_likelihood"] > 0).sum() <= 5 and (terms["log_likelihood"] < 0).sum() <= 5
    assert rest["b"]["documents"] == 4  # every other document, the undated ones too


def test_filters_parse_dates_lists_and_refuse_unknown_keys():
    f = parse_filter("date=2023-03..2024, place=南京|苏州")
    assert f.params == (datetime.date(2023, 3, 1), datetime.date(2025, 1, 1), "南京", "苏州")
    assert parse_filter("").sql == "TRUE"
    for bad in ("city=南京", "date=2023-13", "place"):
        with pytest.raises(CorpusQueryError):
            parse_filter(bad)


def test_the_item_rows_are_those_of_analyze_document(codebook, segmenter):
    from policylens.corpus.pipeline import analyze_item
    from policylens.documents.loader import load_document
    from policylens.text.analysis import analyze_document

    path = BASIC / "2023-03-05_nanjing.txt"
    rows = analyze_item("x", path.name, path.read_bytes(), codebook, segmenter)
    analysis = analyze_document(load_document(path), codebook, segmenter)
    assignment = analysis.assignment.sort_values("paragraph")
    assert rows.paragraphs["pillar"] == [p if isinstance(p, str) else None for p in assignment["pillar"]]
    assert rows.paragraphs["confidence"] == [float(c) for c in assignment["confidence"]]
    assert rows.tokens["token"] == [t for terms in analysis.paragraph_terms for t in terms]


def test_a_cache_of_an_older_format_is_rebuilt_in_place(tmp_path, settings):
    out = tmp_path / "cache"
    out.mkdir()
    (out / "manifest.json").write_text('{"format": 1, "tables": {}}', encoding="utf-8")
    (out / "tokens.parquet").write_bytes(b"old")
    result = ingest_corpus(FIXTURES / "items", out, IngestOptions(settings, split_items=True, workers=1))
    assert result.analysed == 3 and not (out / "tokens.parquet").exists()
    assert read_manifest(out)["parts"]["tokens"]


@pytest.mark.parametrize(
    ("rule", "titles"),
    [
        ("h2", ["第一条", "第二条"]),
        ("h1", ["总则"]),
        ("heading", ["总则", "第一条", "第二条"]),
        ("rule", ["note", "note", "note"]),  # no headings at --- lines: the file's name is the title
    ],
)
def test_the_user_picks_the_rule_that_cuts_a_file_into_items(tmp_path, rule, titles):
    text = (
        "# 总则\n\n前言。\n\n## 第一条\n\n加快科技创新。\n\n---\n\n## 第二条\n\n建设现代化产业体系。\n\n---\n\n附件。\n"
    )
    (tmp_path / "note.md").write_text(text, encoding="utf-8")
    items, bad = sources.read_source(tmp_path, split=rule)
    assert [i.metadata["title"] for i in items] == titles and not bad
    assert all(i.data.strip() for i in items)
    if rule == "rule":
        assert items[-1].data.decode("utf-8").strip() == "附件。"
    assert [i.name for i in sources.read_source(tmp_path, split=True)[0]] == ["note.md#1", "note.md#2"]
    with pytest.raises(sources.SourceError, match="Unknown split rule"):
        sources.read_source(tmp_path, split="h7")
