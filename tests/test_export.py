"""GDELT 2.0 and POLECAT-layout rows, and the atomic TSV writer, on records built with our own types."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml

import eventwire
from eventwire.export import (GDELT_EVENT_COLUMNS, POLECAT_COLUMNS, country_names, fips_codes, gdelt_quad_class,
                              gdelt_row, known_group_code, polecat_row, write_tsv)
from eventwire.merge import merge_events
from eventwire.records import Article, Entity, EventMention, Place, ResolvedDate, Span

ADDED = datetime(2024, 3, 6, 14, 30, 15)
ISR_MIL = Entity("Israeli troops", "Israeli troops", kind="agent", country="ISR", sector="MIL", code="ISRMIL")
HAMAS = Entity("Hamas", "Hamas", kind="group", country="PSE", sector="REB", code="PSEREB", wikidata="Q38799")
JORDAN = Entity("Jordan", "Jordan", kind="state", country="JOR", code="JOR", wikidata="Q810")
UN = Entity("the UN", "United Nations", kind="igo", sector="IGO", code="IGOUNO", wikidata="Q1065")
JENIN = Place("Jenin", "Jenin", 293783, 32.4611, 35.3, "PSE", admin1="WE", level="city")
AUSTIN = Place("Austin", "Austin", 4671654, 30.2672, -97.7431, "USA", admin1="TX", level="city")
TEXAS = Place("Texas", "Texas", 4736286, 31.25, -99.25, "USA", admin1="TX", level="admin1")
EGYPT = Place("Egypt", "Egypt", 357994, 27.0, 30.0, "EGY", level="country")


def col(row: list[str], name: str, columns=GDELT_EVENT_COLUMNS) -> str:
    return row[columns.index(name)]


def mention(article: str = "a1", *, event: str = "ASSAULT", cameo: str | None = "190", quad: int = 4,
            goldstein: float | None = -10.0, actor=(ISR_MIL,), recipient=(HAMAS,), place: Place | None = JENIN,
            day: date | None = date(2024, 3, 5), precision: str = "day", sentence_index: int = 2,
            sentence_start: int = 120, text: str = "Israeli troops clashed with Hamas fighters in Jenin.",
            mode: str | None = None, context: tuple[str, ...] = ()) -> EventMention:
    dated = ResolvedDate(day, precision) if day or precision != "unknown" else None
    return EventMention(article_id=article, sentence_index=sentence_index, event=event, mode=mode,
                        trigger=Span(sentence_start + 15, sentence_start + 22, "clashed"),
                        sentence=Span(sentence_start, sentence_start + len(text), text),
                        actor=list(actor), recipient=list(recipient), context=list(context), quad_code=quad,
                        cameo=cameo, goldstein=goldstein, date=dated, place=place, confidence=0.8)


def record(m: EventMention, **extra) -> dict:
    """A mention-only record as the store hands it over."""
    return {**m.to_json(), "source_url": "https://example.org/a1", "date_added": ADDED, **extra}


# -- columns and reference data ---------------------------------------------------------------------


def test_gdelt_columns_are_the_61_of_the_codebook_in_order():
    geo = ["Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID"]
    expected = (["GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate"]
                + [f"Actor{i}{c}" for i in (1, 2) for c in
                   ["Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code",
                    "Religion2Code", "Type1Code", "Type2Code", "Type3Code"]]
                + ["IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
                   "NumMentions", "NumSources", "NumArticles", "AvgTone"]
                + [f"{who}Geo_{c}" for who in ("Actor1", "Actor2", "Action") for c in geo]
                + ["DATEADDED", "SOURCEURL"])
    assert list(GDELT_EVENT_COLUMNS) == expected and len(GDELT_EVENT_COLUMNS) == 61
    assert GDELT_EVENT_COLUMNS[25] == "IsRootEvent" and GDELT_EVENT_COLUMNS[-2] == "DATEADDED"


def test_polecat_columns():
    assert len(POLECAT_COLUMNS) == 40 and len(set(POLECAT_COLUMNS)) == 40
    assert POLECAT_COLUMNS[:7] == ("Event ID", "Event Date", "Event Type", "Event Mode", "Event Intensity",
                                   "Quad Code", "Contexts")
    assert POLECAT_COLUMNS[-2:] == ("Language", "Version")


def test_fips_codes_cover_every_country_of_the_knowledge_base():
    fips = fips_codes()
    data = Path(__file__).resolve().parents[1] / "src" / "eventwire" / "actors" / "data" / "countries.yaml"
    iso3s = [c["iso3"] for c in yaml.safe_load(data.read_text(encoding="utf-8"))["countries"]]
    assert [c for c in iso3s if c not in fips] == []
    # where FIPS and ISO part ways
    assert {k: fips[k] for k in ("DEU", "GBR", "ISR", "PSE", "CHN", "RUS", "USA", "IRQ", "AUT", "ESP", "SRB")} == {
        "DEU": "GM", "GBR": "UK", "ISR": "IS", "PSE": "WE", "CHN": "CH", "RUS": "RS", "USA": "US", "IRQ": "IZ",
        "AUT": "AU", "ESP": "SP", "SRB": "RI"}
    assert len(set(fips.values())) == len(fips)  # no two countries share a code
    with pytest.raises(TypeError):
        fips["XXX"] = "XX"  # shared read-only data


def test_quad_class_follows_the_cameo_root_as_gdelt_does():
    # REQUEST (PLOVER verbal conflict) from CAMEO 02 appeal is GDELT verbal cooperation
    assert gdelt_quad_class("023", 3) == 1
    # CONCEDE (PLOVER verbal cooperation) from CAMEO 08 is GDELT material cooperation
    assert gdelt_quad_class("08", 1) == 2
    assert gdelt_quad_class("042", 1) == 1
    assert gdelt_quad_class("0841", 2) == 2
    assert gdelt_quad_class("090", 3) == 3 and gdelt_quad_class("112", 3) == 3
    assert gdelt_quad_class("141", 4) == 4 and gdelt_quad_class("190", 4) == 4
    # no CAMEO code: the PLOVER quad, same numbering; nothing known: None
    assert gdelt_quad_class(None, 3) == 3
    assert gdelt_quad_class(None, 0) is None


def test_known_group_codes_from_the_kb_code_scheme():
    assert known_group_code("IGOUNO") == "UNO"
    assert known_group_code("IGOUNOPKO") == "UNO"
    assert known_group_code("IMGREBTIP") == "TIP"
    assert known_group_code("NGOHRW") == "HRW"
    assert known_group_code("IGOG07") == "G07"
    assert known_group_code("ISRMIL") == "" and known_group_code("PSEREB") == "" and known_group_code(None) == ""


# -- GDELT rows -------------------------------------------------------------------------------------------


def test_gdelt_row_of_a_merged_event():
    a = mention("a1")
    b = mention("a2", sentence_index=0, sentence_start=0)
    c = mention("a3", sentence_index=5)
    arts = [Article("a1", "x", date(2024, 3, 5), outlet="Daily One"), Article("a2", "y", date(2024, 3, 5),
            outlet="Daily Two"), Article("a3", "z", date(2024, 3, 6), outlet="Daily One")]
    (event,) = merge_events([(arts[0], [a]), (arts[1], [b]), (arts[2], [c])])
    rec = {**event.to_json(), "source_url": "https://example.org/a1", "date_added": ADDED}
    row = gdelt_row(rec, global_id=1001)
    assert row is not None and len(row) == 61
    g = dict(zip(GDELT_EVENT_COLUMNS, row))
    assert (g["GLOBALEVENTID"], g["SQLDATE"], g["MonthYear"], g["Year"]) == ("1001", "20240305", "202403", "2024")
    assert g["FractionDate"] == "2024.1781"  # 65th day / 365
    assert (g["Actor1Code"], g["Actor1Name"], g["Actor1CountryCode"], g["Actor1Type1Code"]) == (
        "ISRMIL", "ISRAELI TROOPS", "ISR", "MIL")
    assert (g["Actor2Code"], g["Actor2Name"], g["Actor2CountryCode"], g["Actor2Type1Code"]) == (
        "PSEREB", "HAMAS", "PSE", "REB")
    assert g["Actor1KnownGroupCode"] == "" and g["AvgTone"] == "" and g["Actor1Religion1Code"] == ""
    assert (g["EventCode"], g["EventBaseCode"], g["EventRootCode"], g["QuadClass"], g["GoldsteinScale"]) == (
        "190", "190", "19", "4", "-10")
    assert (g["NumMentions"], g["NumArticles"], g["NumSources"]) == ("3", "3", "2")
    # the representative mention (a1, sentence 2) is not its article's lede
    assert g["IsRootEvent"] == "0"
    assert g["DATEADDED"] == "20240306143015" and g["SOURCEURL"] == "https://example.org/a1"
    assert g["Actor1Geo_Type"] == "0" and g["Actor1Geo_CountryCode"] == "" and g["Actor2Geo_FullName"] == ""
    assert (g["ActionGeo_Type"], g["ActionGeo_FullName"], g["ActionGeo_CountryCode"], g["ActionGeo_ADM1Code"],
            g["ActionGeo_Lat"], g["ActionGeo_Long"], g["ActionGeo_FeatureID"]) == (
        "4", "Jenin, Palestine", "WE", "WE", "32.4611", "35.3", "293783")


def test_mention_only_record_counts_one_and_lede_is_root():
    row = gdelt_row(record(mention(sentence_index=0, sentence_start=0)), global_id=7)
    assert (col(row, "NumMentions"), col(row, "NumSources"), col(row, "NumArticles")) == ("1", "1", "1")
    assert col(row, "IsRootEvent") == "1"
    # the store's sentence_index column counts too, even where the text starts with a header
    row = gdelt_row(record(mention(sentence_index=0, sentence_start=40), sentence_index=0), global_id=7)
    assert col(row, "IsRootEvent") == "1"
    assert col(gdelt_row(record(mention()), global_id=7), "IsRootEvent") == "0"


def test_event_codes_keep_leading_zeros_and_roots_get_gdelt_form():
    row = gdelt_row(record(mention(event="CONSULT", cameo="042", quad=1, goldstein=1.9, mode="visit")),
                    global_id=1)
    assert (col(row, "EventCode"), col(row, "EventBaseCode"), col(row, "EventRootCode")) == ("042", "042", "04")
    assert (col(row, "QuadClass"), col(row, "GoldsteinScale")) == ("1", "1.9")
    row = gdelt_row(record(mention(event="RETREAT", cameo="0841", quad=2, goldstein=7.0)), global_id=1)
    assert (col(row, "EventCode"), col(row, "EventBaseCode"), col(row, "EventRootCode")) == ("0841", "084", "08")
    # a bare root, as the ontology's default codes are, is written "040" like GDELT's
    row = gdelt_row(record(mention(event="CONSULT", cameo="04", quad=1, goldstein=1.0)), global_id=1)
    assert (col(row, "EventCode"), col(row, "EventBaseCode"), col(row, "EventRootCode")) == ("040", "040", "04")
    # REQUEST coded from an appeal: GDELT's quad, not PLOVER's
    row = gdelt_row(record(mention(event="REQUEST", cameo="023", quad=3, goldstein=3.4)), global_id=1)
    assert col(row, "QuadClass") == "1"


def test_month_precision_is_the_first_day_and_vaguer_dates_have_no_row():
    row = gdelt_row(record(mention(day=date(2024, 2, 1), precision="month")), global_id=1)
    assert (col(row, "SQLDATE"), col(row, "MonthYear"), col(row, "FractionDate")) == ("20240201", "202402",
                                                                                      "2024.0877")
    assert gdelt_row(record(mention(day=None, precision="unknown")), global_id=1) is None
    assert gdelt_row(record(mention(day=date(2023, 1, 1), precision="year")), global_id=1) is None


def test_actors_igo_state_and_missing():
    row = gdelt_row(record(mention(event="REQUEST", cameo="020", quad=3, actor=[JORDAN], recipient=[UN])),
                    global_id=1)
    assert (col(row, "Actor1Code"), col(row, "Actor1Name"), col(row, "Actor1CountryCode"),
            col(row, "Actor1Type1Code")) == ("JOR", "JORDAN", "JOR", "")
    assert (col(row, "Actor2Code"), col(row, "Actor2Name"), col(row, "Actor2CountryCode"),
            col(row, "Actor2KnownGroupCode"), col(row, "Actor2Type1Code")) == (
        "IGOUNO", "UNITED NATIONS", "", "UNO", "IGO")
    row = gdelt_row(record(mention(recipient=[])), global_id=1)
    assert col(row, "Actor2Code") == col(row, "Actor2Name") == "" and len(row) == 61


def test_action_geo_types_and_codes():
    def geo(place):
        row = gdelt_row(record(mention(place=place)), global_id=1)
        return [col(row, f"ActionGeo_{c}") for c in ("Type", "FullName", "CountryCode", "ADM1Code", "FeatureID")]

    assert geo(EGYPT) == ["1", "Egypt", "EG", "EG", "EG"]
    assert geo(TEXAS) == ["2", "Texas, United States", "US", "USTX", "USTX"]
    assert geo(AUSTIN) == ["3", "Austin, United States", "US", "USTX", "4671654"]
    assert geo(Place("Bavaria", "Bavaria", 2951839, 48.9, 11.4, "DEU", admin1="02", level="admin1")) == [
        "5", "Bavaria, Germany", "GM", "GM02", "GM02"]
    assert geo(None) == ["0", "", "", "", ""]
    # FIPS splits Palestine: GeoNames' admin1 code says which part, WE without it
    assert geo(Place("Gaza", "Gaza", 281133, 31.5, 34.47, "PSE", admin1="GZ", level="city")) == [
        "4", "Gaza, Palestine", "GZ", "GZ", "281133"]
    assert geo(Place("Palestine", "Palestine", 6254930, 31.9, 35.2, "PSE", level="country"))[2:4] == ["WE", "WE"]
    # the region's name is added when the caller knows it
    row = gdelt_row(record(mention(place=AUSTIN)), global_id=1, admin1_names={("USA", "TX"): "Texas"})
    assert col(row, "ActionGeo_FullName") == "Austin, Texas, United States"


def test_date_added_is_written_in_utc():
    aware = datetime(2024, 3, 6, 16, 30, 15, tzinfo=timezone(timedelta(hours=2)))
    row = gdelt_row(record(mention(), date_added=aware), global_id=1)
    assert col(row, "DATEADDED") == "20240306143015"
    assert col(gdelt_row(record(mention(), date_added=None), global_id=1), "DATEADDED") == ""


# -- POLECAT rows --------------------------------------------------------------------------------------------


def test_polecat_row():
    m = mention(actor=[ISR_MIL, JORDAN], recipient=[HAMAS], context=("military", "territory"))
    row = polecat_row(record(m, outlets=["daily one", "daily two"], first_seen="2024-03-05"))
    p = dict(zip(POLECAT_COLUMNS, row))
    assert len(row) == 40
    assert (p["Event ID"], p["Event Date"], p["Event Type"], p["Event Intensity"], p["Quad Code"]) == (
        m.id, "2024-03-05", "ASSAULT", "-10", "4")
    assert p["Contexts"] == "military;territory"
    assert (p["Actor Name"], p["Actor Country"], p["Primary Actor Sector"], p["Actor Sectors"]) == (
        "Israeli troops;Jordan", "ISR;JOR", "MIL;", "MIL")
    assert p["Actor Name Raw"] == "Israeli troops;Jordan" and p["Wikipedia Actor ID"] == ";Q810"
    assert (p["Recipient Name"], p["Recipient Country"], p["Wikipedia Recipient ID"]) == ("Hamas", "PSE", "Q38799")
    assert (p["Placename"], p["City"], p["Country"], p["Latitude"], p["Longitude"], p["GeoNames ID"],
            p["Raw Placename"], p["Feature Type"]) == (
        "Jenin", "Jenin", "PSE", "32.4611", "35.3", "293783", "Jenin", "PPL")
    assert p["Source"] == "daily one;daily two" and p["Publication Date"] == "2024-03-05"
    assert p["Version"].startswith("eventwire ")


def test_polecat_keeps_undated_events_and_month_is_first_day():
    assert col(polecat_row(record(mention(day=None, precision="unknown"))), "Event Date", POLECAT_COLUMNS) == ""
    row = polecat_row(record(mention(day=date(2024, 2, 1), precision="month", place=TEXAS)))
    assert col(row, "Event Date", POLECAT_COLUMNS) == "2024-02-01"
    assert col(row, "Province", POLECAT_COLUMNS) == "Texas" and col(row, "City", POLECAT_COLUMNS) == ""
    # a mention-only record: its URL is the source
    assert col(row, "Source", POLECAT_COLUMNS) == "https://example.org/a1"


# -- writing ------------------------------------------------------------------------------------------------


def test_write_tsv_escapes_and_skips(tmp_path):
    out = tmp_path / "events.tsv"
    m = mention(text="Troops\tclashed\nwith fighters\r\nin Jenin.")
    rows = [polecat_row(record(m)), None, polecat_row(record(mention(event="PROTEST", cameo="141")))]
    assert write_tsv(out, POLECAT_COLUMNS, rows, header=True) == 2
    lines = out.read_text(encoding="utf-8").split("\n")
    assert lines[-1] == "" and len(lines) == 4  # header, two rows, final newline
    assert lines[0].split("\t") == list(POLECAT_COLUMNS)
    assert all(len(line.split("\t")) == 40 for line in lines[:-1])
    # a cell with a tab or line breaks stays one cell on one line
    gdelt = tmp_path / "gdelt.csv"
    rec = record(m, source_url="https://example.org/a\tb\nc")
    assert write_tsv(gdelt, GDELT_EVENT_COLUMNS, [gdelt_row(rec, global_id=1)], header=False) == 1
    (line,) = gdelt.read_text(encoding="utf-8").splitlines()
    cells = line.split("\t")
    assert len(cells) == 61 and cells[0] == "1"  # no header line
    assert cells[-1] == "https://example.org/a b c"


def test_write_tsv_is_atomic(tmp_path):
    out = tmp_path / "gdelt.csv"

    def failing():
        yield gdelt_row(record(mention()), global_id=1)
        raise RuntimeError("store went away")

    with pytest.raises(RuntimeError):
        write_tsv(out, GDELT_EVENT_COLUMNS, failing(), header=False)
    assert list(tmp_path.iterdir()) == []  # no file, no leftover temporary
    # an earlier export survives a failed rewrite untouched
    assert write_tsv(out, GDELT_EVENT_COLUMNS, [gdelt_row(record(mention()), global_id=1)], header=False) == 1
    before = out.read_bytes()
    with pytest.raises(RuntimeError):
        write_tsv(out, GDELT_EVENT_COLUMNS, failing(), header=False)
    assert out.read_bytes() == before and list(tmp_path.iterdir()) == [out]
    with pytest.raises(ValueError):
        write_tsv(out, GDELT_EVENT_COLUMNS, [["too", "short"]], header=False)
    assert out.read_bytes() == before


def test_country_names_are_the_kbs():
    names = country_names()
    assert names["PSE"] == "Palestine" and names["USA"] == "United States"


# -- end to end: the real pipeline's records -------------------------------------------------------------------

STORY = ("Turkish police detained dozens of protesters in Istanbul on Monday, officials said. "
         "The United Nations urged Turkey to release them.")


def test_rows_of_pipeline_output():
    events = eventwire.code_text(STORY, date="2024-05-07", id="export-story")
    rows = [gdelt_row({**e.to_json(), "source_url": "https://example.org/story", "date_added": ADDED},
                      global_id=i) for i, e in enumerate(events, start=1)]
    by_root = {col(r, "EventRootCode"): dict(zip(GDELT_EVENT_COLUMNS, r)) for r in rows if r}
    arrest = by_root["17"]  # coerce: arrest
    assert (arrest["SQLDATE"], arrest["Actor1Code"], arrest["Actor1Type1Code"], arrest["IsRootEvent"]) == (
        "20240506", "TURCOP", "COP", "1")
    assert (arrest["ActionGeo_Type"], arrest["ActionGeo_CountryCode"], arrest["QuadClass"]) == ("4", "TU", "4")
    assert arrest["ActionGeo_ADM1Code"].startswith("TU") and arrest["ActionGeo_FeatureID"].isdigit()
    appeal = by_root["02"]  # REQUEST from an appeal: PLOVER verbal conflict, GDELT verbal cooperation
    assert (appeal["Actor1Code"], appeal["Actor1KnownGroupCode"], appeal["Actor2CountryCode"]) == (
        "IGOUNO", "UNO", "TUR")
    assert (appeal["QuadClass"], appeal["IsRootEvent"]) == ("1", "0")
    assert all(len(polecat_row(e.to_json())) == 40 for e in events)
