"""The ontology loads, its data is coherent, and broken data fails loudly and precisely."""

from __future__ import annotations

import pickle
from importlib import resources
from pathlib import Path

import pytest

from eventwire.ontology import Ontology, Trigger, load_ontology

QUADS = {
    "AGREE": 1, "CONSULT": 1, "SUPPORT": 1, "CONCEDE": 1,
    "COOPERATE": 2, "AID": 2, "RETREAT": 2,
    "REQUEST": 3, "ACCUSE": 3, "REJECT": 3, "THREATEN": 3,
    "PROTEST": 4, "SANCTION": 4, "MOBILIZE": 4, "COERCE": 4, "ASSAULT": 4,
}


@pytest.fixture(scope="module")
def onto() -> Ontology:
    return load_ontology("en")


def first(onto: Ontology, lemma: str, pos: str, *, prep: str | None = None, with_: str | None = None) -> Trigger:
    """The entry a coder would pick for a word with this company (same order the coder tries)."""
    for trig in onto.triggers_for(lemma, pos):
        if trig.prep is not None and trig.prep != prep:
            continue
        if trig.with_ and with_ not in trig.with_:
            continue
        return trig
    raise AssertionError(f"no trigger for {lemma}/{pos} prep={prep} with={with_}")


def test_all_sixteen_types_with_their_quad_codes(onto: Ontology) -> None:
    assert {name: t.quad_code for name, t in onto.event_types.items()} == QUADS
    for name in QUADS:
        assert onto.quad(name) == QUADS[name]


def test_modes_follow_the_manual(onto: Ontology) -> None:
    assert {"demo", "riot", "strike", "hunger", "boycott", "obstruct"} <= set(onto.event_types["PROTEST"].modes)
    assert {"visit", "phone", "third-party"} <= set(onto.event_types["CONSULT"].modes)
    assert {"release", "withdraw", "ceasefire", "resign"} <= set(onto.event_types["RETREAT"].modes)
    assert {"arrest", "deport", "curfew", "censor"} <= set(onto.event_types["COERCE"].modes)
    assert {"firearms", "explosives", "abduct", "assassinate"} <= set(onto.event_types["ASSAULT"].modes)
    assert onto.event_types["AGREE"].modes == ()


def test_every_trigger_is_consistent_with_the_ontology(onto: Ontology) -> None:
    for trig in onto.triggers:
        onto.validate_event(trig.event, trig.mode)
        assert onto.cameo[trig.cameo].event == trig.event, trig
        assert trig.pos in ("VERB", "NOUN", "ADJ")
        assert 0.0 < trig.weight <= 1.0


def test_lexicon_covers_every_type(onto: Ontology) -> None:
    assert len(onto.triggers) >= 700
    counts = {name: 0 for name in QUADS}
    for trig in onto.triggers:
        counts[trig.event] += 1
    assert min(counts.values()) >= 15, counts


@pytest.mark.parametrize(
    ("lemma", "pos", "prep", "with_", "event", "mode"),
    [
        ("meet", "VERB", "with", None, "CONSULT", None),
        ("visit", "VERB", None, None, "CONSULT", "visit"),
        ("talk", "NOUN", "with", None, "CONSULT", None),
        ("call", "VERB", "on", None, "REQUEST", None),
        ("call", "VERB", "on", "release", "REQUEST", "yield"),
        ("call", "VERB", "for", None, "REQUEST", None),
        ("arrest", "VERB", None, None, "COERCE", "arrest"),
        ("crack", "VERB", "on", "down", "COERCE", None),
        ("support", "NOUN", "for", None, "SUPPORT", None),
        ("sign", "VERB", None, "agreement", "SUPPORT", None),
        ("release", "VERB", None, "prisoner", "RETREAT", "release"),
        ("lift", "VERB", None, "sanction", "RETREAT", None),
        ("impose", "VERB", None, "sanction", "SANCTION", "discontinue"),
        ("open", "VERB", None, "fire", "ASSAULT", "firearms"),
        ("clash", "VERB", "with", None, "ASSAULT", "sideAB"),
        ("threaten", "VERB", None, "warfare", "THREATEN", "violence"),
        ("strike", "NOUN", None, "hunger", "PROTEST", "hunger"),
        ("strike", "NOUN", None, "air", "ASSAULT", "heavy-weapons"),
        ("apologize", "VERB", None, None, "CONCEDE", None),
    ],
)
def test_spot_checks(onto: Ontology, lemma: str, pos: str, prep: str | None, with_: str | None,
                     event: str, mode: str | None) -> None:
    trig = first(onto, lemma, pos, prep=prep, with_=with_)
    assert (trig.event, trig.mode) == (event, mode)


def test_bare_call_is_no_trigger(onto: Ontology) -> None:
    assert all(t.prep is not None or t.with_ for t in onto.triggers_for("call", "VERB"))


def test_speech_idiom(onto: Ontology) -> None:
    trig = first(onto, "pay", "VERB", with_="price")
    assert trig.event == "THREATEN" and trig.speech


def test_most_specific_first(onto: Ontology) -> None:
    specificity = [t.specificity for t in onto.triggers_for("release", "VERB")]
    assert specificity == sorted(specificity, reverse=True)
    assert onto.triggers_for("Arrest", "VERB") == onto.triggers_for("arrest", "VERB")
    by_pos = onto.triggers_for("arrest", "VERB") + onto.triggers_for("arrest", "NOUN")
    assert sorted(onto.triggers_for("arrest"), key=repr) == sorted(by_pos, key=repr)
    assert onto.triggers_for("nonexistent-word") == ()


def test_goldstein_and_fallback(onto: Ontology) -> None:
    assert onto.goldstein("19") == -10.0
    assert onto.goldstein("057") == 8.0
    assert onto.goldstein("0311") == 5.2
    assert onto.goldstein("1999") == -10.0  # unknown 4-digit code falls back to its root
    assert onto.goldstein(None) is None
    assert onto.goldstein("") is None


def test_cameo_for_defaults(onto: Ontology) -> None:
    assert onto.cameo_for("ASSAULT", "firearms") == "193"
    assert onto.cameo_for("CONSULT", "visit") == "042"
    assert onto.cameo_for("AGREE") == "03"
    assert onto.cameo_for("PROTEST", None) == "14"
    for name, etype in onto.event_types.items():
        for mode in (None, *etype.modes):
            assert onto.cameo_for(name, mode) in onto.cameo


def test_crosswalk(onto: Ontology) -> None:
    assert onto.cameo["010"].event is None
    assert onto.cameo["043"].event == "CONSULT"
    assert onto.cameo["0841"].event == "RETREAT"
    assert onto.cameo["081"].event == "CONCEDE"
    assert onto.cameo["173"].mode == "arrest"
    for code in onto.cameo:
        assert len(code) == 2 or code[:-1] in onto.cameo


def test_validation_errors(onto: Ontology) -> None:
    with pytest.raises(ValueError, match="unknown PLOVER event"):
        onto.validate_event("FIGHT", None)
    with pytest.raises(ValueError, match="not a mode of PROTEST"):
        onto.validate_event("PROTEST", "firearms")
    with pytest.raises(ValueError):
        onto.quad("DEMAND")
    onto.validate_event("ASSAULT", "firearms")


def test_sectors(onto: Ontology) -> None:
    for code in ("GOV", "MIL", "COP", "REB", "OPP", "CVL", "IGO", "NGO"):
        assert code in onto.sectors


def test_cached_and_picklable() -> None:  # load time: benchmarks, not tests
    assert load_ontology("en") is load_ontology("en")
    fresh = Ontology.load("en")
    clone = pickle.loads(pickle.dumps(fresh))
    assert clone.triggers_for("meet", "VERB") == fresh.triggers_for("meet", "VERB")


def test_unknown_language() -> None:
    with pytest.raises(ValueError, match="no trigger lexicon"):
        Ontology.load("xx")


def _data_dir(tmp_path: Path, triggers: str) -> Path:
    package = resources.files("eventwire.ontology")
    for name in ("plover.yaml", "cameo.yaml"):
        (tmp_path / name).write_text(package.joinpath(name).read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "triggers_en.yaml").write_text(triggers, encoding="utf-8")
    return tmp_path


GOOD = '- {lemma: meet, pos: VERB, prep: "with", event: CONSULT, mode: null, cameo: "040"}\n'


def test_loads_a_custom_directory(tmp_path: Path) -> None:
    onto = Ontology.load("en", directory=_data_dir(tmp_path, GOOD))
    assert len(onto.triggers) == 1


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ('- {lemma: scold, pos: VERB, event: DISAPPROVE, mode: null, cameo: "111"}', "unknown event 'DISAPPROVE'"),
        ('- {lemma: scold, pos: VERB, event: ACCUSE, mode: riot, cameo: "111"}', "mode 'riot' is not a mode of ACCUSE"),
        ('- {lemma: scold, pos: VERB, event: ACCUSE, mode: null, cameo: "999"}', "cameo '999'"),
        ('- {lemma: scold, pos: VERB, event: ACCUSE, mode: null, cameo: 111}', "cameo 111"),
        ('- {lemma: scold, pos: VERB, event: ACCUSE, mode: null, cameo: "173"}', "maps to COERCE"),
        ('- {lemma: scold, pos: ADV, event: ACCUSE, mode: null, cameo: "111"}', "pos must be"),
        ('- {lemma: scold, pos: VERB, prep: off, event: ACCUSE, mode: null, cameo: "111"}', "quote on/off"),
        ('- {lemma: scold, pos: VERB, whith: [x], event: ACCUSE, mode: null, cameo: "111"}', "unknown field"),
        ('- {lemma: Scold, pos: VERB, event: ACCUSE, mode: null, cameo: "111"}', "lowercase"),
        ('- {lemma: scold, pos: VERB, event: ACCUSE, mode: null, cameo: "111", weight: 2}', "weight"),
        ('- {lemma: scold, pos: VERB, event: ACCUSE, mode: null, cameo: "111", recipient: subj}', "recipient"),
        ('- {lemma: meet, pos: VERB, prep: "with", event: CONSULT, mode: null, cameo: "046"}',
         "same lemma and constraints"),
    ],
)
def test_bad_entries_are_named(tmp_path: Path, bad: str, message: str) -> None:
    with pytest.raises(ValueError) as err:
        Ontology.load("en", directory=_data_dir(tmp_path, GOOD + bad + "\n"))
    text = str(err.value)
    assert "triggers_en.yaml" in text and "entry 2" in text, text
    assert message in text, text


def test_bad_cameo_file_is_named(tmp_path: Path) -> None:
    directory = _data_dir(tmp_path, GOOD)
    cameo = directory / "cameo.yaml"
    extra = '"2099": {name: X, goldstein: -12, event: ASSAULT, mode: null}\n'
    cameo.write_text(cameo.read_text(encoding="utf-8") + extra, encoding="utf-8")
    with pytest.raises(ValueError, match=r"cameo.yaml: code '2099': goldstein"):
        Ontology.load("en", directory=directory)
