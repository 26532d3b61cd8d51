"""Near-duplicate articles and merged events, on stories and mentions written for these tests."""

from __future__ import annotations

import random
from datetime import date

import pytest

from eventwire.merge import (DuplicateIndex, EventMerger, MergeConfig, date_interval, entities_compatible,
                             merge_events, places_compatible, shingles)
from eventwire.records import Article, Entity, EventMention, Place, ResolvedDate, Span

STORY = ("The finance ministers of the two neighbouring countries met in the border town on Tuesday to "
         "discuss a new trade corridor, officials said. The talks, the first in three years, ended with "
         "a joint statement promising to cut tariffs on grain and fertiliser before the harvest. "
         "Opposition parties in both capitals criticised the deal as rushed and called for a vote.")
OTHER = ("Heavy rain flooded low-lying districts of the coastal city overnight, forcing hundreds of families "
         "from their homes. Emergency crews used boats to reach residents trapped on rooftops, and the mayor "
         "said schools would stay closed until the water receded. Forecasters expect more storms this week.")


def art(id: str, text: str = "", outlet: str | None = None, day: date | None = date(2024, 3, 5)) -> Article:
    return Article(id=id, text=text or id, date=day, outlet=outlet)


# -- near-duplicate articles -------------------------------------------------------------------------


def test_shingles_short_text_is_one_shingle():
    assert shingles("Talks resumed", 5) == {"talks resumed"}
    assert len(shingles(STORY, 5)) > 40


def test_syndicated_copies_are_found_and_other_stories_not():
    index = DuplicateIndex(threshold=0.7)
    assert index.add(art("wire", STORY)) == []
    # the same wire story with a site's own byline and one changed word
    copy = "By Staff Reporter. " + STORY.replace("criticised", "condemned")
    assert index.add(art("site-a", copy)) == ["wire"]
    assert index.add(art("site-b", STORY + " (Reuters)")) == ["site-a", "wire"]
    assert index.add(art("flood", OTHER)) == []
    # same topic, rewritten: not a copy
    rewrite = ("Two neighbouring governments agreed on Tuesday to lower tariffs on grain after their finance "
               "ministers held talks at the border, their first meeting in three years.")
    assert index.add(art("rewrite", rewrite)) == []
    assert index.add(art("site-a", copy)) == ["wire"]  # re-adding repeats the answer
    assert len(index) == 5


def test_duplicate_index_is_deterministic_and_threshold_explicit():
    a, b = DuplicateIndex(0.7), DuplicateIndex(0.7)
    copy = STORY.replace("Tuesday", "Wednesday")
    for idx in (a, b):
        idx.add(art("x", STORY))
        idx.add(art("y", copy))
    assert a.similarity("x", "y") == b.similarity("x", "y")
    strict = DuplicateIndex(0.99)
    strict.add(art("x", STORY))
    assert strict.add(art("y", copy)) == []
    with pytest.raises(ValueError):
        DuplicateIndex(0.0)


def test_empty_text_duplicates_nothing():
    index = DuplicateIndex()
    assert index.add(art("blank", "  ...  ")) == []
    assert index.add(art("blank2", "  ...  ")) == []


# -- merging event mentions ----------------------------------------------------------------------------

ISR = Entity("Israel", "Israel", kind="state", country="ISR")
ISR_MIL = Entity("Israeli troops", "Israeli troops", kind="agent", country="ISR", sector="MIL")
PSE_CVL = Entity("Palestinian civilians", "Palestinian civilians", kind="agent", country="PSE", sector="CVL")
PSE_REB = Entity("militants", "militants", kind="agent", country="PSE", sector="REB")
HAMAS = Entity("Hamas", "Hamas", kind="group", country="PSE", sector="REB", wikidata="Q38799")
FATAH = Entity("Fatah", "Fatah", kind="group", country="PSE", sector="OPP", wikidata="Q2006")
JENIN = Place("Jenin", "Jenin", 293783, 32.46, 35.30, "PSE", level="city")
NABLUS = Place("Nablus", "Nablus", 282615, 32.22, 35.25, "PSE", level="city")
JENIN_CAMP = Place("Jenin camp", "Jenin refugee camp", 9999001, 32.465, 35.29, "PSE", level="sub-city")
WEST_BANK = Place("West Bank", "West Bank", 285, 32.0, 35.25, "PSE", level="country")
GAZA = Place("Gaza", "Gaza", 281133, 31.50, 34.47, "PSE", level="city")


def mention(article: str, event: str = "ASSAULT", actor=(ISR_MIL,), recipient=(PSE_CVL,), day=date(2024, 3, 4),
            precision="day", place: Place | None = JENIN, sentence: int = 0, confidence: float = 0.8,
            negated: bool = False) -> EventMention:
    return EventMention(
        article_id=article, sentence_index=sentence, event=event, mode=None, trigger=Span(10 * sentence, 10 * sentence + 5, "x"),
        sentence=Span(0, 50, "s"), actor=list(actor), recipient=list(recipient),
        date=ResolvedDate(day, precision) if day else None, place=place, confidence=confidence, negated=negated)


def test_same_event_from_two_outlets_is_one_event():
    events = merge_events([
        (art("a1", outlet="Daily One"), [mention("a1")]),
        (art("a2", outlet="Second Times", day=date(2024, 3, 5)),
         [mention("a2", actor=(ISR,), day=date(2024, 3, 5), place=JENIN_CAMP, confidence=0.9)]),
    ])
    assert len(events) == 1
    ev = events[0]
    assert (ev.n_mentions, ev.n_articles, ev.n_outlets) == (2, 2, 2)
    assert ev.outlets == ["daily one", "second times"]
    assert ev.representative.article_id == "a2"  # the most confident mention
    record = ev.to_json()
    assert record["num_articles"] == 2 and record["id"] == ev.id and len(record["mentions"]) == 2


@pytest.mark.parametrize("other", [
    {"day": date(2024, 3, 9)},  # five days later
    {"place": GAZA},  # 100 km away
    {"actor": (PSE_REB,), "recipient": (ISR_MIL,)},  # the other way round
    {"event": "PROTEST"},
    {"negated": True},
    {"day": None},  # undated: merges with nothing
], ids=["date", "place", "roles", "type", "negated", "undated"])
def test_different_events_stay_apart(other):
    events = merge_events([(art("a1"), [mention("a1")]), (art("a2"), [mention("a2", **other)])])
    assert len(events) == 2


def test_nearby_place_missing_place_and_country_level_place_merge():
    for place in (NABLUS, None, WEST_BANK):  # Nablus is ~27 km from Jenin
        assert len(merge_events([(art("a1"), [mention("a1")]), (art("a2"), [mention("a2", place=place)])])) == 1
    assert len(merge_events([(art("a1"), [mention("a1")]), (art("a2"), [mention("a2", place=NABLUS)])],
                            MergeConfig(max_km=10))) == 2


def test_month_precision_matches_its_month_only():
    cfg = MergeConfig()
    march = mention("a", day=date(2024, 3, 1), precision="month")
    assert date_interval(march, cfg) == (date(2024, 3, 1).toordinal(), date(2024, 3, 31).toordinal())
    merger = EventMerger()
    assert merger.compatible(march, mention("b", day=date(2024, 3, 20)))
    assert not merger.compatible(march, mention("b", day=date(2024, 4, 10)))
    assert not merger.compatible(mention("a", precision="year"), mention("b"))


def test_entities_compatible_rules():
    assert entities_compatible(HAMAS, Entity("Hamas fighters", "Hamas", kind="group", wikidata="Q38799"))
    assert not entities_compatible(HAMAS, FATAH)  # two named groups of one country
    assert entities_compatible(HAMAS, PSE_REB)  # generic agent, same country and sector
    assert not entities_compatible(FATAH, PSE_REB)
    assert entities_compatible(ISR, ISR_MIL)  # a state and its forces
    assert entities_compatible(Entity("the gunmen", "the gunmen"), Entity("The gunmen ", "The gunmen "))


def test_symmetric_types_merge_with_roles_swapped():
    usa = Entity("US", "United States", kind="state", country="USA")
    chn = Entity("China", "China", kind="state", country="CHN")
    a = mention("a", event="CONSULT", actor=(usa,), recipient=(chn,), place=None)
    b = mention("b", event="CONSULT", actor=(chn,), recipient=(usa,), place=None)
    assert EventMerger().compatible(a, b)
    assert not EventMerger().compatible(mention("a", actor=(usa,), recipient=(chn,)),
                                        mention("b", actor=(chn,), recipient=(usa,)))


def test_arguments_needed_and_min_evidence():
    bare_a = mention("a", actor=(), recipient=())
    bare_b = mention("b", actor=(), recipient=())
    assert not EventMerger().compatible(bare_a, bare_b)  # same day, same place, nobody named
    only_actor_a = mention("a", recipient=(), place=None)
    only_actor_b = mention("b", recipient=(), place=None)
    assert EventMerger().compatible(only_actor_a, only_actor_b)
    assert not EventMerger(MergeConfig(min_evidence=2)).compatible(only_actor_a, only_actor_b)
    assert EventMerger(MergeConfig(min_evidence=2)).compatible(mention("a"), mention("b"))


def test_compatible_types_are_configurable():
    a, b = mention("a", event="ASSAULT"), mention("b", event="COERCE")
    assert not EventMerger().compatible(a, b)
    cfg = MergeConfig(compatible_types=frozenset({frozenset({"ASSAULT", "COERCE"})}))
    assert len(merge_events([(art("a"), [a]), (art("b"), [b])], cfg)) == 1


def _corpus() -> list[tuple[Article, list[EventMention]]]:
    """Three real events reported by several outlets, plus a chain of daily raids."""
    items = []
    for i, (outlet, day) in enumerate([("one", 4), ("two", 4), ("three", 5), ("four", 6)]):
        items.append((art(f"raid{i}", outlet=outlet, day=date(2024, 3, day)),
                      [mention(f"raid{i}", day=date(2024, 3, 4)),
                       mention(f"raid{i}", event="PROTEST", actor=(PSE_CVL,), recipient=(ISR,), place=NABLUS,
                               day=date(2024, 3, 5), sentence=1)]))
    for i in range(3):  # mentions one day apart each: linked in a chain, split by complete linkage
        items.append((art(f"daily{i}", outlet="wire", day=date(2024, 5, 1 + 2 * i)),
                      [mention(f"daily{i}", place=GAZA, day=date(2024, 5, 1 + 2 * i))]))
    return items


def _signature(events) -> list[tuple]:
    return [(e.id, tuple(m.id for m in e.mentions), e.n_articles, tuple(e.outlets)) for e in events]


def test_complete_linkage_does_not_chain():
    events = merge_events(_corpus())
    daily = [e for e in events if e.articles[0].startswith("daily")]
    assert [e.articles for e in daily] == [["daily0", "daily1"], ["daily2"]]
    raids = [e for e in events if e.articles[0].startswith("raid")]
    assert sorted((e.representative.event, e.n_articles, e.n_outlets) for e in raids) == [
        ("ASSAULT", 4, 4), ("PROTEST", 4, 4)]


def test_order_independence_and_incremental_equals_batch():
    corpus = _corpus()
    expected = _signature(merge_events(corpus))
    rng = random.Random(7)
    for _ in range(20):
        shuffled = corpus[:]
        rng.shuffle(shuffled)
        shuffled = [(a, list(reversed(ms))) for a, ms in shuffled]
        merger = EventMerger()
        live: dict[str, object] = {}
        for article, ms in shuffled:
            update = merger.add(article, ms)
            for gone in update.removed:
                live.pop(gone, None)
            live.update({e.id: e for e in update.changed})
        assert _signature(merger.events()) == expected
        # the updates alone rebuild the same events, as a store applying them would
        assert sorted(_signature(live.values())) == sorted(expected)


def test_re_adding_an_article_changes_nothing():
    merger = EventMerger()
    a, ms = _corpus()[0]
    merger.add(a, ms)
    before = _signature(merger.events())
    update = merger.add(a, ms)
    assert update.changed == [] and update.removed == []
    assert _signature(merger.events()) == before


def test_places_compatible_levels():
    assert places_compatible(JENIN, JENIN_CAMP, 50)
    assert not places_compatible(JENIN, GAZA, 50)
    assert places_compatible(WEST_BANK, GAZA, 50)  # same country code, country-level place
    assert not places_compatible(Place("Israel", "Israel", 1, 31.5, 34.8, "ISR", level="country"), GAZA, 50)


def _story(aid: str, text: str, day: str) -> "Article":
    from datetime import date as _date

    from eventwire.records import Article

    return Article(id=aid, text=text, date=_date.fromisoformat(day))


BACKGROUND = [
    "The governor of Veldania signed a budget on Monday after a long debate in the state assembly.",
    "Farmers in the north protested against water rationing on Tuesday outside the ministry.",
    "The central bank left interest rates unchanged and said inflation was easing slowly.",
    "A court in the capital adjourned the corruption trial of a former mayor until next month.",
]


def test_story_index_links_rewrites_of_one_event_not_other_stories_on_the_same_people():
    from eventwire.merge import StoryIndex

    index = StoryIndex(window_days=7)
    index.observe(BACKGROUND)
    a = _story("a", "Senator Lena Ostrova's bill to ban drilling in the Karsk wetlands passed the Senate 61-39 "
                    "on Tuesday after environmental groups lobbied for months.", "2024-05-07")
    b = _story("b", "The Senate voted 61 to 39 on Tuesday to approve Ostrova's ban on drilling in the Karsk "
                    "wetlands, a win for environmental groups.", "2024-05-07")
    c = _story("c", "Senator Lena Ostrova criticised the president's trade policy on Friday, saying tariffs "
                    "would hurt farmers in her state.", "2024-05-10")
    d = _story("d", "The Senate approved a ban on drilling in the Karsk wetlands, sponsored by Senator Ostrova.",
               "2024-07-30")  # the same words, but weeks later: another event
    assert index.add(a) == []
    assert [x for x, _ in index.add(b)] == ["a"]
    assert index.add(c) == []  # same senator, other story
    assert index.add(d) == []  # outside the window
    ab, ac = index.signals("a", "b"), index.signals("a", "c")
    assert ab.text > ac.text and ab.lede > ac.lede and ab.names > ac.names and (ab.days, ac.days) == (0, 3)
    assert index.similarity("a", "b") > 0.5 > index.similarity("a", "c")


def test_story_words_names_leave_out_sentence_starts_days_and_titles():
    from eventwire.merge import content_words, name_words, story_words

    text = ("Senator Lena Ostrova's bill passed on Tuesday. Sen. Marek Voss voted against it in Karsk. "
            "\"Farmers will pay,\" Voss said.")
    words, lede, names = story_words(text, lede_words=4)
    assert words[:5] == ["senator", "lena", "ostrova", "bill", "passed"]  # possessive gone
    assert lede == ["senator", "lena", "ostrova", "bill"]
    # "Senator", "Sen." and a quote's first word open their sentence; Tuesday is the calendar
    assert names == ["lena", "ostrova", "marek", "voss", "karsk", "voss"] == name_words(text)
    assert content_words("Trump’s plan, Trump's plan") == ["trump", "plan", "trump", "plan"]
    assert story_words("", 10) == ([], [], [])


def test_story_model_probability_follows_its_weights():
    from eventwire.merge import StoryModel, StorySignals

    model = StoryModel()
    close, late = StorySignals(0.3, 0.3, 0.3, 0), StorySignals(0.3, 0.3, 0.3, 4)
    assert model.probability(close) > model.probability(late)
    assert model.probability(StorySignals(0.4, 0.3, 0.3, 0)) > model.probability(close)
    flat = StoryModel(intercept=0.0, text=0.0, lede=0.0, names=0.0, days=0.0)
    assert flat.probability(close) == 0.5
    assert StoryModel(intercept=-800.0).probability(close) == 0.0  # no overflow far from the boundary


def test_story_index_threshold_is_a_probability():
    from eventwire.merge import StoryIndex

    for bad in (0.0, 1.0, 1.5):
        with pytest.raises(ValueError):
            StoryIndex(bad)


def test_story_index_undated_rereads_and_determinism():
    from eventwire.merge import StoryIndex

    def fill() -> tuple[StoryIndex, list]:
        index = StoryIndex(window_days=2)
        index.observe(BACKGROUND + [OTHER])
        answers = [index.add(art("wire", STORY, day=date(2024, 3, 5))),
                   index.add(art("undated", STORY.replace("Tuesday", "Wednesday"), day=None)),
                   index.add(art("later", STORY, day=date(2024, 3, 9))),  # 4 days after "wire"
                   index.add(art("flood", OTHER))]
        return index, answers

    index, answers = fill()
    assert answers[0] == [] and [x for x, _ in answers[1]] == ["wire"]  # an undated article fits any day
    assert [x for x, _ in answers[2]] == ["undated"]  # "wire" is outside the window
    assert answers[3] == []
    assert index.add(art("later", "anything", day=date(2024, 3, 9))) == answers[2]  # re-adding repeats
    assert len(index) == 4 and "flood" in index and "nothing" not in index
    assert fill()[1] == answers  # the same articles in the same order: the same answers


def test_story_index_scores_a_bounded_number_of_candidates():
    from eventwire.merge import StoryIndex

    wide, narrow = StoryIndex(), StoryIndex(max_candidates=1)
    for index in (wide, narrow):
        index.observe(BACKGROUND + [OTHER])
        for i in range(3):
            index.add(art(f"copy{i}", STORY))
    assert [x for x, _ in wide.add(art("new", STORY))] == ["copy0", "copy1", "copy2"]
    assert [x for x, _ in narrow.add(art("new", STORY))] == ["copy0"]  # most shared words, then id
