"""ConfliBERT CAMEO span gold: does the coder pick the right source and target phrases?

The gold tags each sentence's main event: B-/I-S source, B-/I-T target, and B-/I-R for actors that are
both (mutual events such as "X and Y signed"). A predicted source or target matches a gold span of its
role, or an R span, with the same token boundaries. Token-level figures give partial credit for
boundary disagreements (whether "the" or "'s efforts" belongs to the phrase).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from pathlib import Path

from ..records import EventMention

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Span

    from ..coding import Candidate, Coder


@dataclass(frozen=True, slots=True)
class TaggedSentence:
    tokens: tuple[str, ...]
    labels: tuple[str, ...]

    @property
    def text(self) -> str:
        """Tokens joined by single spaces: token i starts at `offsets[i]`."""
        return " ".join(self.tokens)

    @property
    def offsets(self) -> tuple[int, ...]:
        out, pos = [], 0
        for t in self.tokens:
            out.append(pos)
            pos += len(t) + 1
        return tuple(out)


Spans = set[tuple[str, int, int]]  # (role, first token, end token exclusive)


def load_tagged(data_dir: Path, split: str) -> list[TaggedSentence]:
    path = data_dir / "conflibert_cameo" / f"cameo_ner_{split}.txt"
    out: list[TaggedSentence] = []
    toks: list[str] = []
    labels: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            if toks:
                out.append(TaggedSentence(tuple(toks), tuple(labels)))
                toks, labels = [], []
            continue
        tok, _, lab = line.rstrip().rpartition(" ")
        if not tok:  # a token with no label column
            tok, lab = lab, "O"
        toks.append(tok)
        labels.append(lab if lab[:2] in ("B-", "I-") else "O")
    if toks:
        out.append(TaggedSentence(tuple(toks), tuple(labels)))
    return out


def parse_tagged(nlp: Language, sentences: Sequence[TaggedSentence]) -> Iterator[Span]:
    """Parse with the gold tokenisation, so tags and tokens line up one to one."""
    from spacy.tokens import Doc

    docs = (Doc(nlp.vocab, words=list(s.tokens)) for s in sentences)
    for doc in nlp.pipe(docs, batch_size=64):
        yield doc[:]


def main_candidate(coder: Coder, sent: Span) -> Candidate | None:
    """The coder's strongest event in the sentence: the tagger learns arguments relative to it."""
    from ..coding.spans import main_candidate as strongest

    return strongest(coder.code(sent))


def gold_spans(sent: TaggedSentence) -> Spans:
    from ..coding.spans import spans_from_tags

    return set(spans_from_tags(sent.labels))


def char_to_tokens(sent: TaggedSentence, start: int, end: int) -> tuple[int, int] | None:
    """Token range covering the characters [start, end) of `sent.text`, if any."""
    first = last = None
    for k, off in enumerate(sent.offsets):
        tok_end = off + len(sent.tokens[k])
        if tok_end > start and off < end:
            first = k if first is None else first
            last = k
    return None if first is None else (first, last + 1)


def coder_spans(sent: TaggedSentence, events: Sequence[EventMention]) -> Spans:
    """The sentence's main event (the most confident, then the earliest) as source and target spans."""
    if not events:
        return set()
    ev = max(events, key=lambda e: (e.confidence, -e.trigger.start))
    out: Spans = set()
    for role, ents in (("S", ev.actor), ("T", ev.recipient)):
        for ent in ents:
            rng = char_to_tokens(sent, ent.span.start, ent.span.end) if ent.span else None
            if rng is not None:
                out.add((role, *rng))
    return out


def _matches(pred: tuple[str, int, int], gold: Spans) -> tuple[str, int, int] | None:
    role, s, e = pred
    for g in ((role, s, e), ("R", s, e)):
        if g in gold:
            return g
    return None


def score(sentences: Sequence[TaggedSentence], predict: Callable[[TaggedSentence], Spans]) -> dict[str, object]:
    tp = fp = fn = 0
    tok_tp = tok_fp = tok_fn = 0
    per_role = {r: [0, 0, 0] for r in ("S", "T")}
    for sent in sentences:
        gold = gold_spans(sent)
        pred = predict(sent)
        matched = set()
        for p in pred:
            g = _matches(p, gold)
            if g is not None and g not in matched:
                matched.add(g)
                tp += 1
                per_role[p[0]][0] += 1
            else:
                fp += 1
                per_role[p[0]][1] += 1
        for g in gold - matched:
            fn += 1
            if g[0] in per_role:
                per_role[g[0]][2] += 1
        gold_tok = {(r if r != "R" else "*", k) for r, s, e in gold for k in range(s, e)}
        pred_tok = {(r, k) for r, s, e in pred for k in range(s, e)}
        hit = {t for t in pred_tok if t in gold_tok or ("*", t[1]) in gold_tok}
        tok_tp += len(hit)
        tok_fp += len(pred_tok) - len(hit)
        tok_fn += len(gold_tok) - len({t if (t in gold_tok) else ("*", t[1]) for t in hit})
    return {
        "sentences": len(sentences),
        **_prf(tp, fp, fn),
        "by_role": {r: _prf(*v) for r, v in per_role.items()},
        "token": _prf(tok_tp, tok_fp, tok_fn),
    }


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0}
