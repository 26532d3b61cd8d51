"""The user's overlay: location, safe adding/replacing, listing, showing, and the `actors` CLI."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from eventwire.actors import ActorResolver, KnowledgeBase
from eventwire.actors.overlay import (
    add_entries,
    add_entry,
    default_overlay_path,
    list_actors,
    load_kb,
    organisation_entry,
    parse_role,
    person_entry,
    read_overlay,
    show_actor,
    sources,
)
from eventwire.cli import app

runner = CliRunner()
JANE = person_entry("Jane Fakename", aliases=["J. Fakename"], country="ISR", sector="ELI",
                    roles=["Foreign Minister:GOV:2030-01-01:2031-06-30"], wikidata="Q999999999")


def resolve(overlay: Path, text: str, day: date | None):
    resolver = ActorResolver(KnowledgeBase.load(overlay=overlay))
    return resolver.resolve(text, resolver.new_document(article_date=day, focus_country=None))


# --- location ---------------------------------------------------------------------------------


def test_default_location_comes_from_the_given_environment(tmp_path: Path) -> None:
    assert default_overlay_path({}, home=tmp_path) == tmp_path / ".config" / "eventwire" / "actors.yaml"
    assert default_overlay_path({"EVENTWIRE_ACTORS": str(tmp_path / "mine.yaml")}, home=tmp_path) == \
        tmp_path / "mine.yaml"
    assert default_overlay_path({"EVENTWIRE_ACTORS": "  "}, home=tmp_path).name == "actors.yaml"


def test_missing_overlay_means_the_builtin_data(tmp_path: Path) -> None:
    assert load_kb(tmp_path / "nothing.yaml").entries == KnowledgeBase.load().entries


# --- adding -----------------------------------------------------------------------------------


def test_role_spec_parsing() -> None:
    assert parse_role("Prime Minister:gov:2020-01-01:") == {"role": "Prime Minister", "sector": "GOV",
                                                            "start": "2020-01-01"}
    assert parse_role("Envoy:GOV") == {"role": "Envoy", "sector": "GOV"}
    with pytest.raises(ValueError, match="Title:SECTOR"):
        parse_role("just a title")


def test_add_then_the_resolver_uses_the_role_inside_its_dates_only(tmp_path: Path) -> None:
    overlay = tmp_path / "conf" / "actors.yaml"  # the folder does not exist yet
    assert add_entry(overlay, "people", JANE) == overlay
    doc = yaml.safe_load(overlay.read_text(encoding="utf-8"))
    assert doc["people"][0]["name"] == "Jane Fakename"
    inside = resolve(overlay, "Jane Fakename", date(2030, 5, 1))[0]
    assert (inside.name, inside.country, inside.sector, inside.code) == ("Jane Fakename", "ISR", "GOV", "ISRGOV")
    assert "Foreign Minister" in inside.evidence
    outside = resolve(overlay, "J. Fakename", date(2032, 1, 1))[0]
    assert (outside.name, outside.country, outside.sector) == ("Jane Fakename", "ISR", "ELI")
    assert not list(overlay.parent.glob(".*tmp")), "no temporary file is left behind"


def test_same_identity_replaces_instead_of_duplicating(tmp_path: Path) -> None:
    overlay = tmp_path / "actors.yaml"
    add_entry(overlay, "people", JANE)
    add_entry(overlay, "people", person_entry("Jane Fakename", country="JOR", sector="GOV"))
    add_entry(overlay, "organisations", organisation_entry("acme", "Acme Brigade", kind="group", sector="REB",
                                                           country="LBN"))
    add_entry(overlay, "organisations", organisation_entry("acme", "Acme Brigade", kind="group", sector="OPP",
                                                           country="LBN", aliases=["Acme"]))
    doc = read_overlay(overlay)
    assert [p["name"] for p in doc["people"]] == ["Jane Fakename"]
    assert doc["people"][0]["country"] == "JOR"
    assert len(doc["organisations"]) == 1 and doc["organisations"][0]["sector"] == "OPP"
    # an explicit id equal to the name's slug is the same person too
    add_entry(overlay, "people", person_entry("Jane Fakename", person_id="jane_fakename", country="ISR", sector="GOV"))
    assert len(read_overlay(overlay)["people"]) == 1


def test_overlay_entry_replaces_a_builtin_one(tmp_path: Path) -> None:
    overlay = tmp_path / "actors.yaml"
    add_entry(overlay, "organisations", organisation_entry("hezbollah", "Hezbollah", kind="group", sector="PTY",
                                                           country="LBN"))
    kb = KnowledgeBase.load(overlay=overlay)
    assert kb.organisations["hezbollah"].sector == "PTY"
    assert resolve(overlay, "Hezbollah", date(2024, 1, 1))[0].sector == "PTY"


@pytest.mark.parametrize(
    ("section", "entry", "field"),
    [
        ("people", {"name": "Bad Sector", "country": "ISR", "sector": "XYZ"}, "sector"),
        ("people", {"name": "Bad Country", "country": "XXX", "sector": "GOV"}, "country"),
        ("people", {"name": "Bad Date", "country": "ISR", "roles": [{"role": "Envoy", "sector": "GOV",
                                                                     "start": "2020-13-01"}]}, "date"),
        ("people", {"name": "Bad Wikidata", "country": "ISR", "sector": "GOV", "wikidata": "123"}, "wikidata"),
        ("people", {"name": "Bad Field", "country": "ISR", "sector": "GOV", "nickname": "BF"}, "nickname"),
        ("organisations", {"id": "bad", "name": "Bad Org", "kind": "club", "sector": "REB"}, "kind"),
        ("organisations", {"id": "bad", "name": "No Sector Org", "kind": "group", "sector": None}, "sector"),
    ],
)
def test_bad_entry_is_refused_naming_the_field_and_the_file_is_unchanged(tmp_path: Path, section: str,
                                                                         entry: dict, field: str) -> None:
    overlay = tmp_path / "actors.yaml"
    add_entry(overlay, "people", JANE)
    before = overlay.read_bytes()
    with pytest.raises(ValueError) as err:
        add_entry(overlay, section, entry)
    message = str(err.value)
    assert field in message and str(overlay) in message
    assert "eventwire-overlay-" not in message  # the temporary copy is not what the user sees
    assert overlay.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["actors.yaml"]


def test_bad_entry_never_creates_a_missing_overlay(tmp_path: Path) -> None:
    overlay = tmp_path / "actors.yaml"
    with pytest.raises(ValueError):
        add_entry(overlay, "people", {"name": "Nobody Known"})  # no sector, org or roles
    assert not overlay.exists()


def test_folder_overlay_gets_an_actors_file_and_is_validated_whole(tmp_path: Path) -> None:
    folder = tmp_path / "overlay.d"
    folder.mkdir()
    (folder / "orgs.yaml").write_text(
        "organisations:\n  - {id: acme, name: Acme Brigade, kind: group, country: LBN, sector: REB}\n", encoding="utf-8")
    written = add_entry(folder, "people", {"name": "Karim Fakename", "org": "acme"})  # refers to the other file
    assert written == folder / "actors.yaml"
    person = resolve(folder, "Karim Fakename", date(2024, 1, 1))[0]
    assert (person.country, person.sector) == ("LBN", "REB")
    with pytest.raises(ValueError, match="no_such_org"):
        add_entry(folder, "people", {"name": "Other Fakename", "org": "no_such_org"})


def test_agent_nouns_merge_by_sector_and_move_between_sectors(tmp_path: Path) -> None:
    overlay = tmp_path / "actors.yaml"
    add_entries(overlay, {"agents": [{"sector": "COP", "nouns": ["constables", "wardens"]}]})
    add_entries(overlay, {"agents": [{"sector": "COP", "nouns": ["constables", "beadles"]},
                                     {"sector": "MIL", "nouns": ["wardens"]}]})
    agents = {a["sector"]: a["nouns"] for a in read_overlay(overlay)["agents"]}
    assert agents == {"COP": ["constables", "beadles"], "MIL": ["wardens"]}
    kb = KnowledgeBase.load(overlay=overlay)
    assert any(h.type == "agent" and h.sector == "MIL" for h in kb.lookup("wardens"))


# --- listing and showing ----------------------------------------------------------------------


@pytest.fixture()
def jane_overlay(tmp_path: Path) -> Path:
    overlay = tmp_path / "actors.yaml"
    add_entry(overlay, "people", JANE)
    add_entry(overlay, "organisations", organisation_entry("acme", "Acme Brigade", kind="group", sector="REB",
                                                           country="LBN"))
    return overlay


def test_list_filters(jane_overlay: Path) -> None:
    kb, src = load_kb(jane_overlay), sources(jane_overlay)
    mine = list_actors(kb, src, overlay=True)
    assert {r.id for r in mine} == {"jane_fakename", "acme"}
    assert all(r.source == str(jane_overlay) for r in mine)
    assert [r.id for r in list_actors(kb, src, name="fakename", overlay=True)] == ["jane_fakename"]
    assert [r.id for r in list_actors(kb, src, name="J. FAKENAME")] == ["jane_fakename"]  # aliases, any case
    # country and sector also match dated roles
    assert "jane_fakename" in {r.id for r in list_actors(kb, src, kind="person", country="isr", sector="GOV")}
    groups = list_actors(kb, src, kind="group", country="LBN")
    assert "acme" in {r.id for r in groups} and all(r.kind == "group" for r in groups)
    builtin = list_actors(kb, src, overlay=False, kind="country", name="Israel")
    assert [r.id for r in builtin] == ["ISR"] and builtin[0].source == "builtin:countries.yaml"
    assert {r.kind for r in list_actors(kb, src, kind="org")} <= {"igo", "organisation", "group"}


def test_show_gives_fields_roles_source_and_dated_resolution(jane_overlay: Path) -> None:
    kb, src = load_kb(jane_overlay), sources(jane_overlay)
    shown = show_actor(kb, src, "J. Fakename", date(2030, 3, 1))
    (rec,) = shown.records
    assert rec["id"] == "jane_fakename" and rec["source"] == str(jane_overlay) and rec["overlay"] is True
    assert rec["wikidata"] == "Q999999999" and rec["aliases"] == ["J. Fakename"]
    assert rec["roles"] == [{"role": "Foreign Minister", "country": "ISR", "sector": "GOV",
                             "start": "2030-01-01", "end": "2031-06-30"}]
    assert shown.resolved[0]["sector"] == "GOV"
    assert show_actor(kb, src, "jane_fakename", date(2035, 1, 1)).resolved[0]["sector"] == "ELI"
    obama = show_actor(kb, src, "Barack Obama", date(2010, 1, 1))
    assert obama.records[0]["source"].startswith("builtin:people/") and obama.records[0]["overlay"] is False
    phrase = show_actor(kb, src, "Israeli police", date(2024, 1, 1))
    assert phrase.records == [] and phrase.resolved[0]["code"] == "ISRCOP"


# --- CLI --------------------------------------------------------------------------------------


def test_cli_add_list_show(tmp_path: Path) -> None:
    overlay = tmp_path / "mine.yaml"
    env = {"EVENTWIRE_ACTORS": str(overlay)}  # the default location
    result = runner.invoke(app, ["actors", "add", "--name", "Jane Fakename", "--alias", "J. Fakename",
                                 "--alias", "Janey Fakename", "--country", "isr", "--sector", "ELI",
                                 "--role", "Foreign Minister:GOV:2030-01-01:2031-06-30", "--wikidata", "Q999999999"],
                           env=env)
    assert result.exit_code == 0, result.output
    assert overlay.exists() and "Jane Fakename" in result.stderr
    result = runner.invoke(app, ["actors", "add", "--org-id", "acme", "--name", "Acme Brigade", "--kind", "group",
                                 "--country", "LBN", "--sector", "REB", "--overlay", str(overlay)])
    assert result.exit_code == 0, result.output

    result = runner.invoke(app, ["actors", "list", "--source", "overlay", "--format", "jsonl"], env=env)
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert {r["id"] for r in rows} == {"jane_fakename", "acme"}
    person = next(r for r in rows if r["id"] == "jane_fakename")
    assert person["aliases"] == ["J. Fakename", "Janey Fakename"] and person["overlay"] is True

    result = runner.invoke(app, ["actors", "list", "--name", "acme"], env=env)
    assert result.exit_code == 0 and "Acme Brigade" in result.stdout and "LBNREB" in result.stdout

    result = runner.invoke(app, ["actors", "show", "Janey Fakename", "--date", "2030-06-01"], env=env)
    assert result.exit_code == 0, result.output
    assert "Foreign Minister" in result.stdout and str(overlay) in result.stdout.replace("\n", "")
    assert "ISR GOV" in result.stdout
    result = runner.invoke(app, ["actors", "show", "Jane Fakename", "--date", "2033-01-01", "--format", "jsonl"],
                           env=env)
    assert json.loads(result.stdout)["resolved"][0]["sector"] == "ELI"

    result = runner.invoke(app, ["actors", "show", "Qwxzv Nobody"], env=env)
    assert result.exit_code == 1 and "no actor" in result.stderr
    result = runner.invoke(app, ["actors", "show", "Jane Fakename", "--date", "June 2030"], env=env)
    assert result.exit_code != 0


def test_cli_add_refuses_a_bad_entry_and_leaves_the_file(tmp_path: Path) -> None:
    overlay = tmp_path / "mine.yaml"
    assert runner.invoke(app, ["actors", "add", "--name", "Jane Fakename", "--country", "ISR", "--sector", "GOV",
                               "--overlay", str(overlay)]).exit_code == 0
    before = overlay.read_bytes()
    result = runner.invoke(app, ["actors", "add", "--name", "Jane Fakename", "--country", "ISR",
                                 "--role", "Envoy:GOV:2020-02-30:", "--overlay", str(overlay)])
    assert result.exit_code == 1
    assert "bad date" in result.stderr and "unchanged" in result.stderr
    result = runner.invoke(app, ["actors", "add", "--name", "Jane Fakename", "--role", "no-sector",
                                 "--overlay", str(overlay)])
    assert result.exit_code == 1 and "Title:SECTOR" in result.stderr
    assert overlay.read_bytes() == before


def test_code_uses_the_overlay_from_actors_or_the_default_location(tmp_path: Path) -> None:
    overlay = tmp_path / "mine.yaml"
    add_entry(overlay, "organisations", organisation_entry("zorvath", "Zorvath", kind="group", sector="REB",
                                                           country="SYR"))
    text = "date 2024-03-14\nZorvath fighters attacked police in Aleppo on Monday."
    for args, env in ((["code", "-"], {"EVENTWIRE_ACTORS": str(overlay)}),
                      (["code", "-", "--actors", str(overlay)], {"EVENTWIRE_ACTORS": str(tmp_path / "none.yaml")})):
        result = runner.invoke(app, args, input=text, env=env)
        assert result.exit_code == 0, result.output
        actor = json.loads(result.stdout.splitlines()[0])["actor"][0]
        assert (actor["name"], actor["kind"], actor["code"]) == ("Zorvath", "group", "SYRREB")
