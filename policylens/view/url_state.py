"""The view state a shareable URL holds (pillar filter, term, document, language, indicator, cities,
time range, chart mode and scale): parsing with validation against what exists, and serialising.

Every invalid or unknown parameter is dropped with a Notice (an i18n key and its values), never an
exception. The page itself travels in the URL path (st.navigation), not here.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from policylens.i18n import LANGUAGES
from policylens.indicators.labels import YEAR_BOUNDS
from policylens.indicators.views import MEASURES, SCALES, VIEWS
from policylens.text import network

# Query-parameter names.
PILLARS, TERM, DOC, LANG = "pillars", "term", "doc", "lang"
INDICATOR, CITIES, YEAR_FROM, YEAR_TO, MODE, SCALE = "indicator", "cities", "from", "to", "mode", "scale"
VIEW, BASE_YEAR, BAR_YEAR = "view", "base", "year"  # the Indicators page's view, index base year, bar year
# The corpus views: the corpus (a server corpus, by name), its date range, places, types, period, terms.
CORPUS, CORPUS_DATES, PLACES, TYPES, BY, CORPUS_TERMS = "corpus", "cdates", "places", "types", "by", "cterms"
PARAMS = (PILLARS, TERM, DOC, LANG, INDICATOR, CITIES, YEAR_FROM, YEAR_TO, MODE, SCALE, VIEW, BASE_YEAR, BAR_YEAR)
PARAMS += (CORPUS, CORPUS_DATES, PLACES, TYPES, BY, CORPUS_TERMS)
CORPUS_PERIODS = ("year", "quarter", "month")  # corpus.store.PERIODS (view imports no corpus code)
# Indicator chart modes (absolute values, index with base year = 100, year-on-year growth) and axis scales.
MODES = MEASURES  # the URL's `mode` values are the Indicators page's measures
MAX_VALUE_CHARS = 100  # a longer term or name is not something this app produced
SHOWN_CHARS = 40  # how much of a rejected value a notice repeats
SEPARATOR = ","


@dataclass(frozen=True)
class Control:
    """A page's own control that a link carries: its query parameter and the values it may take
    (`choices`, or a number from `low` to `high`, whole when `integer`)."""

    param: str
    choices: tuple[str, ...] = ()
    low: float = 0.0
    high: float = 0.0
    integer: bool = False

    def parse(self, raw: str) -> str | int | float | None:
        """The control's value from the URL text, or None when it is not one it may take."""
        if self.choices:
            return raw if raw in self.choices else None
        try:
            value = int(raw) if self.integer else float(raw)
        except ValueError:
            return None
        return value if self.low <= value <= self.high else None

    def allowed(self) -> str:
        return ", ".join(self.choices) if self.choices else f"{self.low:g}–{self.high:g}"


# The co-occurrence network's controls (pages/network.py), so a link restores the same picture.
CONTROLS = (
    Control("net_n", low=10, high=150, integer=True),
    Control("net_minf", low=1, high=1000, integer=True),
    Control("net_minw", low=0.0, high=100.0),
    Control("net_links", choices=network.LINKS),
    Control("net_unit", choices=network.UNITS),
    Control("net_measure", choices=network.MEASURES),
    Control("net_color", choices=network.COLORINGS),
)
PARAMS += tuple(c.param for c in CONTROLS)


@dataclass(frozen=True)
class ViewState:
    """The shareable part of the view; None / () means the default."""

    pillars: tuple[str, ...] = ()
    term: str | None = None
    document: str | None = None  # a document's name; None is the bundled seed
    lang: str | None = None
    indicator: str | None = None
    cities: tuple[str, ...] = ()
    years: tuple[int, int] | None = None  # (from, to), inclusive
    mode: str | None = None
    scale: str | None = None
    view: str | None = None  # chart | bar | table | compare
    base_year: int | None = None
    bar_year: int | None = None
    corpus: str | None = None  # a server corpus's name; a session's own upload cannot be shared
    corpus_dates: tuple[str, str] | None = None  # ISO dates (either may be "")
    places: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    by: str | None = None
    corpus_terms: tuple[str, ...] = ()
    controls: tuple[tuple[str, str | int | float], ...] = ()  # (Control.param, value), defaults left out


@dataclass(frozen=True)
class KnownValues:
    """What a URL may refer to. ``terms`` None skips the term check; ``documents`` are the names of
    the documents loaded in this session besides the seed."""

    pillars: frozenset[str]
    terms: frozenset[str] | None = None
    documents: frozenset[str] = frozenset()
    indicators: frozenset[str] = frozenset()
    cities: frozenset[str] = frozenset()
    years: tuple[int, int] = YEAR_BOUNDS
    corpora: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Notice:
    """Why part of a URL was ignored: an i18n key (url.notice.*) and its values."""

    key: str
    values: dict[str, object] = field(default_factory=dict, compare=False, hash=False)


def _shown(value: str) -> str:
    return value if len(value) <= SHOWN_CHARS else value[: SHOWN_CHARS - 1] + "…"


def _single(value: str | Sequence[str]) -> str:
    # A repeated parameter counts once, by its last value (as st.query_params[key] reads it).
    if isinstance(value, str):
        return value
    return value[-1] if value else ""


def _split(value: str) -> list[str]:
    return list(dict.fromkeys(part.strip() for part in value.split(SEPARATOR) if part.strip()))


def _parse_year(name: str, raw: str | None, bounds: tuple[int, int], notices: list[Notice]) -> int | None | bool:
    """The year, None when absent, False when invalid (noticed)."""
    if raw is None:
        return None
    text = raw.strip()
    if text.isascii() and text.isdigit() and bounds[0] <= int(text) <= bounds[1]:
        return int(text)
    notices.append(
        Notice("url.notice.year", {"param": name, "value": _shown(raw), "first": bounds[0], "last": bounds[1]})
    )
    return False


def _parse_years(
    raw_from: str | None, raw_to: str | None, bounds: tuple[int, int], notices: list[Notice]
) -> tuple[int, int] | None:
    first = _parse_year(YEAR_FROM, raw_from, bounds, notices)
    last = _parse_year(YEAR_TO, raw_to, bounds, notices)
    if first is False or last is False or (first is None and last is None):
        return None
    first, last = first if first is not None else bounds[0], last if last is not None else bounds[1]
    if first > last:
        notices.append(Notice("url.notice.range", {"first": first, "last": last}))
        return None
    return (first, last)


def _choice(name: str, raw: str | None, choices: Sequence[str], notices: list[Notice]) -> str | None:
    if raw is None:
        return None
    if raw in choices:
        return raw
    notices.append(Notice("url.notice.choice", {"param": name, "value": _shown(raw), "choices": ", ".join(choices)}))
    return None


def _parse_dates(raw: str | None, notices: list[Notice]) -> tuple[str, str] | None:
    """`2023-01-01..2024-06-30` (either end may be empty) as two ISO strings."""
    if raw is None or not raw.strip():
        return None
    low, sep, high = raw.strip().partition("..")
    try:
        days = [datetime.date.fromisoformat(part) if part else None for part in (low, high)]
    except ValueError:
        days = None
    if not sep or days is None or (days[0] and days[1] and days[0] > days[1]):
        notices.append(Notice("url.notice.dates", {"value": _shown(raw)}))
        return None
    return tuple(d.isoformat() if d else "" for d in days)


def requested_document(params: Mapping[str, str | Sequence[str]]) -> str | None:
    """The document name the URL asks for (None: the seed), before validation."""
    raw = params.get(DOC)
    name = _single(raw).strip() if raw is not None else ""
    return name or None


def parse_view_state(params: Mapping[str, str | Sequence[str]], known: KnownValues) -> tuple[ViewState, list[Notice]]:
    """The valid part of ``params`` (st.query_params.to_dict() or a parse_qs result) and a notice
    for every parameter that was ignored: unknown name, unknown pillar/indicator/city/document,
    a term the document lacks, a bad language, year, range, mode or scale."""
    notices: list[Notice] = []
    raw = {name: _single(value) for name, value in params.items()}
    for name in raw:
        if name not in PARAMS:
            notices.append(Notice("url.notice.unknown_param", {"param": _shown(name)}))
    too_long = {name for name in PARAMS if len(raw.get(name) or "") > MAX_VALUE_CHARS}
    for name in sorted(too_long):
        notices.append(Notice("url.notice.too_long", {"param": name, "n": MAX_VALUE_CHARS}))
    get = {name: (None if name in too_long else raw.get(name)) for name in PARAMS}

    pillars = []
    for pillar in _split(get[PILLARS] or ""):
        if pillar in known.pillars:
            pillars.append(pillar)
        else:
            notices.append(Notice("url.notice.pillar", {"value": _shown(pillar)}))

    document = requested_document({DOC: get[DOC]} if get[DOC] is not None else {})
    if document is not None and document not in known.documents:
        notices.append(Notice("url.notice.doc", {"value": _shown(document)}))
        document = None

    term = (get[TERM] or "").strip() or None
    if term is not None and known.terms is not None and term not in known.terms:
        notices.append(Notice("url.notice.term", {"value": _shown(term)}))
        term = None

    indicator = (get[INDICATOR] or "").strip() or None
    if indicator is not None and indicator not in known.indicators:
        notices.append(Notice("url.notice.indicator", {"value": _shown(indicator)}))
        indicator = None

    cities = []
    for city in _split(get[CITIES] or ""):
        if city in known.cities:
            cities.append(city)
        else:
            notices.append(Notice("url.notice.city", {"value": _shown(city)}))

    corpus = (get[CORPUS] or "").strip() or None
    if corpus is not None and corpus not in known.corpora:
        notices.append(Notice("url.notice.corpus", {"value": _shown(corpus)}))
        corpus = None

    view = ViewState(
        pillars=tuple(pillars),
        term=term,
        document=document,
        lang=_choice(LANG, get[LANG], LANGUAGES, notices),
        indicator=indicator,
        cities=tuple(cities),
        years=_parse_years(get[YEAR_FROM], get[YEAR_TO], known.years, notices),
        mode=_choice(MODE, get[MODE], MODES, notices),
        scale=_choice(SCALE, get[SCALE], SCALES, notices),
        view=_choice(VIEW, get[VIEW], VIEWS, notices),
        base_year=_parse_year(BASE_YEAR, get[BASE_YEAR], known.years, notices) or None,
        bar_year=_parse_year(BAR_YEAR, get[BAR_YEAR], known.years, notices) or None,
        corpus=corpus,
        corpus_dates=_parse_dates(get[CORPUS_DATES], notices),
        places=tuple(_split(get[PLACES] or "")),
        types=tuple(_split(get[TYPES] or "")),
        by=_choice(BY, get[BY], CORPUS_PERIODS, notices),
        corpus_terms=tuple(_split(get[CORPUS_TERMS] or ""))[:8],
        controls=_parse_controls(get, notices),
    )
    return view, notices


def _parse_controls(get: Mapping[str, str | None], notices: list[Notice]) -> tuple[tuple[str, str | int | float], ...]:
    found = []
    for control in CONTROLS:
        raw = get.get(control.param)
        if raw is None:
            continue
        value = control.parse(raw.strip())
        if value is None:
            values = {"param": control.param, "value": _shown(raw), "choices": control.allowed()}
            notices.append(Notice("url.notice.choice", values))
        else:
            found.append((control.param, value))
    return tuple(found)


def build_query_params(view: ViewState) -> dict[str, str]:
    """The URL query of ``view``: defaults are left out, lists are comma-separated."""
    params = {
        PILLARS: SEPARATOR.join(view.pillars),
        TERM: view.term or "",
        DOC: view.document or "",
        LANG: view.lang or "",
        INDICATOR: view.indicator or "",
        CITIES: SEPARATOR.join(view.cities),
        YEAR_FROM: str(view.years[0]) if view.years else "",
        YEAR_TO: str(view.years[1]) if view.years else "",
        MODE: view.mode or "",
        SCALE: view.scale or "",
        VIEW: view.view or "",
        BASE_YEAR: str(view.base_year) if view.base_year else "",
        BAR_YEAR: str(view.bar_year) if view.bar_year else "",
        CORPUS: view.corpus or "",
        CORPUS_DATES: "..".join(view.corpus_dates) if view.corpus_dates else "",
        PLACES: SEPARATOR.join(view.places),
        TYPES: SEPARATOR.join(view.types),
        BY: view.by or "",
        CORPUS_TERMS: SEPARATOR.join(view.corpus_terms),
        **{param: f"{value:g}" if isinstance(value, float) else str(value) for param, value in view.controls},
    }
    return {name: value for name, value in params.items() if value}
