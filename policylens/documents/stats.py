"""A document at a glance: characters, tokens, vocabulary, paragraphs, sentences, language, encoding, script."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from policylens.documents.loader import Document

# Chinese and English sentence ends; a full stop (with any closing quote or bracket) ends an English
# sentence only before white space, so 3.5 and 2024.06 stay whole ("e.g. " still splits).
_SENTENCE_END = re.compile(r"""[。！？!?]+|\.["'”’)]*(?=\s)""")
_WORD_CHAR = re.compile(r"\w")


@dataclass(frozen=True)
class DocumentSummary:
    """Counts for one document; `tokens` and `vocabulary` count the analysed terms (stopwords out)."""

    characters: int
    tokens: int
    vocabulary: int
    paragraphs: int
    sentences: int
    language: str
    encoding: str
    script: str


def count_sentences(paragraph: str) -> int:
    """Sentences in one paragraph: pieces between sentence ends that hold a letter, digit or Han character.

    A paragraph without an end mark (a heading) counts as one; a closing quote after 。 is no sentence.
    """
    return sum(1 for piece in _SENTENCE_END.split(paragraph) if _WORD_CHAR.search(piece))


def summarise_document(
    document: Document, paragraph_terms: Sequence[Sequence[str]], keep: Collection[int] | None = None
) -> DocumentSummary:
    """Summarise `document` given its terms per paragraph (as in `analysis.Analysis.paragraph_terms`);
    with `keep` (1-based paragraph numbers), only those paragraphs."""
    if len(paragraph_terms) != len(document.paragraphs):
        raise ValueError(f"{len(paragraph_terms)} term lists for {len(document.paragraphs)} paragraphs")
    picked = [i for i in range(len(document.paragraphs)) if keep is None or i + 1 in keep]
    paragraphs = [document.paragraphs[i] for i in picked]
    terms = [paragraph_terms[i] for i in picked]
    return DocumentSummary(
        characters=sum(len(p) for p in paragraphs),
        tokens=sum(len(t) for t in terms),
        vocabulary=len({term for t in terms for term in t}),
        paragraphs=len(paragraphs),
        sentences=sum(count_sentences(p) for p in paragraphs),
        language=document.language,
        encoding=document.encoding,
        script=document.script,
    )
