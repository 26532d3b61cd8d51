"""Importing PETRARCH/TABARI dictionaries (tests/data/sample.actors and sample.agents, written for
these tests) into overlay entries, and the `eventwire actors import` command."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eventwire.actors import ActorResolver, KnowledgeBase
from eventwire.actors.overlay import add_entries, read_overlay, sources
from eventwire.actors.petrarch import (Conversion, convert_actors, convert_agents, convert_files, display_name,
                                       parse_code)
from eventwire.cli import app

DATA = Path(__file__).parent / "data"
ACTORS = DATA / "sample.actors"
AGENTS = DATA / "sample.agents"
runner = CliRunner()


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase.load()


@pytest.fixture(scope="module")
def conv(kb: KnowledgeBase) -> Conversion:
    src = sources(None)
    return convert_files([ACTORS, AGENTS], kb, lambda section, key: src.raw.get((section, key)))


def line_of(path: Path, marker: str) -> int:
    """1-based number of the first line containing marker (so the tests survive edits of the file)."""
    return next(n for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if marker in text)


def person(conv: Conversion, name: str) -> dict:
    return next(p for p in conv.people if p["name"] == name)


def resolve(kb: KnowledgeBase, text: str, day: date):
    resolver = ActorResolver(kb)
    return resolver.resolve(text, resolver.new_document(article_date=day, focus_country=None))[0]


# --- codes and names --------------------------------------------------------------------------


def test_code_parsing(kb: KnowledgeBase) -> None:
    c = parse_code("USAGOV 20090120-20170120", kb)
    assert (c.country, c.sector, c.start, c.end) == ("USA", "GOV", date(2009, 1, 20), date(2017, 1, 21))
    assert parse_code("USAELI >20170120", kb).start == date(2017, 1, 20)
    assert parse_code("COLMIL <20051231", kb).end == date(2006, 1, 1)  # limits are "or equal to"
    assert parse_code("AFGELI 320101-331108", kb).start == date(1932, 1, 1)  # YYMMDD
    assert parse_code("LBNGOV 180101-201231", kb).end == date(2021, 1, 1)
    assert (parse_code("ROMBUS", kb).country, parse_code("ROMBUS", kb).sector) == ("ROU", "BUS")  # legacy CAMEO
    assert (parse_code("IGOUNO", kb).country, parse_code("IGOUNO", kb).sector) == (None, "IGO")
    assert parse_code("IMGMUSREB", kb).sector == "REB"
    assert parse_code("SAUGOVROY", kb).sector == "GOV"
    assert parse_code("AFG", kb).sector is None
    for body, reason in [("XYZGOV", "unknown country code XYZ"), ("EURGOV", "region"),
                         ("USAGOV 2009-2017", "YYYYMMDD"), ("USAGOV 20170101-20090101", "ends before"),
                         ("USAGOV 20090230-20100101", "day is out of range"), ("USAQQQ", "no sector"),
                         ("US", "CAMEO actor code"), ("USAGOV 2009 2010", "expected")]:
        with pytest.raises(ValueError, match=reason):
            parse_code(body, kb)


def test_display_names() -> None:
    assert display_name("BARACK_HUSSEIN_OBAMA_") == "Barack Hussein Obama"
    assert display_name("BASHAR_AL-ASSAD_") == "Bashar al-Assad"
    assert display_name("AL-QAEDA") == "al-Qaeda"
    assert display_name("MOHAMMED_BIN_SALMAN") == "Mohammed bin Salman"
    assert display_name("NLF_") == "NLF" and display_name("PKK") == "PKK"
    assert display_name("SEAN_O'BRIEN") == "Sean O'Brien"


# --- the sample .actors file ------------------------------------------------------------------


def test_people_with_dated_roles_and_aliases(conv: Conversion) -> None:
    marta = person(conv, "Marta Kovalenko")
    assert marta["aliases"] == ["Marta Kovalenka"]
    assert (marta["country"], marta["sector"]) == ("UKR", "PTY")  # the undated code
    assert [(r["sector"], r.get("start"), r.get("end")) for r in marta["roles"]] == [
        ("LEG", "2010-01-01", "2015-01-01"), ("GOV", "2015-01-01", "2020-01-01"), ("OPP", "2020-01-01", None)]
    assert marta["roles"][0]["role"] == "UKRLEG (PETRARCH)"

    tomas = person(conv, "Tomas Alvarez Ruiz")
    assert tomas["roles"][0] == {"role": "COLMIL (PETRARCH)", "sector": "MIL", "end": "2006-01-01"}
    assert "sector" not in tomas and tomas["country"] == "COL"

    # two inline codes on the name line; YYMMDD dates on indented lines
    assert [r["sector"] for r in person(conv, "Junichi Hayashida")["roles"]] == ["GOV", "ELI"]
    lina = person(conv, "Lina Haddad")
    assert lina["aliases"] == ["Minister Haddad"] and lina["roles"][0]["start"] == "2018-01-01"


def test_extra_code_segments_and_legacy_countries(conv: Conversion) -> None:
    rashid = person(conv, "Rashid bin Farouk")
    # the full default code survives as an undated role listed after the dated ones
    assert rashid["roles"][-1] == {"role": "SAUGOVROY (PETRARCH)", "sector": "GOV", "code": "SAUGOVROY"}
    piotr = person(conv, "Piotr Nowakowski")
    assert (piotr["country"], piotr["sector"]) == ("ROU", "BUS") and "roles" not in piotr  # ROM -> ROU
    masri = person(conv, "Abu Khalil al-Masri")  # three names and no organisation word: a person
    assert "country" not in masri and masri["sector"] == "REB" and masri["roles"][0]["code"] == "IMGMUSREB"


def test_builtin_person_keeps_identity_and_takes_the_dictionary_dates(conv: Conversion) -> None:
    obama = person(conv, "Barack Obama")
    assert obama["wikidata"] == "Q76" and "id" not in obama
    assert {"Barack Hussein Obama", "President Obama"} <= set(obama["aliases"])
    assert [(r["sector"], r.get("start"), r.get("end")) for r in obama["roles"]] == [
        ("ELI", "1961-08-04", "2009-01-01"), ("GOV", "2009-01-20", "2017-01-21"), ("ELI", "2017-01-20", None)]


def test_organisations_and_country_aliases(conv: Conversion) -> None:
    orgs = {o["id"]: o for o in conv.organisations}
    assert orgs["northern_liberation_front"] == {"id": "northern_liberation_front", "name": "Northern Liberation Front",
                                                 "aliases": ["NLF"], "kind": "group", "sector": "REB", "country": "SDN"}
    assert orgs["zorvath"]["kind"] == "group"  # a one-word name is not a person
    assert (orgs["green_future_party"]["kind"], orgs["green_future_party"]["sector"]) == ("organisation", "PTY")
    assert orgs["world_water_fund"]["code"] == "NGOENV" and "country" not in orgs["world_water_fund"]
    un = orgs["un"]  # already known: keeps its id and wikidata, gains the new spelling
    assert (un["kind"], un["code"], un["wikidata"]) == ("igo", "IGOUNO", "Q1065")
    assert "The World Body" in un["aliases"] and "UN" in un["aliases"]
    (afg,) = conv.countries
    assert afg["iso3"] == "AFG" and afg["aliases"] == ["Afganistan"]  # Kabul is already the capital
    assert afg["capitals"] == ["Kabul"]  # the rest of the built-in entry is kept


def test_malformed_lines_are_errors_with_file_and_line(conv: Conversion) -> None:
    errors = {(i.file, i.line): i.message for i in conv.errors}
    f = str(ACTORS)
    expect = {
        "+ORPHAN_ALIAS_": "alias line before any actor",
        "KAREN_BELL_": "without a closing",
        "OLEG_SMIRNOV_": "YYYYMMDD",
        "DANA_KESSLER_": "unknown country code XYZ",
        "NOAH_FIELD_": "ends before it starts",
        "MAYA_ORTIZ_": "region",
        "[USA 20010101": "dated country code USA cannot be represented",
        "[USAGOV >2017012]": "YYYYMMDD",
        "DATELESS_PERSON_": "no usable code",
    }
    for marker, reason in expect.items():
        key = (f, line_of(ACTORS, marker))
        assert key in errors and reason in errors[key], (marker, errors.get(key))
    assert str(conv.errors[0]).startswith(f"{f}:{line_of(ACTORS, '+ORPHAN_ALIAS_')}: ")
    skipped = {i.line for i in conv.skipped if i.file == f}
    assert {line_of(ACTORS, "~GENERIC"), line_of(ACTORS, "{SYNONYM")} <= skipped
    # the lines after a broken name line still belong to it
    karen = person(conv, "Karen Bell")
    assert karen["roles"][0]["start"] == "2016-07-13"
    assert person(conv, "Oleg Smirnov")["roles"][0]["sector"] == "MIL"
    names = {p["name"] for p in conv.people}
    assert not names & {"Dana Kessler", "Noah Field", "Maya Ortiz", "Dateless Person", "Orphan Alias"}


# --- the sample .agents file ------------------------------------------------------------------


def test_agent_nouns(conv: Conversion) -> None:
    a = conv.agents
    assert a["COP"] == ["police officer", "police officers", "riot squad", "riot squads"]
    assert a["MIL"] == ["soldier", "soldiers", "troop"]  # {} means no plural
    assert a["REB"] == ["militiaman", "militiamen"]
    assert a["LEG"] == ["congressman", "congressmen", "congresswoman", "congresswomen"]  # !PERSON! expanded
    assert a["NGO"] == ["human rights activist", "human rights activists"]  # NGO~
    assert a["CVL"] == ["farmer", "farmers"]  # CAMEO AGR
    assert a["GOV"] == ["attorney general", "attorneys general"]
    assert a["OPP"] == ["parliamentary opposition"]
    skipped = {i.line: i.message for i in conv.skipped if i.file == str(AGENTS)}
    assert "!minist! is not defined" in skipped[line_of(AGENTS, "!minist!")]
    assert "already has sector MIL" in skipped[line_of(AGENTS, "SOLDIER [~REB]")]
    errors = {i.line: i.message for i in conv.errors if i.file == str(AGENTS)}
    assert set(errors) == {line_of(AGENTS, m) for m in ("GUNRUNNER", "BROKEN_LINE", "DIPLOMAT")}


def test_agent_marker_defined_later_in_the_file() -> None:
    out = Conversion()
    convert_agents(["!minist! [~GOV]", "!MINIST! = MINISTER, MINISTRY"], "x.agents", out)
    assert out.agents == {"GOV": ["minister", "ministry"]} and not out.skipped


def test_summary_counts(conv: Conversion) -> None:
    s = conv.summary()
    assert s["people"] == len(conv.people) >= 12
    assert s["organisations"] == 5 and s["countries"] == 1
    assert s["agent_nouns"] == sum(len(v) for v in conv.agents.values()) == 22
    assert s["errors"] == len(conv.errors) and s["skipped"] == len(conv.skipped)


# --- into the overlay and through the resolver ----------------------------------------------------


def test_imported_overlay_loads_and_resolves_by_date(conv: Conversion, tmp_path: Path) -> None:
    overlay = tmp_path / "actors.yaml"
    add_entries(overlay, conv.sections())
    kb = KnowledgeBase.load(overlay=overlay)
    assert resolve(kb, "Marta Kovalenka", date(2016, 5, 1)).code == "UKRGOV"
    assert resolve(kb, "Marta Kovalenko", date(2012, 5, 1)).sector == "LEG"
    assert resolve(kb, "Marta Kovalenko", date(2021, 5, 1)).sector == "OPP"
    assert resolve(kb, "President Obama", date(2010, 1, 1)).sector == "GOV"
    assert resolve(kb, "Barack Obama", date(2018, 1, 1)).sector == "ELI"
    assert resolve(kb, "Rashid bin Farouk", date(2016, 1, 1)).code == "SAUMIL"
    assert resolve(kb, "Rashid bin Farouk", date(2020, 1, 1)).code == "SAUGOVROY"
    nlf = resolve(kb, "the NLF", date(2020, 1, 1))
    assert (nlf.name, nlf.kind, nlf.code) == ("Northern Liberation Front", "group", "SDNREB")
    assert resolve(kb, "Afganistan", date(2020, 1, 1)).country == "AFG"
    assert any(h.type == "agent" and h.sector == "LEG" for h in kb.lookup("congresswomen"))
    # importing again changes nothing
    before = overlay.read_text(encoding="utf-8")
    src = sources(overlay)
    again = convert_files([ACTORS, AGENTS], kb, lambda section, key: src.raw.get((section, key)))
    add_entries(overlay, again.sections())
    assert overlay.read_text(encoding="utf-8") == before


# --- CLI ----------------------------------------------------------------------------------------


def test_cli_import_merges_into_the_overlay_and_reports(tmp_path: Path) -> None:
    overlay = tmp_path / "actors.yaml"
    overlay.write_text("people:\n  - {name: Jane Fakename, country: ISR, sector: GOV}\n", encoding="utf-8")
    result = runner.invoke(app, ["actors", "import", "--petrarch", str(ACTORS), "--petrarch", str(AGENTS),
                                 "--overlay", str(overlay), "--format", "jsonl"])
    assert result.exit_code == 1, result.output  # there were malformed lines
    summary = json.loads(result.stdout)
    assert summary["organisations"] == 5 and summary["agent_nouns"] == 22 and summary["errors"] >= 10
    assert summary["written"] == str(overlay)
    assert f"{ACTORS}:{line_of(ACTORS, 'DANA_KESSLER_')}: code XYZGOV: unknown country code XYZ" in \
        result.stderr.replace("\n", "")
    doc = read_overlay(overlay)
    names = [p["name"] for p in doc["people"]]
    assert names[0] == "Jane Fakename" and "Marta Kovalenko" in names  # merged, not replaced
    assert KnowledgeBase.load(overlay=overlay).people["marta_kovalenko"].country == "UKR"

    result = runner.invoke(app, ["actors", "import", "--petrarch", str(ACTORS), "--overlay", str(overlay)])
    assert "people" in result.stdout and "errors" in result.stdout  # the summary table
    assert len(read_overlay(overlay)["people"]) == len(doc["people"])  # no duplicates on re-import


def test_cli_import_to_output_file(tmp_path: Path) -> None:
    overlay, out = tmp_path / "actors.yaml", tmp_path / "converted.yaml"
    result = runner.invoke(app, ["actors", "import", "--petrarch", str(AGENTS), "--output", str(out),
                                 "--overlay", str(overlay)])
    assert not overlay.exists() and out.exists()
    assert set(read_overlay(out)) == {"agents"}
    assert "agent_nouns" in result.stdout
    bad = tmp_path / "dict.txt"
    bad.write_text("X [USAGOV]\n", encoding="utf-8")
    result = runner.invoke(app, ["actors", "import", "--petrarch", str(bad), "--overlay", str(overlay)])
    assert result.exit_code == 1 and "expected a .actors or .agents file" in result.stderr
    assert not overlay.exists()


def test_comments_are_not_entries(conv: Conversion) -> None:
    comment_lines = {line_of(ACTORS, "<!--"), line_of(ACTORS, "spanning two lines")}
    assert not [i for i in conv.errors + conv.skipped if i.file == str(ACTORS) and i.line in comment_lines]
    assert "Legacy Semicolon Comment" not in {p["name"] for p in conv.people}


def test_a_new_actor_never_takes_the_id_of_a_different_one(tmp_path: Path) -> None:
    overlay = tmp_path / "actors.yaml"
    overlay.write_text("organisations:\n  - {id: zorvath, name: Something Else, kind: group, sector: REB}\n",
                       encoding="utf-8")
    kb = KnowledgeBase.load(overlay=overlay)
    out = Conversion()
    convert_actors(["ZORVATH_ [SYRREB]"], "x.actors", kb, out)
    assert out.organisations[0]["id"] == "zorvath_2"
    add_entries(overlay, out.sections())
    assert {o for o in KnowledgeBase.load(overlay=overlay).organisations if o.startswith("zorvath")} == \
        {"zorvath", "zorvath_2"}
