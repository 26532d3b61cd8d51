"""The learned relation classifier: features, training, saving and loading, on sentences written here."""

import pytest

from eventwire import _default
from eventwire.coding.relation import RelationClassifier, RelationModel, features, locate, train

ROWS = [
    ("Police arrested the protest leader in the capital.", "Police", "the protest leader", "COERCE"),
    ("Soldiers detained two journalists at the border.", "Soldiers", "two journalists", "COERCE"),
    ("The minister met his Egyptian counterpart in Cairo.", "The minister", "his Egyptian counterpart", "CONSULT"),
    ("The envoy held talks with rebel commanders on Monday.", "The envoy", "rebel commanders", "CONSULT"),
    ("Rebels shelled the army base overnight.", "Rebels", "the army base", "ASSAULT"),
    ("Gunmen attacked a police convoy near the town.", "Gunmen", "a police convoy", "ASSAULT"),
]


@pytest.fixture(scope="module")
def pipe():
    return _default()


def test_locate_avoids_the_other_argument(pipe):
    doc = pipe.nlp("Iran said Iran would respond to Israel.")
    first = locate(doc, "Iran")
    second = locate(doc, "Iran", avoid=first)
    assert first.start == 0 and second.start > first.start
    assert locate(doc, "Syria") is None


def test_features_name_the_path_and_the_lexicon(pipe):
    doc = pipe.nlp(ROWS[0][0])
    f = features(doc, locate(doc, "Police"), locate(doc, "the protest leader"), pipe.coder)
    assert f["lca:arrest"] == 1.0 and f["lex:COERCE"] == 1.0 and "cand:COERCE" in f


def test_train_save_load_roundtrip(pipe, tmp_path):
    examples = []
    for sentence, a, r, label in ROWS:
        doc = pipe.nlp(sentence)
        s = locate(doc, a)
        examples.append((doc, s, locate(doc, r, avoid=s), label))
    model = train(examples, pipe.coder, min_count=1)
    path = tmp_path / "m.json.gz"
    model.save(path)
    loaded = RelationModel.load(path)
    assert loaded.classes == model.classes and len(loaded.vocab) == len(model.vocab)
    clf = RelationClassifier(pipe.nlp, pipe.coder, {"COERCE": 4, "CONSULT": 1, "ASSAULT": 4}, model=loaded)
    got = clf.classify("Troops arrested three activists in the city.", "Troops", "three activists")
    assert got.event == "COERCE" and got.quad_code == 4
    assert abs(sum(got.scores.values()) - 1.0) < 1e-5


def test_shipped_model_loads_and_yield_is_split(pipe):
    clf = RelationClassifier(pipe.nlp, pipe.coder, {"RETREAT": 2, "CONCEDE": 1})
    assert "YIELD" in clf.model.classes
    got = clf.classify("The government released 40 political prisoners on Friday.", "The government",
                       "40 political prisoners")
    assert got.event in ("RETREAT", "CONCEDE")
