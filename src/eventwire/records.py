"""The data types that flow between stages.

Every stage takes and returns these records, never bare dicts, so a stage can be
swapped (a learned coder for the lexicon one, a bigger gazetteer) without the
others noticing. `to_json` gives the public PLOVER-style shape that other tools read.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

Precision = Literal["day", "month", "year", "unknown"]
Level = Literal["country", "admin1", "city", "sub-city"]


@dataclass(slots=True)
class Article:
    """One dated news story as read from a source."""

    id: str
    text: str
    date: date | None = None
    date_source: str | None = None  # "header", "field", "metadata", "dateline", "warc-date"
    url: str | None = None
    title: str | None = None
    outlet: str | None = None
    language: str = "en"
    source: str | None = None  # file path or "<stdin>", for error messages

    @staticmethod
    def content_id(text: str) -> str:
        """A stable id for sources that give none: re-reading the same text gives the same id."""
        return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


@dataclass(slots=True)
class ReadError:
    """A record that could not be read or coded; the rest of the batch goes on."""

    record: str  # e.g. "file.jsonl:12" or an article id
    stage: str  # "read", "parse", "code"
    reason: str

    def __str__(self) -> str:
        return f"{self.record}: {self.stage}: {self.reason}"


@dataclass(slots=True)
class Span:
    """Character offsets into the article text (not the sentence)."""

    start: int
    end: int
    text: str

    def to_json(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}

    @classmethod
    def from_json(cls, d: dict[str, Any] | None) -> Span | None:
        return cls(d["start"], d["end"], d.get("text", "")) if d else None


@dataclass(slots=True)
class Entity:
    """An actor or recipient resolved (or honestly not resolved) to a real entity."""

    text: str  # as written
    name: str  # canonical name; equals text when unresolved
    kind: str = "unresolved"  # state, igo, organisation, person, group, agent, place (a town), unresolved
    country: str | None = None  # ISO3
    sector: str | None = None  # PLOVER sector: GOV MIL COP REB OPP CVL ...
    code: str | None = None  # CAMEO-style actor code, e.g. ISRGOV
    wikidata: str | None = None
    score: float = 0.0
    evidence: str = ""  # which rule or entry resolved it
    span: Span | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "text": self.text,
            "name": self.name,
            "kind": self.kind,
            "country": self.country,
            "sector": self.sector,
            "code": self.code,
        }
        if self.wikidata:
            out["wikidata"] = self.wikidata
        out["score"] = round(self.score, 3)
        out["evidence"] = self.evidence
        return out

    @classmethod
    def from_json(cls, d: dict[str, Any], span: dict[str, Any] | None = None) -> Entity:
        """The inverse of `to_json` (the span lives in the record's evidence, so it is passed apart)."""
        return cls(text=d["text"], name=d["name"], kind=d.get("kind", "unresolved"), country=d.get("country"),
                   sector=d.get("sector"), code=d.get("code"), wikidata=d.get("wikidata"),
                   score=d.get("score", 0.0), evidence=d.get("evidence", ""), span=Span.from_json(span))


@dataclass(slots=True)
class Place:
    """A toponym resolved against the offline gazetteer."""

    text: str
    name: str
    geonameid: int | None
    lat: float | None
    lon: float | None
    country: str | None  # ISO3
    admin1: str | None = None
    feature_class: str | None = None
    level: Level = "city"
    score: float = 0.0

    def to_event_loc(self) -> dict[str, Any]:
        return {
            "extracted_place": self.text,
            "resolved_place": self.name,
            "geonameid": self.geonameid,
            "lat": self.lat,
            "lon": self.lon,
            "country_code": self.country,
            "admin1": self.admin1,
            "level": self.level,
        }

    @classmethod
    def from_event_loc(cls, d: dict[str, Any] | None) -> Place | None:
        if not d:
            return None
        return cls(text=d.get("extracted_place") or "", name=d.get("resolved_place") or "",
                   geonameid=d.get("geonameid"), lat=d.get("lat"), lon=d.get("lon"), country=d.get("country_code"),
                   admin1=d.get("admin1"), level=d.get("level") or "city")


@dataclass(slots=True)
class ResolvedDate:
    """When an event happened, as far as its sentence supports."""

    date: date | None
    precision: Precision
    text: str | None = None  # the expression it came from
    span: Span | None = None
    historical: bool = False  # background or caption: not this article's news
    rule: str = ""  # which rule produced it, for explanations
    end: date | None = None  # last day of a range ("between 3 and 5 May"); `date` is its first day


@dataclass(slots=True)
class EventMention:
    """One coded event as reported in one sentence of one article."""

    article_id: str
    sentence_index: int
    event: str  # PLOVER type
    mode: str | None
    trigger: Span
    sentence: Span
    actor: list[Entity]
    recipient: list[Entity]
    context: list[str] = field(default_factory=list)
    quad_code: int = 0
    cameo: str | None = None
    goldstein: float | None = None
    date: ResolvedDate | None = None
    place: Place | None = None
    place_span: Span | None = None
    negated: bool = False
    hypothetical: bool = False
    historical: bool = False
    confidence: float = 0.0
    rule: str = ""  # the lexicon entry or model that coded it
    place_rule: str = ""  # which step of the place chain chose the place ("trigger", "dateline", ...)

    @property
    def id(self) -> str:
        key = f"{self.article_id}:{self.sentence_index}:{self.trigger.start}:{self.event}"
        return hashlib.sha1(key.encode()).hexdigest()[:16]

    def to_json(self) -> dict[str, Any]:
        d = self.date
        evidence: dict[str, Any] = {
            "trigger": self.trigger.to_json(),
            "actor": [e.span.to_json() for e in self.actor if e.span],
            "recipient": [e.span.to_json() for e in self.recipient if e.span],
            "date": d.span.to_json() if d and d.span else None,
            "place": self.place_span.to_json() if self.place_span else None,
            "sentence": {"start": self.sentence.start, "end": self.sentence.end},
            "rules": {"event": self.rule, "date": d.rule if d else None, "place": self.place_rule or None},
        }
        return {
            "id": self.id,
            "article_id": self.article_id,
            "event": self.event,
            "mode": self.mode,
            "context": list(self.context),
            "quad_code": self.quad_code,
            "cameo": self.cameo,
            "goldstein": self.goldstein,
            "date": d.date.isoformat() if d and d.date else None,
            "date_end": d.end.isoformat() if d and d.end else None,
            "date_precision": d.precision if d else "unknown",
            "actor": [e.to_json() for e in self.actor],
            "recipient": [e.to_json() for e in self.recipient],
            "event_loc": self.place.to_event_loc() if self.place else None,
            "event_text": self.sentence.text,
            "evidence": evidence,
            "confidence": round(self.confidence, 3),
            "negated": self.negated,
            "hypothetical": self.hypothetical,
            "historical": self.historical,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any], sentence_index: int) -> EventMention:
        """The inverse of `to_json`, as far as a stored record needs: what merging and export read.
        (The sentence index is not in the PLOVER record; stores keep it in a column.)"""
        ev = d.get("evidence") or {}
        rules = ev.get("rules") or {}
        sent = ev.get("sentence") or {"start": 0, "end": 0}
        day = date.fromisoformat(d["date"]) if d.get("date") else None
        end = date.fromisoformat(d["date_end"]) if d.get("date_end") else None
        dated = ResolvedDate(day, d.get("date_precision") or "unknown", span=Span.from_json(ev.get("date")),
                             historical=bool(d.get("historical")), rule=rules.get("date") or "", end=end)

        def entities(role: str) -> list[Entity]:
            spans = list(ev.get(role) or [])  # the spans of those entities that have one, matched by text

            def span_of(text: str) -> dict[str, Any] | None:
                for i, sp in enumerate(spans):
                    if sp.get("text") == text:
                        return spans.pop(i)
                return None

            return [Entity.from_json(e, span_of(e["text"])) for e in d.get(role) or []]

        return cls(
            article_id=d["article_id"], sentence_index=sentence_index, event=d["event"], mode=d.get("mode"),
            trigger=Span.from_json(ev["trigger"]), sentence=Span(sent["start"], sent["end"], d.get("event_text") or ""),
            actor=entities("actor"), recipient=entities("recipient"), context=list(d.get("context") or []),
            quad_code=d.get("quad_code") or 0, cameo=d.get("cameo"), goldstein=d.get("goldstein"),
            # a mention with a date record (even an unknown one with its rule: "decades ago") keeps it
            date=dated if (d.get("date") or rules.get("date") or ev.get("date")
                           or d.get("date_precision") not in (None, "unknown")) else None,
            place=Place.from_event_loc(d.get("event_loc")), place_span=Span.from_json(ev.get("place")),
            negated=bool(d.get("negated")), hypothetical=bool(d.get("hypothetical")),
            historical=bool(d.get("historical")), confidence=d.get("confidence") or 0.0,
            rule=rules.get("event") or "", place_rule=rules.get("place") or "")


@dataclass(slots=True)
class Classification:
    """The answer of `classify`: the PLOVER type of one actor->recipient relation."""

    event: str | None
    score: float
    mode: str | None = None
    quad_code: int | None = None
    scores: dict[str, float] = field(default_factory=dict)
