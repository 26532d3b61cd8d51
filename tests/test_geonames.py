"""`eventwire geo import`: a GeoNames dump in allCountries.txt format, streamed into the index."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eventwire.cli import app
from eventwire.geo import Gazetteer, load_gazetteer
from eventwire.geo import gazetteer as gazmod
from eventwire.geo import geonames as gn

SAMPLE = Path(__file__).parent / "data" / "geonames_sample.txt"


@pytest.fixture(scope="module")
def base_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("geonames-base")
    load_gazetteer(folder)  # one real build; copied into each test's folder below
    return folder


@pytest.fixture()
def cache(tmp_path: Path, base_dir: Path) -> Path:
    shutil.copy(base_dir / gazmod.CACHE_FILE, tmp_path / gazmod.CACHE_FILE)
    return tmp_path


@pytest.fixture()
def imported(cache: Path) -> tuple[gn.ImportResult, Gazetteer]:
    result = gn.import_geonames(SAMPLE, cache)
    return result, load_gazetteer.__wrapped__(cache)


def test_bad_lines_are_counted_and_named(imported: tuple[gn.ImportResult, Gazetteer]) -> None:
    result, _ = imported
    assert result.lines == 30
    assert result.error_count == 6 and len(result.errors) == 6
    reasons = "\n".join(result.errors)
    assert "line 22: expected 19 tab-separated fields, found 8" in reasons
    assert "line 23: latitude/longitude 'north'" in reasons
    assert "line 24: geonameid 'abc'" in reasons
    assert "line 25: latitude/longitude 95.0, 10.0 out of range" in reasons
    assert "line 26: population 'lots'" in reasons
    assert "line 30: invalid UTF-8" in reasons
    # kept out: a hotel (feature code not kept), a stream and a mountain with no other names
    assert result.skipped == 3
    assert result.updated == 1  # Paris, already in the built-in index
    assert result.imported == 30 - 6 - 3 - 1
    assert result.records > 200_000 and result.path.endswith(gn.IMPORT_FILE)


def test_places_only_in_the_dump_resolve(imported: tuple[gn.ImportResult, Gazetteer]) -> None:
    _, gz = imported
    harbour = gz.resolve("Port Zorvik", ner="GPE")  # an alternate name
    assert harbour is not None
    assert (harbour.name, harbour.geonameid, harbour.country, harbour.level) == ("Zorvik Harbour", 9990001, "FIN", "city")
    camp = gz.resolve("Nadira refugee camp", ner="FAC")
    assert camp is not None and (camp.geonameid, camp.country, camp.feature_class) == (9990007, "LBN", "S")
    assert gz.resolve("Velmora District", ner="GPE").feature_class == "A"
    assert gz.resolve("Ostrava-Zapad", ner="GPE").level == "sub-city"
    assert gz.resolve("Hotel Grandview Tarvaz", ner="FAC") is None  # feature code not kept
    assert gz.resolve("Nuevo Aldán", ner="GPE").country == "MEX"
    lutetia = gz.resolve("Lutetia", ner="GPE")  # a new name for a known place, not a new place
    assert lutetia is not None and lutetia.geonameid == 2988507
    assert gz.resolve("Beirut", ner="GPE").country == "LBN"  # built-in data kept


def test_default_gazetteer_unaffected(imported: tuple[gn.ImportResult, Gazetteer], base_dir: Path) -> None:
    plain = load_gazetteer.__wrapped__(base_dir)
    assert plain.resolve("Port Zorvik", ner="GPE") is None
    assert plain.resolve("Zorvik Harbour", ner="GPE") is None
    assert not (base_dir / gn.IMPORT_FILE).exists()
    _, merged = imported
    assert len(merged) > len(plain)


def test_stale_import_is_ignored(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    gn.import_geonames(SAMPLE, cache)
    key = gazmod._build_key()[0]
    assert gn.load_imported(cache, key) is not None
    assert gn.load_imported(cache, key + "-other-data") is None  # built-in data changed: re-import


def test_parse_line() -> None:
    cols = ["1", "Aa", "Aa", "Ab,Ac", "1.5", "-2.5", "P", "PPL", "FR", "", "11", "", "", "", "", "", "7", "X", "2024-01-01"]
    row = gn.parse_line("\t".join(cols) + "\n")
    assert (row.geonameid, row.population, row.alternates, row.admin1) == (1, 0, ("Ab", "Ac"), "11")
    with pytest.raises(ValueError, match="feature class"):
        gn.parse_line("\t".join(cols[:6] + ["PX"] + cols[7:]))
    with pytest.raises(ValueError, match="empty name"):
        gn.parse_line("\t".join(cols[:1] + [" "] + cols[2:]))


def test_cli_import(cache: Path) -> None:
    out = CliRunner().invoke(app, ["geo", "import", str(SAMPLE), "--cache-dir", str(cache), "--json"])
    assert out.exit_code == 1  # some lines were bad; the rest was imported
    assert '"imported": 20' in out.output and '"errors": 6' in out.output
    assert load_gazetteer.__wrapped__(cache).resolve("Quellmoor", ner="GPE").geonameid == 9990002
