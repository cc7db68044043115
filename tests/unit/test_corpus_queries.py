"""The corpus views' questions: the filter language (pillars, dates, fields), periods with their
gaps, overview counts, pillar shares by period and by place, term trends and first appearances,
the document table, metadata edits, keyword in context across the corpus, and the chart builders,
on the basic fixture corpus (dated, with places, a Traditional-Chinese file and two bad files)."""

import datetime

import pandas as pd
import pytest

from policylens import paths
from policylens.corpus.ingest import IngestOptions, ingest_corpus
from policylens.corpus.kwic import find_corpus_kwic
from policylens.corpus.pipeline import IngestSettings
from policylens.corpus.queries import (
    compare_texts,
    count_documents,
    count_documents_by,
    count_pillar_shares,
    count_pillar_shares_by,
    count_term_trends,
    field_values,
    first_appearances,
    list_documents,
    read_document_paragraphs,
    read_paragraph_terms,
    share_column,
    summarize_corpus,
    top_terms,
)
from policylens.corpus.store import (
    Corpus,
    CorpusQueryError,
    filter_text,
    merge_edits,
    parse_filter,
    period_of,
    period_range,
    split_terms,
)
from policylens.figures.corpus import build_pillar_trend_figure, build_term_trend_figure, build_text_numbers_figure
from policylens.text.analysis import build_segmenter_config
from policylens.text.kwic import QueryError
from policylens.text.pillars import load_codebook
from policylens.text.segment import Segmenter

BASIC = paths.ROOT / "tests" / "fixtures" / "corpus" / "basic"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("queries") / "cache"
    ingest_corpus(BASIC, out, IngestOptions(IngestSettings.from_codebook_file(), workers=1))
    with Corpus(out) as opened:
        yield opened


@pytest.fixture(scope="module")
def codebook():
    return load_codebook(paths.PILLARS_CODEBOOK)


def test_a_pillar_clause_scopes_paragraphs_and_general_names_the_unclassified():
    where = parse_filter("place=南京, pillar=new|general")
    assert where.pillars == ("new", None)
    sql, params = where.paragraph_sql("p")
    assert sql == "(p.pillar IN (?) OR p.pillar IS NULL)" and params == ("new",)
    assert parse_filter("").pillars == ()


def test_filter_text_is_what_parse_filter_reads():
    text = filter_text(dates=("2023-01-01", ""), pillars=("strong", None), place=["南京", "苏州"], type=[])
    assert text == "date=2023-01-01..,place=南京|苏州,pillar=strong|general"
    where = parse_filter(text)
    assert where.params == (datetime.date(2023, 1, 1), "南京", "苏州") and where.pillars == ("strong", None)
    assert filter_text() == ""
    with pytest.raises(CorpusQueryError, match="Unknown filter key"):
        parse_filter("city=南京")


def test_period_range_lists_every_period_so_an_empty_one_is_a_gap():
    first, last = datetime.date(2023, 11, 20), datetime.date(2024, 3, 5)
    assert period_range(first, last, "month") == ["2023-11", "2023-12", "2024-01", "2024-02", "2024-03"]
    assert period_range(first, last, "quarter") == ["2023-Q4", "2024-Q1"]
    assert period_range(first, last, "year") == ["2023", "2024"]
    assert period_of(datetime.date(2024, 6, 10), "quarter") == "2024-Q2"
    assert period_range(None, last, "year") == []


def test_summary_and_document_counts_cover_the_documents_that_loaded(corpus):
    summary = summarize_corpus(corpus)
    assert summary["documents"] == 5  # the empty file and the broken .docx are left out
    assert (summary["first"], summary["last"]) == (datetime.date(2022, 1, 15), datetime.date(2024, 6, 10))
    assert summary["undated"] == 0 and summary["places"] == 4  # 台北, 南京, 苏州, Suzhou
    by_year = count_documents(corpus, "year")
    assert dict(zip(by_year["period"], by_year["documents"])) == {"2022": 1, "2023": 2, "2024": 2}
    by_place = count_documents_by(corpus, "place")
    assert by_place.iloc[0].to_dict()["place"] == "南京" and int(by_place.iloc[0]["documents"]) == 2
    assert field_values(corpus, "type")[:1] and "报告" in field_values(corpus, "type")
    assert summarize_corpus(corpus, parse_filter("date=2023"))["documents"] == 2


def test_pillar_shares_by_place_add_up_and_follow_the_paragraph_table(corpus):
    shares = count_pillar_shares_by(corpus, "place")
    assert set(shares["place"]) == {"南京", "苏州", "台北", "Suzhou"}
    for _, rows in shares.groupby("place"):
        assert rows["share"].sum() == pytest.approx(1.0)
    paragraphs = corpus.query(
        "SELECT d.place, p.pillar FROM paragraphs p JOIN documents d USING (doc_id) WHERE d.place = '南京'"
    )
    nanjing = shares[shares["place"] == "南京"]
    for pillar, n in zip(nanjing["pillar"], nanjing["paragraphs"]):
        expected = paragraphs["pillar"].isna().sum() if pillar is None else (paragraphs["pillar"] == pillar).sum()
        assert n == expected


def test_a_pillar_filter_keeps_only_that_pillar_in_shares_and_in_term_counts(corpus):
    everything = count_pillar_shares(corpus, "year")
    only_new = count_pillar_shares(corpus, "year", parse_filter("pillar=new"))
    assert set(only_new["pillar"]) == {"new"}
    merged = only_new.merge(everything, on=["period", "pillar"], suffixes=("", "_all"))
    assert (merged["share"] == merged["share_all"]).all()  # still a share of all the period's paragraphs
    new_paragraphs = corpus.query("SELECT doc_id, paragraph FROM paragraphs WHERE pillar = 'new'")
    scoped = count_term_trends(corpus, ["基础研究"], "year", parse_filter("pillar=new"))
    tokens = corpus.query(
        "SELECT t.doc_id, t.paragraph FROM tokens t JOIN paragraphs p USING (doc_id, paragraph) "
        "WHERE p.pillar = 'new' AND t.token = '基础研究'"
    )
    assert int(scoped["count"].sum()) == len(tokens) and len(new_paragraphs) > 0


def test_term_trends_count_every_period_and_first_appearances_name_the_document(corpus):
    trends = count_term_trends(corpus, ["人工智能", "集成电路", "不存在的词"], "year")
    assert list(trends["period"].unique()) == ["2022", "2023", "2024"]
    ai = trends[trends["term"] == "人工智能"].set_index("period")["count"]
    tokens = corpus.query(
        "SELECT CAST(year(d.date) AS VARCHAR) AS y, count(*) AS n FROM tokens t JOIN documents d USING (doc_id) "
        "WHERE t.token = '人工智能' GROUP BY y"
    )
    assert ai.to_dict() == {**{p: 0 for p in ai.index}, **dict(zip(tokens["y"], tokens["n"]))}
    firsts = first_appearances(corpus, ["集成电路", "人工智能", "不存在的词"])
    assert firsts["term"].tolist() == ["集成电路", "人工智能"]  # a term that never occurs has no row
    circuits = firsts.iloc[0]
    assert circuits["date"] == datetime.date(2023, 3, 5) and circuits["title"] == "南京市科技创新工作报告"
    # the Traditional-Chinese file was converted, so 人工智慧's document counts for 人工智能 too (2022)
    assert firsts.iloc[1]["date"] == datetime.date(2022, 1, 15)


def test_top_terms_leave_single_characters_out(corpus):
    top = top_terms(corpus, 10)
    assert len(top) == 10 and all(len(term) >= 2 for term in top["term"])
    assert top["count"].is_monotonic_decreasing


def test_the_document_table_carries_each_documents_pillar_shares(corpus, codebook):
    table = list_documents(corpus)
    assert len(table) == 5 and table["date"].is_monotonic_increasing
    shares = table[[share_column(p) for p in (*codebook.ids, None)]].sum(axis=1)
    assert shares.to_numpy() == pytest.approx(1.0)
    nanjing = table[table["name"] == "2023-03-05_nanjing.txt"].iloc[0]
    paragraphs = read_document_paragraphs(corpus, nanjing["doc_id"])
    assert len(paragraphs) == nanjing["paragraphs"] == 3
    assert nanjing[share_column("new")] == pytest.approx((paragraphs["pillar"] == "new").mean())
    only_fusion = list_documents(corpus, parse_filter("pillar=fusion"))
    assert set(only_fusion["doc_id"]) == {
        d for d in table["doc_id"] if (read_document_paragraphs(corpus, d)["pillar"] == "fusion").any()
    }


def test_metadata_edits_override_every_query_without_touching_the_corpus(corpus):
    table = list_documents(corpus)
    taipei = table[table["name"] == "2022-01-15_taipei.txt"].iloc[0]["doc_id"]
    edits = pd.DataFrame({"doc_id": [taipei], "place": ["新北"], "date": ["2021-05-01"]})
    edited = corpus.with_edits(edits)
    assert "新北" in field_values(edited, "place") and "台北" not in field_values(edited, "place")
    assert summarize_corpus(edited)["first"] == datetime.date(2021, 5, 1)
    assert summarize_corpus(edited, parse_filter("place=新北"))["documents"] == 1
    assert "台北" in field_values(corpus, "place")  # the corpus itself is unchanged


def test_compare_a_place_against_the_rest_finds_its_own_terms(corpus):
    report = compare_texts(corpus, "place=南京", "rest", top=10)
    assert report["a"]["documents"] == 2 and report["b"]["documents"] == 3 and report["overlap"] == 0
    tokens_a = corpus.query(
        "SELECT count(*) AS n FROM tokens t JOIN documents d USING (doc_id) WHERE d.place = '南京'"
    )["n"].iloc[0]
    assert report["a"]["tokens"] == tokens_a
    with pytest.raises(CorpusQueryError, match="matches no documents"):
        compare_texts(corpus, "place=北京", "rest")


def test_paragraph_terms_are_the_token_table_in_order(corpus):
    terms = read_paragraph_terms(corpus, parse_filter("date=2024"))
    tokens = corpus.query(
        "SELECT t.doc_id, t.paragraph, list(t.token ORDER BY t.position) AS terms FROM tokens t "
        "JOIN documents d USING (doc_id) WHERE year(d.date) = 2024 GROUP BY ALL ORDER BY t.doc_id, t.paragraph"
    )
    assert terms == [tuple(x) for x in tokens["terms"]]


def test_keyword_in_context_across_the_corpus_gives_document_date_and_place(corpus, codebook):
    segmenter = Segmenter(build_segmenter_config(codebook))
    lines, searched, total = find_corpus_kwic(corpus, "人工智能", 10, segmenter)
    assert searched == total and len(lines) >= 4
    assert lines["date"].is_monotonic_increasing
    assert set(lines["match"]) == {"人工智能"}
    first = lines.iloc[0]
    assert first["place"] == "台北" and first["date"] == pd.Timestamp("2022-01-15")
    for row in lines.to_dict("records"):
        text = read_document_paragraphs(corpus, row["doc_id"]).set_index("paragraph").loc[row["paragraph"], "text"]
        assert row["left"] + row["match"] + row["right"] in text
    english, _, _ = find_corpus_kwic(corpus, "researcher", 3, segmenter)  # the lemma finds "researchers"
    assert english["match"].tolist() == ["researchers"] and english.iloc[0]["place"] == "Suzhou"
    narrowed, _, _ = find_corpus_kwic(corpus, "人工智能", 10, segmenter, parse_filter("place=苏州"))
    assert set(narrowed["place"]) == {"苏州"}
    capped, searched, total = find_corpus_kwic(corpus, "人工智能", 10, segmenter, limit=1)
    assert searched == 1 and total > 1
    with pytest.raises(QueryError):
        find_corpus_kwic(corpus, '"unbalanced', 5, segmenter)


def test_trend_figures_leave_a_period_without_documents_as_a_gap(codebook):
    periods = ["2021", "2022", "2023"]
    shares = pd.DataFrame(
        {"period": ["2021", "2023"], "pillar": ["new", "new"], "paragraphs": [3, 1], "share": [0.5, 0.25]}
    )
    fig = build_pillar_trend_figure(shares, periods, "year", codebook, "en", "source")
    assert list(fig.data[0].y) == [50.0, None, 25.0] and fig.data[0].connectgaps is False
    trends = pd.DataFrame(
        {"period": ["2021", "2023"], "term": ["创新", "创新"], "count": [2, 0], "per_10k": [4.0, 0.0]}
    )
    firsts = pd.DataFrame({"term": ["创新"], "date": [datetime.date(2021, 4, 1)], "title": ["t"]})
    fig = build_term_trend_figure(trends, firsts, periods, "year", "per_10k", "zh", "source", {"创新": "2021"})
    assert list(fig.data[0].y) == [4.0, None, 0.0]
    assert len(fig.data) == 2 and fig.data[1].x[0] == "2021"  # the first-appearance marker
    series = pd.DataFrame({"year": [2020, 2022], "city": ["南京", "南京"], "value": [3.5, 3.8]})
    fig = build_text_numbers_figure(shares, "new", series, "R&D", "%", codebook, "en", "source")
    assert list(fig.data[0].x) == ["2020", "2021", "2022", "2023"]
    assert list(fig.data[1].y) == [3.5, None, 3.8, None]  # no interpolation between published values


def test_merge_edits_keeps_only_changed_cells_on_top_of_earlier_edits():
    stored = pd.DataFrame(
        {"title": ["A", "B"], "date": [datetime.date(2023, 1, 2), None], "place": ["南京", None]},
        index=pd.Index(["d1", "d2"], name="doc_id"),
    )
    edited = stored.copy()
    edited.at["d1", "place"] = "苏州"
    edited.at["d2", "date"] = datetime.date(2024, 5, 6)
    first = merge_edits(None, stored, edited)
    assert first.set_index("doc_id").loc["d1", "place"] == "苏州"
    assert first.set_index("doc_id").loc["d2", "date"] == "2024-05-06"
    assert pd.isna(first.set_index("doc_id").loc["d1", "title"])  # not edited: no override
    again = edited.copy()
    again.at["d1", "title"] = None  # a cleared cell stays cleared
    second = merge_edits(first, edited, again).set_index("doc_id")
    assert second.loc["d1", "title"] == "" and second.loc["d1", "place"] == "苏州"
    assert merge_edits(None, stored, stored.copy()) is None


def test_a_term_the_segmentation_cuts_is_counted_as_a_phrase(corpus, codebook):
    segmenter = Segmenter(build_segmenter_config(codebook))
    phrases = split_terms(["人工智能产业", "集成电路"], segmenter.tokenize)
    assert phrases[0] == ("人工智能", "产业") and phrases[1] == ("集成电路",)
    trends = count_term_trends(corpus, ["人工智能产业", "集成电路"], "year", phrases=phrases)
    texts = corpus.query(
        "SELECT CAST(year(d.date) AS VARCHAR) AS y, p.text FROM paragraphs p JOIN documents d USING (doc_id)"
    )
    expected = texts.assign(n=texts["text"].str.count("人工智能产业")).groupby("y")["n"].sum()
    found = trends[trends["term"] == "人工智能产业"].set_index("period")["count"]
    assert found.to_dict() == {y: int(n) for y, n in expected.items()} and found.sum() >= 2
    without = count_term_trends(corpus, ["人工智能产业"], "year")  # as one token it is nowhere
    assert without["count"].sum() == 0
    firsts = first_appearances(corpus, ["人工智能产业"], phrases=phrases[:1])
    assert firsts.iloc[0]["date"] == datetime.date(2023, 3, 5)
