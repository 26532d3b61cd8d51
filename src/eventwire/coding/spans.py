"""A learned argument tagger: finds the source and target phrases of an event the coder found.

The lexicon coder reads arguments off the dependency parse and misses the ones its rules do not
reach ("called Russian Foreign Minister Sergey Lavrov to discuss", "a car bomb in Kiev killed").
A linear-chain CRF (CRFsuite) tags each token of the sentence B/I-S, B/I-T, B/I-R or O, *relative to
the coder's trigger*, from features of the parse, the named entities, the knowledge base and the
coder's own argument choice. It fills only roles the coder left empty, so the rules stay in charge
and every added argument says where it came from.

The model holds no words of its training text: features are parse labels, shapes, entity types,
knowledge-base hit types and closed-class function words only. It is trained on the ConfliBERT CAMEO
train split (`eventwire train spans`) and shipped as `span_model.crfsuite`.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Sequence
from importlib import resources
from pathlib import Path

from spacy.tokens import Span, Token

from . import Candidate

MODEL_FILE = "span_model.crfsuite"
_CLOSED = frozenset({"ADP", "DET", "PRON", "CCONJ", "SCONJ", "PART", "AUX", "PUNCT"})
_ARG_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "pobj", "iobj", "agent", "dative", "attr", "obj", "appos",
                       "conj", "compound", "poss"})

Kinds = Callable[[str], frozenset[str]]  # the knowledge-base hit types of one word


def _shape(t: Token) -> str:
    if t.is_digit:
        return "d"
    if t.is_upper and len(t.text) > 1:
        return "XX"
    if t.is_title:
        return "Xx"
    if t.is_punct:
        return "p"
    return "x"


def _path_label(tok: Token, trigger: Token) -> str:
    """The dependency label of tok's ancestor directly under the trigger ("nsubj", "prep:to"), or
    where tok sits when it is not inside the trigger's subtree."""
    if tok.i == trigger.i:
        return "TRIG"
    node = tok
    steps = 0
    while node.head.i != node.i and steps < 12:
        if node.head.i == trigger.i:
            if node.dep_ == "prep":
                return f"prep:{node.lower_}"
            return node.dep_
        node = node.head
        steps += 1
    # outside the trigger's subtree: the trigger's own relation to its head often names the actor
    # ("the Israeli military" -> "fired" -> "missiles"): mark ancestors and their dependents
    if trigger.is_ancestor(tok):
        return "deep"
    if tok.is_ancestor(trigger):
        return "above"
    return "out"


def token_features(sent: Span, cand: Candidate | None, kinds: Kinds) -> list[dict[str, float | str]]:
    trigger = cand.trigger if cand is not None else sent.root
    event = cand.event if cand is not None else "-"
    passive = any(c.dep_ in ("auxpass", "nsubjpass") for c in trigger.children)
    in_actor = {t.i for s in (cand.actors if cand else []) for t in s}
    in_recip = {t.i for s in (cand.recipients if cand else []) for t in s}
    base: list[dict[str, str]] = []
    for t in sent:
        f = {
            "pos": t.pos_,
            "tag": t.tag_,
            "dep": t.dep_,
            "head_pos": t.head.pos_,
            "head_dep": t.head.dep_,
            "ent": f"{t.ent_iob_}-{t.ent_type_}" if t.ent_type_ else "O",
            "shape": _shape(t),
            "side": "L" if t.i < trigger.i else ("T" if t.i == trigger.i else "R"),
            "path": _path_label(t, trigger),
            "coder": "A" if t.i in in_actor else ("R" if t.i in in_recip else "-"),
            "kb": "|".join(sorted(kinds(t.text))) or "-",
        }
        if t.pos_ in _CLOSED:
            f["word"] = t.lower_
        base.append(f)
    out = []
    n = len(base)
    for k, f in enumerate(base):
        feats: dict[str, float | str] = {"bias": 1.0}
        for key, value in f.items():
            feats[key] = value
        for off in (-2, -1, 1, 2):
            j = k + off
            if 0 <= j < n:
                g = base[j]
                for key in ("pos", "dep", "ent", "coder", "path", "kb", "shape"):
                    feats[f"{off}:{key}"] = g[key]
                if "word" in g:
                    feats[f"{off}:word"] = g["word"]
            else:
                feats[f"{off}:edge"] = 1.0
        feats["pos|path"] = f"{f['pos']}|{f['path']}"
        feats["ent|side"] = f"{f['ent']}|{f['side']}"
        feats["coder|path"] = f"{f['coder']}|{f['path']}"
        feats["event|path"] = f"{event}|{f['path']}"
        feats["passive|path"] = f"{passive}|{f['path']}"
        feats["event|side|ent"] = f"{event}|{f['side']}|{f['ent']}"
        dist = abs(sent[k].i - trigger.i)
        feats["dist"] = "0" if dist == 0 else "1" if dist == 1 else "2-3" if dist < 4 else "4-7" if dist < 8 else "8+"
        out.append(feats)
    return out


def main_candidate(cands: Sequence[Candidate]) -> Candidate | None:
    """The sentence's strongest event (then the earliest): the one the tagger learned arguments for.
    Other events of the sentence keep only what the rules found, so no event borrows the main
    event's participants ("accused X of inciting violence" is no assault by the accuser)."""
    return max(cands, key=lambda c: (c.weight, -c.trigger.i)) if cands else None


def spans_from_tags(tags: Sequence[str]) -> list[tuple[str, int, int]]:
    """(role, first, end) token offsets within the sentence for BIO tags."""
    out, k = [], 0
    while k < len(tags):
        tag = tags[k]
        if tag[:2] in ("B-", "I-"):
            role, j = tag[2:], k + 1
            while j < len(tags) and tags[j] == f"I-{role}":
                j += 1
            out.append((role, k, j))
            k = j
        else:
            k += 1
    return out


class ArgumentTagger:
    """Applies a trained CRF; load once per process (the model is a file CRFsuite maps in)."""

    def __init__(self, model_path: Path | str, kinds: Kinds) -> None:
        import pycrfsuite

        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(str(model_path))
        self._kinds = kinds

    @classmethod
    def packaged(cls, kinds: Kinds) -> ArgumentTagger | None:
        path = resources.files("eventwire.coding").joinpath(MODEL_FILE)
        if not path.is_file():
            return None
        with resources.as_file(path) as real:
            return cls(real, kinds)

    def _widen(self, sent: Span, cand: Candidate, tagged: list[tuple[str, int, int]]) -> Candidate:
        """The coder's argument phrases widened to the tagger's extent where it contains them."""
        from dataclasses import replace

        by_role = {r: [sent[a:b] for role, a, b in tagged if role in (r, "R")] for r in ("S", "T")}
        return replace(cand, actors=_widen_spans(cand.actors, by_role["S"]),
                       recipients=_widen_spans(cand.recipients, by_role["T"]))

    def tag(self, sent: Span, cand: Candidate | None) -> list[tuple[str, int, int]]:
        return spans_from_tags(self._tagger.tag(token_features(sent, cand, self._kinds)))

    def complete(self, sent: Span, cand: Candidate, *, extents: bool = False,
                 roles: tuple[str, ...] = ("S", "T")) -> Candidate:
        """The candidate with an empty actor or recipient list filled from the tagger, if it finds one
        that overlaps neither the trigger nor the arguments the coder chose."""
        if cand.actors and cand.recipients and not extents:
            return cand
        tagged = self.tag(sent, cand)
        if extents:
            cand = self._widen(sent, cand, tagged)
        taken = {t.i for s in (*cand.actors, *cand.recipients) for t in s} | {cand.trigger.i}
        found: dict[str, list[Span]] = {"S": [], "T": []}
        for role, a, b in tagged:
            span = sent[a:b]
            if any(t.i in taken for t in span):
                continue
            if role in ("S", "R") and not _may_be_actor(span, cand.trigger):
                role = "T" if role == "R" else ""
            for r in ("S", "T") if role == "R" else (role,) if role else ():
                if r in roles:
                    found[r].append(span)
        if not found["S"] and not found["T"]:
            return cand
        from dataclasses import replace

        return replace(cand, actors=cand.actors or found["S"], recipients=cand.recipients or found["T"],
                       rule=cand.rule + ("+tagger" if (not cand.actors and found["S"]) or
                                         (not cand.recipients and found["T"]) else ""))


_REPORTING = frozenset("say tell report add claim announce confirm allege state accord quote warn write suspect "
                       "believe fear think estimate expect suggest".split())
_CONTROL = frozenset({"xcomp", "conj", "advcl"})


def _may_be_actor(span: Span, trigger: Token) -> bool:
    """Refuse actors the rules leave out on purpose: the agent of an agentless passive ("were among
    those arrested"), the speaker of a report about the event ("police said two men were killed"
    names no killer), and anyone outside the trigger's clause ("police set up a vigil where clashes
    occurred"). A subject reaches a trigger only through control or coordination ("agreed to send",
    "stormed the camp and killed")."""
    kids = {c.dep_ for c in trigger.children}
    if "agent" not in kids and ("nsubjpass" in kids or "auxpass" in kids or (
            trigger.tag_ == "VBN" and trigger.dep_ in ("acl", "relcl", "amod"))):
        return False
    root = span.root
    if trigger.is_ancestor(root):
        return True
    if not root.dep_.startswith("nsubj"):
        return False
    node, steps = trigger, 0
    while node.i != root.head.i:
        if node.dep_ not in _CONTROL or node.head.i == node.i or steps > 6:
            return False
        node, steps = node.head, steps + 1
    return root.head.lemma_ not in _REPORTING


def _widen_spans(spans: list[Span], tagged: list[Span]) -> list[Span]:
    out = []
    for s in spans:
        wider = next((t for t in tagged if t.start <= s.start and s.end <= t.end and len(t) > len(s)), None)
        out.append(wider if wider is not None else s)
    return out


def train(examples: Iterable[tuple[Span, Candidate | None, Sequence[str]]], kinds: Kinds, out: Path, *,
          c1: float = 0.5, c2: float = 0.05, iterations: int = 150) -> Path:
    """Fit the CRF on (sentence, coder's main candidate, gold BIO tags) and write the model file."""
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    for sent, cand, tags in examples:
        trainer.append(token_features(sent, cand, kinds), list(tags))
    trainer.set_params({"c1": c1, "c2": c2, "max_iterations": iterations,
                        "feature.possible_transitions": True})
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=out.parent, suffix=".tmp", delete=False) as tmp:
        tmp_path = Path(tmp.name)
    trainer.train(str(tmp_path))
    tmp_path.replace(out)
    return out
