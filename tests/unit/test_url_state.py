"""URL view state: valid values round-trip; invalid ones are dropped, each with a notice."""

from urllib.parse import parse_qs, urlencode

import pytest

from policylens.i18n import LANGUAGES, t
from policylens.view.url_state import (
    MODES,
    SCALES,
    KnownValues,
    Notice,
    ViewState,
    build_query_params,
    parse_view_state,
    requested_document,
)

KNOWN = KnownValues(
    pillars=frozenset({"new", "strong", "fusion"}),
    terms=frozenset({"创新", "new quality productivity", "产业,链"}),
    documents=frozenset({"report 2024.docx"}),
    indicators=frozenset({"rd_intensity", "gdp"}),
    cities=frozenset({"Nanjing", "Hangzhou", "Suzhou"}),
    years=(2015, 2024),
)


def round_trip(view: ViewState) -> tuple[ViewState, list[Notice]]:
    """Through a real query string, as a browser would carry it."""
    query = urlencode(build_query_params(view))
    return parse_view_state(parse_qs(query), KNOWN)


@pytest.mark.parametrize(
    "view",
    [
        ViewState(),
        ViewState(pillars=("strong",)),
        ViewState(pillars=("fusion", "new"), term="创新", lang="zh"),
        ViewState(term="new quality productivity", document="report 2024.docx", lang="en"),
        ViewState(
            indicator="rd_intensity", cities=("Nanjing", "Hangzhou"), years=(2018, 2023), mode="indexed", scale="log"
        ),
        ViewState(indicator="gdp", years=(2015, 2015), mode="growth", scale="linear"),
    ],
)
def test_valid_view_states_round_trip(view):
    parsed, notices = round_trip(view)
    assert parsed == view and notices == []


def test_defaults_are_left_out_of_the_url():
    assert build_query_params(ViewState()) == {}
    assert build_query_params(ViewState(pillars=("new", "strong"), years=(2016, 2020))) == {
        "pillars": "new,strong",
        "from": "2016",
        "to": "2020",
    }


def test_every_mode_and_scale_is_accepted():
    for mode in MODES:
        assert parse_view_state({"mode": mode}, KNOWN)[0].mode == mode
    for scale in SCALES:
        assert parse_view_state({"scale": scale}, KNOWN)[0].scale == scale


def keys(notices: list[Notice]) -> list[str]:
    return [n.key for n in notices]


def test_unknown_pillars_are_dropped_and_known_ones_kept():
    view, notices = parse_view_state({"pillars": "strong,bogus, new ,strong,"}, KNOWN)
    assert view.pillars == ("strong", "new")
    assert keys(notices) == ["url.notice.pillar"] and notices[0].values == {"value": "bogus"}


@pytest.mark.parametrize(
    ("params", "key"),
    [
        ({"zoom": "3"}, "url.notice.unknown_param"),
        ({"term": "不存在的词"}, "url.notice.term"),
        ({"doc": "secret.pdf"}, "url.notice.doc"),
        ({"indicator": "=HYPERLINK(1)"}, "url.notice.indicator"),
        ({"cities": "Atlantis"}, "url.notice.city"),
        ({"lang": "fr"}, "url.notice.choice"),
        ({"mode": "cumulative"}, "url.notice.choice"),
        ({"scale": "sqrt"}, "url.notice.choice"),
        ({"from": "20x5"}, "url.notice.year"),
        ({"to": "1900"}, "url.notice.year"),
        ({"from": "２０２０"}, "url.notice.year"),  # full-width digits are not a year here
        ({"from": "2023", "to": "2018"}, "url.notice.range"),
        ({"term": "创" * 101}, "url.notice.too_long"),
    ],
)
def test_each_invalid_parameter_is_ignored_with_its_notice(params, key):
    view, notices = parse_view_state(params, KNOWN)
    assert view == ViewState()
    assert keys(notices) == [key]
    for lang in LANGUAGES:  # every notice can be said in both languages
        assert t(key, lang, **notices[0].values)


def test_a_bad_part_does_not_spoil_the_good_ones():
    params = {"pillars": "new", "term": "创新", "mode": "sideways", "cities": "Suzhou,Gotham", "from": "2019"}
    view, notices = parse_view_state(params, KNOWN)
    assert view == ViewState(pillars=("new",), term="创新", cities=("Suzhou",), years=(2019, 2024))
    assert sorted(keys(notices)) == ["url.notice.choice", "url.notice.city"]


def test_a_missing_document_is_named_in_its_notice():
    assert requested_document({"doc": "  plan.docx "}) == "plan.docx"
    assert requested_document({}) is None
    view, notices = parse_view_state({"doc": "plan.docx"}, KNOWN)
    assert view.document is None
    assert "plan.docx" in t(notices[0].key, "en", **notices[0].values)
    assert "plan.docx" in t(notices[0].key, "zh", **notices[0].values)


def test_repeated_parameters_count_by_their_last_value():
    view, notices = parse_view_state({"term": ["不存在的词", "创新"], "lang": ["fr", "zh"]}, KNOWN)
    assert (view.term, view.lang, notices) == ("创新", "zh", [])


def test_terms_are_not_checked_without_a_vocabulary():
    known = KnownValues(pillars=KNOWN.pillars)
    assert parse_view_state({"term": "anything"}, known) == (ViewState(term="anything"), [])


def test_long_rejected_values_are_shortened_in_the_notice():
    _, notices = parse_view_state({"cities": "X" * 90}, KNOWN)
    assert len(notices[0].values["value"]) == 40 and notices[0].values["value"].endswith("…")


def test_network_controls_round_trip_and_bad_values_are_noticed():
    from policylens.figures.analysis import COLOR_BY_LABELS
    from policylens.text.network import COLORINGS

    assert tuple(COLOR_BY_LABELS) == COLORINGS  # the picker offers exactly what a link may name
    params = {"net_n": "50", "net_minf": "3", "net_minw": "0.35", "net_links": "tree", "net_color": "community"}
    view, notices = parse_view_state(params, KNOWN)
    assert notices == []
    assert dict(view.controls) == {
        "net_n": 50,
        "net_minf": 3,
        "net_minw": 0.35,
        "net_links": "tree",
        "net_color": "community",
    }
    assert build_query_params(view) == params
    view, notices = parse_view_state({"net_n": "5000", "net_links": "hairball", "net_minw": "x"}, KNOWN)
    assert view.controls == ()
    assert [n.values["param"] for n in notices] == ["net_n", "net_minw", "net_links"]
