"""Same event or not? Pairwise article dedup on BASIL (100 events x 3 US outlets, with text).

Gold: articles of one triplet (`triplet-uuid`) report the same main event. BASIL's triplets are on
different topics, so its own negatives are easy; hard negatives are built from the data itself:

- For each target triplet T, its *world* holds T's three articles at their real dates, and every
  other triplet U of the same half that shares a main entity with T ("Donald Trump", "Barack Obama"),
  re-dated as a block so that U's first article falls a seeded 0-7 days before or after T's first
  (its coded event dates move by the same number of days). Triplets whose real dates already lie
  within 7 days of T's join the world as they are.
- Scored pairs are those with an article of T: T-T pairs are positives, T-U pairs negatives. A T-U
  pair is scored in T's world and again (with another shift) in U's.

An article pair is predicted "same event" when the texts are near-duplicates (`DuplicateIndex`), tell
the same story (`StoryIndex`: a logistic `StoryModel` over TF-IDF cosines of the whole text, the title
and lede, and the names, and the days apart; word statistics from the half's texts), or (when
`min_shared` > 0) share that many merged events (`EventMerger` over the whole world). Triplets are
split in two halves by a seeded hash of their id: thresholds and the model's weights are chosen on
`dev` (`fit_story_model(story_pairs(articles, "dev"))` gives `StoryModel()`'s defaults), figures
reported on `test`; each half's worlds use only that half's triplets.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, replace
from datetime import date, timedelta
from itertools import combinations
from pathlib import Path

import numpy as np

from ..merge import DuplicateIndex, EventMerger, MergeConfig, StoryIndex, StoryModel, StorySignals
from ..records import Article, EventMention

SPLIT_SEED = 5
HARD_NEGATIVE_DAYS = 7


@dataclass(frozen=True, slots=True)
class BasilArticle:
    article: Article
    triplet: str
    entities: frozenset[str]  # main entities, lower-cased


def load_basil(data_dir: Path) -> list[BasilArticle]:
    """The 300 articles, paragraphs joined by blank lines, in file order."""
    out = []
    for path in sorted((data_dir / "basil_triplets" / "articles").glob("*/*.json")):
        d = json.loads(path.read_text(encoding="utf-8"))
        text = "\n\n".join(" ".join(s.strip() for s in para) for para in d["body-paragraphs"])
        # four files carry the placeholder uuid "empty": one shared id would merge four articles of
        # four triplets into one, so those fall back to the file name (the triplet id and outlet number)
        uid = d.get("uuid") or "empty"
        article = Article(id=path.stem if uid == "empty" else uid, text=text, date=date.fromisoformat(d["date"]),
                          date_source="field", url=d.get("url"), title=d.get("title"), outlet=d["source"].lower(),
                          source=str(path))
        out.append(BasilArticle(article, d["triplet-uuid"], frozenset(e.strip().lower() for e in d["main-entities"])))
    return out


def _hash(*parts: object) -> int:
    return int(hashlib.sha1(":".join(map(str, parts)).encode()).hexdigest()[:12], 16)


def split_triplets(triplets: Iterable[str], seed: int = SPLIT_SEED) -> dict[str, str]:
    """Triplet id -> "dev" or "test": ordered by sha1(seed:id), the first half is dev."""
    ordered = sorted(set(triplets), key=lambda t: (_hash(seed, t), t))
    half = len(ordered) // 2
    return {t: "dev" if i < half else "test" for i, t in enumerate(ordered)}


def shift_mention(mention: EventMention, days: int) -> EventMention:
    d = mention.date
    if not days or d is None or d.date is None:
        return mention
    delta = timedelta(days=days)
    return replace(mention, date=replace(d, date=d.date + delta, end=d.end + delta if d.end else None))


@dataclass(frozen=True, slots=True)
class World:
    target: str  # triplet id
    members: tuple[tuple[BasilArticle, int], ...]  # (article, days shifted)


def build_worlds(articles: list[BasilArticle], split: str, seed: int = SPLIT_SEED) -> list[World]:
    if split not in ("dev", "test"):
        raise ValueError(f"split must be dev or test, not {split!r}")
    halves = split_triplets((a.triplet for a in articles), seed)
    by_triplet: dict[str, list[BasilArticle]] = defaultdict(list)
    for a in articles:
        if halves[a.triplet] == split:
            by_triplet[a.triplet].append(a)
    first = {t: min(a.article.date for a in arts) for t, arts in by_triplet.items()}
    ents = {t: frozenset().union(*(a.entities for a in arts)) for t, arts in by_triplet.items()}
    worlds = []
    for t in sorted(by_triplet):
        members = [(a, 0) for a in by_triplet[t]]
        for u in sorted(by_triplet):
            if u == t:
                continue
            gap = (first[u] - first[t]).days
            if abs(gap) <= HARD_NEGATIVE_DAYS:
                shift = 0
            elif ents[t] & ents[u]:
                offset = _hash(seed, t, u) % (2 * HARD_NEGATIVE_DAYS + 1) - HARD_NEGATIVE_DAYS
                shift = offset - gap
            else:
                continue
            members.extend((a, shift) for a in by_triplet[u])
        worlds.append(World(t, tuple(members)))
    return worlds


def world_signals(world: World, mentions: Mapping[str, list[EventMention]], dup_threshold: float,
                  merge_config: MergeConfig, story_threshold: float = 0.5, background: Iterable[str] = (),
                  story_model: StoryModel | None = None,
                  ) -> tuple[set[frozenset[str]], Counter, set[frozenset[str]]]:
    """Near-duplicate pairs, how many merged events each article pair shares, and same-story pairs
    (`StoryIndex`, its word statistics seeded with `background` texts)."""
    index = DuplicateIndex(dup_threshold)
    merger = EventMerger(merge_config)
    stories = _story_index(background, story_threshold, story_model)
    dups: set[frozenset[str]] = set()
    same_story: set[frozenset[str]] = set()
    for art, shift in _dated_members(world):
        dups.update(frozenset((art.id, other)) for other in index.add(art))
        same_story.update(frozenset((art.id, other)) for other, _ in stories.add(art))
        merger.add(art, [shift_mention(m, shift) for m in mentions.get(art.id, [])])
    shared: Counter = Counter()
    for event in merger.events():
        for pair in combinations(event.articles, 2):
            shared[frozenset(pair)] += 1
    return dups, shared, same_story


def _dated_members(world: World) -> list[tuple[Article, int]]:
    """The world's articles re-dated by their shift, in the world's order."""
    return [(replace(a.article, date=a.article.date + timedelta(days=shift)), shift) for a, shift in world.members]


def _story_index(background: Iterable[str], threshold: float = 0.5,
                 model: StoryModel | None = None) -> StoryIndex:
    index = StoryIndex(threshold, window_days=HARD_NEGATIVE_DAYS, model=model)
    index.observe(background)
    return index


def _scored_pairs(world: World, triplet_of: Mapping[str, str]) -> list[tuple[str, str, bool]]:
    """(x, y, same triplet) for the pairs scored in this world: those with an article of its target."""
    ids = [a.article.id for a, _ in world.members]
    return [(x, y, triplet_of[x] == triplet_of[y]) for x, y in combinations(ids, 2)
            if world.target in (triplet_of[x], triplet_of[y])]


def story_pairs(articles: list[BasilArticle], split: str, seed: int = SPLIT_SEED,
                model: StoryModel | None = None) -> list[tuple[StorySignals, bool]]:
    """Every scored pair's `StoryIndex` signals and gold label, in the same worlds `score` uses."""
    triplet_of = {a.article.id: a.triplet for a in articles}
    halves = split_triplets((a.triplet for a in articles), seed)
    background = [a.article.text for a in articles if halves[a.triplet] == split]
    out = []
    for world in build_worlds(articles, split, seed):
        index = _story_index(background, model=model)
        for art, _ in _dated_members(world):
            index.add(art)
        out.extend((index.signals(x, y), gold) for x, y, gold in _scored_pairs(world, triplet_of))
    return out


def fit_story_model(pairs: list[tuple[StorySignals, bool]], l2: float = 0.01,
                    representation: StoryModel | None = None) -> StoryModel:
    """L2-regularised logistic regression (Newton's method, intercept not penalised) of gold on the
    signals: how `StoryModel`'s default weights were chosen, on `story_pairs(..., "dev")` only. The
    weights replace those of `representation`, whose other fields (lede, prior) made the signals."""
    x = np.array([[1.0, *s.as_tuple()] for s, _ in pairs])
    y = np.array([float(g) for _, g in pairs])
    w = np.zeros(x.shape[1])
    penalty = np.diag([0.0] + [l2] * (x.shape[1] - 1))
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ w, -500, 500)))
        grad = x.T @ (p - y) + penalty @ w
        hess = (x * (p * (1 - p))[:, None]).T @ x + penalty
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-9:
            break
    b, text, lede, names, days = (round(float(v), 2) for v in w)
    return replace(representation or StoryModel(), intercept=b, text=text, lede=lede, names=names, days=days)


def score(articles: list[BasilArticle], mentions: Mapping[str, list[EventMention]], split: str, *,
          min_shared: int = 0, dup_threshold: float = 0.7, merge_config: MergeConfig | None = None,
          story_threshold: float = 0.5, story_model: StoryModel | None = None,
          seed: int = SPLIT_SEED) -> dict[str, object]:
    """Pairwise precision, recall and F1 of "same event" over the split's worlds."""
    config = merge_config or MergeConfig()
    model = story_model or StoryModel()
    triplet_of = {a.article.id: a.triplet for a in articles}
    counts = Counter()
    by_signal = Counter()
    worlds = build_worlds(articles, split, seed)
    halves = split_triplets((a.triplet for a in articles), seed)
    background = [a.article.text for a in articles if halves[a.triplet] == split]  # word statistics only
    for world in worlds:
        dups, shared, stories = world_signals(world, mentions, dup_threshold, config, story_threshold, background,
                                              model)
        for x, y, gold in _scored_pairs(world, triplet_of):
            pair = frozenset((x, y))
            is_dup, n_shared, same = pair in dups, shared[pair], pair in stories
            predicted = is_dup or same or (min_shared > 0 and n_shared >= min_shared)
            counts["tp" if gold and predicted else "fp" if predicted else "fn" if gold else "tn"] += 1
            if predicted:
                signal = "near-duplicate" if is_dup else "same story" if same else "shared events"
                by_signal[signal + (" (right)" if gold else " (wrong)")] += 1
            if not gold:
                counts["hard_negatives"] += 1
    tp, fp, fn = counts["tp"], counts["fp"], counts["fn"]
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {
        "split": split, "seed": seed, "triplets": len(worlds),
        "pairs": tp + fp + fn + counts["tn"], "positive_pairs": tp + fn, "negative_pairs": counts["hard_negatives"],
        "precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
        "tp": tp, "fp": fp, "fn": fn,
        "decided_by": dict(sorted(by_signal.items())),
        "settings": {"min_shared": min_shared, "dup_threshold": dup_threshold, "story_threshold": story_threshold,
                     "story_model": asdict(model),
                     "date_window_days": config.date_window_days, "max_km": config.max_km},
    }
