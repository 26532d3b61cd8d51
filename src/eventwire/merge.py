"""Counting one real-world event once: near-duplicate articles and merged event mentions.

Two signals, both pure and incremental so the store can feed them article by article:

- `DuplicateIndex`: syndicated copies (the same wire story on fifty sites) found by MinHash/LSH over
  word shingles. Text similarity only; it says nothing about different write-ups of one event.
- `EventMerger`: event mentions from any articles that report the same real event (same or
  compatible type, compatible actors and recipients, dates within a window, same or nearby place)
  become one `Event` that keeps every mention and counts mentions, articles and outlets.

Both are deterministic: fixed seeds, and results that depend on the set of inputs, never on the order
they arrived in. The merger links compatible mentions into components (union-find, so adding a mention
only ever joins components) and splits each component by complete linkage in a stable order, so an
event never chains from Monday's clash to Friday's through Wednesday's.
"""

from __future__ import annotations

import calendar
import hashlib
import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

from datasketch import MinHash, MinHashLSH

from .records import Article, Entity, EventMention, Place

# -- near-duplicate articles ------------------------------------------------------------------------

_WORD = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, size: int = 5) -> set[str]:
    """Word `size`-grams of the lower-cased text; a text shorter than `size` words is one shingle."""
    words = _WORD.findall(text.lower())
    if len(words) <= size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i:i + size]) for i in range(len(words) - size + 1)}


_CONTENT_WORD = re.compile(r"[^\W\d_][\w'-]{2,}")
_STOP = frozenset(
    "the and for that with was were are has have had not but from this they their them his her its said "
    "says will would could should been being who whom which what when where while than then there these "
    "those into about after before over under also more most some such only other just very can may might "
    "one two three new year years last first told according mr ms mrs percent people time".split()
)


def content_words(text: str) -> list[str]:
    return [w for w in (m.group().lower() for m in _CONTENT_WORD.finditer(text)) if w not in _STOP]


class StoryIndex:
    """Incremental "same story" finder for rewrites, not copies: three outlets' own reports of one
    event share its rare words (names, places, the bill, the verdict) far more than stories on
    the same people a few days apart. TF-IDF cosine over content words; `add` returns the earlier
    articles within `window_days` whose similarity reaches `threshold`. Document frequencies come
    from every article the index has seen (`observe` may seed them with a corpus first), so scores
    are comparable only within one index; ties and order are broken by article id."""

    def __init__(self, threshold: float = 0.3, *, window_days: int = 7) -> None:
        if not 0.0 < threshold <= 1.0:
            raise ValueError(f"threshold must be in (0, 1], not {threshold}")
        self.threshold = threshold
        self.window_days = window_days
        self._df: dict[str, int] = defaultdict(int)
        self._n = 0
        self._seen: set[str] = set()
        self._tf: dict[str, dict[str, float]] = {}
        self._dates: dict[str, date | None] = {}

    def observe(self, texts: Iterable[str]) -> None:
        """Count document frequencies without adding stories (a background corpus)."""
        for text in texts:
            self._count(set(content_words(text)))

    def _count(self, words: set[str]) -> None:
        self._n += 1
        for w in words:
            self._df[w] += 1

    def _vector(self, tf: dict[str, float]) -> dict[str, float]:
        vec = {w: c * math.log((1 + self._n) / (1 + self._df.get(w, 0))) for w, c in tf.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {w: v / norm for w, v in vec.items()}

    def similarity(self, a: str, b: str) -> float:
        va, vb = self._vector(self._tf[a]), self._vector(self._tf[b])
        if len(va) > len(vb):
            va, vb = vb, va
        return sum(v * vb.get(w, 0.0) for w, v in va.items())

    def add(self, article: Article) -> list[tuple[str, float]]:
        """(id, similarity) of earlier articles in the window that tell the same story, best first."""
        counts: dict[str, int] = defaultdict(int)
        for w in content_words(article.text):
            counts[w] += 1
        tf = {w: 1.0 + math.log(c) for w, c in counts.items()}  # sublinear: one long quote is not the story
        if article.id not in self._seen:
            self._seen.add(article.id)
            self._count(set(tf))
        self._tf[article.id] = tf
        self._dates[article.id] = article.date
        found = []
        for other in sorted(self._tf):
            if other == article.id:
                continue
            d1, d2 = self._dates[other], article.date
            if d1 is not None and d2 is not None and abs((d1 - d2).days) > self.window_days:
                continue
            sim = self.similarity(article.id, other)
            if sim >= self.threshold:
                found.append((other, round(sim, 4)))
        return sorted(found, key=lambda x: (-x[1], x[0]))


class DuplicateIndex:
    """Incremental near-duplicate finder: `add` an article, get the earlier articles it copies.

    A pair is a duplicate when the MinHash estimate of the Jaccard similarity of their shingle sets
    reaches `threshold`; LSH only proposes candidates, each is checked against the threshold, so the
    answer does not depend on LSH's banding luck beyond missed candidates. Fixed `seed`: the same
    articles give the same answer in every process.
    """

    def __init__(self, threshold: float = 0.7, *, num_perm: int = 128, shingle_size: int = 5, seed: int = 1):
        if not 0.0 < threshold <= 1.0:
            raise ValueError(f"threshold must be in (0, 1], not {threshold}")
        self.threshold = threshold
        self.num_perm = num_perm
        self.shingle_size = shingle_size
        self.seed = seed
        # candidates a little below the threshold too: the estimate is checked afterwards
        self._lsh = MinHashLSH(threshold=max(0.05, threshold - 0.1), num_perm=num_perm)
        self._hashes: dict[str, MinHash] = {}
        self._found: dict[str, list[str]] = {}

    def signature(self, text: str) -> MinHash:
        m = MinHash(num_perm=self.num_perm, seed=self.seed)
        m.update_batch(s.encode("utf-8") for s in sorted(shingles(text, self.shingle_size)))
        return m

    def add(self, article: Article) -> list[str]:
        """The ids (sorted) of earlier articles this one near-duplicates; re-adding an id repeats its answer."""
        if article.id in self._found:
            return list(self._found[article.id])
        sig = self.signature(article.text)
        if sig.is_empty():  # no words: nothing to compare, and not a copy of anything
            self._found[article.id] = []
            return []
        found = sorted(k for k in self._lsh.query(sig) if self._hashes[k].jaccard(sig) >= self.threshold)
        self._lsh.insert(article.id, sig)
        self._hashes[article.id] = sig
        self._found[article.id] = found
        return list(found)

    def similarity(self, a: str, b: str) -> float:
        """Estimated Jaccard similarity of two added articles' shingles."""
        return self._hashes[a].jaccard(self._hashes[b])

    def __contains__(self, article_id: str) -> bool:
        return article_id in self._found

    def __len__(self) -> int:
        return len(self._found)


# -- merging event mentions -------------------------------------------------------------------------

SPECIFIC_KINDS = frozenset({"person", "organisation", "group", "igo"})
# the same interaction reported from either side: "A met B" is "B met A"
SYMMETRIC_TYPES = frozenset({"CONSULT", "COOPERATE", "AGREE"})


@dataclass(frozen=True, slots=True)
class MergeConfig:
    """When two mentions report the same real event."""

    # days between the two dates' intervals (a month-precision date is its whole month)
    date_window_days: int = 2
    # places this close (great-circle km) are the same place; a missing place matches any
    max_km: float = 50.0
    # pairs of PLOVER types that count as compatible beyond equality (order does not matter)
    compatible_types: frozenset[frozenset[str]] = frozenset()
    # types whose actor and recipient may be swapped between reports
    symmetric_types: frozenset[str] = SYMMETRIC_TYPES
    # year-precision and undated mentions are too vague to merge with anything
    merge_year_precision: bool = False
    # how many of actor, recipient and place must positively agree (present in both and compatible);
    # 1 lets "Trump asked for ..." merge with any other request by Trump that day
    min_evidence: int = 1


@dataclass(slots=True)
class Event:
    """One real-world event: all the mentions that report it, and who reported it."""

    id: str
    mentions: list[EventMention]  # in the stable order (date, article, sentence, trigger)
    articles: list[str]
    outlets: list[str]
    first_seen: date | None  # earliest and latest publication date of its articles
    last_seen: date | None
    representative: EventMention  # the most confident mention (ties: the first in order)

    @property
    def n_mentions(self) -> int:
        return len(self.mentions)

    @property
    def n_articles(self) -> int:
        return len(self.articles)

    @property
    def n_outlets(self) -> int:
        return len(self.outlets)

    def to_json(self) -> dict:
        """The representative mention's PLOVER record plus the merge's counts and mention ids."""
        return {
            **self.representative.to_json(),
            "id": self.id,
            "mentions": [m.id for m in self.mentions],
            "articles": list(self.articles),
            "outlets": list(self.outlets),
            "num_mentions": self.n_mentions,
            "num_articles": self.n_articles,
            "num_sources": self.n_outlets,
            "first_seen": self.first_seen.isoformat() if self.first_seen else None,
            "last_seen": self.last_seen.isoformat() if self.last_seen else None,
        }


@dataclass(frozen=True, slots=True)
class _Item:
    """A mention with what the merger needs to compare it, computed once."""

    key: tuple
    mention: EventMention
    published: date | None
    outlet: str | None
    interval: tuple[int, int] | None  # date interval as ordinals, inclusive


@dataclass(slots=True)
class MergeUpdate:
    """What one `add` changed, for a store that keeps events in a table."""

    changed: list[Event] = field(default_factory=list)  # new or grown events, current state
    removed: list[str] = field(default_factory=list)  # event ids that no longer exist (absorbed)


def date_interval(mention: EventMention, config: MergeConfig) -> tuple[int, int] | None:
    """The days a mention's date may stand for: a day, a range, a month, or (if allowed) a year."""
    d = mention.date
    if d is None or d.date is None:
        return None
    if d.precision == "day":
        end = d.end if d.end and d.end >= d.date else d.date
        return d.date.toordinal(), end.toordinal()
    if d.precision == "month":
        last = calendar.monthrange(d.date.year, d.date.month)[1]
        return date(d.date.year, d.date.month, 1).toordinal(), date(d.date.year, d.date.month, last).toordinal()
    if d.precision == "year" and config.merge_year_precision:
        return date(d.date.year, 1, 1).toordinal(), date(d.date.year, 12, 31).toordinal()
    return None


def outlet_of(article: Article) -> str | None:
    """The outlet's name, else the URL's host without `www.`."""
    if article.outlet:
        return article.outlet.strip().lower() or None
    if article.url:
        host = urlsplit(article.url).hostname or ""
        return host.removeprefix("www.") or None
    return None


def _identity(e: Entity) -> str | None:
    if e.kind in ("unresolved", "agent"):
        return None
    return e.wikidata or f"{e.kind}:{e.name.lower()}"


def entities_compatible(a: Entity, b: Entity) -> bool:
    """Same resolved entity; a state and any actor of that state; a generic agent and anyone of the
    same country and sector; two unresolved names written alike."""
    ia, ib = _identity(a), _identity(b)
    if ia and ia == ib:
        return True
    if a.kind in SPECIFIC_KINDS and b.kind in SPECIFIC_KINDS:
        return False  # two different named actors
    if a.country and a.country == b.country:
        if a.kind == "state" or b.kind == "state":
            return True
        if a.sector and a.sector == b.sector:
            return True
    if a.kind == "unresolved" and b.kind == "unresolved":
        return a.text.strip().lower() == b.text.strip().lower()
    return False


def _sides_match(xs: list[Entity], ys: list[Entity]) -> bool | None:
    """True: some pair compatible; None: one side missing (no evidence either way); False: clash."""
    if not xs or not ys:
        return None
    return any(entities_compatible(x, y) for x in xs for y in ys)


def evidence_count(a: EventMention, b: EventMention, config: MergeConfig) -> int:
    """How many of actor, recipient and place positively agree; -1 when any of them clashes.

    A side missing in either mention is no evidence either way (one outlet names the victims, the
    other does not). For symmetric types the better of the two role assignments counts.
    """

    def count(a_act, a_rec, b_act, b_rec) -> int:
        act, rec = _sides_match(a_act, b_act), _sides_match(a_rec, b_rec)
        if act is False or rec is False:
            return -1
        return (act is True) + (rec is True)

    args = count(a.actor, a.recipient, b.actor, b.recipient)
    if a.event in config.symmetric_types:
        args = max(args, count(a.actor, a.recipient, b.recipient, b.actor))
    if args < 0 or not places_compatible(a.place, b.place, config.max_km):
        return -1
    return args + (a.place is not None and b.place is not None)


def arguments_compatible(a: EventMention, b: EventMention, config: MergeConfig) -> bool:
    """Actors and recipients agree (a missing side matches anything), and at least one of them
    agrees positively, so two argument-less "clashes" on the same day do not merge."""
    act = (_sides_match(a.actor, b.actor), _sides_match(a.recipient, b.recipient))
    if False not in act and True in act:
        return True
    if a.event not in config.symmetric_types:
        return False
    swapped = (_sides_match(a.actor, b.recipient), _sides_match(a.recipient, b.actor))
    return False not in swapped and True in swapped


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(min(1.0, h)))


def places_compatible(a: Place | None, b: Place | None, max_km: float) -> bool:
    """Same place, one inside the other (country, first-level region), within `max_km`, or one missing."""
    if a is None or b is None:
        return True
    if a.geonameid is not None and a.geonameid == b.geonameid:
        return True
    for outer, inner in ((a, b), (b, a)):
        if outer.level == "country":
            return outer.country is not None and outer.country == inner.country
    for outer, inner in ((a, b), (b, a)):
        if outer.level == "admin1" and inner.level != "admin1":
            return outer.country == inner.country and (inner.admin1 is None or inner.admin1 == outer.admin1)
    if None in (a.lat, a.lon, b.lat, b.lon):
        return a.name.lower() == b.name.lower() and a.country == b.country
    return haversine_km(a.lat, a.lon, b.lat, b.lon) <= max_km


def types_compatible(a: str, b: str, config: MergeConfig) -> bool:
    return a == b or frozenset((a, b)) in config.compatible_types


def _type_family(event: str, config: MergeConfig) -> str:
    """A blocking key: types linked by `compatible_types` share a family (their smallest name)."""
    family = {event}
    changed = True
    while changed:
        changed = False
        for pair in config.compatible_types:
            if pair & family and not pair <= family:
                family |= pair
                changed = True
    return min(family)


class EventMerger:
    """Incremental, order-independent merging of event mentions into events.

    `add(article, mentions)` files an article's mentions; `events()` gives the current events. Adding
    the same articles in any order, in one batch or one by one, gives the same events with the same ids.
    """

    def __init__(self, config: MergeConfig | None = None):
        self.config = config or MergeConfig()
        self._items: dict[tuple, _Item] = {}
        self._parent: dict[tuple, tuple] = {}
        self._members: dict[tuple, list[tuple]] = {}  # component root -> item keys
        self._blocks: dict[tuple[str, int], list[tuple]] = defaultdict(list)  # (type family, day) -> keys
        self._events: dict[tuple, list[Event]] = {}  # component root -> its events
        self._articles: set[str] = set()

    # -- public -----------------------------------------------------------------------------------
    def add(self, article: Article, mentions: Iterable[EventMention]) -> MergeUpdate:
        """File one article's mentions; re-adding an article already filed changes nothing."""
        if article.id in self._articles:
            return MergeUpdate()
        self._articles.add(article.id)
        outlet = outlet_of(article)
        touched: set[tuple] = set()
        for m in mentions:
            item = self._item(m, article.date, outlet)
            if item.key in self._items:
                continue
            self._items[item.key] = item
            self._parent[item.key] = item.key
            self._members[item.key] = [item.key]
            touched.add(item.key)
            for other in self._neighbours(item):
                self._union(item.key, other)
            self._index(item)
        update = MergeUpdate()
        for root in sorted({self._find(k) for k in touched}):
            old = {e.id: e for e in self._events.pop(root, [])}
            new = self._partition(root)
            self._events[root] = new
            update.removed.extend(sorted(old.keys() - {e.id for e in new}))
            update.changed.extend(e for e in new if old.get(e.id) != e)
        update.changed.sort(key=lambda e: e.id)
        return update

    def add_many(self, items: Iterable[tuple[Article, list[EventMention]]]) -> None:
        for article, mentions in items:
            self.add(article, mentions)

    def events(self) -> list[Event]:
        """All events, in the stable order of their first mentions."""
        out = [e for events in self._events.values() for e in events]
        return sorted(out, key=lambda e: self._item(e.mentions[0], None, None).key)

    def compatible(self, a: EventMention, b: EventMention, *, a_date: date | None = None,
                   b_date: date | None = None) -> bool:
        """Whether two mentions may report the same real event (the pairwise rule the merger uses)."""
        return self._compatible(self._item(a, a_date, None), self._item(b, b_date, None))

    # -- internals --------------------------------------------------------------------------------
    def _key_of(self, m: EventMention) -> tuple:
        return (m.article_id, m.sentence_index, m.trigger.start, m.event)

    def _item(self, m: EventMention, published: date | None, outlet: str | None) -> _Item:
        interval = date_interval(m, self.config)
        start = interval[0] if interval else 10**9
        return _Item((start, *self._key_of(m)), m, published, outlet, interval)

    def _compatible(self, a: _Item, b: _Item) -> bool:
        ma, mb, c = a.mention, b.mention, self.config
        if a.interval is None or b.interval is None:
            return False
        if (ma.negated, ma.hypothetical) != (mb.negated, mb.hypothetical):
            return False
        gap = max(a.interval[0], b.interval[0]) - min(a.interval[1], b.interval[1])
        return (gap <= c.date_window_days and types_compatible(ma.event, mb.event, c)
                and arguments_compatible(ma, mb, c) and evidence_count(ma, mb, c) >= c.min_evidence)

    def _index(self, item: _Item) -> None:
        if item.interval is None:
            return
        family = _type_family(item.mention.event, self.config)
        for day in range(item.interval[0], item.interval[1] + 1):
            self._blocks[(family, day)].append(item.key)

    def _neighbours(self, item: _Item) -> list[tuple]:
        if item.interval is None:
            return []
        family, w = _type_family(item.mention.event, self.config), self.config.date_window_days
        seen: set[tuple] = set()
        out = []
        for day in range(item.interval[0] - w, item.interval[1] + w + 1):
            for key in self._blocks.get((family, day), ()):
                if key not in seen:
                    seen.add(key)
                    if self._compatible(item, self._items[key]):
                        out.append(key)
        return out

    def _find(self, key: tuple) -> tuple:
        while self._parent[key] != key:
            self._parent[key] = self._parent[self._parent[key]]
            key = self._parent[key]
        return key

    def _union(self, a: tuple, b: tuple) -> None:
        ra, rb = self._find(a), self._find(b)
        if ra == rb:
            return
        if ra > rb:  # the smaller key stays root: the root does not depend on arrival order
            ra, rb = rb, ra
        self._parent[rb] = ra
        self._members[ra].extend(self._members.pop(rb))
        if rb in self._events:
            self._events.setdefault(ra, []).extend(self._events.pop(rb))

    def _partition(self, root: tuple) -> list[Event]:
        """Complete linkage in the stable order: each mention joins the first group it is compatible
        with as a whole, else starts one. Depends only on the component's set of mentions."""
        groups: list[list[_Item]] = []
        active: list[tuple[int, list[_Item]]] = []  # (last day, group) of groups still within reach
        w = self.config.date_window_days
        for key in sorted(self._members[root]):
            item = self._items[key]
            if item.interval is None:  # undated: merges with nothing
                groups.append([item])
                continue
            # keys sort by first day, so a group ending more than the window before this item's
            # first day can take no later item either
            active = [(end, g) for end, g in active if end >= item.interval[0] - w]
            for i, (end, group) in enumerate(active):
                if all(self._compatible(item, other) for other in group):
                    group.append(item)
                    active[i] = (max(end, item.interval[1]), group)
                    break
            else:
                groups.append([item])
                active.append((item.interval[1], groups[-1]))
        return [self._event(group) for group in groups]

    @staticmethod
    def _event(group: list[_Item]) -> Event:
        first = group[0]
        event_id = hashlib.sha1(repr(first.key).encode()).hexdigest()[:16]
        published = [i.published for i in group if i.published]
        return Event(id=event_id, mentions=[i.mention for i in group],
                     articles=sorted({i.mention.article_id for i in group}),
                     outlets=sorted({i.outlet for i in group if i.outlet}),
                     first_seen=min(published) if published else None,
                     last_seen=max(published) if published else None,
                     representative=min(group, key=lambda i: (-i.mention.confidence, i.key)).mention)


def merge_events(items: Iterable[tuple[Article, list[EventMention]]], config: MergeConfig | None = None) -> list[Event]:
    """Batch form of `EventMerger`: the events of these articles."""
    merger = EventMerger(config)
    merger.add_many(items)
    return merger.events()
