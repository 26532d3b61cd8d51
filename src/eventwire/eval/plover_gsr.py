"""PLOVER gold-standard records: are actors and recipients resolved to the right country and sector?

Two views of the same gold. `resolution` resolves each gold actor mention where it stands in its
sentence, the way the pipeline resolves an argument (article date, focus country, earlier mentions):
it isolates the knowledge base and resolver from the coder. `events` codes the sentence and compares
the source and target of the coded event that reports the gold event, so a wrong argument choice
counts against it too.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..records import Entity, EventMention

# PLOVER 0.5b1 labels in the gold -> the 16-type PLOVER the coder speaks
OLD_TYPES = {"DEMAND": "REQUEST", "DISAPPROVE": "ACCUSE", "INVESTIGATE": "ACCUSE", "FIGHT": "ASSAULT"}
# CAMEO country codes that differ from ISO 3166 alpha-3
CAMEO_COUNTRY = {"JAP": "JPN", "ITL": "ITA", "ROM": "ROU", "ZAR": "COD", "TMP": "TLS", "BUR": "MMR"}
# CAMEO sector spellings in the gold -> PLOVER sectors
SECTOR_ALIASES = {"CIV": "CVL", "JRN": "MED", "UAF": "REB"}
TRANSNATIONAL = ("IGO", "NGO", "IMG")


@dataclass(frozen=True, slots=True)
class GoldActor:
    record: str
    role: str  # source | target
    text: str
    start: int  # in the sentence; -1 when the text is not found there
    country: str  # ISO3, or IGO/NGO/IMG
    sector: str | None  # PLOVER sector, None when the gold gives none we can score


@dataclass(frozen=True, slots=True)
class GoldRecord:
    id: str
    text: str
    event: str
    event_text: str
    actors: tuple[GoldActor, ...]


def load_gsr(data_dir: Path) -> list[GoldRecord]:
    raw = json.loads((data_dir / "plover_gsr" / "PLOVER_GSR_CAMEO.json").read_text(encoding="utf-8"))
    out = []
    for r in raw:
        if r.get("event") is None or not r.get("text"):
            continue  # the DOCUMENT header
        text = r["text"]
        actors = []
        for role in ("source", "target"):
            items = r.get(role) or []
            if isinstance(items, dict):
                items = [items]
            for a in items:
                if not isinstance(a, dict) or not a.get("actorText") or not a.get("code"):
                    continue  # one record has a bare string here
                code = str(a["code"]).upper()
                sector = _gold_sector(a.get("sector"))
                actors.append(GoldActor(r["id"], role, a["actorText"], text.find(a["actorText"]),
                                        CAMEO_COUNTRY.get(code, code), sector))
        out.append(GoldRecord(r["id"], text, OLD_TYPES.get(r["event"], r["event"]), r.get("eventText") or "",
                              tuple(actors)))
    return out


def _gold_sector(value: object) -> str | None:
    if not isinstance(value, str) or len(value) < 3 or value.startswith("*"):
        return None
    s = value[:3].upper()
    return SECTOR_ALIASES.get(s, s)


def country_matches(gold: GoldActor, ent: Entity | None) -> bool:
    if ent is None:
        return False
    if gold.country in TRANSNATIONAL:
        code = ent.code or ""
        return code.startswith(gold.country) or (gold.country == "IGO" and ent.kind == "igo") or (
            gold.country == "NGO" and ent.sector == "NGO" and ent.country is None)
    return ent.country == gold.country


def sector_matches(gold: GoldActor, ent: Entity | None) -> bool:
    return ent is not None and gold.sector is not None and ent.sector == gold.sector


class _Tally:
    def __init__(self) -> None:
        self.n = self.country = self.n_sector = self.sector = self.unresolved = 0
        self.errors: Counter[str] = Counter()

    def add(self, gold: GoldActor, ent: Entity | None) -> None:
        self.n += 1
        ok = country_matches(gold, ent)
        self.country += ok
        if ent is None or ent.kind == "unresolved":
            self.unresolved += 1
        elif not ok:
            self.errors[f"{gold.text!r}: {gold.country} -> {ent.country or ent.code}"] += 1
        if gold.sector is not None:
            self.n_sector += 1
            self.sector += sector_matches(gold, ent)

    def result(self) -> dict[str, object]:
        return {
            "n": self.n,
            "country_accuracy": round(self.country / self.n, 4) if self.n else None,
            "unresolved": self.unresolved,
            "n_with_sector": self.n_sector,
            "sector_accuracy": round(self.sector / self.n_sector, 4) if self.n_sector else None,
        }


def _by_role(tallies: dict[str, _Tally]) -> dict[str, object]:
    both = _Tally()
    for t in tallies.values():
        both.n += t.n
        both.country += t.country
        both.unresolved += t.unresolved
        both.n_sector += t.n_sector
        both.sector += t.sector
        both.errors.update(t.errors)
    return {"actor": tallies["source"].result(), "recipient": tallies["target"].result(), "all": both.result(),
            "top_country_errors": [f"{k} ({v})" for k, v in both.errors.most_common(12)]}


def score_resolution(records: Sequence[GoldRecord],
                     resolve_mentions: Callable[[str, list[tuple[str, int]]], list[Entity | None]]) -> dict[str, object]:
    """`resolve_mentions(sentence, [(text, start), ...])` resolves mentions in text order, in one document."""
    tallies = {"source": _Tally(), "target": _Tally()}
    for r in records:
        order = sorted(r.actors, key=lambda a: (a.start < 0, a.start))
        ents = resolve_mentions(r.text, [(a.text, a.start) for a in order])
        for gold, ent in zip(order, ents):
            tallies[gold.role].add(gold, ent)
    return _by_role(tallies)


def _overlaps(ent: Entity, gold: GoldActor) -> bool:
    span = ent.span
    if span is None or gold.start < 0:
        return False
    return span.start < gold.start + len(gold.text) and gold.start < span.end


def _pick_event(record: GoldRecord, events: Iterable[EventMention]) -> EventMention | None:
    """The coded event that reports the gold one: the gold type first, then the trigger inside the
    gold event text, then the first event of the sentence."""
    events = list(events)
    if not events:
        return None

    def rank(e: EventMention) -> tuple[bool, bool]:
        in_text = bool(record.event_text and e.trigger.text and e.trigger.text in record.event_text)
        return (e.event != record.event, not in_text)

    return min(events, key=rank)


def score_events(records: Sequence[GoldRecord], code: Callable[[str], list[EventMention]]) -> dict[str, object]:
    """End to end: the source (target) is right when the picked event's actor (recipient) has the
    gold country; `aligned` counts the cases where it is also the gold mention."""
    tallies = {"source": _Tally(), "target": _Tally()}
    aligned = Counter()
    no_event = 0
    for r in records:
        ev = _pick_event(r, code(r.text))
        no_event += ev is None
        for gold in r.actors:
            args = [] if ev is None else (ev.actor if gold.role == "source" else ev.recipient)
            ent = next((e for e in args if _overlaps(e, gold)), None)
            aligned[gold.role] += ent is not None
            tallies[gold.role].add(gold, ent or (args[0] if args else None))
    out = _by_role(tallies)
    out["sentences_without_event"] = no_event
    out["argument_is_gold_mention"] = {"actor": aligned["source"], "recipient": aligned["target"]}
    return out


def article_date() -> date:
    """Every record carries the placeholder date 2000-01-01; the sentences come from c. 2000 wires."""
    return date(2000, 1, 1)
