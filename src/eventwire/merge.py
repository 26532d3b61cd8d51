"""Counting one real-world event once: near-duplicate articles and merged event mentions.

Three signals, all pure and incremental so the store can feed them article by article:

- `DuplicateIndex`: syndicated copies (the same wire story on fifty sites) found by MinHash/LSH over
  word shingles. Text similarity only; it says nothing about different write-ups of one event.
- `StoryIndex`: different outlets' own write-ups of one story, by a small logistic model over TF-IDF
  cosines (whole text, title and lede, names) and the days between the articles.
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
from collections import Counter, defaultdict
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


_CONTENT_WORD = re.compile(r"[^\W\d_][\w'’-]{2,}")
_STOP = frozenset(
    "the and for that with was were are has have had not but from this they their them his her its said "
    "says will would could should been being who whom which what when where while than then there these "
    "those into about after before over under also more most some such only other just very can may might "
    "one two three new year years last first told according mr ms mrs percent people time".split()
)
# capitalised for the calendar, not because the story is about them
_CALENDAR = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june july "
    "august september october november december sept".split()
)
# "Sen. Warren": a capitalised word after these abbreviations still sits inside its sentence
_TITLE_ABBREVIATIONS = frozenset("mr mrs ms dr sen rep gov gen lt col sgt st jr sr prof".split())


def _word(token: str) -> str:
    """Lower-cased, without a possessive ending: "Trump's" and "Trump" are one word."""
    w = token.lower()
    return w[:-2] if w.endswith(("'s", "’s")) else w.rstrip("'’")


def content_words(text: str) -> list[str]:
    """Lower-cased words of three letters or more, without digits, possessives or common words."""
    words = (_word(t) for t in _CONTENT_WORD.findall(text))
    return [w for w in words if len(w) > 2 and w not in _STOP]


def _sentence_initial(text: str, start: int) -> bool:
    """Whether the word at `start` opens a sentence (or a quote, a line, a clause after a colon)."""
    before = text[max(0, start - 12):start].rstrip(" \t\"'“‘(")
    if not before or before[-1] in "!?:;\n\r—":
        return True
    if before[-1] != ".":
        return False
    previous = before[:-1].split()
    return not previous or previous[-1].lower().lstrip("(\"'“‘") not in _TITLE_ABBREVIATIONS


def story_words(text: str, lede_words: int = 0) -> tuple[list[str], list[str], list[str]]:
    """In one pass: the content words; those among the first `lede_words` words of the text (the
    lede); and the names, content words written with a capital inside a sentence (the people, places,
    parties and bills a story is about; a sentence's first word is capitalised by position only)."""
    lede_end = m.end() if lede_words and (m := re.match(rf"\s*(?:\S+\s+){{0,{lede_words}}}", text)) else 0
    words, lede, names = [], [], []
    for m in _CONTENT_WORD.finditer(text):
        token = m.group()
        w = _word(token)
        if len(w) < 3 or w in _STOP:
            continue
        words.append(w)
        if m.start() < lede_end:
            lede.append(w)
        if (token[0].isupper() and w not in _CALENDAR and w not in _TITLE_ABBREVIATIONS
                and not _sentence_initial(text, m.start())):
            names.append(w)
    return words, lede, names


def name_words(text: str) -> list[str]:
    """The names of `story_words`."""
    return story_words(text)[2]


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


@dataclass(frozen=True, slots=True)
class StorySignals:
    """Why two articles look like one story: three TF-IDF cosines and the days between them."""

    text: float  # all content words
    lede: float  # the title and the opening words: what the story leads with
    names: float  # capitalised words inside sentences: who and where
    days: int  # between publication dates; 0 when either is unknown

    def as_tuple(self) -> tuple[float, float, float, float]:
        return (self.text, self.lede, self.names, float(self.days))


@dataclass(frozen=True, slots=True)
class StoryModel:
    """A logistic "same story" probability over `StorySignals`: each weight says how much a signal
    counts. The defaults were fit on the BASIL dev half's article pairs (`eval.dedup.fit_story_model`),
    with word statistics from about 200 articles; a much larger index shifts the cosines somewhat."""

    intercept: float = -9.28
    text: float = 20.0
    lede: float = 25.48
    names: float = 13.33
    days: float = -1.06  # a day apart costs what 0.05 more text cosine gains
    lede_words: int = 100  # how many opening words of the text count as the lede, after the title
    prior_words: float = 3.0  # unseen rare words added to every vector's length (see `StoryIndex._weigh`)

    def probability(self, s: StorySignals) -> float:
        z = self.intercept + self.text * s.text + self.lede * s.lede + self.names * s.names + self.days * s.days
        return _sigmoid(z)


@dataclass(frozen=True, slots=True)
class _StoryDoc:
    """One filed article: its date and its three unit-length TF-IDF vectors (weights as of filing)."""

    date: date | None
    text: dict[str, float]
    lede: dict[str, float]
    names: dict[str, float]


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    """Dot product of two unit vectors, over the words they share (in sorted order: the same float
    whichever way round)."""
    return sum(a[w] * b[w] for w in sorted(a.keys() & b.keys()))


def _sublinear(words: Iterable[str]) -> dict[str, float]:
    """1 + log(count): a word repeated in one long quote is not the story."""
    counts: dict[str, int] = defaultdict(int)
    for w in words:
        counts[w] += 1
    return {w: 1.0 + math.log(c) for w, c in counts.items()}


class StoryIndex:
    """Incremental "same story" finder for rewrites, not copies: three outlets' own reports of one
    event share its rare words (names, places, the bill, the verdict), lead with the same facts and
    appear within days of each other, far more than stories on the same people a few days apart.

    `add` returns the earlier articles within `window_days` whose `StoryModel` probability reaches
    `threshold`, with three TF-IDF cosines (all content words; title and lede; names) and the days
    between them as its signals. Document frequencies come from every article the index has seen
    (`observe` may seed them with a corpus first); an article's weights are fixed when it is added, so
    scores are comparable only within one index. Candidates are the articles in the window that share
    one of the new article's `probe_words` highest-weighted words (an inverted index by word and day),
    so an add costs its few candidates, not the whole store. Ties and order are broken by article id.
    """

    def __init__(self, threshold: float = 0.5, *, window_days: int = 7, model: StoryModel | None = None,
                 probe_words: int = 20, max_candidates: int = 100) -> None:
        if not 0.0 < threshold < 1.0:
            raise ValueError(f"threshold is a probability in (0, 1), not {threshold}")
        self.threshold = threshold
        self.window_days = window_days
        self.model = model or StoryModel()
        self.probe_words = probe_words
        self.max_candidates = max_candidates
        self._df: dict[str, int] = defaultdict(int)
        self._n = 0
        self._docs: dict[str, _StoryDoc] = {}
        self._found: dict[str, list[tuple[str, float]]] = {}
        self._postings: dict[tuple[str, int | None], list[str]] = defaultdict(list)  # (word, day) -> ids
        self._days_of: dict[str, set[int | None]] = defaultdict(set)  # word -> days it was filed under

    def observe(self, texts: Iterable[str]) -> None:
        """Count document frequencies without adding stories (a background corpus)."""
        for text in texts:
            self._count(set(content_words(text)))

    def _count(self, words: set[str]) -> None:
        self._n += 1
        for w in words:
            self._df[w] += 1

    def _weigh(self, tf: dict[str, float]) -> dict[str, float]:
        """TF-IDF, divided by a length that counts `prior_words` unseen words besides the text's own:
        a long text's vector is all but unit length, a one-sentence text's few shared words count for less."""
        vec = {w: c * math.log((1 + self._n) / (1 + self._df.get(w, 0))) for w, c in tf.items()}
        prior = self.model.prior_words * math.log(1 + self._n) ** 2
        norm = math.sqrt(sum(v * v for v in vec.values()) + prior) or 1.0
        return {w: v / norm for w, v in vec.items() if v > 0.0}

    def _doc(self, article: Article, words: list[str], lede: list[str], names: list[str]) -> _StoryDoc:
        lede = content_words(article.title or "") + lede
        return _StoryDoc(article.date, self._weigh(_sublinear(words)), self._weigh(_sublinear(lede)),
                         self._weigh(_sublinear(names)))

    def _signals(self, a: _StoryDoc, b: _StoryDoc) -> StorySignals:
        days = abs((a.date - b.date).days) if a.date is not None and b.date is not None else 0
        return StorySignals(round(_cosine(a.text, b.text), 4), round(_cosine(a.lede, b.lede), 4),
                            round(_cosine(a.names, b.names), 4), days)

    def signals(self, a: str, b: str) -> StorySignals:
        """The signals between two added articles (for explaining a match or a miss)."""
        return self._signals(self._docs[a], self._docs[b])

    def similarity(self, a: str, b: str) -> float:
        """The model's probability that two added articles tell the same story."""
        return round(self.model.probability(self.signals(a, b)), 4)

    def _probes(self, doc: _StoryDoc) -> list[str]:
        """The document's `probe_words` highest-weighted words: what it is filed under and looks up."""
        return sorted(doc.text, key=lambda w: (-doc.text[w], w))[:self.probe_words]

    def _candidates(self, doc: _StoryDoc, probes: list[str]) -> list[str]:
        """Articles in the window filed under one of these words, the most shared words first, at most
        `max_candidates` of them."""
        if doc.date is None:
            hits = [i for w in probes for day in sorted(self._days_of.get(w, ()), key=str)
                    for i in self._postings[(w, day)]]
        else:
            first = doc.date.toordinal() - self.window_days
            days = [*range(first, first + 2 * self.window_days + 1), None]  # undated articles match any day
            hits = [i for w in probes for day in days for i in self._postings.get((w, day), ())]
        counts = Counter(hits)
        return sorted(counts, key=lambda i: (-counts[i], i))[:self.max_candidates]

    def add(self, article: Article) -> list[tuple[str, float]]:
        """(id, probability) of earlier articles in the window that tell the same story, best first;
        re-adding an id repeats its answer."""
        if article.id in self._found:
            return list(self._found[article.id])
        words, lede, names = story_words(article.text, self.model.lede_words)
        self._count(set(words).union(content_words(article.title or "")))
        doc = self._doc(article, words, lede, names)
        probes = self._probes(doc)
        found = []
        for other in self._candidates(doc, probes):
            p = self.model.probability(self._signals(doc, self._docs[other]))
            if p >= self.threshold:
                found.append((other, round(p, 4)))
        found.sort(key=lambda x: (-x[1], x[0]))
        day = article.date.toordinal() if article.date is not None else None
        for w in probes:
            self._postings[(w, day)].append(article.id)
            self._days_of[w].add(day)
        self._docs[article.id] = doc
        self._found[article.id] = found
        return list(found)

    def __contains__(self, article_id: str) -> bool:
        return article_id in self._docs

    def __len__(self) -> int:
        return len(self._docs)


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
        self._template: MinHash | None = None

    def signature(self, text: str) -> MinHash:
        if self._template is None:  # permutations drawn once: datasketch draws them anew for every MinHash
            self._template = MinHash(num_perm=self.num_perm, seed=self.seed)
        t = self._template
        m = MinHash(num_perm=self.num_perm, seed=self.seed, permutations=t.permutations, scheme=t.scheme)
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

    def band_keys(self, sig: MinHash) -> list[str]:
        """The LSH band keys of a signature: two articles that share one are candidates (the keys a
        store indexes, so that finding a new article's copies reads only those candidates)."""
        r = self._lsh.r
        return [f"{i}:{hashlib.sha1(sig.hashvalues[i * r:(i + 1) * r].tobytes()).hexdigest()[:16]}"
                for i in range(self._lsh.b)]

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


def type_family(event: str, config: MergeConfig) -> frozenset[str]:
    """The types a mention of `event` may merge with: those linked to it by `compatible_types`."""
    family = {event}
    changed = True
    while changed:
        changed = False
        for pair in config.compatible_types:
            if pair & family and not pair <= family:
                family |= pair
                changed = True
    return frozenset(family)


def _type_family(event: str, config: MergeConfig) -> str:
    """A blocking key: types of one family share it (their smallest name)."""
    return min(type_family(event, config))


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

    def components(self, mention_ids: Iterable[str]) -> list[tuple[str, list[Event]]]:
        """(component id, its events) for every component holding one of these mentions: what adding
        them may have changed, and so what a store rewrites. A component is the set of mentions linked
        by compatibility; its id, a hash of its smallest key, depends only on that set."""
        wanted = set(mention_ids)
        roots = sorted({self._find(k) for k, item in self._items.items() if item.mention.id in wanted})
        return [(hashlib.sha1(repr(root).encode()).hexdigest()[:16], list(self._events.get(root, [])))
                for root in roots]

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
