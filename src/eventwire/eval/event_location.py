"""Event location (Halterman's `event_location` set): is the place chosen for an event the place
the annotators marked as where that event happened?

Each gold record is one sentence with one VERB span (the event trigger) and zero or more LOCATION
spans. The scorer asks the pipeline for the place of the event at the gold trigger and compares the
text span it chose (exact boundaries, and overlap) with the gold spans; choosing no place where the
gold has none counts as right. The country of the chosen place is compared with the country the
gazetteer gives the gold span, which is what a map of the events would show.

The `RELABEL` records are the re-annotated gold standard (report only); every other record is
single-annotator and forms the development split, minus any sentence that also occurs in RELABEL.
"""

from __future__ import annotations

import json
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..records import Article, Place

if TYPE_CHECKING:
    from ..pipeline import Pipeline

SPLITS = ("relabel", "dev")
TEST_SOURCE = "RELABEL"


@dataclass(frozen=True, slots=True)
class GoldRecord:
    id: str
    source: str
    text: str
    trigger: tuple[int, int]  # character span of the gold VERB
    locations: tuple[tuple[int, int], ...]  # character spans of the gold LOCATIONs (may be none)


@dataclass(frozen=True, slots=True)
class Prediction:
    """What the pipeline chose for one gold trigger."""

    place: Place | None
    span: tuple[int, int] | None  # the words it chose, in the record's text
    rule: str  # which step of the place chain chose it ("none" when nothing did)
    coded: bool  # whether the coder itself reported an event at this trigger


def read_records(data_dir: Path) -> list[dict]:
    """The raw Prodigy records (the zip holds one JSON array on one line)."""
    with zipfile.ZipFile(data_dir / "event_location" / "labeled_text.jsonl.zip") as zf:
        name = next(n for n in zf.namelist() if n.endswith("labeled_text.jsonl") and "__MACOSX" not in n)
        return json.loads(zf.read(name).decode("utf-8"))


def parse_record(raw: dict) -> GoldRecord | None:
    """A gold record, or None when it has no usable VERB span.

    Spans are taken from their token offsets: many LOCATION spans carry broken character offsets
    (empty or a few letters off) while their `token_start`/`token_end` point at the right words."""
    tokens, text = raw.get("tokens") or [], raw.get("text") or ""
    trigger: tuple[int, int] | None = None
    locations: list[tuple[int, int]] = []
    for span in raw.get("spans") or ():
        try:
            start, end = tokens[span["token_start"]]["start"], tokens[span["token_end"]]["end"]
        except (KeyError, IndexError):
            continue
        if span.get("label") == "VERB" and trigger is None:
            trigger = (start, end)
        elif span.get("label") == "LOCATION" and text[start:end].strip():
            locations.append((start, end))
    if trigger is None:
        return None
    return GoldRecord(str(raw.get("_id") or raw.get("_task_hash")), str(raw.get("source")), text, trigger,
                      tuple(sorted(set(locations))))


def load_split(data_dir: Path, split: str) -> tuple[list[GoldRecord], int]:
    """The records of a split and how many of its raw records could not be used."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {', '.join(SPLITS)}, not {split!r}")
    raw = read_records(data_dir)
    test_texts = {r.get("text", "").strip() for r in raw if r.get("source") == TEST_SOURCE}
    if split == "relabel":
        chosen = [r for r in raw if r.get("source") == TEST_SOURCE]
    else:  # the same sentence re-annotated for the test set must not be tuned on
        chosen = [r for r in raw if r.get("source") != TEST_SOURCE and r.get("text", "").strip() not in test_texts]
    parsed = [g for g in map(parse_record, chosen) if g is not None]
    records = parsed if split == "relabel" else _unique(parsed)
    return records, len(chosen) - len(parsed)


def _exact(span: tuple[int, int], gold: tuple[int, int], text: str) -> bool:
    """Same words, ignoring surrounding spaces and a leading "the"."""
    def norm(s: tuple[int, int]) -> str:
        words = text[s[0]:s[1]].strip().split()
        return " ".join(words[1:] if words and words[0].lower() == "the" else words)
    return norm(span) == norm(gold)


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


def _prf(tp: int, predicted: int, gold: int) -> dict[str, float | None]:
    p, r = _ratio(tp, predicted), _ratio(tp, gold)
    f1 = round(2 * p * r / (p + r), 4) if p and r else 0.0
    return {"precision": p, "recall": r, "f1": f1}


class _Tally:
    def __init__(self) -> None:
        self.n = self.with_gold = self.predicted = 0
        self.tp_exact = self.tp_overlap = self.right_exact = self.right_overlap = 0
        self.n_country = self.country = 0

    def add(self, record: GoldRecord, pred: Prediction, gold_country: str | None) -> tuple[bool, bool]:
        self.n += 1
        has_gold = bool(record.locations)
        self.with_gold += has_gold
        self.predicted += pred.span is not None
        exact = overlap = False
        if pred.span is not None and has_gold:
            exact = any(_exact(pred.span, g, record.text) for g in record.locations)
            overlap = exact or any(_overlap(pred.span, g) for g in record.locations)
        self.tp_exact += exact
        self.tp_overlap += overlap
        none_right = not has_gold and pred.span is None
        self.right_exact += exact or none_right
        self.right_overlap += overlap or none_right
        if gold_country is not None:
            self.n_country += 1
            self.country += pred.place is not None and pred.place.country == gold_country
        return exact, overlap

    def result(self) -> dict[str, object]:
        return {
            "records": self.n,
            "with_gold_location": self.with_gold,
            "with_chosen_place": self.predicted,
            "accuracy_exact": _ratio(self.right_exact, self.n),
            "accuracy_overlap": _ratio(self.right_overlap, self.n),
            "exact": _prf(self.tp_exact, self.predicted, self.with_gold),
            "overlap": _prf(self.tp_overlap, self.predicted, self.with_gold),
            "country": {"records": self.n_country, "accuracy": _ratio(self.country, self.n_country)},
        }


def predict(pipeline: "Pipeline", records: Sequence[GoldRecord], batch_size: int = 64) -> list[Prediction]:
    """The pipeline's place for each gold trigger: each sentence is coded as an article (no date, no
    dateline) and `Pipeline.place_for` runs the place chain for the trigger, with the coder's event
    there when it found one. `coded` says whether the coder reported an event at the trigger."""
    out = []
    docs = pipeline.nlp.pipe((r.text for r in records), batch_size=batch_size)
    for record, doc in zip(records, docs):
        article = Article(id=record.id, text=record.text)
        events = pipeline.code_doc(article, doc)
        coded = any(e.trigger.start < record.trigger[1] and record.trigger[0] < e.trigger.end for e in events)
        choice = pipeline.place_for(article, record.trigger, doc)
        span = (choice.span.start, choice.span.end) if choice.span else None
        out.append(Prediction(choice.place, span, choice.rule, coded))
    return out


def score(records: Sequence[GoldRecord], predictions: Sequence[Prediction],
          gold_country: Callable[[str], str | None], *, errors: int = 0) -> dict[str, object]:
    """Figures over all records, and apart for the triggers the coder reported as events.

    `gold_country(text)` is the ISO3 country the gazetteer gives a gold location's words; a record
    counts for country accuracy when one of its gold spans resolves (the first that does)."""
    overall, coded, uncoded = _Tally(), _Tally(), _Tally()
    rules: dict[str, Counter[str]] = {}
    levels: Counter[str] = Counter()
    mistakes: list[dict[str, object]] = []
    for record, pred in zip(records, predictions, strict=True):
        country = next((c for c in (gold_country(record.text[a:b]) for a, b in record.locations) if c), None)
        exact, overlap = overall.add(record, pred, country)
        (coded if pred.coded else uncoded).add(record, pred, country)
        tally = rules.setdefault(pred.rule, Counter())
        tally["chosen"] += 1
        tally["exact"] += exact
        tally["overlap"] += overlap
        tally["gold_none"] += not record.locations
        if pred.place is not None:
            levels[pred.place.level] += 1
        if not overlap and (pred.span is not None or record.locations) and len(mistakes) < errors:
            mistakes.append({
                "text": record.text, "trigger": record.text[slice(*record.trigger)],
                "gold": [record.text[a:b] for a, b in record.locations],
                "chosen": record.text[slice(*pred.span)] if pred.span else None, "rule": pred.rule,
            })
    out: dict[str, object] = overall.result()
    out["coder_found_event"] = coded.result()
    out["coder_found_no_event"] = uncoded.result()
    out["by_rule"] = {rule: dict(c) for rule, c in sorted(rules.items(), key=lambda kv: -kv[1]["chosen"])}
    out["levels"] = dict(levels.most_common())
    if errors:
        out["mistakes"] = mistakes
    return out


def _unique(records: Iterable[GoldRecord]) -> list[GoldRecord]:
    """Drop exact repeats (same text, trigger and gold): the single-annotator batches hold ~800."""
    seen: set[tuple[str, tuple[int, int], tuple[tuple[int, int], ...]]] = set()
    out = []
    for r in records:
        key = (r.text, r.trigger, r.locations)
        if key not in seen:
            seen.add(key)
            out.append(r)
    return out
