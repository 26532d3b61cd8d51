"""The Ray runner on a real local Ray (2 CPUs) against the in-process ingest: the same store, table for
table, for the same input; re-runs and resumes add nothing twice."""

import json
import os
import random
import shutil
from pathlib import Path

import duckdb
import pytest

from eventwire.config import Config
from eventwire.ingest import read_all
from eventwire.pipeline import Pipeline, filter_events
from eventwire.records import Article, EventMention
from eventwire.scale import ingest_on_ray, mention_from_json, mention_to_json
from eventwire.store import ingest, open_store
from test_ingest_cli import COMPARED, _dump  # every table, without run ids and timestamps

ROOT = Path(__file__).resolve().parents[1]


# Stories written for these tests (not taken from any corpus).
PEOPLE = ["Police", "Kenyan troops", "The Egyptian government", "Hamas", "Turkish President Recep Tayyip Erdogan",
          "Protesters", "The European Union", "Israeli forces", "Georgian riot police", "The Jordanian king"]
DEEDS = ["arrested dozens of students", "accused the opposition of fraud", "met the Jordanian foreign minister",
         "threatened to close the border", "condemned the attack", "sent food aid to the refugees",
         "rallied against the new law", "fired on the crowd", "signed a trade agreement with Turkey",
         "demanded the release of the prisoners"]
PLACES = ["Nairobi", "Cairo", "Gaza", "Ankara", "Tbilisi", "Amman", "Istanbul", "Mombasa"]
OUTLETS = ["Test Wire", "Other Wire", "Third Herald"]
SYNDICATED = ("Kenyan police arrested 40 opposition supporters in Nairobi on Tuesday after a rally against the "
              "new tax law turned violent, a police spokesman said. The opposition condemned the arrests and "
              "demanded the release of its supporters. The government accused the opposition of organising the "
              "unrest.")


def _write_corpus(folder: Path) -> None:
    rng = random.Random(7)
    lines = []
    for i in range(28):
        sents = [f"{rng.choice(PEOPLE)} {rng.choice(DEEDS)} in {rng.choice(PLACES)} on "
                 f"{rng.choice(['Monday', 'Tuesday', 'Saturday'])}." for _ in range(rng.randint(3, 7))]
        lines.append({"id": f"s-{i:02d}", "date": f"2024-05-{1 + i % 20:02d}", "outlet": rng.choice(OUTLETS),
                      "url": f"https://news.example/{i}", "text": " ".join(sents)})
    for i, outlet in enumerate(OUTLETS):  # one story, three outlets: near-duplicates and a merged event
        lines.append({"id": f"syn-{i}", "date": "2024-05-14", "outlet": outlet, "text": SYNDICATED})
    lines.append(lines[3])  # the same article twice in one run: stored once
    body = "".join(json.dumps(r) + "\n" for r in lines)
    (folder / "wire.jsonl").write_text(body + "{not json\n", encoding="utf-8")
    # undated: the dateline gives the day while coding, in the worker
    (folder / "dateline.txt").write_text("CAIRO, May 13 (Test Wire) - Egyptian police arrested 12 protesters in "
                                        "Cairo on Sunday, the interior ministry said.", encoding="utf-8")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    # the project's own example: its background date ("decades ago") is what EventMention.from_json drops
    shutil.copy(ROOT / "examples" / "ministers-meet-amman.txt", folder)




CONFIG = Config(n_process=1)


def _items(folder: Path):
    return read_all([folder], CONFIG)


@pytest.fixture(scope="module")
def ray_local():
    try:
        import ray
    except ImportError:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip("ray is not installed (pip install 'eventwire[ray]')")
    os.environ.setdefault("RAY_AUTH_MODE", "disabled")  # a throwaway local cluster on 127.0.0.1
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level="warning")
    yield ray
    ray.shutdown()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    _write_corpus(folder)
    return folder


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline(CONFIG)


def _in_process(db: Path, items, pipeline: Pipeline):
    with open_store(db) as store:
        counts = ingest(store, items, pipeline.code_articles, run_id=store.start_run("test", {}),
                        keep=lambda events: filter_events(events, CONFIG), batch_size=5)
        store.merge()
    return counts


def _on_ray(db: Path, items, **kw):
    with open_store(db) as store:
        run = ingest_on_ray(store, items, CONFIG, run_id=store.start_run("test", {}), **kw)
        store.merge()
    return run


@pytest.fixture(scope="module")
def reference(corpus, pipeline, tmp_path_factory) -> tuple[Path, object]:
    db = tmp_path_factory.mktemp("local") / "local.duckdb"
    return db, _in_process(db, _items(corpus), pipeline)


def test_mentions_travel_whole(corpus, pipeline):
    """The worker-to-driver codec keeps every field of a mention; the PLOVER record (what the merge
    reads back from a store) survives its own round trip, but holds fewer fields (feature class, scores)."""
    articles = [a for a in _items(corpus) if isinstance(a, Article)]
    mentions = [m for c in pipeline.code_articles(articles) for m in c.events]
    assert len(mentions) > 40
    for m in mentions:
        assert mention_from_json(mention_to_json(m)) == m
    plover = [EventMention.from_json(m.to_json(), m.sentence_index) for m in mentions]
    assert [p.to_json() for p in plover] == [m.to_json() for m in mentions]
    assert sum(p != m for p, m in zip(plover, mentions)) >= 1  # why the codec exists: not every field is public


def test_ray_run_stores_what_the_in_process_run_stores(ray_local, corpus, reference, tmp_path):
    local_db, local_counts = reference
    db = tmp_path / "ray.duckdb"
    # small batches and rounds: several partitions per round, both actors busy, two rounds
    run = _on_ray(db, _items(corpus), workers=2, batch_size=4, round_size=20)
    expected = _dump(local_db)
    assert len(expected["articles"]) == 33 and len(expected["rejects"]) == 2
    assert len(expected["mentions"]) > 40 and expected["article_links"] and expected["events"]
    got = _dump(db)
    for table in COMPARED:
        assert got[table] == expected[table], table
    assert run.counts == local_counts
    assert run.counts.read == 34 and run.counts.skipped == 1 and run.counts.rejected == 2
    assert run.rounds == 2
    assert len(run.workers) >= 2 and sum(w.articles for w in run.workers) == 33  # actors start per round
    assert all(w.peak_rss > 100_000_000 and w.load_s > 0 for w in run.workers)  # each loaded a pipeline
    con = duckdb.connect(str(db), read_only=True)
    try:  # the dateline gave the undated story its day inside a worker, and the store has it
        assert con.execute("SELECT date_source FROM articles WHERE id = 'dateline'").fetchone()[0] == "dateline"
    finally:
        con.close()

    again = _on_ray(db, _items(corpus), workers=2, batch_size=4)  # a re-run codes nothing
    assert (again.counts.coded, again.counts.skipped, again.counts.mentions) == (0, 34, 0)
    assert _dump(db) == got


def test_ray_run_resumes_a_partial_store(ray_local, corpus, reference, pipeline, tmp_path):
    db = tmp_path / "resumed.duckdb"
    items = list(_items(corpus))
    first = _in_process(db, items[:12], pipeline)  # an earlier run stored (and merged) the first articles
    assert first.coded == 11
    stage = tmp_path / "stage"  # partitions through a URI, as on a cluster (s3://, gs://)
    run = _on_ray(db, items, workers=2, batch_size=8, stage=f"file://{stage}")
    assert run.counts.skipped == 12 and run.counts.coded == 22  # the 11 stored and the repeat; the rest
    assert _dump(db) == _dump(reference[0])
    assert stage.is_dir() and not any(stage.iterdir())  # the run's partitions are gone


def test_sources_read_through_pyarrow_fs_match_local_reading(corpus):
    """A URI source (file:// here; s3:// and gs:// on a cluster) gives the articles a path gives."""
    from eventwire.scale import read_sources

    def key(items):
        return [(a.id, a.text, a.date, a.outlet) if isinstance(a, Article) else (a.stage, a.reason) for a in items]

    local = list(_items(corpus))
    remote = list(read_sources([f"file://{corpus}", f"file://{corpus}/nothing-here"], CONFIG))
    assert key(remote[:-1]) == key(local) and len(local) == 36
    assert remote[-1].reason == "no such file or folder"
    assert [a.source for a in remote if isinstance(a, Article)][0] == f"file://{corpus}/dateline.txt"


def test_more_workers_than_local_cpus_is_a_clear_error(ray_local, corpus, tmp_path):
    with open_store(tmp_path / "x.duckdb") as store, pytest.raises(ValueError, match="3 Ray workers .* 2 CPUs"):
        ingest_on_ray(store, _items(corpus), CONFIG, run_id=store.start_run("test", {}), workers=3)


def test_cli_ingest_on_ray_stores_what_the_local_cli_ingest_stores(ray_local, corpus, tmp_path):
    from typer.testing import CliRunner

    from eventwire.cli import app

    runner = CliRunner()
    local, on_ray = tmp_path / "local.duckdb", tmp_path / "ray.duckdb"
    common = ["ingest", str(corpus), "--no-progress", "--batch-size", "4"]
    first = runner.invoke(app, [*common, "--db", str(local), "--workers", "1"])
    second = runner.invoke(app, [*common, "--db", str(on_ray), "--ray", "local", "--ray-workers", "2"])
    assert first.exit_code == second.exit_code == 1, (first.output, second.output)  # the bad JSON line
    assert "rejected" in second.stderr and _dump(on_ray) == _dump(local)
    bad = runner.invoke(app, ["ingest", str(corpus), "--ray", "--db", str(tmp_path / "x.duckdb")])
    assert bad.exit_code == 2 and not (tmp_path / "x.duckdb").exists()
