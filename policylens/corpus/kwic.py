"""Keyword in context across a corpus: the single-document query language and matching of
text.kwic (tokens, not substrings; `*` wildcards, `|` alternatives, quoted phrases), run on the
paragraphs DuckDB finds may hold a match, each line with its document, date and place.

The token table holds the analysis's terms (stopwords left out), so it only narrows the search:
a paragraph is a candidate when its text contains the fixed part of a query word (or, for
English, its terms match the word's lemma), and the paragraph is then segmented again with its
spans, as the single-document view does.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

import pandas as pd

from policylens import schema
from policylens.corpus.queries import find_candidate_paragraphs
from policylens.corpus.store import Corpus, Filter, normalize_query_term
from policylens.text.kwic import END, LEFT, MATCH, RIGHT, START, build_token_spans, find_keyword_in_context, parse_query
from policylens.text.segment import Segmenter

MAX_PARAGRAPHS = 400  # candidate paragraphs segmented per query (by date); the rest are counted
LINE_COLUMNS = ("doc_id", "name", "date", "place", "title", "type", "paragraph", "pillar", LEFT, MATCH, RIGHT)
_LATIN = re.compile(r"^[a-z0-9*][a-z0-9*.+&-]*$")


def find_corpus_kwic(
    corpus: Corpus,
    query: str,
    window: int,
    segmenter: Segmenter,
    where: Filter | None = None,
    limit: int = MAX_PARAGRAPHS,
) -> tuple[pd.DataFrame, int, int]:
    """(lines, paragraphs searched, candidate paragraphs in all) for `query` in the filtered corpus.

    Lines are in date, document and paragraph order with LINE_COLUMNS plus term, start and end
    (character offsets in the paragraph). Raises text.kwic.QueryError for a query that cannot be
    read."""
    parsed = parse_query(query)
    firsts = [words[0] for words in parsed.alternatives]
    needles = [max(word.split("*"), key=len) for word in firsts]
    tokens = []  # English: the lemma of the word as a LIKE pattern (the text may hold another form)
    for word in firsts:
        lemma = normalize_query_term(word.strip("*")).replace("%", "") if _LATIN.match(word) else ""
        if lemma and "*" not in lemma:
            tokens.append(("%" if word.startswith("*") else "") + lemma + ("%" if word.endswith("*") else ""))
    candidates, total = find_candidate_paragraphs(corpus, needles, tokens, where, limit)
    parts = []
    for language, group in candidates.groupby("language", sort=False):
        group = group.reset_index(drop=True)
        document = SimpleNamespace(language=language, paragraphs=tuple(group["text"]))
        spans = build_token_spans(document, segmenter)
        lines = find_keyword_in_context(document.paragraphs, spans, parsed, window, language=language)
        if lines.empty:
            continue
        picked = group.iloc[lines[schema.PARAGRAPH].to_numpy() - 1].reset_index(drop=True)
        found = lines.drop(columns=[schema.PARAGRAPH, schema.PILLAR]).reset_index(drop=True)
        parts.append(pd.concat([picked.drop(columns=["text", "language"]), found], axis=1))
    if not parts:
        empty = {c: pd.Series(dtype=object) for c in (*LINE_COLUMNS, schema.TERM, START, END)}
        return pd.DataFrame(empty), len(candidates), total
    table = pd.concat(parts, ignore_index=True)
    table = table.sort_values(["date", "name", "paragraph", START], kind="stable", na_position="last")
    columns = [*LINE_COLUMNS, schema.TERM, START, END]
    return table[columns].reset_index(drop=True), len(candidates), total
