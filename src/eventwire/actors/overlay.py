"""A user's own actor dictionary: where it lives, adding to it safely, listing and showing actors.

The overlay is a YAML file (or a folder of them) in the packaged data's format; its entries win
over the built-in ones (see `KnowledgeBase.load`). Every change is validated by loading the
knowledge base on the changed copy before anything is written, and written atomically, so a bad
entry or a crash never leaves a broken or half-written dictionary behind.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from .kb import (
    SECTIONS,
    Country,
    KnowledgeBase,
    Organisation,
    Person,
    Term,
    overlay_docs,
    packaged_docs,
    read_yaml,
    fold,
    word_tokens,
)
from .resolve import ActorResolver

ENV_VAR = "EVENTWIRE_ACTORS"
# the section whose entries hold a list of nouns, and that list's field
_NOUN_FIELDS = {"agents": "nouns", "titles": "titles"}
_HEADER = ("# eventwire actor overlay: entries here win over the built-in knowledge base.\n"
           "# Written by `eventwire actors add/import`; the format is that of the packaged files\n"
           "# (src/eventwire/actors/data). Comments other than this header are not kept.\n")
BUILTIN = "builtin"


def default_overlay_path(env: Mapping[str, str], home: Path | None = None) -> Path:
    """$EVENTWIRE_ACTORS if set, else ~/.config/eventwire/actors.yaml (the caller passes the
    environment, so nothing here reads process state behind its back)."""
    value = env.get(ENV_VAR, "").strip()
    if value:
        return Path(value).expanduser()
    return (home if home is not None else Path.home()) / ".config" / "eventwire" / "actors.yaml"


def load_kb(overlay: Path | None) -> KnowledgeBase:
    """The merged knowledge base; a missing overlay simply means the built-in data."""
    if overlay is None or not overlay.exists():
        return KnowledgeBase.load()
    return KnowledgeBase.load(overlay=overlay)


# --- identity ---------------------------------------------------------------------------------


def slug(name: str) -> str:
    """The key a person without an explicit id is known by (as the loader derives it)."""
    return "_".join(fold(t) for t in word_tokens(name))


def identity(section: str, entry: Any) -> Any:
    """What makes two entries the same actor: person id or name slug, organisation id, iso3."""
    if not isinstance(entry, dict):
        return entry if isinstance(entry, str) else None
    if section == "people":
        return entry.get("id") or slug(str(entry.get("name", "")))
    if section == "organisations":
        return entry.get("id")
    if section == "countries":
        return entry.get("iso3")
    return entry.get("sector")


# --- reading and writing ----------------------------------------------------------------------


def target_file(overlay: Path) -> Path:
    """The file that changes are written to: the overlay itself, or actors.yaml inside a folder."""
    return overlay / "actors.yaml" if overlay.is_dir() else overlay


def read_overlay(path: Path) -> dict[str, list[Any]]:
    """One overlay file's sections ({} when it does not exist yet)."""
    if not path.exists():
        return {}
    doc = read_yaml(path.read_text(encoding="utf-8"), str(path))
    for section, items in doc.items():
        if not isinstance(items, list):
            raise ValueError(f"{path}: section '{section}' must be a list")
    return {s: list(v) for s, v in doc.items()}


def merge_entries(doc: Mapping[str, list[Any]], new: Mapping[str, Iterable[Any]]) -> dict[str, list[Any]]:
    """`doc` with `new` added: an entry with the identity of an existing one replaces it in place;
    agent/title nouns join their sector's entry and leave any other sector's entry."""
    out = {s: list(v) for s, v in doc.items()}
    for section, entries in new.items():
        if section not in SECTIONS:
            raise ValueError(f"unknown section {section!r} (known: {', '.join(SECTIONS)})")
        items = out.setdefault(section, [])
        for entry in entries:
            if section in _NOUN_FIELDS:
                _merge_nouns(items, entry, _NOUN_FIELDS[section])
                continue
            key = identity(section, entry)
            at = next((i for i, old in enumerate(items) if key is not None and identity(section, old) == key), None)
            if at is None:
                items.append(entry)
            else:
                items[at] = entry
    return {s: v for s, v in out.items() if v}


def _merge_nouns(items: list[Any], entry: Any, noun_field: str) -> None:
    if not isinstance(entry, dict) or not isinstance(entry.get(noun_field), list):
        items.append(entry)  # let the loader name what is wrong
        return
    nouns = [str(n) for n in entry[noun_field]]
    keys = {fold(n) for n in nouns}
    for old in items:
        if isinstance(old, dict) and isinstance(old.get(noun_field), list) and old.get("sector") != entry.get("sector"):
            old[noun_field] = [n for n in old[noun_field] if fold(str(n)) not in keys]
    same = next((o for o in items if isinstance(o, dict) and o.get("sector") == entry.get("sector")
                 and isinstance(o.get(noun_field), list)), None)
    if same is None:
        items.append({**entry, noun_field: list(dict.fromkeys(nouns))})
    else:
        have = {fold(str(n)) for n in same[noun_field]}
        same[noun_field] = same[noun_field] + [n for n in dict.fromkeys(nouns) if fold(n) not in have]
    items[:] = [o for o in items if not (isinstance(o, dict) and o.get(noun_field) == [])]


class _Dumper(yaml.SafeDumper):
    """Writes dates kept as text ("2009-01-20") unquoted, the way the packaged files spell them."""


_Dumper.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeDumper.yaml_implicit_resolvers.items()
}
_Dumper.add_representer(date, lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", v.isoformat()))


def dump_overlay(doc: Mapping[str, list[Any]]) -> str:
    body = yaml.dump({s: doc[s] for s in SECTIONS if doc.get(s)}, Dumper=_Dumper, sort_keys=False,
                     allow_unicode=True, default_flow_style=None, width=110)
    return _HEADER + (body if doc else "")


def validate(overlay: Path, target: Path, text: str) -> None:
    """Load the knowledge base with `target` (a file of `overlay`) replaced by `text`, in a
    temporary copy; raises ValueError naming the real file and the entry when it does not load."""
    with tempfile.TemporaryDirectory(prefix="eventwire-overlay-") as tmp:
        tmp_dir = Path(tmp)
        if overlay.is_dir():
            for f in [*overlay.glob("*.yaml"), *overlay.glob("*.yml")]:
                if f.name != target.name:
                    shutil.copyfile(f, tmp_dir / f.name)
            candidate, shown = tmp_dir, str(overlay)
        else:
            candidate, shown = tmp_dir / target.name, str(target)
        (tmp_dir / target.name).write_text(text, encoding="utf-8")
        try:
            KnowledgeBase.load(overlay=candidate)
        except ValueError as exc:
            raise ValueError(str(exc).replace(str(candidate), shown).replace(tmp, shown)) from None


def atomic_write(path: Path, text: str) -> None:
    """Temp file in the same folder, fsync, os.replace: readers see the old file or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        if path.exists():
            shutil.copymode(path, tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    try:  # make the rename itself durable where the platform allows it
        dir_fd = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def write_overlay(overlay: Path, doc: Mapping[str, list[Any]]) -> Path:
    """Validate `doc` as the overlay's target file, then write it atomically; returns the file."""
    target = target_file(overlay)
    if target.is_symlink():  # replace the file the link points to, not the link
        target = target.resolve()
    text = dump_overlay(doc)
    validate(overlay, target, text)
    atomic_write(target, text)
    return target


def add_entries(overlay: Path, new: Mapping[str, Iterable[Any]]) -> Path:
    """Merge entries (by section) into the overlay; nothing is written unless the result loads."""
    target = target_file(overlay)
    return write_overlay(overlay, merge_entries(read_overlay(target), new))


def add_entry(overlay: Path, section: str, entry: dict[str, Any]) -> Path:
    """Add or replace one entry (people, organisations, countries, agents, titles, non_actors)."""
    return add_entries(overlay, {section: [entry]})


def person_entry(name: str, *, aliases: Iterable[str] = (), country: str | None = None,
                 sector: str | None = None, roles: Iterable[str | Mapping[str, Any]] = (),
                 wikidata: str | None = None, person_id: str | None = None) -> dict[str, Any]:
    """A people entry; roles are mappings or "Title:SECTOR:START:END" (START/END may be empty)."""
    entry: dict[str, Any] = {"name": name}
    if person_id:
        entry["id"] = person_id
    if aliases:
        entry["aliases"] = list(dict.fromkeys(aliases))
    for key, value in (("country", country), ("sector", sector), ("wikidata", wikidata)):
        if value:
            entry[key] = value
    parsed = [dict(r) if isinstance(r, Mapping) else parse_role(r) for r in roles]
    if parsed:
        entry["roles"] = parsed
    return entry


def parse_role(spec: str) -> dict[str, Any]:
    """"Prime Minister:GOV:2020-01-01:2024-06-30" -> a role mapping (dates may be left empty)."""
    parts = [p.strip() for p in spec.split(":")]
    if len(parts) < 2 or len(parts) > 4 or not parts[0] or not parts[1]:
        raise ValueError(f"role {spec!r}: expected Title:SECTOR[:START[:END]]")
    role: dict[str, Any] = {"role": parts[0], "sector": parts[1].upper()}
    for key, value in zip(("start", "end"), parts[2:]):
        if value:
            role[key] = value
    return role


def organisation_entry(org_id: str, name: str, *, kind: str = "organisation", sector: str | None = None,
                       country: str | None = None, aliases: Iterable[str] = (), code: str | None = None,
                       wikidata: str | None = None) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": org_id, "name": name, "kind": kind, "sector": sector}
    if aliases:
        entry["aliases"] = list(dict.fromkeys(aliases))
    for key, value in (("country", country), ("code", code), ("wikidata", wikidata)):
        if value:
            entry[key] = value
    return entry


# --- where entries come from -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Sources:
    """Which file each country, organisation and person came from (overlay files win)."""

    files: dict[tuple[str, Any], str] = field(default_factory=dict)
    overlay: frozenset[tuple[str, Any]] = frozenset()
    raw: dict[tuple[str, Any], dict[str, Any]] = field(default_factory=dict)

    def file(self, section: str, key: Any) -> str:
        return self.files.get((section, key), "?")

    def from_overlay(self, section: str, key: Any) -> bool:
        return (section, key) in self.overlay


def sources(overlay: Path | None) -> Sources:
    files: dict[tuple[str, Any], str] = {}
    raw: dict[tuple[str, Any], dict[str, Any]] = {}
    over: set[tuple[str, Any]] = set()
    docs = [(f"{BUILTIN}:{name}", doc, False) for name, doc in packaged_docs()]
    if overlay is not None and overlay.exists():
        docs += [(name, doc, True) for name, doc in overlay_docs(overlay)]
    for file, doc, is_overlay in docs:
        for section in ("countries", "organisations", "people"):
            for entry in doc.get(section) or []:
                key = (section, identity(section, entry))
                if is_overlay or key not in over:
                    files[key] = file
                    if isinstance(entry, dict):
                        raw[key] = entry
                if is_overlay:
                    over.add(key)
    return Sources(files, frozenset(over), raw)


# --- listing ----------------------------------------------------------------------------------

ORG_KIND_FILTER = {"org": ("igo", "organisation", "group")}


@dataclass(frozen=True, slots=True)
class ActorRow:
    kind: str  # person, country, igo, organisation, group
    id: str
    name: str
    country: str | None
    sector: str | None
    code: str | None
    aliases: tuple[str, ...]
    source: str
    overlay: bool

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "id": self.id, "name": self.name, "country": self.country,
                "sector": self.sector, "code": self.code, "aliases": list(self.aliases),
                "source": self.source, "overlay": self.overlay}


def list_actors(kb: KnowledgeBase, src: Sources, *, kind: str | None = None, country: str | None = None,
                sector: str | None = None, name: str | None = None, overlay: bool | None = None) -> list[ActorRow]:
    """Entries of the merged knowledge base, filtered. `kind`: person, country, igo, organisation,
    group, or org (any organisation kind); `country`/`sector` also match dated roles and periods;
    `name` is a case- and accent-insensitive substring of the name or an alias; `overlay`: True
    only the user's entries, False only built-in ones."""
    kinds = ORG_KIND_FILTER.get(kind or "", (kind,) if kind else None)
    needle = " ".join(fold(t) for t in word_tokens(name)) if name else None
    rows: list[ActorRow] = []
    for row, countries, sectors in _all_rows(kb, src):
        if kinds and row.kind not in kinds:
            continue
        if country and country.upper() not in countries:
            continue
        if sector and sector.upper() not in sectors:
            continue
        if overlay is not None and row.overlay != overlay:
            continue
        if needle and not any(needle in " ".join(fold(t) for t in word_tokens(n)) for n in (row.name, *row.aliases)):
            continue
        rows.append(row)
    return rows


def _all_rows(kb: KnowledgeBase, src: Sources) -> Iterator[tuple[ActorRow, set[str | None], set[str | None]]]:
    for c in kb.countries.values():
        key = ("countries", c.iso3)
        yield (ActorRow("country", c.iso3, c.name, c.iso3, None, c.cameo, c.aliases, src.file(*key),
                        src.from_overlay(*key)), {c.iso3}, set())
    for o in kb.organisations.values():
        key = ("organisations", o.id)
        code = o.code or kb.code(o.country, o.sector)
        yield (ActorRow(o.kind, o.id, o.name, o.country, o.sector, code, o.aliases, src.file(*key),
                        src.from_overlay(*key)),
               {o.country, *(t.country for t in o.periods)}, {o.sector, *(t.sector for t in o.periods)})
    for p in kb.people.values():
        key = ("people", p.id)
        country, sector = p.country, p.sector
        if p.org and p.org in kb.organisations:
            org = kb.organisations[p.org]
            country, sector = country or org.country, sector or org.sector
        countries = {country, *(t.country for t in p.roles)}
        sectors = {sector, *(t.sector for t in p.roles)}
        for t in p.roles:
            if t.org and t.org in kb.organisations:
                countries.add(kb.organisations[t.org].country)
                sectors.add(kb.organisations[t.org].sector)
        yield (ActorRow("person", p.id, p.name, country, sector, kb.code(country, sector), p.aliases,
                        src.file(*key), src.from_overlay(*key)), countries, sectors)


# --- showing ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Shown:
    """One actor's record and how a name resolves on a date."""

    query: str
    day: date | None
    records: list[dict[str, Any]]
    resolved: list[dict[str, Any]]

    def to_json(self) -> dict[str, Any]:
        return {"query": self.query, "date": self.day.isoformat() if self.day else None,
                "records": self.records, "resolved": self.resolved}


def show_actor(kb: KnowledgeBase, src: Sources, query: str, day: date | None = None) -> Shown:
    """Every record the query names (an id, a name or an alias) and what the resolver makes of it
    on `day`, so a user sees both the data and its effect."""
    found: dict[tuple[str, str], Any] = {}
    for section, table in (("people", kb.people), ("organisations", kb.organisations), ("countries", kb.countries)):
        if query in table:
            found[(section, query)] = table[query]
    for hit in kb.lookup(query):
        if hit.type == "person" and hit.ref in kb.people:
            found.setdefault(("people", hit.ref), kb.people[hit.ref])
        elif hit.type == "org" and hit.ref in kb.organisations:
            found.setdefault(("organisations", hit.ref), kb.organisations[hit.ref])
        elif hit.type == "country" and hit.ref in kb.countries:
            found.setdefault(("countries", hit.ref), kb.countries[hit.ref])
    records = [_record(kb, section, obj, src) for (section, _), obj in found.items()]
    # an id ("jane_doe") is not a name: resolve the names it stands for instead
    texts = [query] if kb.lookup(query) or not found else list(dict.fromkeys(r["name"] for r in records))
    resolver = ActorResolver(kb)
    resolved = []
    for text in texts:
        entities = resolver.resolve(text, resolver.new_document(article_date=day, focus_country=None))
        resolved += [e.to_json() for e in entities if e.kind != "unresolved"]
    return Shown(query, day, records, resolved)


def _term(t: Term) -> dict[str, Any]:
    out = {"role": t.role, "country": t.country, "sector": t.sector, "org": t.org, "code": t.code,
           "start": t.start.isoformat() if t.start else None,
           "end": t.end.isoformat() if t.end else None}  # end exclusive, as in the data
    return {k: v for k, v in out.items() if v is not None}


def _record(kb: KnowledgeBase, section: str, obj: Person | Organisation | Country, src: Sources) -> dict[str, Any]:
    if isinstance(obj, Person):
        key = obj.id
        out: dict[str, Any] = {"kind": "person", "id": obj.id, "name": obj.name, "aliases": list(obj.aliases),
                               "country": obj.country, "sector": obj.sector, "org": obj.org,
                               "wikidata": obj.wikidata, "surnames": list(obj.surnames),
                               "roles": [_term(t) for t in obj.roles]}
    elif isinstance(obj, Organisation):
        key = obj.id
        out = {"kind": obj.kind, "id": obj.id, "name": obj.name, "aliases": list(obj.aliases),
               "country": obj.country, "sector": obj.sector, "code": obj.code or kb.code(obj.country, obj.sector),
               "wikidata": obj.wikidata, "periods": [_term(t) for t in obj.periods]}
    else:
        key = obj.iso3
        out = {"kind": "country", "id": obj.iso3, "name": obj.name, "iso2": obj.iso2, "cameo": obj.cameo,
               "aliases": list(obj.aliases), "demonyms": list(obj.demonyms), "capitals": list(obj.capitals),
               "seats": dict(obj.seats), "wikidata": obj.wikidata, "territory": obj.territory}
    out["source"] = src.file(section, key)
    out["overlay"] = src.from_overlay(section, key)
    return out
