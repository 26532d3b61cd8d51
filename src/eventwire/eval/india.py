"""IndiaPoliceEvents (Times of India, March 2002): are police actions found, sentence by sentence?

Real, dated, often lower-cased news with adjudicated sentence labels. The gold has no recipients or
places, so this measures event detection with the police as actor: ARREST against our COERCE/arrest,
KILL or FORCE against ASSAULT (or violent COERCE), ANY_ACTION against any of them.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path

from ..records import Article, EventMention

POLICE = frozenset({"COP"})


def load_india(data_dir: Path) -> list[tuple[Article, list[tuple[str, set[str]]]]]:
    folder = data_dir / "indiapoliceevents"
    sents: dict[int, list[tuple[str, set[str]]]] = defaultdict(list)
    with (folder / "sents.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            sents[row["doc_id"]].append((row["sent_text"], set(row["sent_labels"])))
    out = []
    with (folder / "metadata.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            article = Article(id=str(row["doc_id"]), text=row["full_text"], date=date.fromisoformat(row["date"]))
            out.append((article, sents[row["doc_id"]]))
    return out


def predicted(events: Iterable[EventMention]) -> set[str]:
    labels: set[str] = set()
    for e in events:
        if not any(a.sector in POLICE for a in e.actor):
            continue
        if e.event == "COERCE" and (e.mode == "arrest" or (e.cameo or "").startswith("173")):
            labels.add("ARREST")
        if e.event == "ASSAULT" or (e.event == "COERCE" and (e.cameo or "").startswith("175")):
            labels.add("FORCE_OR_KILL")
        if e.event in ("COERCE", "ASSAULT"):
            labels.add("ANY_ACTION")
    return labels


def gold_labels(labels: set[str]) -> set[str]:
    out = {lab for lab in labels if lab in ("ARREST", "ANY_ACTION")}
    if labels & {"KILL", "FORCE"}:
        out.add("FORCE_OR_KILL")
    return out


def score(docs: list[tuple[Article, list[tuple[str, set[str]]]]],
          code_article: Callable[[Article], list[EventMention]]) -> dict[str, object]:
    counts = {k: [0, 0, 0] for k in ("ARREST", "FORCE_OR_KILL", "ANY_ACTION")}  # tp, fp, fn
    n_sents = 0
    for article, sents in docs:
        events = code_article(article)
        # sentence offsets in the full text, found in order
        spans, cursor = [], 0
        for text, _ in sents:
            needle = text.strip()
            i = article.text.find(needle, cursor) if needle else -1
            spans.append((i, i + len(needle)) if i >= 0 else None)
            if i >= 0:
                cursor = i + len(needle)
        for (text, labels), span in zip(sents, spans):
            n_sents += 1
            mine = predicted(e for e in events if span and span[0] <= e.trigger.start < span[1])
            gold = gold_labels(labels)
            for k, c in counts.items():
                c[0] += k in mine and k in gold
                c[1] += k in mine and k not in gold
                c[2] += k not in mine and k in gold
    out: dict[str, object] = {"documents": len(docs), "sentences": n_sents}
    for k, (tp, fp, fn) in counts.items():
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        out[k] = {"precision": round(p, 3), "recall": round(r, 3), "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0,
                  "gold": tp + fn, "predicted": tp + fp}
    return out
