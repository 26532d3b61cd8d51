"""Actor knowledge base and resolver: the phrases an event coder hands over, as written."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from eventwire.actors import ActorResolver, DocumentActors, KnowledgeBase
from eventwire.actors.kb import fold
from eventwire.records import Entity, Span

SAMPLE_DATE = date(2023, 9, 17)  # jpost-2023-09-17-arouri-pflp.txt


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase.load()


@pytest.fixture(scope="module")
def resolver(kb: KnowledgeBase) -> ActorResolver:
    return ActorResolver(kb)


def one(resolver: ActorResolver, text: str, doc: DocumentActors, **kw) -> Entity:
    found = resolver.resolve(text, doc, **kw)
    assert len(found) == 1, found
    return found[0]


# --- knowledge base ---------------------------------------------------------------------------


def test_load_is_complete() -> None:  # load time is measured by benchmarks/actors.py
    kb = KnowledgeBase.load()
    counts = kb.counts()
    assert counts["countries"] >= 200
    assert counts["organisations"] >= 150
    assert counts["people"] >= 150
    assert kb.entries == counts["countries"] + counts["organisations"] + counts["people"]
    states = [c for c in kb.countries.values() if not c.territory]
    assert len(states) >= 195  # UN members, observers, Kosovo, Taiwan, Western Sahara
    for iso3 in ("PSE", "XKX", "TWN", "ESH", "HKG", "VAT", "SSD", "USA", "ISR", "IRN"):
        assert kb.country(iso3) is not None, iso3


def test_country_lookup_by_any_name(kb: KnowledgeBase) -> None:
    israel = kb.country("ISR")
    assert israel is not None and israel.name == "Israel" and israel.iso2 == "IL" and israel.cameo == "ISR"
    assert kb.country("NOR").iso2 == "NO"  # type: ignore[union-attr]  # not YAML's boolean
    expected = {
        "U.S.": "USA", "USA": "USA", "America": "USA", "Britain": "GBR", "UK": "GBR", "Israeli": "ISR",
        "Palestinians": "PSE", "Lebanese": "LBN", "Tehran": "IRN", "the Kremlin": "RUS", "Downing Street": "GBR",
        "the Netherlands": "NLD", "Türkiye": "TUR", "Gaza": "PSE", "Brussels": "BEL", "Kyiv": "UKR",
    }
    for name, iso3 in expected.items():
        assert kb.country_by_name(name) == iso3, name
    assert kb.country_by_name("Atlantis") is None
    assert kb.country_by_name("us") is None  # short names are case-sensitive


# --- the sample article, phrase by phrase -------------------------------------------------------


def test_sample_article_flow(resolver: ActorResolver) -> None:
    doc = resolver.new_document(SAMPLE_DATE)
    doc.focus_country = "LBN"

    text = "Saleh al-Arouri, Deputy Head of Hamas' political bureau"
    arouri = one(resolver, text, doc, ner="PERSON", start=0)
    assert (arouri.name, arouri.kind, arouri.country, arouri.sector, arouri.code) == (
        "Saleh al-Arouri", "person", "PSE", "REB", "PSEREB")
    assert arouri.score == 1.0 and arouri.evidence.startswith("alias:")
    assert arouri.span == Span(0, len(text), text)

    delegation = one(resolver, "a delegation from the leadership of the Popular Front for the Liberation of "
                               "Palestine - led by its Deputy Secretary-General, Jamil Mazhar", doc)
    assert delegation.name == "Popular Front for the Liberation of Palestine"
    assert (delegation.country, delegation.sector, delegation.kind) == ("PSE", "REB", "group")

    two = resolver.resolve("The two", doc)
    assert [e.name for e in two] == ["Saleh al-Arouri", "Popular Front for the Liberation of Palestine"]
    assert all(e.evidence.startswith("anaphora:") and e.score < 1 for e in two)

    assert one(resolver, "Hamas", doc).code == "PSEREB"
    assert one(resolver, "the Popular Front", doc).name == "Popular Front for the Liberation of Palestine"
    israel = one(resolver, "Israel", doc)
    assert (israel.kind, israel.country, israel.sector, israel.code) == ("state", "ISR", "GOV", "ISR")

    assert len(resolver.resolve("The two factions", doc)) == 2
    pa = one(resolver, "the Palestinian Authority leadership", doc)
    assert (pa.name, pa.country, pa.sector) == ("Palestinian Authority", "PSE", "GOV")
    assert len(resolver.resolve("Both sides", doc)) == 2

    citizens = one(resolver, "Lebanese citizens", doc)
    assert (citizens.country, citizens.sector, citizens.code) == ("LBN", "CVL", "LBNCVL")

    tehran = one(resolver, "Tehran", doc)
    assert (tehran.country, tehran.sector, tehran.code, tehran.evidence) == ("IRN", "GOV", "IRNGOV", "capital:Tehran")

    # the surname alone, after the full name
    again = one(resolver, "Arouri", doc)
    assert again.name == "Saleh al-Arouri" and again.evidence == "surname:Saleh al-Arouri"

    pm = one(resolver, "Prime Minister Benjamin Netanyahu", doc)
    assert (pm.name, pm.country, pm.sector, pm.code) == ("Benjamin Netanyahu", "ISR", "GOV", "ISRGOV")

    gov = one(resolver, "the Israeli government", doc)
    assert (gov.country, gov.sector, gov.code) == ("ISR", "GOV", "ISRGOV")

    one(resolver, "Arouri", doc)
    he = one(resolver, "he", doc)
    assert he.name == "Saleh al-Arouri" and he.evidence == "pronoun:he"

    # named in passing in an appositive: remembered with the organisation it acts for
    mazhar = one(resolver, "Mazhar", doc)
    assert (mazhar.name, mazhar.country, mazhar.sector) == ("Jamil Mazhar", "PSE", "REB")


def test_examples_from_the_brief(resolver: ActorResolver) -> None:
    doc = resolver.new_document(SAMPLE_DATE)
    forces = one(resolver, "Israeli forces", doc)
    assert (forces.kind, forces.country, forces.sector, forces.code) == ("agent", "ISR", "MIL", "ISRMIL")
    assert forces.evidence == "demonym+agent:Israeli/forces"

    blinken = one(resolver, "U.S. Secretary of State Antony Blinken", doc)
    assert (blinken.name, blinken.country, blinken.sector) == ("Antony Blinken", "USA", "GOV")

    kremlin = one(resolver, "the Kremlin", doc)
    assert (kremlin.country, kremlin.sector, kremlin.evidence) == ("RUS", "GOV", "seat:Kremlin")
    assert one(resolver, "Downing Street", doc).code == "GBRGOV"
    assert one(resolver, "Washington", doc).country == "USA"

    irgc = one(resolver, "Iran's Revolutionary Guards", doc)
    assert (irgc.country, irgc.sector) == ("IRN", "MIL")
    assert one(resolver, "the Houthis", doc).country == "YEM"
    assert one(resolver, "Ansar Allah", doc).name == "Houthis"
    isis = one(resolver, "the Islamic State group", doc)
    assert (isis.country, isis.sector, isis.kind) == (None, "REB", "group")
    un = one(resolver, "the UN Security Council", doc)
    assert (un.kind, un.sector, un.country) == ("igo", "IGO", None) and un.code and un.code.startswith("IGOUNO")


def test_unknown_person_with_title_and_demonym(resolver: ActorResolver) -> None:
    doc = resolver.new_document(SAMPLE_DATE)
    fm = one(resolver, "Iranian Foreign Minister Dariush Imaginary", doc)
    assert (fm.name, fm.kind, fm.country, fm.sector, fm.code) == ("Dariush Imaginary", "person", "IRN", "GOV", "IRNGOV")
    assert 0 < fm.score < 1 and fm.evidence.startswith("title+demonym:")
    later = one(resolver, "Imaginary", doc)
    assert later.name == "Dariush Imaginary" and later.evidence.startswith("surname:")


def test_known_minister_follows_the_article_date(resolver: ActorResolver) -> None:
    phrase = "Iranian Foreign Minister Mohammad Javad Zarif"
    then = one(resolver, phrase, resolver.new_document(date(2019, 5, 1)))
    assert (then.country, then.sector, then.code) == ("IRN", "GOV", "IRNGOV")
    bare = one(resolver, "Mohammad Javad Zarif", resolver.new_document(date(2023, 1, 1)))
    assert bare.country == "IRN" and bare.sector != "GOV"
    # outside our recorded term, a title written in the text still names the role, less surely
    titled = one(resolver, phrase, resolver.new_document(date(2023, 1, 1)))
    assert titled.sector == "GOV" and "title-in-text" in titled.evidence and titled.score < then.score


def test_unknown_person_placed_by_appositive(resolver: ActorResolver) -> None:
    doc = resolver.new_document(SAMPLE_DATE)
    e = one(resolver, "Khalil Abu Fictional, Deputy Head of Hamas' political bureau", doc)
    assert (e.name, e.kind, e.country, e.sector) == ("Khalil Abu Fictional", "person", "PSE", "REB")
    assert e.evidence == "appositive:Hamas" and e.score == pytest.approx(0.8)
    assert one(resolver, "Fictional", doc).name == "Khalil Abu Fictional"


def test_person_named_in_passing_acts_for_the_head_organisation(resolver: ActorResolver) -> None:
    doc = resolver.new_document(SAMPLE_DATE)
    head = one(resolver, "a delegation of the Popular Front for the Liberation of Palestine - led by its "
                         "Deputy Secretary-General, Omar Fictitious", doc)
    assert head.name == "Popular Front for the Liberation of Palestine"
    e = one(resolver, "Fictitious", doc)
    assert (e.name, e.country, e.sector) == ("Omar Fictitious", "PSE", "REB")
    assert [x.name for x in doc.recent] == ["Popular Front for the Liberation of Palestine", "Omar Fictitious"]


@pytest.mark.parametrize(
    ("text", "day", "sector"),
    [
        ("Benjamin Netanyahu", date(2010, 1, 1), "GOV"),
        ("Prime Minister Benjamin Netanyahu", date(2022, 1, 1), "OPP"),  # between terms
        ("Benjamin Netanyahu", date(2023, 1, 1), "GOV"),
        ("Barack Obama", date(2012, 1, 1), "GOV"),
        ("Barack Obama", date(2020, 1, 1), "ELI"),  # a former president is not GOV
        ("Joe Biden", date(2024, 6, 1), "GOV"),
        ("Joe Biden", date(2025, 6, 1), "ELI"),
        ("Ali Shamkhani", date(2017, 10, 21), "GOV"),
        ("Ali Shamkhani", SAMPLE_DATE, "ELI"),
        ("Ismail Haniyeh", date(2006, 6, 1), "GOV"),
        ("Ismail Haniyeh", date(2020, 6, 1), "REB"),
        ("the Taliban", date(2019, 1, 1), "REB"),
        ("the Taliban", date(2022, 1, 1), "GOV"),
    ],
)
def test_dated_roles(resolver: ActorResolver, text: str, day: date, sector: str) -> None:
    assert one(resolver, text, resolver.new_document(day)).sector == sector


def test_office_holder_on_the_article_date(resolver: ActorResolver) -> None:
    pm = one(resolver, "the Israeli prime minister", resolver.new_document(SAMPLE_DATE))
    assert pm.name == "Benjamin Netanyahu" and pm.evidence.startswith("office:")
    sg = one(resolver, "the UN secretary-general", resolver.new_document(SAMPLE_DATE))
    assert (sg.name, sg.sector, sg.code) == ("Antonio Guterres", "IGO", "IGOUNO")
    assert one(resolver, "US President", resolver.new_document(date(2025, 3, 1))).name == "Donald Trump"


def test_guterres_and_putin(resolver: ActorResolver) -> None:
    doc = resolver.new_document(SAMPLE_DATE)
    for name, country in [("Vladimir Putin", "RUS"), ("Volodymyr Zelensky", "UKR"), ("Xi Jinping", "CHN"),
                          ("Recep Tayyip Erdogan", "TUR"), ("Narendra Modi", "IND"), ("Emmanuel Macron", "FRA"),
                          ("Olaf Scholz", "DEU"), ("Ali Khamenei", "IRN"), ("Mahmoud Abbas", "PSE")]:
        e = one(resolver, name, doc)
        assert (e.kind, e.country, e.sector) == ("person", country, "GOV"), name
    assert one(resolver, "Erdoğan", doc).name == "Recep Tayyip Erdogan"  # accents and surnames
    nasrallah = one(resolver, "Hezbollah chief Hassan Nasrallah", doc)
    assert (nasrallah.country, nasrallah.sector) == ("LBN", "REB")


def test_generic_agents_take_the_focus_country(resolver: ActorResolver) -> None:
    doc = resolver.new_document(SAMPLE_DATE)
    doc.focus_country = "ISR"
    police = one(resolver, "police", doc)
    assert (police.kind, police.country, police.sector, police.code) == ("agent", "ISR", "COP", "ISRCOP")
    assert police.evidence == "agent:police+focus:ISR"
    bare = one(resolver, "police", resolver.new_document(SAMPLE_DATE))
    assert bare.country is None and bare.sector == "COP" and bare.score < police.score
    assert one(resolver, "protesters", doc).sector == "CVL"
    assert one(resolver, "Palestinian gunmen", doc).code == "PSEREB"
    assert one(resolver, "leaders of the opposition", doc).sector == "OPP"


def test_ambiguous_names_and_case(resolver: ActorResolver) -> None:
    doc = resolver.new_document(SAMPLE_DATE)
    assert one(resolver, "US", doc).country == "USA"
    assert one(resolver, "IS", doc).name == "Islamic State"
    for word in ("us", "is", "un"):
        assert one(resolver, word, doc).kind == "unresolved"
    india = resolver.new_document(SAMPLE_DATE)
    india.focus_country = "IND"
    assert one(resolver, "Congress", india).country == "IND"
    assert one(resolver, "Congress", doc).country == "USA"
    # a country before a generic body's name makes it that country's body
    assert one(resolver, "Russian Security Council", doc).code == "RUSGOV"
    led = one(resolver, "US-led coalition", doc)
    assert led.country == "USA" and led.score < 1 and led.evidence.startswith("modifier:")


def test_person_and_what_they_lead(resolver: ActorResolver) -> None:
    doc = resolver.new_document(date(2022, 1, 1))
    admin = one(resolver, "the Biden administration", doc)
    assert (admin.kind, admin.country, admin.sector) == ("agent", "USA", "GOV")
    assert one(resolver, "Netanyahu's Likud party", doc).name == "Likud"


def test_fuzzy_transliterations(resolver: ActorResolver) -> None:
    doc = resolver.new_document(SAMPLE_DATE)
    one(resolver, "Saleh al-Arouri", doc)
    aruri = one(resolver, "Aruri", doc)
    assert aruri.name == "Saleh al-Arouri" and aruri.evidence.startswith("fuzzy")
    assert 0.8 < aruri.score < 0.9
    qadhafi = one(resolver, "Muammar Qadhafi", resolver.new_document(date(2010, 1, 1)))
    assert qadhafi.name == "Muammar Gaddafi" and qadhafi.evidence.startswith("fuzzy:")
    assert one(resolver, "Qaddafi", resolver.new_document()).name == "Muammar Gaddafi"


def test_unresolved_is_honest(resolver: ActorResolver) -> None:
    doc = resolver.new_document(SAMPLE_DATE)
    e = one(resolver, "Tovah Lazaroff", doc, ner="PERSON", start=5)
    assert (e.kind, e.name, e.score, e.evidence, e.country, e.sector, e.code) == (
        "unresolved", "Tovah Lazaroff", 0.0, "no match", None, None, None)
    assert e.span == Span(5, 19, "Tovah Lazaroff")
    assert one(resolver, "British Columbia", doc).kind == "unresolved"
    assert one(resolver, "he", resolver.new_document()).kind == "unresolved"
    assert one(resolver, "The two", resolver.new_document()).kind == "unresolved"
    assert doc.recent == []  # nothing unresolved is remembered


def test_pronouns_and_vague_nouns(resolver: ActorResolver) -> None:
    doc = resolver.new_document(SAMPLE_DATE)
    doc.focus_country = "ISR"
    # "a delegation" from whom? the coder may cut the phrase short: no guess at the focus country
    assert one(resolver, "a delegation", doc).kind == "unresolved"
    one(resolver, "Hamas", doc)
    one(resolver, "Fatah", doc)
    assert [e.name for e in resolver.resolve("both", doc)] == ["Hamas", "Fatah"]
    assert [e.name for e in resolver.resolve("their", doc)] == ["Hamas", "Fatah"]
    assert one(resolver, "its", doc).name == "Fatah"
    assert one(resolver, "the group", doc).name == "Hamas"  # Fatah is a party, not an armed group


def test_agent_words_for_the_coder(kb: KnowledgeBase) -> None:
    words = kb.agent_words()
    assert {"police", "troops", "protesters", "minister", "militants"} <= words
    assert all(" " not in w and w == w.lower() for w in words)


def test_documents_do_not_share_memory(resolver: ActorResolver) -> None:
    first = resolver.new_document(SAMPLE_DATE)
    one(resolver, "Iranian Foreign Minister Dariush Imaginary", first)
    second = resolver.new_document(SAMPLE_DATE)
    assert one(resolver, "Imaginary", second).kind == "unresolved"
    assert second.recent == [] and second.surnames == {}


# --- overlay and validation ---------------------------------------------------------------------


OVERLAY = """
organisations:
  - {id: hamas, name: Hamas, aliases: [Islamic Resistance Movement], kind: group, country: PSE, sector: GOV}
  - {id: acme_militia, name: Acme Militia, aliases: [Acme Brigade], kind: group, country: LBN, sector: REB}
people:
  - name: Dariush Imaginary
    country: IRN
    sector: ELI
    roles:
      - {role: Foreign Minister, sector: GOV, start: 2030-01-01}
"""


def test_overlay_wins_over_builtins(tmp_path: Path) -> None:
    path = tmp_path / "overlay.yaml"
    path.write_text(OVERLAY, encoding="utf-8")
    kb = KnowledgeBase.load(path)
    resolver = ActorResolver(kb)
    doc = resolver.new_document(SAMPLE_DATE)
    assert one(resolver, "Hamas", doc).sector == "GOV"
    assert one(resolver, "the Acme Brigade", doc).code == "LBNREB"
    assert one(resolver, "Dariush Imaginary", doc).sector == "ELI"
    assert one(resolver, "Dariush Imaginary", resolver.new_document(date(2031, 1, 1))).sector == "GOV"
    assert kb.organisations["hezbollah"].sector == "REB"  # the rest of the packaged data is kept
    # the packaged knowledge base is untouched
    assert ActorResolver(KnowledgeBase.load()).resolve("Hamas", doc)[0].sector == "REB"

    folder = tmp_path / "overlay.d"
    folder.mkdir()
    (folder / "extra.yaml").write_text(OVERLAY, encoding="utf-8")
    assert KnowledgeBase.load(folder).organisations["hamas"].sector == "GOV"


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        ("people:\n  - {name: Jane Fakename, country: ISR, sector: XYZ}\n", "Jane Fakename"),
        ("people:\n  - {name: Jane Fakename, org: no_such_org}\n", "no_such_org"),
        ("people:\n  - name: Jane Fakename\n    country: ISR\n    sector: GOV\n"
         "    roles: [{role: Minister, sector: GOV, start: 2020-13-01}]\n", "bad date"),
        ("organisations:\n  - {id: bad, name: Bad Org, kind: club, sector: REB}\n", "Bad Org"),
        ("organisations:\n  - {id: bad, name: Bad Org, kind: group, sector: REB, country: XXX}\n", "unknown country"),
        ("countries:\n  - {iso3: NOR, iso2: NO, name: Norway}\n", "iso2"),
        ("people:\n  - {name: Jane Fakename, country: ISR, sector: GOV, wikidata: 123}\n", "wikidata"),
        ("people:\n  - {name: Jane Fakename, country: ISR, sector: GOV, nickname: JJ}\n", "unknown field"),
        ("agents:\n  - {sector: COP, nouns: [constables]}\n  - {sector: MIL, nouns: [constables]}\n", "listed twice"),
    ],
)
def test_validation_names_file_and_entry(tmp_path: Path, yaml_text: str, message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    with pytest.raises(ValueError) as err:
        KnowledgeBase.load(path)
    assert "bad.yaml" in str(err.value) and message in str(err.value)


OFFICES = """\
countries:
  - {iso3: QQL, iso2: "QL", name: Quillandia, demonyms: [Quillandian], capitals: [Inkport]}
people:
  - name: Harriet Quillfeather
    country: QQL
    sector: PTY
    roles:
      - {role: Home Secretary, sector: GOV, start: 2031-01-01, end: 2032-01-01}
  - name: Osric Vantablack
    country: QQL
    sector: PTY
    roles:
      - {role: Foreign Secretary, sector: GOV, start: 2031-01-01, end: 2032-01-01}
      - {role: Prime Minister, sector: GOV, start: 2033-01-01, end: 2034-01-01}
"""


def test_offices_named_differently_meet_in_one_key(tmp_path: Path) -> None:
    path = tmp_path / "offices.yaml"
    path.write_text(OFFICES, encoding="utf-8")
    resolver = ActorResolver(KnowledgeBase.load(path))
    day = date(2031, 6, 1)
    assert one(resolver, "the Quillandian interior minister", resolver.new_document(day)).name == "Harriet Quillfeather"
    assert one(resolver, "Quillandia's foreign minister", resolver.new_document(day)).name == "Osric Vantablack"
    assert one(resolver, "the Quillandian home minister", resolver.new_document(day)).name == "Harriet Quillfeather"
    # nobody we know held it on that day: the office, with its country, but no named holder
    later = one(resolver, "the Quillandian foreign minister", resolver.new_document(date(2035, 1, 1)))
    assert later.name != "Osric Vantablack" and (later.country, later.sector) == ("QQL", "GOV")


def test_bare_surname_of_a_former_minister_is_not_a_guess(tmp_path: Path) -> None:
    path = tmp_path / "offices.yaml"
    path.write_text(OFFICES, encoding="utf-8")
    resolver = ActorResolver(KnowledgeBase.load(path))
    in_office = one(resolver, "Quillfeather", resolver.new_document(date(2031, 6, 1)))
    assert in_office.name == "Harriet Quillfeather" and in_office.sector == "GOV"
    # ten years on, a bare "Quillfeather" is someone else until the story names her in full
    assert one(resolver, "Quillfeather", resolver.new_document(date(2041, 1, 1))).kind == "unresolved"
    doc = resolver.new_document(date(2041, 1, 1))
    one(resolver, "Harriet Quillfeather", doc)
    assert one(resolver, "Quillfeather", doc).name == "Harriet Quillfeather"
    # a former head of government is known by surname alone
    assert one(resolver, "Vantablack", resolver.new_document(date(2041, 1, 1))).name == "Osric Vantablack"


def test_fuzzy_results_are_cached_per_phrase(resolver: ActorResolver) -> None:
    first = one(resolver, "Saleh al-Aruri", resolver.new_document(SAMPLE_DATE))
    again = one(resolver, "Saleh al-Aruri", resolver.new_document(SAMPLE_DATE))
    assert first.name == again.name == "Saleh al-Arouri" and first.evidence == again.evidence



# Office holders the knowledge base must know on a date (facts checked by hand, not from any gold).
HOLDERS = [
    ("the French president", date(2005, 6, 1), "Chirac"),
    ("the French president", date(2010, 6, 1), "Sarkozy"),
    ("the French president", date(2014, 6, 1), "Hollande"),
    ("the French president", date(2020, 6, 1), "Macron"),
    ("the German chancellor", date(2003, 6, 1), "Schröder"),
    ("the German chancellor", date(2010, 6, 1), "Merkel"),
    ("the German chancellor", date(2023, 6, 1), "Scholz"),
    ("the British prime minister", date(2005, 6, 1), "Blair"),
    ("the British prime minister", date(2008, 6, 1), "Brown"),
    ("the British prime minister", date(2012, 6, 1), "Cameron"),
    ("the British prime minister", date(2017, 6, 1), "May"),
    ("the British prime minister", date(2020, 6, 1), "Johnson"),
    ("the British prime minister", date(2022, 10, 1), "Truss"),
    ("the British prime minister", date(2023, 6, 1), "Sunak"),
    ("the British prime minister", date(2025, 6, 1), "Starmer"),
    ("the US secretary of state", date(2002, 6, 1), "Powell"),
    ("the US secretary of state", date(2006, 6, 1), "Rice"),
    ("the US secretary of state", date(2010, 6, 1), "Clinton"),
    ("the US secretary of state", date(2014, 6, 1), "Kerry"),
    ("the US secretary of state", date(2017, 6, 1), "Tillerson"),
    ("the US secretary of state", date(2019, 6, 1), "Pompeo"),
    ("the US secretary of state", date(2022, 6, 1), "Blinken"),
    ("the US secretary of state", date(2025, 6, 1), "Rubio"),
    ("the US president", date(2002, 6, 1), "Bush"),
    ("the US president", date(2012, 6, 1), "Obama"),
    ("the US president", date(2018, 6, 1), "Trump"),
    ("the US president", date(2022, 6, 1), "Biden"),
    ("the Russian defence minister", date(2005, 6, 1), "Ivanov"),
    ("the Russian defence minister", date(2010, 6, 1), "Serdyukov"),
    ("the Russian defence minister", date(2015, 6, 1), "Shoigu"),
    ("the Russian defence minister", date(2025, 6, 1), "Belousov"),
    ("the Russian president", date(2010, 6, 1), "Medvedev"),
    ("the Russian president", date(2015, 6, 1), "Putin"),
    ("the Nigerian president", date(2005, 6, 1), "Obasanjo"),
    ("the Nigerian president", date(2008, 6, 1), "Yar'Adua"),
    ("the Nigerian president", date(2012, 6, 1), "Jonathan"),
    ("the Nigerian president", date(2016, 6, 1), "Buhari"),
    ("the Nigerian president", date(2024, 6, 1), "Tinubu"),
    ("the Indian prime minister", date(2002, 6, 1), "Vajpayee"),
    ("the Indian prime minister", date(2008, 6, 1), "Singh"),
    ("the Indian prime minister", date(2016, 6, 1), "Modi"),
    ("the Japanese prime minister", date(2003, 6, 1), "Koizumi"),
    ("the Japanese prime minister", date(2013, 6, 1), "Abe"),
    ("the Japanese prime minister", date(2022, 6, 1), "Kishida"),
    ("the Brazilian president", date(2005, 6, 1), "Lula"),
    ("the Brazilian president", date(2012, 6, 1), "Rousseff"),
    ("the Brazilian president", date(2017, 6, 1), "Temer"),
    ("the Brazilian president", date(2020, 6, 1), "Bolsonaro"),
    ("the Brazilian president", date(2024, 6, 1), "Lula"),
    ("the Iranian foreign minister", date(2016, 6, 1), "Zarif"),
    ("the Iranian foreign minister", date(2022, 6, 1), "Abdollahian"),
    ("the Iranian foreign minister", date(2025, 6, 1), "Araghchi"),
    ("the Chinese foreign minister", date(2015, 6, 1), "Wang Yi"),
    ("the Chinese foreign minister", date(2023, 5, 1), "Qin Gang"),
    ("the Chinese foreign minister", date(2024, 6, 1), "Wang Yi"),
    ("the Turkish president", date(2010, 6, 1), "Gül"),
    ("the Turkish president", date(2016, 6, 1), "Erdoğan"),
    ("the Egyptian president", date(2005, 6, 1), "Mubarak"),
    ("the Egyptian president", date(2012, 10, 1), "Morsi"),
    ("the Egyptian president", date(2016, 6, 1), "Sisi"),
    ("the Kenyan president", date(2005, 6, 1), "Kibaki"),
    ("the Kenyan president", date(2015, 6, 1), "Kenyatta"),
    ("the Kenyan president", date(2023, 6, 1), "Ruto"),
    ("the South African president", date(2005, 6, 1), "Mbeki"),
    ("the South African president", date(2012, 6, 1), "Zuma"),
    ("the South African president", date(2020, 6, 1), "Ramaphosa"),
    ("the Israeli defense minister", date(2023, 6, 1), "Gallant"),
    ("the Israeli prime minister", date(2007, 6, 1), "Olmert"),
    ("the Israeli prime minister", date(2002, 6, 1), "Sharon"),
    ("the Pakistani prime minister", date(2014, 6, 1), "Nawaz Sharif"),
    ("the Pakistani prime minister", date(2019, 6, 1), "Imran Khan"),
    ("the Pakistani prime minister", date(2023, 3, 1), "Shehbaz Sharif"),
    ("the Italian prime minister", date(2005, 6, 1), "Berlusconi"),
    ("the Italian prime minister", date(2012, 6, 1), "Monti"),
    ("the Italian prime minister", date(2016, 6, 1), "Renzi"),
    ("the Italian prime minister", date(2021, 6, 1), "Draghi"),
    ("the Italian prime minister", date(2023, 6, 1), "Meloni"),
    ("the Spanish prime minister", date(2005, 6, 1), "Zapatero"),
    ("the Spanish prime minister", date(2014, 6, 1), "Rajoy"),
    ("the Spanish prime minister", date(2020, 6, 1), "Sánchez"),
    ("the Canadian prime minister", date(2005, 6, 1), "Martin"),
    ("the Canadian prime minister", date(2010, 6, 1), "Harper"),
    ("the Canadian prime minister", date(2020, 6, 1), "Trudeau"),
    ("the Mexican president", date(2005, 6, 1), "Fox"),
    ("the Mexican president", date(2010, 6, 1), "Calderón"),
    ("the Mexican president", date(2015, 6, 1), "Peña Nieto"),
    ("the Mexican president", date(2020, 6, 1), "López Obrador"),
    ("the Mexican president", date(2025, 6, 1), "Sheinbaum"),
    ("the Ukrainian president", date(2006, 6, 1), "Yushchenko"),
    ("the Ukrainian president", date(2012, 6, 1), "Yanukovych"),
    ("the Ukrainian president", date(2016, 6, 1), "Poroshenko"),
    ("the Ukrainian president", date(2022, 6, 1), "Zelensky"),
    ("the Ethiopian prime minister", date(2005, 6, 1), "Meles"),
    ("the Ethiopian prime minister", date(2015, 6, 1), "Hailemariam"),
    ("the Ethiopian prime minister", date(2020, 6, 1), "Abiy"),
    ("the Syrian president", date(2015, 6, 1), "Assad"),
    ("the Iraqi prime minister", date(2010, 6, 1), "Maliki"),
    ("the Saudi foreign minister", date(2010, 6, 1), "Saud al-Faisal"),
    ("the Indonesian president", date(2008, 6, 1), "Yudhoyono"),
    ("the Indonesian president", date(2018, 6, 1), "Widodo"),
    ("the Philippine president", date(2018, 6, 1), "Duterte"),
    ("the South Korean president", date(2019, 6, 1), "Moon"),
    ("the Australian prime minister", date(2009, 6, 1), "Rudd"),
    ("the Australian prime minister", date(2016, 6, 1), "Turnbull"),
    ("the Argentine president", date(2009, 6, 1), "Fernández de Kirchner"),
    ("the Argentine president", date(2017, 6, 1), "Macri"),
    ("the Venezuelan president", date(2005, 6, 1), "Chávez"),
    ("the US defense secretary", date(2002, 6, 1), "Rumsfeld"),
    ("the US defense secretary", date(2008, 6, 1), "Gates"),
    ("the US defense secretary", date(2014, 6, 1), "Hagel"),
    ("the US defense secretary", date(2016, 6, 1), "Carter"),
    ("the US defense secretary", date(2018, 6, 1), "Mattis"),
    ("the US defense secretary", date(2020, 6, 1), "Esper"),
    ("the US defense secretary", date(2022, 6, 1), "Austin"),
    ("the US defense secretary", date(2025, 6, 1), "Hegseth"),
    ("the British foreign secretary", date(2002, 6, 1), "Straw"),
    ("the British foreign secretary", date(2008, 6, 1), "Miliband"),
    ("the British foreign secretary", date(2012, 6, 1), "Hague"),
    ("the British foreign secretary", date(2015, 6, 1), "Hammond"),
    ("the British foreign secretary", date(2017, 6, 1), "Johnson"),
    ("the British foreign secretary", date(2020, 6, 1), "Raab"),
    ("the British foreign secretary", date(2022, 6, 1), "Truss"),
    ("the British foreign secretary", date(2023, 6, 1), "Cleverly"),
    ("the British foreign secretary", date(2024, 3, 1), "Cameron"),
    ("the Russian foreign minister", date(2003, 6, 1), "Ivanov"),
    ("the Russian foreign minister", date(2010, 6, 1), "Lavrov"),
    ("the German foreign minister", date(2003, 6, 1), "Fischer"),
    ("the German foreign minister", date(2007, 6, 1), "Steinmeier"),
    ("the German foreign minister", date(2011, 6, 1), "Westerwelle"),
    ("the German foreign minister", date(2019, 6, 1), "Maas"),
    ("the German foreign minister", date(2023, 6, 1), "Baerbock"),
    ("the French foreign minister", date(2013, 6, 1), "Fabius"),
    ("the French foreign minister", date(2019, 6, 1), "Le Drian"),
    ("the Israeli defense minister", date(2003, 6, 1), "Mofaz"),
    ("the Israeli defense minister", date(2008, 6, 1), "Barak"),
    ("the Israeli defense minister", date(2014, 6, 1), "Ya'alon"),
    ("the Israeli defense minister", date(2017, 6, 1), "Lieberman"),
    ("the Israeli defense minister", date(2021, 6, 1), "Gantz"),
    ("the Indian external affairs minister", date(2016, 6, 1), "Swaraj"),
    ("the Indian external affairs minister", date(2021, 6, 1), "Jaishankar"),
    ("the Iranian president", date(2003, 6, 1), "Khatami"),
    ("the Iranian president", date(2007, 6, 1), "Ahmadinejad"),
    ("the Iranian president", date(2015, 6, 1), "Rouhani"),
    ("the Iranian president", date(2022, 6, 1), "Raisi"),
    ("the Iranian president", date(2025, 6, 1), "Pezeshkian"),
    ("the Turkish foreign minister", date(2011, 6, 1), "Davutoglu"),
    ("the Turkish foreign minister", date(2017, 6, 1), "Cavusoglu"),
    ("the Turkish foreign minister", date(2024, 6, 1), "Fidan"),
    ("the Saudi foreign minister", date(2020, 6, 1), "Faisal bin Farhan"),
    ("the Japanese foreign minister", date(2014, 6, 1), "Kishida"),
    ("the US homeland security secretary", date(2006, 6, 1), "Chertoff"),
    ("the US homeland security secretary", date(2010, 6, 1), "Napolitano"),
    ("the US homeland security secretary", date(2015, 6, 1), "Johnson"),
    ("the US homeland security secretary", date(2022, 6, 1), "Mayorkas"),
    ("the Chinese president", date(2005, 6, 1), "Hu Jintao"),
    ("the Chinese president", date(2015, 6, 1), "Xi Jinping"),
    ("the Chinese premier", date(2005, 6, 1), "Wen Jiabao"),
    ("the Chinese premier", date(2015, 6, 1), "Li Keqiang"),
    ("the UN secretary-general", date(2005, 6, 1), "Annan"),
    ("the UN secretary-general", date(2010, 6, 1), "Ban Ki-moon"),
    ("the UN secretary-general", date(2020, 6, 1), "Guterres"),
    ("the NATO secretary general", date(2012, 6, 1), "Rasmussen"),
    ("the NATO secretary general", date(2018, 6, 1), "Stoltenberg"),
    ("the NATO secretary general", date(2025, 6, 1), "Rutte"),
    ("the Afghan president", date(2005, 6, 1), "Karzai"),
    ("the Afghan president", date(2016, 6, 1), "Ghani"),
    ("the Colombian president", date(2005, 6, 1), "Uribe"),
    ("the Colombian president", date(2015, 6, 1), "Santos"),
    ("the Colombian president", date(2020, 6, 1), "Duque"),
    ("the Colombian president", date(2023, 6, 1), "Petro"),
    ("the Polish prime minister", date(2010, 6, 1), "Tusk"),
    ("the Hungarian prime minister", date(2015, 6, 1), "Orb"),
    ("the Greek prime minister", date(2016, 6, 1), "Tsipras"),
    ("the Dutch prime minister", date(2015, 6, 1), "Rutte"),
    ("the Venezuelan president", date(2015, 6, 1), "Maduro"),
    ("the Cuban president", date(2015, 6, 1), "Raúl Castro"),
    ("the Bolivian president", date(2010, 6, 1), "Morales"),
]


@pytest.mark.parametrize(("phrase", "day", "expected"), HOLDERS)
def test_office_holders_across_the_world(resolver: ActorResolver, phrase: str, day: date, expected: str) -> None:
    found = one(resolver, phrase, resolver.new_document(day))
    assert found.kind == "person" and fold(expected) in fold(found.name), (phrase, day, found.name)


# --- speed (sanity only: no timing assertion) -----------------------------------------------------


def test_ten_thousand_lookups(resolver: ActorResolver) -> None:
    phrases = ["Hamas", "Israeli forces", "police", "Tehran", "Prime Minister Benjamin Netanyahu",
               "the Israeli government", "U.S. Secretary of State Antony Blinken", "Iran", "Lebanese citizens",
               "the Palestinian Authority leadership", "Arouri", "The two", "he", "Tovah Lazaroff"]
    doc = resolver.new_document(SAMPLE_DATE)
    doc.focus_country = "ISR"
    n = 0
    for i in range(10_000):
        n += len(resolver.resolve(phrases[i % len(phrases)], doc))
    assert n >= 10_000
    assert len(doc.recent) <= 50


def test_ethnic_groups_belong_where_they_live(resolver: ActorResolver) -> None:
    doc = resolver.new_document(SAMPLE_DATE)
    doc.focus_country = "MKD"
    minority = one(resolver, "ethnic Albanians", doc)
    assert (minority.country, minority.sector) == ("MKD", "CVL") and minority.evidence.startswith("ethnic:")
    assert one(resolver, "ethnic Turks in Germany", resolver.new_document(SAMPLE_DATE)).country == "DEU"
    # without "ethnic" a demonym is the country's people; with no other country it stays so
    assert one(resolver, "Albanians", doc).country == "ALB"
    assert one(resolver, "ethnic Albanians", resolver.new_document(SAMPLE_DATE)).country == "ALB"


def test_portfolio_titles_are_not_party_names(resolver: ActorResolver) -> None:
    minister = one(resolver, "Serbian Labour Minister Jovana Izmislic", resolver.new_document(SAMPLE_DATE))
    assert (minister.country, minister.sector, minister.name) == ("SRB", "GOV", "Jovana Izmislic")


def test_armed_forces_of_an_international_body_are_military(resolver: ActorResolver) -> None:
    troops = one(resolver, "NATO peacekeeping troops", resolver.new_document(SAMPLE_DATE))
    assert (troops.name, troops.kind, troops.sector, troops.code) == ("NATO", "igo", "MIL", "IGONAT")
    assert one(resolver, "UN peacekeepers", resolver.new_document(SAMPLE_DATE)).sector == "MIL"
    assert one(resolver, "the UN Security Council", resolver.new_document(SAMPLE_DATE)).sector == "IGO"
