"""PLOVER contexts: the thematic tags of an event (election, military, human_rights, ...).

The cues are per-language data (`ontology/contexts_<language>.yaml`), validated at load time. Tagging
runs on every coded event, so it does no compiling per call: one set intersection for the sentence's
lemmas and one precompiled regex for all multiword phrases.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from spacy.tokens import Span

__all__ = ["Context", "ContextTagger"]

MAX_CONTEXTS = 3
_KEYS = frozenset({"description", "lemmas", "phrases", "events"})
_NAME_RE = re.compile(r"^[a-z][a-z_]*$")
_SEP_RE = re.compile(r"[\s\-]+")  # a space in a phrase matches any run of spaces and hyphens
# cues so common in political news that they would tag nearly every event
_TOO_BROAD = frozenset({"state", "government", "people", "country", "minister", "official", "say"})


@dataclass(frozen=True, slots=True)
class Context:
    name: str
    description: str
    lemmas: frozenset[str]
    phrases: tuple[str, ...] = ()
    events: frozenset[str] = frozenset()  # event types that add one hit (never a context on their own)


class ContextTagger:
    """Tags a coded sentence with at most three PLOVER contexts. Read-only once built: share it."""

    def __init__(self, contexts: list[Context], limit: int = MAX_CONTEXTS) -> None:
        self.contexts = tuple(contexts)
        self.limit = limit
        self._by_lemma: dict[str, tuple[int, ...]] = _index((lemma, i) for i, c in enumerate(contexts)
                                                            for lemma in c.lemmas)
        self._by_phrase = _index((_SEP_RE.sub(" ", p), i) for i, c in enumerate(contexts) for p in c.phrases)
        self._lemmas = frozenset(self._by_lemma)
        bodies = [r"[\s\-]+".join(map(re.escape, p.split())) for p in sorted(self._by_phrase, key=len, reverse=True)]
        self._phrase_re = re.compile(r"\b(" + "|".join(bodies) + r")s?\b") if bodies else None

    @classmethod
    def load(cls, language: str = "en", path: Path | None = None) -> ContextTagger:
        """Read and validate contexts_<language>.yaml (shipped in the package) or the file at `path`."""
        name = f"contexts_{language}.yaml"
        if path is not None:
            name, text = Path(path).name, Path(path).read_text(encoding="utf-8")
        else:
            resource = resources.files("eventwire.ontology").joinpath(name)
            if not resource.is_file():
                raise ValueError(f"no context cues for language {language!r} ({name} not found)")
            text = resource.read_text(encoding="utf-8")
        try:
            raw = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise ValueError(f"{name}: invalid YAML: {exc}") from None
        if not isinstance(raw, dict) or not raw:
            raise ValueError(f"{name}: expected a mapping of context name -> entry")
        events = _event_types()
        return cls([_parse(str(key), spec, f"{name}: context {key}", events) for key, spec in raw.items()])

    def tag(self, sentence: Span, event: str) -> list[str]:
        """The contexts whose cues occur in the sentence, best `limit` kept, sorted by name."""
        hits: Counter[int] = Counter()
        words = {t.lemma_.lower() for t in sentence}
        words.update(t.lower_ for t in sentence)  # the lemmatizer sometimes errs; the written form is a cue too
        for lemma in words & self._lemmas:
            hits.update(self._by_lemma[lemma])
        if self._phrase_re is not None:
            for phrase in {_SEP_RE.sub(" ", m) for m in self._phrase_re.findall(sentence.text.lower())}:
                hits.update(self._by_phrase[phrase])
        if not hits:
            return []
        for i in hits:
            if event in self.contexts[i].events:
                hits[i] += 1
        best = sorted(hits, key=lambda i: (-hits[i], i))[: self.limit]
        return sorted(self.contexts[i].name for i in best)


def _index(pairs: Any) -> dict[str, tuple[int, ...]]:
    out: dict[str, list[int]] = {}
    for key, i in pairs:
        if i not in out.setdefault(key, []):
            out[key].append(i)
    return {k: tuple(v) for k, v in out.items()}


def _event_types() -> frozenset[str]:
    raw = yaml.safe_load(resources.files("eventwire.ontology").joinpath("plover.yaml").read_text(encoding="utf-8"))
    return frozenset(raw["events"])


def _cues(spec: dict[str, Any], field: str, where: str, *, required: bool) -> list[str]:
    value = spec.get(field)
    if value is None and not required:
        return []
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError(f"{where}: {field} must be a non-empty list of strings (quote on/off/yes/no), got {value!r}")
    if any(v != v.lower() for v in value):
        raise ValueError(f"{where}: {field} must be lowercase, got {[v for v in value if v != v.lower()]}")
    return value


def _parse(name: str, spec: Any, where: str, event_types: frozenset[str]) -> Context:
    if not _NAME_RE.match(name):
        raise ValueError(f"{where}: names are lowercase words joined by '_'")
    if not isinstance(spec, dict):
        raise ValueError(f"{where}: expected a mapping")
    unknown = set(spec) - _KEYS
    if unknown:
        raise ValueError(f"{where}: unknown field(s) {', '.join(sorted(map(str, unknown)))}")
    description = spec.get("description")
    if not isinstance(description, str) or not description.strip():
        raise ValueError(f"{where}: needs a one-line description")
    lemmas = _cues(spec, "lemmas", where, required=True)
    bad = [w for w in lemmas if _SEP_RE.search(w)]
    if bad:
        raise ValueError(f"{where}: lemmas are single words; put {bad} under phrases")
    broad = sorted(_TOO_BROAD.intersection(lemmas))
    if broad:
        raise ValueError(f"{where}: {broad} would tag nearly every event; use a phrase instead")
    phrases = _cues(spec, "phrases", where, required=False)
    single = [p for p in phrases if len(_SEP_RE.split(p.strip())) < 2]
    if single:
        raise ValueError(f"{where}: phrases have two or more words; put {single} under lemmas")
    events = spec.get("events", [])
    if not isinstance(events, list) or not all(isinstance(e, str) and e in event_types for e in events):
        raise ValueError(f"{where}: events must be a list of PLOVER event types, got {events!r}")
    return Context(name, description, frozenset(lemmas), tuple(phrases), frozenset(events))
