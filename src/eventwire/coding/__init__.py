"""Finding event mentions and their arguments in a parsed sentence.

Every coder has the same shape — a parsed sentence in, candidate events out — so a
learned or LLM coder can replace or vote with the lexicon one, and `eval` can score
each on the same gold.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from spacy.tokens import Span, Token


@dataclass(slots=True)
class Candidate:
    """An event found by syntax, before actors, dates and places are resolved."""

    trigger: Token
    event: str
    mode: str | None
    cameo: str
    actors: list[Span]
    recipients: list[Span]
    tense: str = "past"  # past | present | future
    negated: bool = False
    hypothetical: bool = False
    weight: float = 1.0
    rule: str = ""
    place_tokens: list[Span] = field(default_factory=list)
    intent: bool = False  # a declared plan coded as the statement (AGREE/THREATEN/REJECT), dated when said


class Coder(Protocol):
    def code(self, sent: Span) -> list[Candidate]: ...


from .lexicon import LexiconCoder  # noqa: E402

__all__ = ["Candidate", "Coder", "LexiconCoder"]
