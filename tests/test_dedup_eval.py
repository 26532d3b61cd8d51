"""The BASIL dedup scorer, on a small triplet set written for these tests (no BASIL text)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eventwire.eval.dedup import build_worlds, fit_story_model, load_basil, score, split_triplets, story_pairs
from eventwire.merge import StoryModel, StorySignals

# four events, each told by three outlets; every one involves Governor Lena Ostrova, so each event's
# articles meet the others' as hard negatives. By the seeded split, budget and strike are the dev half.
EVENTS = {
    "ev-budget": [
        ("fox", "2024-03-04", "Ostrova signs budget with school cuts",
         [["Governor Lena Ostrova signed the Veldania state budget on Monday, cutting school funding by four "
           "percent and raising the fuel levy by six cents a litre."],
          ["Teachers' unions in Karsk condemned the cuts and promised protests outside the assembly.",
           "The assembly had passed the budget after a night-long session in which the opposition Farmers' "
           "League tried and failed to restore the school money."],
          ["Ostrova said the fuel levy would pay for road repairs in the northern districts."]]),
        ("nyt", "2024-03-04", "Veldania budget becomes law",
         [["Veldania's budget became law on Monday when Governor Lena Ostrova signed it, ending a night-long "
           "assembly session."],
          ["The plan trims school funding by four percent and raises the fuel levy, angering teachers' unions "
           "in Karsk, who said classes would grow.",
           "The Farmers' League, the largest opposition party, voted against it."],
          ["Road repairs in the northern districts will be paid from the higher levy, the governor said."]]),
        ("hpo", "2024-03-05", "Teachers vow to fight Ostrova budget",
         [["Teachers' unions in Karsk vowed on Tuesday to fight the school funding cuts in the budget Governor "
           "Lena Ostrova signed on Monday, which also raises the fuel levy across Veldania."],
          ["Union leaders called the four percent cut the deepest in a decade and announced protests at the "
           "assembly, where the Farmers' League had tried to restore the money during a night-long session."]]),
    ],
    "ev-strike": [
        ("fox", "2024-03-20", "Melsund dock strike halts grain",
         [["Dock workers at the port of Melsund walked off the job on Wednesday, halting grain exports at the "
           "height of the shipping season."],
          ["The stevedores' union wants a nine percent raise; the port authority offered four.",
           "Governor Lena Ostrova called in federal mediators and urged the union to return to talks."],
          ["Grain traders warned that ships waiting in the harbour would cost exporters millions."]]),
        ("nyt", "2024-03-20", "Grain exports stop as Melsund dockers strike",
         [["Grain exports from Melsund stopped on Wednesday as dock workers went on strike over pay."],
          ["The stevedores' union rejected the port authority's offer of four percent, holding out for nine.",
           "Governor Lena Ostrova asked federal mediators to step in, and traders said idle ships in the "
           "harbour were already costing exporters."]]),
        ("hpo", "2024-03-21", "Melsund strike enters second day",
         [["The strike by Melsund dock workers entered its second day on Thursday, with grain ships idle in "
           "the harbour and exporters counting losses."],
          ["Federal mediators sent by Governor Lena Ostrova met leaders of the stevedores' union, who want a "
           "nine percent raise.", "The port authority has offered four percent."]]),
    ],
    "ev-bridge": [
        ("fox", "2024-06-10", "Orvel bridge collapses",
         [["A road bridge over the Orvel river collapsed near Tarnow on Sunday, sending two trucks into the water.",
           "Governor Lena Ostrova visited the site and ordered inspections of every bridge built before 1970."]]),
        ("nyt", "2024-06-10", "Bridge collapse near Tarnow",
         [["Two trucks fell into the Orvel river when a bridge near Tarnow gave way on Sunday."],
          ["Governor Lena Ostrova ordered inspections of older bridges after touring the wreckage."]]),
        ("hpo", "2024-06-11", "Inspections ordered after Orvel collapse",
         [["Engineers began inspecting old bridges across Veldania after the Orvel river crossing near Tarnow "
           "collapsed, on orders from Governor Lena Ostrova."]]),
    ],
    "ev-court": [
        ("fox", "2024-06-14", "Court strikes down Ostrova election law",
         [["The Veldania supreme court struck down Governor Lena Ostrova's election law on Friday, ruling that "
           "its new district maps diluted rural votes."]]),
        ("nyt", "2024-06-14", "Judges void district maps",
         [["Judges of the Veldania supreme court voided the district maps in Governor Lena Ostrova's election "
           "law, saying they diluted rural votes."], ["Ostrova said she would redraw the maps."]]),
        ("hpo", "2024-06-15", "Ostrova to redraw maps after ruling",
         [["Governor Lena Ostrova promised to redraw the district maps a day after the supreme court ruled that "
           "her election law diluted rural votes."]]),
    ],
}


def write_basil(root: Path, placeholder: str | None = None) -> Path:
    """The triplets as BASIL-shaped JSON files under root/basil_triplets/articles/<year>/."""
    for triplet, articles in EVENTS.items():
        for n, (outlet, day, title, paragraphs) in enumerate(articles, 1):
            folder = root / "basil_triplets" / "articles" / day[:4]
            folder.mkdir(parents=True, exist_ok=True)
            uuid = placeholder if placeholder and n == 3 else f"{triplet}-{outlet}"
            (folder / f"{triplet}_{n}.json").write_text(json.dumps({
                "uuid": uuid, "triplet-uuid": triplet, "source": outlet, "date": day, "title": title,
                "url": None, "main-entities": ["Lena Ostrova"], "body-paragraphs": paragraphs}))
    return root


def test_placeholder_uuids_do_not_merge_articles(tmp_path):
    # BASIL has four articles whose uuid is "empty": they must stay four articles of four triplets
    articles = load_basil(write_basil(tmp_path, placeholder="empty"))
    ids = [a.article.id for a in articles]
    assert len(ids) == len(set(ids)) == 12
    assert {"ev-budget_3", "ev-court_3"} <= set(ids)
    result = score(articles, {}, "dev")
    assert result["positive_pairs"] == 6  # three pairs per dev triplet, none lost to a shared id


def test_worlds_hold_hard_negatives_of_the_same_half_only(tmp_path):
    articles = load_basil(write_basil(tmp_path))
    halves = split_triplets(a.triplet for a in articles)
    assert sorted(t for t, h in halves.items() if h == "dev") == ["ev-budget", "ev-strike"]
    worlds = build_worlds(articles, "dev")
    assert [w.target for w in worlds] == ["ev-budget", "ev-strike"]
    for w in worlds:
        assert {a.triplet for a, _ in w.members} == {"ev-budget", "ev-strike"}
        for a, shift in w.members:
            if a.triplet == w.target:
                assert shift == 0
    strike_in_budget = [s for a, s in worlds[0].members if a.triplet == "ev-strike"]
    assert len(set(strike_in_budget)) == 1 and strike_in_budget[0] != 0  # moved as a block, from 16 days away


def test_score_separates_the_dev_events(tmp_path):
    articles = load_basil(write_basil(tmp_path))
    result = score(articles, {}, "dev")
    assert (result["positive_pairs"], result["negative_pairs"]) == (6, 18)
    assert result["fp"] == 0  # the same governor three days apart is not the same story
    # twelve short texts make weak word statistics and the default weights were fit on long articles:
    # at a lower probability every rewrite is found, and still nothing else
    loose = score(articles, {}, "dev", story_threshold=0.001)
    assert (loose["tp"], loose["fp"], loose["fn"]) == (6, 0, 0)
    assert loose["decided_by"] == {"same story (right)": 6}
    assert result["settings"]["story_model"] == {**result["settings"]["story_model"], "lede_words": 100}
    # the test half is scored on its own triplets
    assert score(articles, {}, "test")["positive_pairs"] == 6


def test_story_pairs_label_every_scored_pair(tmp_path):
    pairs = story_pairs(load_basil(write_basil(tmp_path)), "dev")
    assert len(pairs) == 24 and sum(gold for _, gold in pairs) == 6
    same = [s.text for s, gold in pairs if gold]
    other = [s.text for s, gold in pairs if not gold]
    assert min(same) > max(other)


def test_fit_story_model_learns_the_direction_of_each_signal():
    # gold: the texts agree more than the days apart cost; names and lede vary but say nothing here
    pairs = []
    for i in range(20):
        for days in range(8):
            text = i / 20
            pairs.append((StorySignals(text, 0.1, 0.1 + (i * days % 5) / 10, days), text - days / 10 >= 0.32))
    model = fit_story_model(pairs, l2=0.01, representation=StoryModel(lede_words=40))
    assert model.text > 0 and model.days < 0 and model.lede_words == 40
    assert abs(model.names) < model.text / 5
    assert all((model.probability(s) >= 0.5) == gold for s, gold in pairs)
    assert fit_story_model(pairs, l2=0.01) == fit_story_model(list(pairs), l2=0.01)  # deterministic


def test_stronger_regularisation_shrinks_the_weights():
    pairs = [(StorySignals(0.5, 0.5, 0.5, 0), True), (StorySignals(0.0, 0.0, 0.0, 5), False)]
    loose, tight = fit_story_model(pairs, l2=0.1), fit_story_model(pairs, l2=10.0)
    for model in (loose, tight):
        assert model.probability(pairs[0][0]) > 0.5 > model.probability(pairs[1][0])
    assert 0 < tight.text < loose.text


def test_unknown_split_is_an_error(tmp_path):
    with pytest.raises(ValueError):
        score(load_basil(write_basil(tmp_path)), {}, "train")
