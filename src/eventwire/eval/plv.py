"""PLV (Zero-Shot PLOVER) relation classification: accuracy, macro-F1 and quad accuracy of `classify`."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

from ..records import Classification

# PLV still uses the older single YIELD type; PLOVER 2.0 splits it.
YIELD_TYPES = {"CONCEDE", "RETREAT", "YIELD"}


def load_plv(data_dir: Path, split: str) -> list[dict[str, str]]:
    path = data_dir / "plv_zsp" / f"PLV_{split}.tsv"
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def normalise(label: str | None) -> str | None:
    return "YIELD" if label in YIELD_TYPES else label


def macro_f1(gold: Sequence[str], pred: Sequence[str | None]) -> float:
    labels = sorted(set(gold))
    f1s = []
    for lab in labels:
        tp = sum(g == lab and p == lab for g, p in zip(gold, pred))
        fp = sum(g != lab and p == lab for g, p in zip(gold, pred))
        fn = sum(g == lab and p != lab for g, p in zip(gold, pred))
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1s.append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
    return sum(f1s) / len(f1s)


def score(rows: Sequence[dict[str, str]], classify_many: Callable[[list[tuple[str, str, str]]], list[Classification]]
          ) -> dict[str, object]:
    triples = [(r["sentence"], r["source"], r["target"]) for r in rows]
    preds = classify_many(triples)
    gold = [r["gold_root"] for r in rows]
    pred = [normalise(p.event) for p in preds]
    # quad of a type as PLV's own rows assign it (YIELD is material cooperation there)
    quad_of = {r["gold_root"]: r["gold_penta"] for r in rows}
    gold_quad = [r["gold_penta"] for r in rows]
    pred_quad = [quad_of.get(p or "", "?") for p in pred]
    n = len(rows)
    confusion = Counter((g, p) for g, p in zip(gold, pred) if g != p)
    return {
        "n": n,
        "accuracy": round(sum(g == p for g, p in zip(gold, pred)) / n, 4),
        "macro_f1": round(macro_f1(gold, pred), 4),
        "quad_accuracy": round(sum(g == p for g, p in zip(gold_quad, pred_quad)) / n, 4),
        "top_confusions": [f"{g}->{p}: {c}" for (g, p), c in confusion.most_common(8)],
    }


def _overlaps(span: dict | None, start: int, end: int) -> bool:
    return span is not None and span["start"] < end and start < span["end"]


def score_coder(rows: Sequence[dict[str, str]], code_sentence: Callable[[str], list[dict]]) -> dict[str, object]:
    """The full coder on PLV sentences: is the gold relation found as an event, with its arguments?

    `type` counts a sentence when some event has the gold type; `type+actor` also needs the
    event's actor evidence to overlap the gold source span; `full` needs the recipient too.
    Flagged (negated/hypothetical) events count, since PLV's gold includes intended events.
    """
    found = {"type": 0, "type+actor": 0, "full": 0}
    events = 0
    misses: Counter[str] = Counter()
    for r in rows:
        sent = r["sentence"]
        coded = code_sentence(sent)
        events += len(coded)
        gold = r["gold_root"]
        s0 = sent.find(r["source"].strip())
        t0 = sent.find(r["target"].strip())
        best = 0
        for e in coded:
            if normalise(e["event"]) != gold:
                continue
            level = 1
            actor_ok = s0 >= 0 and any(_overlaps(a, s0, s0 + len(r["source"].strip())) for a in e["evidence"]["actor"])
            recip_ok = t0 >= 0 and any(_overlaps(a, t0, t0 + len(r["target"].strip()))
                                       for a in e["evidence"]["recipient"])
            if actor_ok:
                level = 2 + recip_ok
            best = max(best, level)
        if best >= 1:
            found["type"] += 1
        if best >= 2:
            found["type+actor"] += 1
        if best >= 3:
            found["full"] += 1
        if best == 0:
            misses[gold] += 1
    n = len(rows)
    return {
        "n": n,
        "recall_type": round(found["type"] / n, 4),
        "recall_type_actor": round(found["type+actor"] / n, 4),
        "recall_full": round(found["full"] / n, 4),
        "events_per_sentence": round(events / n, 3),
        "missed_by_type": dict(misses.most_common()),
    }
