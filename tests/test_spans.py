"""The learned argument tagger: features, BIO decoding, training and filling missing arguments."""

from __future__ import annotations

from pathlib import Path

import pytest

from eventwire import _default
from eventwire.coding.spans import ArgumentTagger, spans_from_tags, token_features, train
from eventwire.eval.conflibert import main_candidate


@pytest.fixture(scope="module")
def pipe():
    return _default()


def test_bio_decoding() -> None:
    tags = ["B-S", "I-S", "O", "B-T", "I-T", "I-T", "O", "I-R", "B-T"]
    assert spans_from_tags(tags) == [("S", 0, 2), ("T", 3, 6), ("R", 7, 8), ("T", 8, 9)]
    assert spans_from_tags(["O", "O"]) == []


def test_features_hold_no_content_words(pipe) -> None:
    sent = pipe.nlp("Zanbarian rebels ambushed a convoy of Kelmorian peacekeepers near Ostrava on Monday.")[:]
    feats = token_features(sent, main_candidate(pipe.coder, sent), pipe.kb.word_kinds)
    assert len(feats) == len(sent)
    values = {str(v).lower() for f in feats for v in f.values()}
    for word in ("zanbarian", "rebels", "ambushed", "convoy", "kelmorian", "peacekeepers", "ostrava", "monday"):
        assert not any(word in v for v in values), word
    # function words may be features: they carry the syntax, not the story
    assert any(f.get("word") == "of" for f in feats)


SENTENCES = [
    ("Mirovian troops shelled the town of Dastra .", ["B-S", "I-S", "O", "B-T", "I-T", "I-T", "I-T", "O"]),
    ("Police arrested twelve protesters in Kalvik .", ["B-S", "O", "B-T", "I-T", "O", "O", "O"]),
    ("The army attacked rebel positions overnight .", ["B-S", "I-S", "O", "B-T", "I-T", "O", "O"]),
    ("Gunmen killed three soldiers near the border .", ["B-S", "O", "B-T", "I-T", "O", "O", "O", "O"]),
]


def test_training_learns_roles_from_a_small_corpus(pipe, tmp_path: Path) -> None:
    from spacy.tokens import Doc

    examples = []
    for text, tags in SENTENCES * 5:
        words = text.split()
        doc = pipe.nlp(Doc(pipe.nlp.vocab, words=words))
        sent = doc[:]
        examples.append((sent, main_candidate(pipe.coder, sent), tags))
    model = train(examples, pipe.kb.word_kinds, tmp_path / "m.crfsuite", c1=0.01, c2=0.01, iterations=60)
    assert model.exists() and model.stat().st_size > 0
    tagger = ArgumentTagger(model, pipe.kb.word_kinds)
    words = "Mirovian soldiers shelled the village of Ruska .".split()
    sent = pipe.nlp(Doc(pipe.nlp.vocab, words=words))[:]
    spans = tagger.tag(sent, main_candidate(pipe.coder, sent))
    assert ("S", 0, 2) in spans
    assert any(role == "T" and a == 3 for role, a, b in spans)


def test_packaged_tagger_fills_a_missing_recipient_and_keeps_the_rest(pipe) -> None:
    assert pipe.tagger is not None, "span_model.crfsuite should ship with the package"
    # the rules find no recipient behind "seek support from ..."
    sent = pipe.nlp("Zelensky said he would seek help from NATO Secretary General Jens Stoltenberg "
                    "for air defence.")[:]
    cand = main_candidate(pipe.coder, sent)
    assert cand is not None and not cand.recipients
    done = pipe.tagger.complete(sent, cand)
    assert [s.text for s in done.recipients] == ["NATO Secretary General Jens Stoltenberg"]
    assert done.actors == cand.actors and done.rule.endswith("+tagger")
    # an event the rules found complete is left as it is
    full = pipe.nlp("Kenyan police arrested a prominent opposition politician in Nairobi on Sunday.")[:]
    cand = main_candidate(pipe.coder, full)
    assert cand is not None and cand.actors and cand.recipients
    assert pipe.tagger.complete(full, cand) is cand


@pytest.mark.parametrize("text", [
    "Police said two men were killed in the clashes on Sunday.",  # the speaker is no killer
    "Two protesters were arrested outside parliament on Monday.",  # agentless passive stays so
    "Two former ministers were among 250 activists arrested on their way to the rally.",  # reduced relative
    "Police suspect that two men died in the explosion at the market.",  # a belief about the event
])
def test_tagger_adds_no_actor_the_rules_leave_out(pipe, text: str) -> None:
    sent = pipe.nlp(text)[:]
    cand = main_candidate(pipe.coder, sent)
    assert cand is not None and not cand.actors
    assert not pipe.tagger.complete(sent, cand).actors


def test_tagger_can_be_switched_off() -> None:
    from eventwire.config import Config
    from eventwire.pipeline import Pipeline

    base = _default()
    off = Pipeline(Config(argument_tagger=False), nlp=base.nlp, ontology=base.ontology, kb=base.kb,
                   gazetteer=base.gazetteer)
    assert off.tagger is None
