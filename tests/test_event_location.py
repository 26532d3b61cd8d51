"""Each event at its own place: the pipeline's place chain, and the event_location scorer.

Every sentence here was written for these tests; no gold text is used."""

import json
import zipfile

import pytest

import eventwire
from eventwire.eval.event_location import GoldRecord, Prediction, load_split, parse_record, score
from eventwire.pipeline import actor_part
from eventwire.records import Article, Place


@pytest.fixture(scope="module")
def pipe():
    return eventwire._default()


def place_of(pipe, text: str, trigger: str):
    start = text.index(trigger)
    return pipe.place_for(Article(id="t", text=text), (start, start + len(trigger)))


@pytest.mark.parametrize("text, trigger, words, country, rule", [
    # the phrase attached to the trigger, its most specific place; a district the gazetteer lacks is
    # placed inside the city named with it
    ("A roadside bomb killed two civilians in the Zayouna neighbourhood of Baghdad on Monday.", "killed",
     "Zayouna", "IRQ", "trigger:unlisted"),
    ("A bomb exploded in a crowded market in Peshawar on Friday.", "exploded", "Peshawar", "PAK", "trigger"),
    # what was attacked or taken is where it happened; the speaker's city is an actor, not a place
    ("Moscow said on Tuesday that Ukrainian forces shelled the city of Belgorod overnight.", "shelled",
     "Belgorod", "RUS", "target"),
    ("Russian troops captured the village of Krasnohorivka after weeks of fighting.", "captured",
     "Krasnohorivka", "UKR", "target"),
    # a participle happens where its governing verb does
    ("Shelling hit a bus in Donetsk on Thursday, killing eight people.", "killing", "Donetsk", "UKR", "governor"),
])
def test_event_gets_its_own_place(pipe, text, trigger, words, country, rule):
    choice = place_of(pipe, text, trigger)
    assert choice.span is not None and choice.span.text == words
    assert text[choice.span.start:choice.span.end] == words
    assert choice.place.country == country and choice.rule == rule


@pytest.mark.parametrize("text, trigger", [
    ("Moscow said on Tuesday that Ukrainian forces shelled the city of Belgorod overnight.", "said"),
    ("Tehran accused Washington of plotting against it.", "accused"),
    ("The Kabul government condemned the attack on Sunday.", "condemned"),
    ("Gaza health ministry officials said an airstrike killed four people.", "killed"),
    ("The strike captured the attention of Hollywood.", "captured"),
])
def test_actors_and_their_names_are_not_places(pipe, text, trigger):
    choice = place_of(pipe, text, trigger)
    assert choice.place is None and choice.rule == "none", choice


@pytest.mark.parametrize("text, name, actor", [
    ("Moscow said the talks had failed.", "Moscow", True),
    ("The Kabul government condemned the attack.", "Kabul", True),
    ("Gaza health ministry officials gave the toll.", "Gaza", True),
    ("Moscow's decision angered Kyiv.", "Moscow", True),
    ("Doctors at the Gaza hospital treated the wounded.", "Gaza", False),
    ("Gaza residents fled south.", "Gaza", False),
    ("The ministers met in Moscow.", "Moscow", False),
])
def test_actor_part_tells_metonymy_from_place(pipe, text, name, actor):
    doc = pipe.nlp(text)
    ent = next(e for e in doc.ents if e.text == name)
    assert actor_part(ent, pipe.kb.agent_words()) is actor


def test_unlisted_district_takes_the_city_position_at_sub_city_level(pipe):
    choice = place_of(pipe, "A roadside bomb killed two civilians in the Zayouna neighbourhood of Baghdad on Monday.",
                      "killed")
    baghdad = pipe.gazetteer.resolve("Baghdad", ner="GPE")
    assert choice.place.level == "sub-city" and choice.place.geonameid is None
    assert (choice.place.lat, choice.place.lon) == (baghdad.lat, baghdad.lon)


def test_dateline_is_the_place_when_the_sentence_names_none(pipe):
    text = "KABUL (Reuters) - Hundreds of students protested against the ban on Saturday."
    choice = place_of(pipe, text, "protested")
    assert choice.rule == "dateline" and choice.place.country == "AFG"
    assert text[choice.span.start:choice.span.end] == "KABUL"


def test_coded_events_carry_the_chain_place_with_evidence(pipe):
    text = "Police arrested five opposition activists at a rally in the Kibera district of Nairobi on Monday."
    (arrest,) = [e for e in pipe.code_article(Article(id="t", text=text)) if e.event == "COERCE"]
    assert arrest.place.country == "KEN" and arrest.place.level == "sub-city"
    span = arrest.to_json()["evidence"]["place"]
    assert text[span["start"]:span["end"]] == "Kibera"
    assert arrest.to_json()["event_loc"]["level"] == "sub-city"


# -- the scorer ----------------------------------------------------------------------------------------

def _raw(text: str, source: str, verb: str, places: list[str]) -> dict:
    tokens, pos = [], 0
    for i, word in enumerate(text.split(" ")):
        tokens.append({"text": word, "start": pos, "end": pos + len(word), "id": i})
        pos += len(word) + 1
    index = {t["text"].strip(".,"): t["id"] for t in tokens}
    # character offsets deliberately broken, as in many of the real LOCATION spans; token offsets right
    spans = [{"start": 0, "end": 0, "token_start": index[verb], "token_end": index[verb], "label": "VERB"}]
    spans += [{"start": 3, "end": 3, "token_start": index[p], "token_end": index[p], "label": "LOCATION"}
              for p in places]
    return {"text": text, "tokens": tokens, "spans": spans, "source": source, "_id": f"{source}-{verb}"}


def test_parse_record_uses_token_offsets():
    rec = parse_record(_raw("Rebels shelled Homs on Monday.", "RELABEL", "shelled", ["Homs"]))
    assert rec.text[slice(*rec.trigger)] == "shelled"
    assert [rec.text[a:b] for a, b in rec.locations] == ["Homs"]
    assert parse_record({"text": "No verb here.", "tokens": [], "spans": []}) is None


def test_splits_keep_the_test_sentences_out_of_dev(tmp_path):
    rows = [
        _raw("Rebels shelled Homs on Monday.", "RELABEL", "shelled", ["Homs"]),
        _raw("Rebels shelled Homs on Monday.", "AP", "shelled", []),  # the same sentence, single-annotated
        _raw("Police arrested ten men in Lagos.", "AP", "arrested", ["Lagos"]),
        _raw("Police arrested ten men in Lagos.", "AP", "arrested", ["Lagos"]),  # an exact repeat
        {"text": "In the city", "tokens": [], "source": "RELABEL"},  # no spans at all
    ]
    folder = tmp_path / "event_location"
    folder.mkdir()
    with zipfile.ZipFile(folder / "labeled_text.jsonl.zip", "w") as zf:
        zf.writestr("labeled_text.jsonl", json.dumps(rows))
        zf.writestr("__MACOSX/._labeled_text.jsonl", "junk")
    test, unusable = load_split(tmp_path, "relabel")
    assert [r.text for r in test] == ["Rebels shelled Homs on Monday."] and unusable == 1
    dev, unusable = load_split(tmp_path, "dev")
    assert [r.text for r in dev] == ["Police arrested ten men in Lagos."] and unusable == 0
    with pytest.raises(ValueError, match="split"):
        load_split(tmp_path, "test")


def _place(country: str) -> Place:
    return Place("x", "x", None, None, None, country)


def test_score_counts_exact_overlap_and_right_silence():
    text = "Gunmen attacked the Zayouna district of Baghdad."
    zayouna, district = (text.index("Zayouna"), text.index("Zayouna") + 7), (text.index("Zayouna"), text.index(" of"))
    trig = (7, 15)
    records = [
        GoldRecord("a", "AP", text, trig, (zayouna,)),  # exact
        GoldRecord("b", "AP", text, trig, (zayouna,)),  # overlapping only ("Zayouna district")
        GoldRecord("c", "AP", text, trig, ()),  # no place, none chosen: right
        GoldRecord("d", "AP", text, trig, ()),  # no place, one chosen: a false positive
        GoldRecord("e", "AP", text, trig, (zayouna,)),  # a place, none chosen: a miss
    ]
    preds = [
        Prediction(_place("IRQ"), zayouna, "trigger", True),
        Prediction(_place("SYR"), district, "trigger", False),
        Prediction(None, None, "none", False),
        Prediction(_place("IRQ"), zayouna, "clause", True),
        Prediction(None, None, "none", True),
    ]
    out = score(records, preds, lambda words: "IRQ" if words == "Zayouna" else None)
    assert out["accuracy_exact"] == 0.4 and out["accuracy_overlap"] == 0.6
    assert out["exact"] == {"precision": round(1 / 3, 4), "recall": round(1 / 3, 4), "f1": round(1 / 3, 4)}
    assert out["overlap"]["precision"] == round(2 / 3, 4) and out["overlap"]["recall"] == round(2 / 3, 4)
    assert out["country"] == {"records": 3, "accuracy": round(1 / 3, 4)}
    assert out["coder_found_event"]["records"] == 3 and out["by_rule"]["trigger"]["exact"] == 1
