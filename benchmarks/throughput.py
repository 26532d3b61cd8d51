"""Words per second of the whole `code` path against a bare spaCy `nlp.pipe` of the same texts.

Both are measured in the same run on the same texts, so the ratio is meaningful on a noisy
machine; the absolute figures are not. Results go to benchmarks/results/throughput.json.

    python benchmarks/throughput.py [--articles N] [--source reuters|examples]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import platform
import pstats
import re
import time
from pathlib import Path

from eventwire.config import Config
from eventwire.eval import find_data_dir
from eventwire.records import Article

HERE = Path(__file__).resolve().parent


def reuters_articles(limit: int) -> list[Article]:
    """Dated 1987 newswire bodies (research use only: read at run time, never copied)."""
    folder = find_data_dir() / "reuters21578"
    out: list[Article] = []
    for path in sorted(folder.glob("reut2-*.xml")):
        raw = path.read_bytes().decode("latin-1")
        for m in re.finditer(r"<REUTERS[^>]*NEWID=\"(\d+)\".*?<BODY>(.*?)</BODY>", raw, re.S):
            body = re.sub(r"&[a-z]+;|&#\d+;", " ", m.group(2)).replace("Reuter\n", "").strip()
            if len(body.split()) >= 60:
                out.append(Article(id=f"reuters-{m.group(1)}", text=body))
            if len(out) >= limit:
                return out
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--articles", type=int, default=400)
    ap.add_argument("--repeat", type=int, default=2, help="alternate bare/full runs this many times; best of each")
    ap.add_argument("--profile", action="store_true", help="also profile the full path and print the top functions")
    ap.add_argument("--out", type=Path, default=HERE / "results" / "throughput.json")
    args = ap.parse_args()

    from eventwire.pipeline import Pipeline

    articles = reuters_articles(args.articles)
    words = sum(len(a.text.split()) for a in articles)
    import spacy

    config = Config()
    pipe = Pipeline(config)
    bare_nlp = spacy.load(config.model_for("en"))  # the plain pipeline, without our components
    texts = [a.text for a in articles]
    list(bare_nlp.pipe(texts[:20]))  # warm up both paths
    list(pipe.code_articles(articles[:20]))

    bare, full = [], []
    events = 0
    for _ in range(args.repeat):
        t = time.perf_counter()
        for _doc in bare_nlp.pipe(texts, batch_size=config.batch_size):
            pass
        bare.append(time.perf_counter() - t)
        t = time.perf_counter()
        events = sum(len(c.events) for c in pipe.code_articles(articles))
        full.append(time.perf_counter() - t)
    result = {
        "articles": len(articles),
        "words": words,
        "events": events,
        "bare_spacy_words_per_s": round(words / min(bare), 1),
        "eventwire_code_words_per_s": round(words / min(full), 1),
        "ratio_code_to_bare": round(min(bare) / min(full), 3),
        "runs": {"bare_s": [round(x, 3) for x in bare], "full_s": [round(x, 3) for x in full]},
        "machine": {"python": platform.python_version(), "processor": platform.processor() or platform.machine()},
    }
    if args.profile:
        prof = cProfile.Profile()
        prof.enable()
        list(pipe.code_articles(articles))
        prof.disable()
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(25)
        result["profile_top"] = buf.getvalue().splitlines()[:60]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps({k: v for k, v in result.items() if k != "profile_top"}, indent=2))
    if args.profile:
        print("\n".join(result["profile_top"]))


if __name__ == "__main__":
    main()
