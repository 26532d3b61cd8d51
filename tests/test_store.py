"""The DuckDB store on real files: migration from an empty file, the Python API, merging, summaries,
exports. The contract both backends keep (batches, rejects, runs, filters) is in test_store_backends.py,
run on DuckDB and PostgreSQL alike; its builders live here."""

from datetime import date, timedelta

import duckdb
import pytest

import eventwire
from eventwire.records import Article, Entity, EventMention, Place, ReadError, ResolvedDate, Span
from eventwire.store import SCHEMA_VERSION, DuckDBStore, Filter, open_store, schema_version

TABLES = {"schema_version", "runs", "articles", "mentions", "rejects", "events", "event_mentions", "entities",
          "mention_entities", "places", "article_links", "article_bands", "events_daily", "actors_yearly"}


def _mention(article_id: str, index: int, event: str, actor: Entity, recipient: Entity | None,
             day: date | None, place: Place | None = None) -> EventMention:
    return EventMention(
        article_id=article_id, sentence_index=index, event=event, mode=None,
        trigger=Span(10 * index, 10 * index + 5, "verbs"), sentence=Span(0, 40, "A sentence I wrote."),
        actor=[actor], recipient=[recipient] if recipient else [], quad_code=1, cameo="040", goldstein=1.0,
        date=ResolvedDate(day, "day" if day else "unknown"), place=place, confidence=0.8,
    )


HAMAS = Entity("Hamas", "Hamas", "group", "PSE", "REB", "PSEREB")
ISRAEL = Entity("Israel", "Israel", "state", "ISR", "GOV", "ISRGOV")
EGYPT = Entity("Cairo", "Egypt", "state", "EGY", "GOV", "EGYGOV")
GAZA = Place("Gaza", "Gaza", 281133, 31.5, 34.47, "PSE")
TEL_AVIV = Place("Tel Aviv", "Tel Aviv", 293397, 32.08, 34.78, "ISR")


def _batch():
    a1 = Article("a1", "Text one, written for this test.", date(2023, 5, 1), "field", outlet="Wire A")
    a2 = Article("a2", "Text two, written for this test.", date(2023, 6, 1), "field", outlet="Wire B")
    a3 = Article("a3", "Nothing happens in this one.", None)
    return [
        (a1, [_mention("a1", 0, "THREATEN", HAMAS, ISRAEL, date(2023, 5, 1), TEL_AVIV),
              _mention("a1", 1, "CONSULT", EGYPT, HAMAS, date(2023, 4, 30), GAZA)]),
        (a2, [_mention("a2", 0, "THREATEN", ISRAEL, HAMAS, date(2023, 6, 2), GAZA),
              _mention("a2", 2, "ACCUSE", HAMAS, None, None)]),
        (a3, []),
    ]


@pytest.fixture
def store(tmp_path):
    with DuckDBStore(tmp_path / "s.duckdb") as s:
        run = s.start_run("test", {"k": 1})
        s.write_batch(run, _batch(), [ReadError("bad.jsonl:3", "read", "invalid JSON")])
        yield s


def _tables(path) -> set[str]:
    con = duckdb.connect(str(path))
    try:
        return {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    finally:
        con.close()


def test_an_empty_file_is_migrated_from_version_0_and_reopening_keeps_data(tmp_path):
    path = tmp_path / "new.duckdb"
    duckdb.connect(str(path)).close()  # version 0: a DuckDB file with no tables
    assert _tables(path) == set()
    with open_store(path) as s:
        assert schema_version(s) == SCHEMA_VERSION == 3
        s.write_batch(s.start_run("test", {}), _batch()[:1], [])
    assert TABLES <= _tables(path)
    with open_store(str(path)) as s:  # re-open: nothing re-applied, rows still there
        assert s.con.execute("SELECT count(*) FROM schema_version").fetchone()[0] == 3
        assert [r["id"] for r in s.table("articles")] == ["a1"]
        assert len(s.table("mentions")) == 2




def test_unknown_store_urls_are_refused(tmp_path):
    with pytest.raises(ValueError, match="unsupported store"):
        open_store("mysql://x")






def test_python_api_open_and_query_df(store, tmp_path):
    path = store.path
    store.close()
    with eventwire.open(str(path)) as s:
        assert [r["event"] for r in s.query(actor="Israel", since="2023-06-01")] == ["THREATEN"]
        try:
            import pandas  # noqa: F401
        except ImportError:
            with pytest.raises(ImportError, match="pandas"):
                s.query_df(type="ACCUSE")
        else:
            df = s.query_df(type="ACCUSE")
            assert list(df["article_id"]) == ["a2"]








# -- merging into events -------------------------------------------------------------------------

def _report(aid: str, outlet: str, day: date, published: date, actor=HAMAS, recipient=ISRAEL, event="THREATEN",
            place=GAZA, text: str | None = None):
    art = Article(aid, text or f"Report {aid} written for this test by {outlet}.", published, "field", outlet=outlet,
                  url=f"https://{outlet.lower().replace(' ', '')}.example/{aid}")
    return art, [_mention(aid, 0, event, actor, recipient, day, place)]


def _stored_events(s) -> tuple[list, ...]:
    events = [{k: v for k, v in e.items() if k != "added"} for e in s.table("events")]
    return events, s.table("event_mentions"), s.table("events_daily"), s.table("actors_yearly")


def _summaries_agree_with_events(s) -> None:
    daily = s.con.execute("SELECT date, event, quad_code, count(*), sum(goldstein) FROM events "
                          "WHERE date IS NOT NULL GROUP BY ALL ORDER BY ALL").fetchall()
    assert daily == s.con.execute("SELECT day, event, quad_code, n, goldstein_sum FROM events_daily "
                                  "ORDER BY ALL").fetchall()
    yearly = s.con.execute("SELECT year(date), actor_id, count(*) FROM events WHERE date IS NOT NULL "
                           "AND actor_id IS NOT NULL GROUP BY ALL ORDER BY ALL").fetchall()
    assert yearly == s.con.execute("SELECT year, actor_id, n FROM actors_yearly ORDER BY ALL").fetchall()




def _chain():
    """Forty reports of one rolling event, two days apart: a component that spans 80 days."""
    start = date(2023, 1, 1)
    return [_report(f"c{i:02d}", f"Outlet {i % 5}", start + timedelta(days=2 * i), start + timedelta(days=2 * i))
            for i in range(40)]


def test_incremental_merges_in_any_order_equal_one_merge(tmp_path):
    batch = _chain() + [_report("x1", "Wire A", date(2023, 2, 1), date(2023, 2, 1), event="ACCUSE")]
    with DuckDBStore(tmp_path / "once.duckdb") as once:
        once.write_batch(once.start_run("test", {}), batch, [])
        once.merge()
        expected = _stored_events(once)
    with DuckDBStore(tmp_path / "steps.duckdb") as steps:
        run = steps.start_run("test", {})
        order = batch[::-1]  # the late end of the chain first, then its start arrives one by one
        for i in range(0, len(order), 7):
            steps.write_batch(run, order[i:i + 7], [])
            steps.merge()
            _summaries_agree_with_events(steps)  # after every step, not only at the end
        assert _stored_events(steps) == expected
    assert len({m["event_id"] for m in expected[1]}) == len(expected[0])


def test_syndicated_copies_are_linked(tmp_path):
    story = ("Officials in the capital said on Monday that talks between the two delegations had ended without "
             "agreement after three days, and that a new round would be held next month in a neutral city. ") * 3
    with DuckDBStore(tmp_path / "s.duckdb") as s:
        run = s.start_run("test", {})
        s.write_batch(run, [_report("s1", "Wire A", date(2023, 5, 1), date(2023, 5, 1), text=story)], [])
        s.merge()
        s.write_batch(run, [_report("s2", "Paper B", date(2023, 5, 1), date(2023, 5, 2), text=story + " Copyright B."),
                            _report("s3", "Paper C", date(2023, 5, 1), date(2023, 5, 2))], [])
        s.merge()
        links = s.table("article_links")
        assert [(r["article_id"], r["other_id"], r["kind"]) for r in links] == [("s1", "s2", "near-duplicate")]
        assert links[0]["score"] >= 0.7


def test_entities_and_places_are_tables_of_their_own(store):
    names = {r["name"]: r for r in store.table("entities")}
    assert set(names) == {"Hamas", "Israel", "Egypt"} and names["Egypt"]["code"] == "EGYGOV"
    places = {r["id"]: r["name"] for r in store.table("places")}
    assert places == {"gn:281133": "Gaza", "gn:293397": "Tel Aviv"}
    links = [r for r in store.table("mention_entities") if r["text"] == "Cairo"]
    assert len(links) == 1 and links[0]["role"] == "actor"


def test_gdelt_and_polecat_exports_of_merged_events(tmp_path):
    with DuckDBStore(tmp_path / "s.duckdb") as s:
        s.write_batch(s.start_run("test", {}), [_report("r1", "Wire A", date(2023, 5, 1), date(2023, 5, 1)),
                                                _report("r2", "Wire B", date(2023, 5, 2), date(2023, 5, 2))], [])
        s.merge()
        assert s.export(tmp_path / "g.tsv", "gdelt-tsv") == 1
        row = (tmp_path / "g.tsv").read_text().rstrip("\n").split("\t")
        assert len(row) == 61 and row[1] == "20230501" and row[5] == "PSEREB" and row[15] == "ISRGOV"
        assert row[26] == "040" and row[31:34] == ["2", "2", "2"]  # EventCode; NumMentions, NumSources, NumArticles
        assert row[-1].startswith("https://")
        assert s.export(tmp_path / "m.tsv", "gdelt-tsv", level="mentions") == 2
        assert s.export(tmp_path / "p.tsv", "polecat-tsv") == 1
        header, line = (tmp_path / "p.tsv").read_text().splitlines()
        cells = dict(zip(header.split("\t"), line.split("\t")))
        assert cells["Event Type"] == "THREATEN" and cells["Event Date"] == "2023-05-01" and cells["Actor Name"] == "Hamas"
        assert s.export(tmp_path / "e.jsonl", "plover-jsonl", level="events") == 1
        assert s.export(tmp_path / "none.csv", "csv", Filter(type="AID")) == 0
        assert (tmp_path / "none.csv").read_text().startswith('"id","article_id"')
