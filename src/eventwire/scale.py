"""The Ray runner: the same stages as `eventwire ingest`, coded on a Ray cluster.

    driver: read -> skip stored ids -> stage a round of articles as Arrow blocks
    ray.data: map_batches(CodeBatch) on an actor pool, one Pipeline per actor -> one Parquet
              partition per batch (article fields after coding, mentions as JSON text, rejects)
    driver: partitions in input order, each as soon as those before it are in, while the workers go on
            coding -> store.write_batch (ids already stored skipped); the caller merges

Reading stays on the driver: the readers stream files, stdin and WARC archives that workers may not
see; reading text and JSONL costs little next to coding (~25 articles/s per core); and the store's
known ids must be dropped before any coding, which is what makes a re-run a resume.
The articles travel to the workers through Ray's object store, so the inputs need no shared file
system. The partitions do: a local folder for a one-machine Ray, an `s3://` / `gs://` URI (anything
`pyarrow.fs` opens) for a cluster. Each partition is named by the sequence number of its first
article, so the driver loads them in input order and the store ends with exactly the rows of an
in-process run (entity and place rows are first-written-wins, so order matters).

The input is coded a round (`round_size` articles) at a time, each round stored before the next is
read, so the driver holds one round in memory. A killed run loses only the partitions not yet stored;
stored articles are whole (one transaction per partition) and are skipped by the re-run.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import socket
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import date
from pathlib import Path
from typing import Any

from .config import Config
from .records import Article, Entity, EventMention, Place, ReadError, ResolvedDate, Span
from .store import IngestCounts, Store

ROUND_SIZE = 20_000  # articles staged, coded and loaded per round
ARTICLE_FIELDS = tuple(f.name for f in fields(Article))


# -- what a run reports beyond the ingest counts ----------------------------------------------------

@dataclass(slots=True)
class WorkerStats:
    """One Ray worker process, as it measured itself (peak RSS read from /proc inside the worker)."""

    host: str
    pid: int
    load_s: float  # loading the pipeline (spaCy, knowledge base, gazetteer) in this worker
    peak_rss: int  # bytes, VmHWM
    articles: int = 0
    code_s: float = 0.0  # wall time spent in map_batches calls
    cpu_s: float = 0.0  # CPU time of those calls (robust to other load on the machine)


@dataclass(slots=True)
class RayRun:
    counts: IngestCounts
    workers: list[WorkerStats] = field(default_factory=list)
    startup_s: float = 0.0  # ray.init (zero when Ray was already up)
    rounds: int = 0


# -- lossless transport of mentions ------------------------------------------------------------------
# EventMention.to_json is the public PLOVER record and from_json restores it; the record leaves out
# fields write_batch or a later stage may read (a place's feature class, entity scores' full precision),
# so the workers send every field instead.

def mention_to_json(m: EventMention) -> str:
    return json.dumps(asdict(m), ensure_ascii=False, default=_iso)


def mention_from_json(text: str) -> EventMention:
    d = json.loads(text)
    span = lambda s: Span(**s) if s else None  # noqa: E731
    entities = lambda es: [Entity(**{**e, "span": span(e["span"])}) for e in es]  # noqa: E731
    when = d["date"]
    return EventMention(**{
        **d, "trigger": Span(**d["trigger"]), "sentence": Span(**d["sentence"]),
        "actor": entities(d["actor"]), "recipient": entities(d["recipient"]),
        "date": ResolvedDate(**{**when, "date": _day(when["date"]), "end": _day(when["end"]),
                                "span": span(when["span"])}) if when else None,
        "place": Place(**d["place"]) if d["place"] else None, "place_span": span(d["place_span"]),
    })


def _iso(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot encode {type(value).__name__}")


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


# -- the worker side ---------------------------------------------------------------------------------

def _arrow_schemas() -> tuple[Any, Any]:
    """(staged articles, coded rows): the article fields plus a sequence number; coded rows add the
    mentions (a JSON array of `mention_to_json` texts) and a reject, set when coding the article failed."""
    import pyarrow as pa

    s = pa.string()
    article = [("seq", pa.int64()), *((n, pa.date32() if n == "date" else s) for n in ARTICLE_FIELDS)]
    coded = [*article, ("mentions", s), ("reject_stage", s), ("reject_reason", s), ("reject_record", s)]
    return pa.schema(article), pa.schema(coded)


def _peak_rss() -> int:
    """This process's peak resident set (bytes), from /proc; 0 where there is no /proc."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


class CodeBatch:
    """The map_batches callable: loads the pipeline once per worker, codes one batch of staged articles
    per call, writes them as one Parquet partition and returns a one-row summary of what it did."""

    def __init__(self, config: Config, stage: str):
        from .pipeline import Pipeline

        start = time.perf_counter()
        self.config = config
        self.pipeline = Pipeline(config)
        self.fs, self.stage = _filesystem(stage)
        self.load_s = time.perf_counter() - start

    def __call__(self, batch):
        import pyarrow as pa
        import pyarrow.parquet as pq

        from .pipeline import filter_events

        start, cpu = time.perf_counter(), time.process_time()
        _, coded_schema = _arrow_schemas()
        rows = batch.to_pylist()
        articles = [Article(**{n: r[n] for n in ARTICLE_FIELDS}) for r in rows]
        out = []
        # code_articles gives exactly one result per article, in order (all inputs here are articles)
        for row, article, result in zip(rows, articles, self.pipeline.code_articles(articles), strict=True):
            fields_ = {"seq": row["seq"], **{n: getattr(article, n) for n in ARTICLE_FIELDS}}
            if isinstance(result, ReadError):
                out.append({**fields_, "mentions": None, "reject_stage": result.stage,
                            "reject_reason": result.reason, "reject_record": result.record})
            else:  # the article as coded: a dateline may have given it its date
                events = distinct(filter_events(result.events, self.config))
                out.append({**fields_, **{n: getattr(result.article, n) for n in ARTICLE_FIELDS},
                            "mentions": json.dumps([mention_to_json(m) for m in events]),
                            "reject_stage": None, "reject_reason": None, "reject_record": None})
        name = partition_name(rows[0]["seq"])
        path = f"{self.stage}/{name}"
        tmp = f"{path}.{os.getpid()}.tmp"  # a retried batch rewrites the same partition whole
        with self.fs.open_output_stream(tmp) as fh:
            pq.write_table(pa.Table.from_pylist(out, schema=coded_schema), fh)
        self.fs.move(tmp, path)
        return pa.table({"partition": [name], "articles": [len(rows)], "host": [socket.gethostname()],
                         "pid": [os.getpid()], "load_s": [self.load_s], "peak_rss": [_peak_rss()],
                         "code_s": [time.perf_counter() - start], "cpu_s": [time.process_time() - cpu]})


def partition_name(first_seq: int) -> str:
    """A partition is named by its first article's sequence number: name order is input order."""
    return f"part-{first_seq:012d}.parquet"


def distinct(events: list[EventMention]) -> list[EventMention]:
    """One mention per id, the first kept: as the in-process ingest stores them."""
    seen: set[str] = set()
    return [e for e in events if not (e.id in seen or seen.add(e.id))]


def _filesystem(where: str) -> tuple[Any, str]:
    """A pyarrow file system and path for a local folder or a URI (s3://, gs://, hdfs://, file://)."""
    import pyarrow.fs as pafs

    if "://" in where:
        return pafs.FileSystem.from_uri(where)
    return pafs.LocalFileSystem(), str(Path(where).resolve())


# -- the driver side ---------------------------------------------------------------------------------

REMOTE_SUFFIXES = (".jsonl", ".txt", ".html", ".htm", ".rss", ".atom", ".warc", ".warc.gz")


def read_sources(sources: Iterable[str], config: Config) -> Iterator[Article | ReadError]:
    """`ingest.read_all`, and also URIs that `pyarrow.fs` opens (s3://bucket/news/, gs://..., hdfs://):
    a URI names a file or a folder (listed recursively, in name order), each file read by the reader
    its suffix names, so a cluster run reads its inputs where they lie."""
    from . import ingest as readers

    for src in sources:
        if "://" not in src:
            yield from readers.read_path(src, config)
            continue
        try:
            fs, path = _filesystem(src)
            info = fs.get_file_info(path)
            if info.type.name == "Directory":
                import pyarrow.fs as pafs

                found = fs.get_file_info(pafs.FileSelector(path, recursive=True))
                files = sorted(f.path for f in found if f.is_file and f.path.lower().endswith(REMOTE_SUFFIXES))
            elif info.type.name == "File":
                files = [path]
            else:
                yield ReadError(src, "read", "no such file or folder")
                continue
        except OSError as exc:
            yield ReadError(src, "read", f"cannot list: {exc}")
            continue
        scheme = src.split("://", 1)[0]
        for name in files:
            yield from _read_remote(fs, name, f"{scheme}://{name}", config)


def _read_remote(fs: Any, path: str, uri: str, config: Config) -> Iterator[Article | ReadError]:
    from . import ingest as readers

    lower = path.lower()
    try:
        with fs.open_input_stream(path) as fh:
            if lower.endswith((".warc", ".warc.gz")):
                yield from readers.read_warc(fh, uri, config)
                return
            raw = fh.read()
    except OSError as exc:
        yield ReadError(uri, "read", f"cannot read file: {exc}")
        return
    if lower.endswith((".rss", ".atom")):
        yield from readers.read_feed(raw, uri, config)
        return
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        yield ReadError(uri, "read", f"invalid UTF-8 at byte {exc.start}")
        return
    if lower.endswith(".jsonl"):
        yield from readers.read_jsonl_lines(text.splitlines(), uri, config)
    elif lower.endswith((".html", ".htm")):
        yield readers.read_html(text, source=uri, config=config)
    else:
        yield readers.read_text(text, id=Path(path).stem, source=uri, config=config)


@contextmanager
def ray_session(address: str | None = None, workers: int | None = None, *, quiet: bool = True) -> Iterator[float]:
    """Ray for the length of a run; yields the start-up seconds. An already initialised Ray is used
    as it is and left running; otherwise a local one with `workers` CPUs starts (no dashboard), or the
    cluster at `address` ("auto", "ray://host:10001", "host:6379") is joined, and left at the end."""
    import ray

    if ray.is_initialized():
        yield 0.0
        return
    start = time.perf_counter()
    quiet_args: dict[str, Any] = {"logging_level": logging.WARNING, "log_to_driver": False} if quiet else {}
    if address:
        ray.init(address=address, **quiet_args)
    else:
        ray.init(num_cpus=workers or os.cpu_count() or 1, include_dashboard=False, **quiet_args)
    try:
        yield time.perf_counter() - start
    finally:
        ray.shutdown()


def ingest_on_ray(store: Store, items: Iterable[Article | ReadError], config: Config, *, run_id: str,
                  address: str | None = None, workers: int | None = None, batch_size: int = 64,
                  round_size: int = ROUND_SIZE, stage: str | None = None,
                  progress: Callable[[int], None] | None = None,
                  on_reject: Callable[[ReadError], None] | None = None) -> RayRun:
    """`store.ingest` with the coding on Ray: the same rows in the store as the in-process run, for
    the same items and config (events kept as `filter_events(config)` keeps them). `workers` is the
    actor pool's size (default: the CPUs Ray has); `stage` where partitions go (default: a temporary
    local folder, enough for one machine; give shared storage for a cluster). The caller merges."""
    import ray

    if batch_size < 1 or round_size < 1:
        raise ValueError("batch_size and round_size must be at least 1")
    # every worker must read undated datelines against the same day, as one process would
    config = replace(config, n_process=1, reading_date=config.reading_date or date.today())
    tick = progress or (lambda n: None)
    run = RayRun(IngestCounts())
    stats: dict[tuple[str, int], WorkerStats] = {}
    with ray_session(address, workers) as startup_s, _stage_dir(stage, run_id) as stage_uri:
        run.startup_s = startup_s
        cpus = int(ray.cluster_resources().get("CPU", 0))
        pool = workers or max(1, cpus)
        if address is None and pool > cpus:  # a fixed pool larger than a local Ray would wait forever
            raise ValueError(f"{pool} Ray workers asked for, but this Ray has {cpus} CPUs")
        for staged, rejects in _rounds(items, store, run.counts, tick, round_size=round_size):
            for r in rejects:
                if on_reject is not None:
                    on_reject(r)
            if rejects:
                store.write_batch(run_id, [], rejects)
                run.counts.rejected += len(rejects)
                tick(len(rejects))
            if staged:
                for s in _run_round(store, run_id, staged, config, f"{stage_uri}/round-{run.rounds:06d}",
                                    run.counts, tick, on_reject, pool=pool, batch_size=batch_size):
                    _merge_stats(stats, s)
                run.rounds += 1
    run.workers = sorted(stats.values(), key=lambda w: (w.host, w.pid))
    return run


def _rounds(items: Iterable[Article | ReadError], store: Store, counts: IngestCounts, tick: Callable[[int], None],
            *, round_size: int) -> Iterator[tuple[list[Article], list[ReadError]]]:
    """The items in rounds of up to `round_size` articles still to code, and the read errors met on the
    way; articles stored already (or earlier in this run) are counted as skipped, a chunk of ids per
    look-up."""
    seen: set[str] = set()
    todo: list[Article] = []
    bad: list[ReadError] = []
    chunk: list[Article] = []

    def drain() -> None:
        known = store.known_ids([a.id for a in chunk])
        for a in chunk:
            counts.read += 1
            if a.id in known or a.id in seen:
                counts.skipped += 1
                tick(1)
            else:
                seen.add(a.id)
                todo.append(a)
        chunk.clear()

    for item in items:
        if isinstance(item, ReadError):
            bad.append(item)
            continue
        chunk.append(item)
        if len(chunk) >= min(256, round_size):
            drain()
            if len(todo) >= round_size:
                yield todo[:round_size], bad[:]
                del todo[:round_size]
                bad.clear()
    drain()
    while todo or bad:
        yield todo[:round_size], bad[:]
        del todo[:round_size]
        bad.clear()


def _run_round(store: Store, run_id: str, staged: list[Article], config: Config, stage: str,
               counts: IngestCounts, tick: Callable[[int], None],
               on_reject: Callable[[ReadError], None] | None, *, pool: int,
               batch_size: int) -> Iterator[dict[str, Any]]:
    """Code one round and store it; yields the workers' summary rows. Each partition is stored as soon
    as all before it are, so the driver writes while the workers code."""
    fs, folder = _filesystem(stage)
    fs.create_dir(folder, recursive=True)
    expected = [partition_name(i) for i in range(0, len(staged), batch_size)]
    done: set[str] = set()
    loaded = 0
    for summary in _code_round(staged, config, stage, pool=pool, batch_size=batch_size):
        yield summary
        done.add(summary["partition"])
        while loaded < len(expected) and expected[loaded] in done:
            _load_partition(store, run_id, fs, f"{folder}/{expected[loaded]}", counts, tick, on_reject)
            loaded += 1
    if loaded < len(expected):
        raise RuntimeError(f"Ray returned {loaded} of {len(expected)} partitions of {stage}")
    fs.delete_dir(folder)


def _code_round(articles: list[Article], config: Config, stage: str, *, pool: int,
                batch_size: int) -> Iterator[dict[str, Any]]:
    """Code one round on the actor pool, one block (and partition) per batch; yields a summary row
    per partition as it is written, in the order they finish."""
    import pyarrow as pa
    import ray.data

    ray.data.DataContext.get_current().enable_progress_bars = False  # the caller's bar tells the story
    logging.getLogger("ray.data").setLevel(logging.WARNING)  # no per-dataset start and finish lines
    article_schema, _ = _arrow_schemas()
    blocks = []  # one block per batch, so the pool's actors share the round
    for i in range(0, len(articles), batch_size):
        part = articles[i:i + batch_size]
        blocks.append(pa.Table.from_pylist([{"seq": i + j, **{n: getattr(a, n) for n in ARTICLE_FIELDS}}
                                            for j, a in enumerate(part)], schema=article_schema))
    ds = ray.data.from_arrow(blocks).map_batches(
        CodeBatch, fn_constructor_kwargs={"config": config, "stage": stage}, batch_size=batch_size,
        batch_format="pyarrow", compute=ray.data.ActorPoolStrategy(size=pool), num_cpus=1)
    yield from ds.iter_rows()


def _load_partition(store: Store, run_id: str, fs: Any, path: str, counts: IngestCounts,
                    tick: Callable[[int], None], on_reject: Callable[[ReadError], None] | None) -> None:
    """One partition into the store in one transaction; ids the store has meanwhile (another run)
    are skipped."""
    import pyarrow.parquet as pq

    with fs.open_input_file(path) as fh:
        rows = pq.read_table(fh).to_pylist()
    known = store.known_ids([r["id"] for r in rows if r["reject_stage"] is None])
    coded: list[tuple[Article, list[EventMention]]] = []
    bad: list[ReadError] = []
    for r in rows:
        if r["reject_stage"] is not None:
            bad.append(ReadError(r["reject_record"], r["reject_stage"], r["reject_reason"]))
            if on_reject is not None:
                on_reject(bad[-1])
        elif r["id"] in known:
            counts.skipped += 1
        else:
            events = [mention_from_json(m) for m in json.loads(r["mentions"])]
            coded.append((Article(**{n: r[n] for n in ARTICLE_FIELDS}), events))
            counts.mentions += len(events)
    if coded or bad:
        store.write_batch(run_id, coded, bad)
    counts.coded += len(coded)
    counts.rejected += len(bad)
    tick(len(rows))


@contextmanager
def _stage_dir(stage: str | None, run_id: str) -> Iterator[str]:
    """Where this run's partitions go: `<stage>/<run_id>`, or a temporary local folder; removed after."""
    if stage is None:
        folder = tempfile.mkdtemp(prefix="eventwire-ray-")
        try:
            yield folder
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    uri = f"{stage.rstrip('/')}/{run_id}"
    fs, path = _filesystem(uri)
    fs.create_dir(path, recursive=True)
    try:
        yield uri
    finally:
        fs.delete_dir(path)


def _merge_stats(stats: dict[tuple[str, int], WorkerStats], s: dict[str, Any]) -> None:
    key = (s["host"], s["pid"])
    w = stats.setdefault(key, WorkerStats(s["host"], s["pid"], s["load_s"], 0))
    w.peak_rss = max(w.peak_rss, s["peak_rss"])
    w.articles += s["articles"]
    w.code_s += s["code_s"]
    w.cpu_s += s["cpu_s"]
