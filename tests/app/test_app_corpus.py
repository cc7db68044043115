"""AppTest: the corpus pages on a corpus the server offers (POLICYLENS_CORPORA): overview counts and
the files left out, pillar shares and term trends with first appearances, the filter and the
sidebar's pillars, a comparison, keyword in context across the corpus, the network by period, the
document table opening a document in the single-document views, and the URL that restores it all."""

import json

import pytest
from apptest import open_app
from streamlit.testing.v1 import AppTest

from policylens import paths
from policylens.corpus.ingest import IngestOptions, ingest_corpus
from policylens.corpus.kwic import find_corpus_kwic
from policylens.corpus.pipeline import IngestSettings
from policylens.corpus.store import Corpus, parse_filter
from policylens.text.analysis import build_segmenter_config
from policylens.text.pillars import load_codebook
from policylens.text.segment import Segmenter
from policylens.ui import corpus as ui_corpus
from policylens.ui import state

BASIC = paths.ROOT / "tests" / "fixtures" / "corpus" / "basic"
NAME = "basic"  # a server corpus is named after the folder it was ingested from


@pytest.fixture(scope="module", autouse=True)
def server_corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("app_corpus") / "cache"
    ingest_corpus(BASIC, out, IngestOptions(IngestSettings.from_codebook_file(), workers=1))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(ui_corpus.ENV_CORPORA, str(out))
        yield out


def open_corpus_page(page: str, lang: str = "en", params: dict | None = None) -> AppTest:
    at = open_app(lang, params)
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def charts(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def texts(at: AppTest) -> str:
    return "\n".join([*(c.value for c in at.caption), *(i.value for i in at.info), *(w.value for w in at.warning)])


def test_the_overview_counts_the_corpus_and_lists_the_files_left_out():
    at = open_corpus_page("pages/corpus.py")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Documents"] == "5" and metrics["Places"] == "4"
    assert any("2022-01-15 to 2024-06-10" in c.value for c in at.caption)
    assert any("2 files left out" in e.label for e in at.expander)
    bad = [df.value for df in at.dataframe if "reason" in df.value.columns]
    assert bad and set(bad[0]["file"]) == {"broken.docx", "empty.txt"}
    titles = [c["layout"]["title"]["text"] for c in charts(at)]
    assert titles == ["Documents over time", "Documents by place"]
    documents = [df.value for df in at.dataframe if "title" in df.value.columns][0]
    assert len(documents) == 5 and "南京市科技创新工作报告" in set(documents["title"])


def test_the_date_filter_and_the_sidebar_pillars_narrow_the_views():
    at = open_corpus_page("pages/corpus.py")
    at.multiselect(key=state.widget_key(state.CORPUS_PLACES)).set_value(["南京"]).run()
    assert {m.label: m.value for m in at.metric}["Documents"] == "2"
    at.multiselect(key=state.widget_key(state.GLOBAL_PILLARS)).set_value(["new"]).run()
    assert "Only paragraphs of" in texts(at)
    assert not at.exception


def test_term_trends_mark_where_a_term_first_appears():
    at = open_corpus_page("pages/corpus_trends.py")
    at.multiselect(key=state.widget_key(state.CORPUS_TERMS)).set_value(["集成电路", "人工智能"]).run()
    assert not at.exception, at.exception
    (trend,) = [c for c in charts(at) if c["layout"]["title"]["text"] == "Term trends"]
    names = [trace.get("name") for trace in trend["data"]]
    assert names[:2] == ["集成电路", None] and "人工智能" in names  # 集成电路's line, then its marker
    assert "集成电路 first appears on 2023-03-05: 南京市科技创新工作报告" in texts(at)
    # 人工智能 is there from the first year in view: no marker, no line saying it "first appears"
    assert "人工智能 first appears" not in texts(at)
    pillars = [c for c in charts(at) if c["layout"]["title"]["text"].startswith("Pillar shares of the corpus")]
    assert pillars and {t["name"] for t in pillars[0]["data"]} <= {"New", "Strong", "Fusion"}


def test_pillar_shares_by_place_and_text_beside_numbers_are_drawn():
    at = open_corpus_page("pages/corpus_trends.py", lang="zh")
    titles = [c["layout"]["title"]["text"] for c in charts(at)]
    assert "按地区统计的支柱占比" in titles
    assert any(title.startswith("文本中的") for title in titles)


def test_a_comparison_of_a_period_against_the_rest_lists_its_key_terms():
    at = open_corpus_page("pages/corpus_compare.py")
    assert not at.exception, at.exception
    metrics = [m.value for m in at.metric]
    assert sum(int(v) for v in metrics[:2]) == 5  # A and the rest share out the five documents
    (title,) = [
        c["layout"]["title"]["text"] for c in charts(at) if c["layout"]["title"]["text"].startswith("Key terms")
    ]
    assert title.startswith("Key terms: 2022-01-15 – ") and title.endswith("against the rest of the corpus")
    tables = [df.value for df in at.dataframe if "log_ratio" in df.value.columns]
    assert tables and (tables[0]["log_likelihood"].abs() >= 3.84).all()
    at.selectbox(key=state.widget_key("corpus.compare.a.mode")).set_value("place").run()
    assert not at.exception, at.exception
    assert at.metric[0].value == "2"  # the first place, 南京 (most documents), has two


def test_keyword_in_context_lists_every_occurrence_with_its_document(server_corpus):
    at = open_corpus_page("pages/corpus_kwic.py")
    at.text_input(key=state.widget_key(state.CORPUS_KWIC_QUERY)).set_value("人工智能").run()
    assert not at.exception, at.exception
    (table,) = [df.value for df in at.dataframe if "match" in df.value.columns]
    segmenter = Segmenter(build_segmenter_config(load_codebook(paths.PILLARS_CODEBOOK)))
    with Corpus(server_corpus) as corpus:
        lines, _, _ = find_corpus_kwic(corpus, "人工智能", 20, segmenter, parse_filter(""))
    assert len(table) == len(lines) and set(table["match"]) == {"人工智能"}
    assert list(table["place"]) == list(lines["place"])


def test_the_network_of_one_year_reads_only_that_years_paragraphs():
    at = open_corpus_page("pages/corpus_network.py")
    at.selectbox(key=state.widget_key(state.CORPUS_NETWORK_PERIOD)).set_value("2023").run()
    assert not at.exception, at.exception
    assert any("paragraphs" in c.value for c in at.caption)
    assert charts(at)


def test_a_link_restores_the_corpus_its_filter_period_and_terms():
    params = {"corpus": NAME, "places": "南京", "by": "quarter", "cterms": "集成电路"}
    at = open_corpus_page("pages/corpus_trends.py", params=params)
    assert at.session_state[state.CORPUS_BY] == "quarter"
    assert at.session_state[state.CORPUS_PLACES] == ["南京"]
    assert at.session_state[state.CORPUS_TERMS] == ["集成电路"]
    assert not at.warning or all("No corpus" not in w.value for w in at.warning)
    at2 = open_app("en", {"corpus": "nowhere"})
    assert any("No corpus named" in w.value for w in at2.warning)


def test_a_corpus_document_opens_in_the_single_document_views():
    at = open_corpus_page("pages/corpus.py")
    assert any("南京市科技创新工作报告" in o for o in at.selectbox(key=state.CORPUS_OPEN_PICK).options)
    doc_id = next(d for d in _documents(at) if d[1] == "南京市科技创新工作报告")[0]
    at.selectbox(key=state.CORPUS_OPEN_PICK).set_value(doc_id).run()
    at.button(key=state.CORPUS_OPEN_DOCUMENT).click().run()
    assert not at.exception, at.exception
    active = at.session_state[state.DOCS_ACTIVE]
    document = at.session_state[state.DOCS_LOADED][active]
    assert document.name == "2023-03-05 南京市科技创新工作报告.txt" and len(document.paragraphs) == 3
    assert at.title[0].value != "Corpus"  # the Overview of that document


def _documents(at: AppTest) -> list[tuple[str, str]]:
    table = [df.value for df in at.dataframe if "share_new_pct" in df.value.columns][0]  # the document table
    return list(zip(table["doc_id"], table["title"]))


@pytest.fixture(scope="module")
def zip_of_too_many_files() -> bytes:
    """A zip whose directory lists one file more than a corpus zip may hold (its entries are empty)."""
    import io
    import zipfile

    from policylens.corpus import sources

    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        for n in range(sources.ZIP_LIMITS.entries + 1):
            z.writestr(f"doc{n}.txt", "")
    return archive.getvalue()


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("en", "too_many.zip holds 50,001 files; a corpus zip may hold 50,000. It was not ingested"),
        ("zh", "too_many.zip 包含 50,001 个文件，语料库 zip 最多 50,000 个。未处理"),
    ],
)
def test_a_zip_over_the_corpus_limits_is_refused_before_an_ingest_starts(zip_of_too_many_files, lang, message):
    at = open_corpus_page("pages/corpus.py", lang)
    before = [m.value for m in at.metric]
    at.file_uploader(key=state.widget_key(state.CORPUS_UPLOAD)).set_value(
        [("too_many.zip", zip_of_too_many_files, "application/zip")]
    )
    at.run()
    at.button(key=state.CORPUS_INGEST).click().run()  # the zip's directory is read in a worker
    assert not at.exception, at.exception
    assert at.session_state[state.CORPUS_JOB] is None  # no ingest was started
    errors = [e.value.replace("\\", "").replace("**", "") for e in at.error]
    assert any(message in e for e in errors), errors
    assert [m.value for m in at.metric] == before  # the corpus in view is still there
