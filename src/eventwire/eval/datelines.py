"""Dateline dates on Reuters-21578: the day a story's dateline gives, its year read from a reading
day, against the story's own `<DATE>`. Checks `dates.dateline_date`, which dates stories that come
with no date of their own."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

from ..dates import dateline_date
from ..nlp import find_dateline

_DOC = re.compile(r"<REUTERS.*?</REUTERS>", re.S)
_DATE = re.compile(r"<DATE>\s*([^<.]+)")
_DATELINE = re.compile(r"<DATELINE>(.*?)</DATELINE>", re.S)
_BODY = re.compile(r"<BODY>(.*?)</BODY>", re.S)


def score(data_dir: Path, lag_days: int = 0) -> dict[str, object]:
    """`lag_days`: how long after publication the stories are read (the year must still come out right)."""
    counts: Counter[str] = Counter()
    for path in sorted((data_dir / "reuters21578").glob("reut2-*.xml")):
        raw = path.read_bytes().decode("latin-1")
        for doc in _DOC.findall(raw):
            d, dl, body = _DATE.search(doc), _DATELINE.search(doc), _BODY.search(doc)
            if not (d and dl and body):
                continue
            published = datetime.strptime(d.group(1).strip().split()[0], "%d-%b-%Y").date()
            line = find_dateline(dl.group(1).strip() + " " + body.group(1)[:200])
            counts["stories"] += 1
            if line is None or not line.date:
                counts["no dateline day"] += 1
                continue
            got: date | None = dateline_date(line.date, published + timedelta(days=lag_days))
            if got is None:
                counts["unparsed"] += 1
                continue
            delta = abs((published - got).days)
            counts["same day" if delta == 0 else "1-3 days off" if delta <= 3 else "more than 3 days off"] += 1
    dated = counts["stories"] - counts["no dateline day"]
    return {"lag_days": lag_days, **dict(counts), "same_day_share": round(counts["same day"] / dated, 4) if dated else None}
