"""Keyword in context: a small query language, matching on the segmenter's raw tokens, sorting, HTML lines.

Matching works on tokens (stopwords included, so any word can be searched): `*创新*` finds every
token holding 创新. In Chinese a plain word may also be matched inside longer words (`inside_words`,
the page's default, as a Chinese reader expects): 创新 then finds 科技创新 and 创新链 too; whole-token
matching (jieba's segmentation) finds only the word 创新.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import pandas as pd
from markupsafe import Markup

from policylens import schema
from policylens.i18n import t
from policylens.markup import render_markdown_html
from policylens.text.segment import Segmenter, normalize_en_term

# Columns of a KWIC table (schema.PARAGRAPH, schema.TERM and schema.PILLAR besides these).
START, END, MATCH, LEFT, RIGHT = "start", "end", "match", "left", "right"
KWIC_COLUMNS = (schema.PARAGRAPH, START, END, MATCH, schema.TERM, LEFT, RIGHT, schema.PILLAR)

TokenSpans = tuple[tuple[str, int, int], ...]  # (token, start, end) per token of one paragraph

_OR = re.compile(r"\s+OR\s+")
_SPACE = re.compile(r"\s")
_CHUNK = re.compile(r"\S+")
_QUOTES = str.maketrans({"“": '"', "”": '"', "｜": "|"})
# Sort units: a Latin/digit word, or one character of any other script (a Chinese character).
_SORT_UNIT = re.compile(r"[A-Za-z0-9]+|[^\WA-Za-z0-9_]")
_HEX_COLOR = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}")
_FALLBACK_COLOR = "#9e9e9e"


class QueryError(ValueError):
    """A search query that cannot be used. `key` and `values` give the message in either UI
    language (policylens.i18n); str(error) is the English text."""

    def __init__(self, key: str, **values: str) -> None:
        self.key, self.values = key, values
        super().__init__(t(key, "en", **values))


@dataclass(frozen=True)
class Query:
    """A parsed query: alternatives, each a sequence of lowercased words (`*` = any characters)."""

    text: str
    alternatives: tuple[tuple[str, ...], ...]


def query_for_term(term: str) -> str:
    """The KWIC query that finds exactly `term`: quoted (a phrase, matched literally) when it holds a
    space or query syntax (`*`, `|`, `OR`), as typed otherwise."""
    literal = " " not in term and "*" not in term and "|" not in term and term.upper() != "OR"
    return term if literal else f'"{term}"'


def parse_query(query: str) -> Query:
    """Parse `a | b`, `a OR b`, `创新*`, `*链`, `industr*` and `"new quality productivity"`.

    Alternatives are separated by `|` (also full-width ｜) or ` OR `; words inside an alternative
    (quoted or not) form a phrase matched on consecutive tokens. Latin letters are case-insensitive.
    Raises QueryError for an empty query, an unbalanced quote or a word made only of `*`.
    """
    text = (query or "").translate(_QUOTES).strip()
    pieces = text.split('"')
    if len(pieces) % 2 == 0:
        raise QueryError("kwic.error.quote", query=query)
    alternatives: list[list[str]] = [[]]
    for i, piece in enumerate(pieces):
        if i % 2:  # inside quotes: one phrase, | and OR are literal words
            alternatives[-1].extend(piece.lower().split())
            continue
        for j, segment in enumerate(_OR.sub("|", f" {piece} ").split("|")):
            if j:
                alternatives.append([])
            alternatives[-1].extend(segment.lower().split())
    unique = tuple(dict.fromkeys(tuple(a) for a in alternatives if a))
    if not unique:
        raise QueryError("kwic.error.empty")
    for words in unique:
        for word in words:
            if not word.strip("*"):
                raise QueryError("kwic.error.wildcard", word=word)
    return Query(text=text, alternatives=unique)


def build_token_spans(document, segmenter: Segmenter) -> tuple[TokenSpans, ...]:
    """(token, start, end) for every raw token of every paragraph, stopwords and punctuation included.

    Chinese: Segmenter.cut_zh_spans (jieba with our user dictionary, numbers with units whole); the
    token is the surface text. English: Segmenter.cut_en_spans, the token being the lowercased
    lemma, with each merged multiword phrase split back into its words, so that a search for
    "innovation" also finds it inside "scientific and technological innovation".
    """
    if document.language == "zh":
        return tuple(tuple(segmenter.cut_zh_spans(p)) for p in document.paragraphs)
    return tuple(tuple(_en_word_spans(p, segmenter)) for p in document.paragraphs)


def _en_word_spans(text: str, segmenter: Segmenter) -> list[tuple[str, int, int]]:
    out = []
    for token, start, end in segmenter.cut_en_spans(text):
        if not _SPACE.search(text[start:end]):
            out.append((token, start, end))
            continue
        for chunk in _CHUNK.finditer(text, start, end):  # a phrase: re-cut each of its words
            out.extend((t, chunk.start() + a, chunk.start() + b) for t, a, b in segmenter.cut_en_spans(chunk.group()))
    return out


def _compile_word(word: str) -> Callable[[str], bool]:
    if "*" in word:
        pattern = re.compile(".*".join(re.escape(part) for part in word.split("*")), re.DOTALL)
        return lambda form: pattern.fullmatch(form) is not None
    return word.__eq__


def _lower_same_length(text: str) -> str:
    """Lowercase without changing offsets (a few characters, e.g. İ, lowercase to two)."""
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def _find_in_paragraph(
    text: str, tokens: TokenSpans, matchers: list[list[tuple[str, Callable[[str], bool]]]], joined_literals: bool
) -> tuple[TokenSpans, list[tuple[int, int]]]:
    """The paragraph's non-blank tokens and the (first, past-last) token index of each match.

    Matches do not overlap: leftmost first, and there the alternative spanning most tokens wins.
    """
    lowered = _lower_same_length(text)
    words = [(tok, s, e) for tok, s, e in tokens if text[s:e].strip()]
    forms = [{tok.lower(), lowered[s:e]} for tok, s, e in words]
    ends = {e: k for k, (_, _, e) in enumerate(words)}
    found, i = [], 0
    while i < len(words):
        best = None
        for parts in matchers:
            k = i
            for literal, match in parts:
                if k >= len(words):
                    break
                if any(match(f) for f in forms[k]):
                    k += 1
                elif joined_literals and "*" not in literal and lowered.startswith(literal, words[k][1]):
                    # a Chinese word the dictionary splits: a run of whole tokens spelling it
                    last = ends.get(words[k][1] + len(literal))
                    if last is None:
                        break
                    k = last + 1
                else:
                    break
            else:
                if best is None or k > best:
                    best = k
        if best is None:
            i += 1
        else:
            found.append((i, best))
            i = best
    return tuple(words), found


def find_keyword_in_context(
    paragraphs: Sequence[str],
    paragraph_tokens_with_spans: Sequence[TokenSpans],
    query: Query | str,
    window: int,
    pillars_by_paragraph: Mapping[int, str | None] | None = None,
    *,
    language: str,
    inside_words: bool = False,
) -> pd.DataFrame:
    """Every occurrence of `query`, in document order.

    Context stays inside the paragraph. `window` counts characters for Chinese (language "zh") and
    words for English; near a paragraph edge the context runs to the edge. left + match + right is
    always a contiguous slice of the paragraph.

    `inside_words` (Chinese only; English words are always matched whole): an alternative without
    `*` matches wherever its characters stand, inside longer words too (创新 in 科技创新; the words
    of a phrase may be written together or apart), and the match is just those characters. Without
    it, and for alternatives with `*`, matches are whole tokens. Matches never overlap: leftmost
    first, then the longest.

    Columns: paragraph (1-based), start, end (character offsets in the paragraph), match (surface
    text), term (the matched token or phrase: Chinese surface text; English in the form of the
    term tables, normalize_en_term), left, right, pillar (from `pillars_by_paragraph`, else None).
    """
    if window < 0:
        raise ValueError("window must be >= 0")
    parsed = parse_query(query) if isinstance(query, str) else query
    zh = language == "zh"
    literals = [w for w in parsed.alternatives if zh and inside_words and not any("*" in x for x in w)]
    # longest first: at one position the regex takes the first alternative that matches
    by_length = sorted(literals, key=lambda words: -sum(map(len, words)))
    pattern = re.compile("|".join(r"\s*".join(map(re.escape, w)) for w in by_length)) if literals else None
    matchers = [[(w, _compile_word(w)) for w in words] for words in parsed.alternatives if words not in literals]
    pillars = pillars_by_paragraph or {}
    # Chinese tokens are surface text, so a paragraph lacking the fixed part of every alternative's
    # first word cannot match: skipping it makes a search over a long document several times faster.
    needles = [max(words[0].split("*"), key=len) for words in parsed.alternatives] if zh else []
    rows = []
    for index, (text, tokens) in enumerate(zip(paragraphs, paragraph_tokens_with_spans), 1):
        if needles:
            lowered = text.lower()
            if not any(needle in lowered for needle in needles):
                continue
        words, found = _find_in_paragraph(text, tokens, matchers, zh) if matchers else ((), [])
        if not zh:
            for a, b in found:
                start, end = words[a][1], words[b - 1][2]
                left, right = _word_context(text, words, a, b, window)
                surface = text[start:end]
                rows.append((index, start, end, surface, normalize_en_term(surface), left, right, pillars.get(index)))
            continue
        spans = [(words[a][1], words[b - 1][2]) for a, b in found]
        if pattern is not None:
            spans += [m.span() for m in pattern.finditer(_lower_same_length(text)) if m.end() > m.start()]
        last_end = -1
        for start, end in sorted(spans, key=lambda s: (s[0], -s[1])):
            if start < last_end:
                continue
            last_end = end
            left, right = text[max(0, start - window) : start], text[end : end + window]
            rows.append((index, start, end, text[start:end], text[start:end], left, right, pillars.get(index)))
    columns = list(zip(*rows)) or [()] * len(KWIC_COLUMNS)
    # object columns, like the other term tables; a missing pillar stays None, not NaN
    return pd.DataFrame(
        {
            name: pd.Series(values, dtype="int64" if name in (schema.PARAGRAPH, START, END) else "object")
            for name, values in zip(KWIC_COLUMNS, columns)
        }
    )


def find_patterns_in_context(
    paragraphs: Sequence[str],
    patterns: Sequence[re.Pattern[str]],
    window: int,
    pillars_by_paragraph: Mapping[int, str | None] | None = None,
    *,
    language: str,
    fold: Callable[[str], str] = str.lower,
) -> pd.DataFrame:
    """Every match of any of `patterns` as a KWIC line, in document order (leftmost, then longest).

    For keywords that match inside words (an indicator's keywords, targets.keyword_patterns) rather
    than whole tokens. The patterns run over fold(text), folded character by character so that
    offsets map back to the paragraph. `window` counts characters ("zh") or words (other languages).
    Columns: KWIC_COLUMNS; term is the match as written.
    """
    pillars = pillars_by_paragraph or {}
    rows = []
    for index, text in enumerate(paragraphs, 1):
        origin, folded = [], []
        for position, char in enumerate(text):
            piece = fold(char)
            folded.append(piece)
            origin.extend([position] * len(piece))
        folded_text, origin = "".join(folded), [*origin, len(text)]
        spans = sorted(
            {
                (origin[m.start()], origin[m.end()] if m.end() < len(origin) else len(text))
                for p in patterns
                for m in p.finditer(folded_text)
                if m.end() > m.start()
            },
            key=lambda s: (s[0], -s[1]),
        )
        last_end = -1
        for start, end in spans:
            if start < last_end:
                continue
            last_end = end
            if language == "zh":
                left, right = text[max(0, start - window) : start], text[end : end + window]
            else:
                before, after = list(_CHUNK.finditer(text, 0, start)), list(_CHUNK.finditer(text, end))
                left = (
                    text[before[-window].start() : start]
                    if window and len(before) >= window
                    else (text[:start] if window else "")
                )
                right = (
                    text[end : after[window - 1].end()]
                    if window and len(after) >= window
                    else (text[end:] if window else "")
                )
            surface = text[start:end]
            rows.append((index, start, end, surface, surface, left, right, pillars.get(index)))
    columns = list(zip(*rows)) or [()] * len(KWIC_COLUMNS)
    return pd.DataFrame(
        {
            name: pd.Series(values, dtype="int64" if name in (schema.PARAGRAPH, START, END) else "object")
            for name, values in zip(KWIC_COLUMNS, columns)
        }
    )


def _word_context(text: str, words: TokenSpans, a: int, b: int, window: int) -> tuple[str, str]:
    """`window` words either side of words[a:b]; the context runs to the paragraph edge when fewer remain."""
    if window == 0:
        return "", ""
    left_from = words[a - window][1] if a - window > 0 else 0
    right_to = words[b + window - 1][2] if b + window < len(words) else len(text)
    return text[left_from : words[a][1]], text[words[b - 1][2] : right_to]


def _sort_key(text: str, reverse: bool) -> str:
    units = _SORT_UNIT.findall(text.lower())
    return "\x01".join(reversed(units) if reverse else units)


def sort_kwic(table: pd.DataFrame, by: Literal["left", "right", "position"] = "position") -> pd.DataFrame:
    """Sort a KWIC table by position, by the left context read backwards from the match (nearest
    word or character first, as in AntConc and Voyant), or by the right context; ties by position.
    """
    if by not in ("left", "right", "position"):
        raise ValueError(f"Cannot sort a KWIC table by {by!r}: use 'left', 'right' or 'position'.")
    order = [schema.PARAGRAPH, START]
    if by == "position":
        return table.sort_values(order, kind="stable").reset_index(drop=True)
    keyed = table.assign(_key=[_sort_key(text, by == "left") for text in table[LEFT if by == "left" else RIGHT]])
    return keyed.sort_values(["_key", *order], kind="stable").drop(columns="_key").reset_index(drop=True)


def build_kwic_html(row: Mapping, color: str | None = None) -> Markup:
    """One KWIC line as HTML (templates/kwic_line.html): paragraph number, left context, the match
    marked in `color`, right context.

    Every piece of document text is escaped (markup.escape_html: HTML and Markdown in the text both
    stay text); `color` must be a #rgb/#rrggbb hex colour, otherwise a neutral grey is used
    (codebooks can be uploaded, so the colour is untrusted too).
    """
    color = color if isinstance(color, str) and _HEX_COLOR.fullmatch(color) else _FALLBACK_COLOR
    if len(color) == 4:
        color = "#" + "".join(c * 2 for c in color[1:])
    return render_markdown_html(
        "kwic_line.html",
        paragraph=int(row[schema.PARAGRAPH]),
        left=str(row[LEFT]),
        match=str(row[MATCH]),
        right=str(row[RIGHT]),
        color=color,
    )
