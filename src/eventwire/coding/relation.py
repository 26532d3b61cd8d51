"""A learned relation classifier: the PLOVER type from a named actor to a named recipient.

The lexicon coder finds events; this model answers the narrower question `classify`
asks ("what did A do to B in this sentence?") and votes with the lexicon through its
features. It is a linear model over explainable features (the dependency path between
the two arguments, the trigger the lexicon sees on it, the words between them), trained
with scikit-learn but applied with numpy alone, so the runtime needs no training stack.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
from spacy.tokens import Doc, Span, Token

from ..records import Classification
from .lexicon import LexiconCoder

MODEL_FILE = "relation_model.json.gz"
# Older PLOVER had one YIELD type; 2.0 splits it by whether the concession is words or deeds.
YIELD_SPLIT = ("CONCEDE", "RETREAT")


def locate(doc: Doc, text: str, avoid: Span | None = None) -> Span | None:
    """The span of `text` in the parsed sentence (first occurrence not overlapping `avoid`)."""
    needle = text.strip()
    if not needle:
        return None
    hay = doc.text
    start = 0
    lowered = hay.lower()
    while True:
        i = hay.find(needle, start)
        if i < 0:
            i = lowered.find(needle.lower(), start)
        if i < 0:
            return None
        span = doc.char_span(i, i + len(needle), alignment_mode="expand")
        if span is not None and (avoid is None or span.end <= avoid.start or span.start >= avoid.end):
            return span
        start = i + 1


def _path(a: Token, b: Token) -> tuple[Token | None, list[Token], list[Token]]:
    up_a = [a, *a.ancestors]
    up_b = [b, *b.ancestors]
    ids_b = {t.i: n for n, t in enumerate(up_b)}
    for n, t in enumerate(up_a):
        if t.i in ids_b:
            return t, up_a[1:n], up_b[1:ids_b[t.i]]
    return None, up_a[1:], up_b[1:]


def features(doc: Doc, source: Span | None, target: Span | None, coder: LexiconCoder) -> dict[str, float]:
    """Explainable features of one (sentence, source, target) triple."""
    f: dict[str, float] = {}
    for t in doc:
        if t.is_alpha and not t.is_stop:
            f["bow:" + t.lemma_.lower()] = 0.3
            trig = coder.match(t)
            if trig is not None:
                f["lexany:" + trig.event] = f.get("lexany:" + trig.event, 0.0) + 0.5
    if source is None or target is None:
        f["missing-arg"] = 1.0
        return f
    lca, pa, pb = _path(source.root, target.root)
    on_path = pa + pb + ([lca] if lca is not None else [])
    for t in on_path:
        lemma = t.lemma_.lower()
        f["path:" + lemma] = 1.0
        trig = coder.match(t)
        if trig is not None:
            f["lex:" + trig.event] = 1.0
            f[f"lexcameo:{trig.cameo[:2]}"] = 1.0
            if trig.mode:
                f[f"lexmode:{trig.event}:{trig.mode}"] = 1.0
        for c in t.children:
            if c.dep_ in ("dobj", "prt", "xcomp", "attr", "acomp") and c not in on_path:
                f[f"obj:{lemma}:{c.lemma_.lower()}"] = 1.0
                f[f"objw:{c.lemma_.lower()}"] = 0.5
            if c.dep_ == "neg":
                f["neg"] = 1.0
    for t in pb:
        f[f"tpath:{t.dep_}:{t.lemma_.lower()}"] = 1.0
    if lca is not None:
        f["lca:" + lca.lemma_.lower()] = 1.0
        f["lcapos:" + lca.pos_] = 1.0
    f["sdep:" + source.root.dep_] = 1.0
    f["tdep:" + target.root.dep_] = 1.0
    if target.root.head.dep_ == "prep" or target.root.dep_ == "pobj":
        f["tprep:" + target.root.head.lower_] = 1.0
        if lca is not None:
            f[f"lca+prep:{lca.lemma_.lower()}:{target.root.head.lower_}"] = 1.0
    lo, hi = (source.end, target.start) if source.start < target.start else (target.end, source.start)
    for t in doc[lo:hi]:
        if t.is_alpha:
            f["btw:" + t.lemma_.lower()] = 0.5
    if source.start > target.start:
        f["order:target-first"] = 1.0
    # events the lexicon coder itself finds between these arguments
    for cand in coder.code(doc[:]):
        a_hit = any(s.start <= source.root.i < s.end or source.start <= s.root.i < source.end for s in cand.actors)
        r_hit = any(s.start <= target.root.i < s.end or target.start <= s.root.i < target.end for s in cand.recipients)
        if a_hit and r_hit:
            f["cand:" + cand.event] = 2.0
        elif a_hit or r_hit:
            f["candpart:" + cand.event] = 1.0
    return f


@dataclass(slots=True)
class RelationModel:
    classes: list[str]
    vocab: dict[str, int]
    coef: np.ndarray  # (classes, features)
    intercept: np.ndarray

    def scores(self, feats: dict[str, float]) -> dict[str, float]:
        logits = self.intercept.copy()
        for name, value in feats.items():
            j = self.vocab.get(name)
            if j is not None:
                logits += self.coef[:, j] * value
        logits -= logits.max()
        probs = np.exp(logits)
        probs /= probs.sum()
        return {c: float(p) for c, p in zip(self.classes, probs)}

    def save(self, path: Path) -> None:
        payload = {
            "classes": self.classes,
            "features": sorted(self.vocab, key=self.vocab.get),
            "coef": [[round(float(x), 4) for x in row] for row in self.coef],
            "intercept": [round(float(x), 5) for x in self.intercept],
        }
        with gzip.open(path, "wt", encoding="utf-8") as fh:
            json.dump(payload, fh, separators=(",", ":"))

    @classmethod
    def load(cls, path: Path | None = None) -> RelationModel:
        if path is None:
            ref = resources.files("eventwire.coding").joinpath(MODEL_FILE)
            with ref.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as fh:
                payload = json.load(fh)
        else:
            with gzip.open(path, "rt", encoding="utf-8") as fh:
                payload = json.load(fh)
        vocab = {name: i for i, name in enumerate(payload["features"])}
        return cls(payload["classes"], vocab, np.asarray(payload["coef"], dtype=np.float32),
                   np.asarray(payload["intercept"], dtype=np.float32))


def train(rows: Sequence[tuple[Doc, Span | None, Span | None, str]], coder: LexiconCoder, *, c: float = 10.0,
          min_count: int = 2) -> RelationModel:
    """Fit the linear model (needs scikit-learn: the `train` extra)."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    feats = [features(doc, s, t, coder) for doc, s, t, _ in rows]
    counts: dict[str, int] = {}
    for f in feats:
        for k in f:
            counts[k] = counts.get(k, 0) + 1
    feats = [{k: v for k, v in f.items() if counts[k] >= min_count} for f in feats]
    vec = DictVectorizer()
    x = vec.fit_transform(feats)
    y = [label for *_, label in rows]
    model = LogisticRegression(C=c, max_iter=5000).fit(x, y)
    vocab = {name: i for i, name in enumerate(vec.get_feature_names_out())}
    return RelationModel(list(model.classes_), vocab, model.coef_.astype(np.float32),
                         model.intercept_.astype(np.float32))


class RelationClassifier:
    """`classify(sentence, actor, recipient)`: parse, locate the two arguments, score the types."""

    def __init__(self, nlp, coder: LexiconCoder, quad: dict[str, int], model: RelationModel | None = None):
        self.nlp = nlp
        self.coder = coder
        self.quad = quad
        self.model = model or RelationModel.load()

    def classify_doc(self, doc: Doc, actor: str, recipient: str) -> Classification:
        source = locate(doc, actor)
        target = locate(doc, recipient, avoid=source)
        feats = features(doc, source, target, self.coder)
        scores = self.model.scores(feats)
        best = max(scores, key=scores.get)
        event = best
        if best == "YIELD":
            lexical = [k[4:] for k in feats if k.startswith("lex:") and k[4:] in YIELD_SPLIT]
            event = lexical[0] if lexical else "RETREAT"
        return Classification(event=event, score=scores[best], quad_code=self.quad.get(event),
                               scores=dict(sorted(scores.items(), key=lambda kv: -kv[1])))

    def classify(self, sentence: str, actor: str, recipient: str) -> Classification:
        return self.classify_doc(self.nlp(sentence), actor, recipient)

    def classify_many(self, triples: Iterable[tuple[str, str, str]], batch_size: int = 64) -> list[Classification]:
        triples = list(triples)
        docs = self.nlp.pipe((s for s, _, _ in triples), batch_size=batch_size)
        return [self.classify_doc(doc, a, r) for doc, (_, a, r) in zip(docs, triples)]
