"""The actor knowledge base: packaged YAML data, validated once and indexed for fast lookup.

The data lives in `data/*.yaml` so that users extend it without code (an overlay file of the
same format wins over the packaged entries). Everything here is built once per load and then
read only; the resolver scans phrases against the token n-gram indexes instead of running
regular expressions over thousands of names.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from ..cache import default_cache_dir, read_cached, write_cached

SECTORS = frozenset(
    "GOV MIL COP JUD LEG PTY REB INS OPP CVL BUS MED NGO IGO SPY EDU REL REF LAB HLH CRM ELI".split()
)
ORG_KINDS = frozenset({"igo", "organisation", "group"})
# load order matters: organisations refer to countries, people to both; every YAML file in a
# folder listed here is read in name order
FILES = ("countries.yaml", "organisations.yaml", "groups", "people", "agents.yaml")
SECTIONS = ("countries", "organisations", "people", "agents", "titles", "non_actors")

# Name particles that belong to a surname ("al-Arouri", "von der Leyen", "bin Salman").
PARTICLES = frozenset("al el bin ibn abu bint ben de da di du van von der den la le dos das ould".split())
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
_TOKEN = re.compile(r"\w+")
_QID = re.compile(r"^Q[1-9]\d*$")
_ISO3 = re.compile(r"^[A-Z]{3}$")
_ID = re.compile(r"^[a-z0-9_]+$")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")
_SHORT = 4  # names with fewer letters match case-sensitively ("US", "UN", "IS")



class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe YAML (libyaml when present) that keeps dates as text, so a bad date is reported
    with its entry by our own parser instead of failing inside the YAML library."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


# --- text normalisation shared with the resolver -------------------------------------------


def strip_accents(s: str) -> str:
    """Accent-free form, so "Erdoğan" and "Erdogan" share one key."""
    if s.isascii():
        return s
    decomposed = unicodedata.normalize("NFKD", s)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(s: str) -> str:
    """Case- and accent-insensitive form of a token."""
    return s.lower() if s.isascii() else strip_accents(s).casefold()


def word_tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def name_keys(text: str) -> tuple[str, str, bool]:
    """(case-sensitive key, folded key, is_short) for a name as written in the data."""
    toks = word_tokens(text)
    cs = " ".join(strip_accents(t) for t in toks)
    ci = " ".join(fold(t) for t in toks)
    letters = sum(len(t) for t in toks)
    return cs, ci, letters < _SHORT


def sorted_words(key: str) -> str:
    """A folded key with its words in order: the form token_sort_ratio compares."""
    return " ".join(sorted(key.split()))


# Offices that countries name differently: one key each, so "the British foreign minister" finds
# the Foreign Secretary and "India's home minister" the holder of the interior portfolio.
_OFFICE_SYNONYMS = {
    "foreign minister": ("foreign secretary", "minister of foreign affairs", "foreign affairs minister",
                         "external affairs minister", "secretary of state", "minister for foreign affairs"),
    "defense minister": ("defense secretary", "secretary of defense", "minister of defense", "war secretary",
                         "secretary of war", "minister for defense", "war minister"),
    "interior minister": ("home minister", "home secretary", "minister of interior", "minister of the interior",
                          "homeland security secretary", "secretary of homeland security", "home affairs minister",
                          "minister of home affairs", "public security minister", "minister of public security"),
    "prime minister": ("premier",),
}
_OFFICE_KEY = {alt: key for key, alts in _OFFICE_SYNONYMS.items() for alt in alts}


def norm_title(key: str) -> str:
    """Office names spelled either way, or named differently by country, meet in one key."""
    key = key.replace("defence", "defense")
    return _OFFICE_KEY.get(key, key)


def surname_keys(name: str) -> tuple[str, ...]:
    """Folded keys under which a later bare surname ("Arouri", "al-Arouri") finds the person."""
    toks = [fold(t) for t in word_tokens(name)]
    while toks and toks[-1] in _SUFFIXES:
        toks.pop()
    if len(toks) < 2 or len(toks[-1]) < 3:
        return ()
    keys = [toks[-1]]
    i = len(toks) - 1
    while i > 1 and toks[i - 1] in PARTICLES:
        i -= 1
        keys.append(" ".join(toks[i:]))
    return tuple(keys)


# --- records ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Term:
    """A dated role of a person, or a dated change in an organisation's standing."""

    start: date | None = None
    end: date | None = None  # exclusive
    role: str | None = None
    country: str | None = None
    sector: str | None = None
    org: str | None = None
    code: str | None = None

    def covers(self, day: date | None) -> bool:
        if day is None:
            return self.end is None
        return (self.start is None or self.start <= day) and (self.end is None or day < self.end)


@dataclass(frozen=True, slots=True)
class Country:
    iso3: str
    iso2: str
    name: str
    cameo: str
    wikidata: str | None = None
    aliases: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()
    capitals: tuple[str, ...] = ()
    seats: tuple[tuple[str, str], ...] = ()
    places: tuple[str, ...] = ()
    territory: bool = False


@dataclass(frozen=True, slots=True)
class Organisation:
    id: str
    name: str
    kind: str
    sector: str
    country: str | None = None
    code: str | None = None  # explicit code; None -> country code + sector
    wikidata: str | None = None
    aliases: tuple[str, ...] = ()
    periods: tuple[Term, ...] = ()


@dataclass(frozen=True, slots=True)
class Person:
    id: str
    name: str
    country: str | None = None
    sector: str | None = None
    org: str | None = None
    wikidata: str | None = None
    aliases: tuple[str, ...] = ()
    roles: tuple[Term, ...] = ()
    surnames: tuple[str, ...] = ()  # folded keys


@dataclass(frozen=True, slots=True)
class Hit:
    """What one indexed name stands for."""

    type: str  # country capital seat demonym place org person agent title block
    ref: str  # iso3, organisation id, person id, or "" for agent/title/block
    form: str  # the name as written in the data, for evidence strings
    sector: str | None = None  # seats, agents and titles
    plural: bool = False  # demonym used as a plural noun ("Israelis")
    overlay: bool = False


_HIT_ORDER = {"person": 0, "org": 1, "country": 2, "seat": 3, "capital": 4, "demonym": 5, "place": 6,
              "agent": 7, "title": 8, "block": 9}


# --- validation helpers -----------------------------------------------------------------------


class _Checker:
    """Collects the file/entry context so every error names where it came from."""

    def __init__(self, file: str, section: str, index: int, entry: Any) -> None:
        label = None
        if isinstance(entry, dict):
            label = entry.get("name") or entry.get("id") or entry.get("iso3") or entry.get("sector")
        self.where = f"{file}: {section} entry {index}" + (f" ({label})" if label else "")

    def fail(self, problem: str) -> ValueError:
        return ValueError(f"{self.where}: {problem}")

    def keys(self, entry: Any, allowed: set[str], required: Iterable[str]) -> dict[str, Any]:
        if not isinstance(entry, dict):
            raise self.fail("expected a mapping")
        unknown = set(entry) - allowed
        if unknown:
            raise self.fail(f"unknown field(s) {sorted(unknown)}")
        for key in required:
            if entry.get(key) in (None, ""):
                raise self.fail(f"missing '{key}'")
        return entry

    def text(self, entry: Mapping[str, Any], key: str) -> str | None:
        value = entry.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"'{key}' must be a non-empty string, got {value!r}")
        return value.strip()

    def texts(self, entry: Mapping[str, Any], key: str) -> tuple[str, ...]:
        value = entry.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(f"'{key}' must be a list of strings")
        return tuple(dict.fromkeys(v.strip() for v in value))

    def sector(self, value: Any, *, allow_none: bool = False) -> str | None:
        if value is None and allow_none:
            return None
        if value not in SECTORS:
            raise self.fail(f"unknown sector {value!r} (known: {' '.join(sorted(SECTORS))})")
        return value

    def wikidata(self, value: Any) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str) or not _QID.match(value):
            raise self.fail(f"wikidata must look like Q123, got {value!r}")
        return value

    def iso3(self, value: Any, known: Mapping[str, Any] | None = None) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str) or not _ISO3.match(value):
            raise self.fail(f"country must be an ISO3 code, got {value!r}")
        if known is not None and value not in known:
            raise self.fail(f"unknown country {value!r}")
        return value

    def day(self, value: Any, *, end: bool) -> date | None:
        """YYYY, YYYY-MM or YYYY-MM-DD; a partial end date means the end of that month/year."""
        if value is None:
            return None
        if isinstance(value, date):
            return value
        m = _DATE.match(str(value))
        if not m:
            raise self.fail(f"bad date {value!r} (use YYYY, YYYY-MM or YYYY-MM-DD)")
        y, mo, d = int(m[1]), m[2], m[3]
        try:
            if d:
                return date(y, int(mo), int(d))
            if mo:
                month = int(mo)
                if not end:
                    return date(y, month, 1)
                return date(y + 1, 1, 1) if month == 12 else date(y, month + 1, 1)
            return date(y + 1, 1, 1) if end else date(y, 1, 1)
        except ValueError as exc:
            raise self.fail(f"bad date {value!r}: {exc}") from None

    def terms(self, entry: Mapping[str, Any], key: str, countries: Mapping[str, Any],
              orgs: Mapping[str, Any] | None, default_country: str | None, *, need_role: bool) -> tuple[Term, ...]:
        raw = entry.get(key) or []
        if not isinstance(raw, list):
            raise self.fail(f"'{key}' must be a list")
        out = []
        for n, item in enumerate(raw):
            allowed = {"role", "country", "sector", "org", "start", "end", "code"}
            if not isinstance(item, dict) or set(item) - allowed:
                raise self.fail(f"{key}[{n}] must be a mapping with fields {sorted(allowed)}")
            org = item.get("org")
            if org is not None and (orgs is None or org not in orgs):
                raise self.fail(f"{key}[{n}]: unknown organisation id {org!r}")
            if org is None and item.get("sector") is None:
                raise self.fail(f"{key}[{n}]: needs a 'sector' or an 'org'")
            if need_role and not isinstance(item.get("role"), str):
                raise self.fail(f"{key}[{n}]: needs a 'role'")
            term = Term(
                start=self.day(item.get("start"), end=False),
                end=self.day(item.get("end"), end=True),
                role=item.get("role"),
                country=self.iso3(item.get("country"), countries) or (None if org else default_country),
                sector=self.sector(item.get("sector"), allow_none=True),
                org=org,
                code=item.get("code"),
            )
            if term.start and term.end and term.end <= term.start:
                raise self.fail(f"{key}[{n}]: end {term.end} is not after start {term.start}")
            out.append(term)
        return tuple(out)


def _slug(name: str) -> str:
    return "_".join(fold(t) for t in word_tokens(name))


# --- loading ----------------------------------------------------------------------------------


def read_yaml(text: str, file: str) -> dict[str, Any]:
    try:
        doc = yaml.load(text, Loader=_Loader)  # noqa: S506 (a safe loader)
    except (yaml.YAMLError, ValueError) as exc:
        raise ValueError(f"{file}: not valid YAML: {exc}") from None
    if doc is None:
        return {}
    if not isinstance(doc, dict) or set(doc) - set(SECTIONS):
        raise ValueError(f"{file}: expected a mapping with sections among {', '.join(SECTIONS)}")
    return doc


@functools.lru_cache(maxsize=1)
def _packaged_files() -> tuple[tuple[str, bytes], ...]:
    """The packaged data files in load order, as bytes (read once per process)."""
    data = resources.files("eventwire.actors").joinpath("data")
    out = []
    for name in FILES:
        node = data.joinpath(name)
        if node.is_dir():
            parts = sorted((f for f in node.iterdir() if f.name.endswith(".yaml")), key=lambda f: f.name)
            out.extend((f"{name}/{f.name}", f.read_bytes()) for f in parts)
        elif node.is_file():
            out.append((name, node.read_bytes()))
    return tuple(out)


@functools.lru_cache(maxsize=1)
def packaged_docs() -> tuple[tuple[str, dict[str, Any]], ...]:
    """The packaged YAML, parsed once per process (read-only afterwards)."""
    return tuple((name, read_yaml(raw.decode("utf-8"), name)) for name, raw in _packaged_files())


def _cache_key(extra: list[tuple[str, bytes]]) -> str:
    """Changes with the data, the overlay, and the code that builds the indexes from them."""
    h = hashlib.sha256(Path(__file__).read_bytes())
    for name, raw in (*_packaged_files(), *extra):
        h.update(name.encode() + b"\0" + hashlib.sha256(raw).digest())
    return f"eventwire-actors/{h.hexdigest()[:24]}"


def _overlay_files(path: Path) -> list[Path]:
    files = sorted(path.glob("*.yaml")) + sorted(path.glob("*.yml")) if path.is_dir() else [path]
    if not files:
        raise ValueError(f"{path}: no YAML files in overlay directory")
    return files


def overlay_docs(path: Path) -> list[tuple[str, dict[str, Any]]]:
    return [(str(f), read_yaml(f.read_text(encoding="utf-8"), str(f))) for f in _overlay_files(path)]


@dataclass(slots=True)
class _Raw:
    """One section entry with where it came from."""

    file: str
    index: int
    entry: Any
    overlay: bool


def _collect(docs: list[tuple[str, dict[str, Any]]], overlay: bool) -> dict[str, list[_Raw]]:
    out: dict[str, list[_Raw]] = {s: [] for s in SECTIONS}
    for file, doc in docs:
        for section, items in doc.items():
            if not isinstance(items, list):
                raise ValueError(f"{file}: section '{section}' must be a list")
            out[section].extend(_Raw(file, i, item, overlay) for i, item in enumerate(items))
    return out


def _merge(base: list[_Raw], over: list[_Raw], key: Callable[[_Raw], Any]) -> list[_Raw]:
    """Overlay entries replace built-ins with the same identity, then come first."""
    keys = {key(r) for r in over}
    return list(over) + [r for r in base if key(r) not in keys]


class KnowledgeBase:
    """Countries, organisations, people and generic agent nouns, with lookup indexes."""

    __slots__ = ("countries", "organisations", "people", "index_ci", "index_cs", "first_ci", "first_cs",
                 "surname_index", "offices", "fuzzy_keys", "fuzzy_hits", "fuzzy_lens", "_counts", "_agent_words", "_word_kinds")

    def __init__(self, raw: dict[str, list[_Raw]]) -> None:
        self.countries: dict[str, Country] = {}
        self.organisations: dict[str, Organisation] = {}
        self.people: dict[str, Person] = {}
        self.index_ci: dict[str, tuple[Hit, ...]] = {}
        self.index_cs: dict[str, tuple[Hit, ...]] = {}
        self.first_ci: dict[str, int] = {}
        self.first_cs: dict[str, int] = {}
        self.surname_index: dict[str, str] = {}
        self.offices: dict[tuple[str, str], tuple[tuple[Person, Term], ...]] = {}
        # fuzzy candidates per spaCy label ("" = any), sorted by length so a query only meets
        # names long enough to reach the ratio cut-off; keys are stored with their words sorted,
        # so a plain ratio equals token_sort_ratio without re-sorting every name on every lookup
        self.fuzzy_keys: dict[str, list[str]] = {}
        self.fuzzy_hits: dict[str, list[Hit]] = {}
        self.fuzzy_lens: dict[str, list[int]] = {}
        self._word_kinds: dict[str, frozenset[str]] = {}
        self._build(raw)

    # -- public API --------------------------------------------------------------------------

    @classmethod
    def load(cls, overlay: Path | str | None = None, *, cache_dir: Path | None = None) -> KnowledgeBase:
        """Packaged data plus an optional overlay (a YAML file, or a directory of them).

        An overlay has the packaged files' format: any of the sections countries, organisations,
        people, agents, titles, non_actors. Its entries replace packaged ones with the same
        identity (iso3, id, or a person's id/name) and win when a name means several things.
        Raises ValueError naming the file and entry when the data is inconsistent.

        The built indexes are cached as a pickle in `cache_dir` ($EVENTWIRE_CACHE or
        ~/.cache/eventwire), keyed by the data, the overlay and this module's code: parsing
        thousands of YAML entries takes about a second, loading the cache a fifth of that.
        """
        if overlay is None:
            return _builtin(cache_dir)
        path = Path(overlay)
        if not path.exists():
            raise ValueError(f"{path}: overlay not found")
        files = _overlay_files(path)
        key = _cache_key([(str(f), f.read_bytes()) for f in files])
        cache = Path(cache_dir if cache_dir is not None else default_cache_dir()) / "actors-overlay.pickle"
        kb = read_cached(cache, key, cls)
        if kb is None:
            kb = cls._merged(path)
            write_cached(cache, key, kb)
        return kb

    @classmethod
    def _merged(cls, path: Path) -> KnowledgeBase:
        base = _collect(list(packaged_docs()), overlay=False)
        over = _collect(overlay_docs(path), overlay=True)
        merged = {
            "countries": _merge(base["countries"], over["countries"], lambda r: _ident(r, "iso3")),
            "organisations": _merge(base["organisations"], over["organisations"], lambda r: _ident(r, "id")),
            "people": _merge(base["people"], over["people"], _person_ident),
            "agents": over["agents"] + base["agents"],
            "titles": over["titles"] + base["titles"],
            "non_actors": over["non_actors"] + base["non_actors"],
        }
        return cls(merged)

    @property
    def entries(self) -> int:
        """Number of countries, organisations and people."""
        return len(self.countries) + len(self.organisations) + len(self.people)

    def counts(self) -> dict[str, int]:
        return dict(self._counts)

    def country(self, iso3: str) -> Country | None:
        return self.countries.get(iso3)

    def organisation(self, org_id: str) -> Organisation | None:
        return self.organisations.get(org_id)

    def person(self, person_id: str) -> Person | None:
        return self.people.get(person_id)

    def country_by_name(self, text: str) -> str | None:
        """ISO3 for a country name, alias, demonym, capital, seat of power or main place."""
        toks = word_tokens(text)
        if toks and fold(toks[0]) == "the":
            toks = toks[1:]
        if not toks:
            return None
        hits = self.index_cs.get(" ".join(strip_accents(t) for t in toks), ()) + self.index_ci.get(
            " ".join(fold(t) for t in toks), ()
        )
        geo = [h for h in hits if h.type in ("country", "demonym", "capital", "seat", "place")]
        if not geo:
            return None
        return min(geo, key=_hit_rank).ref

    def agent_words(self) -> frozenset[str]:
        """One-word agent and title nouns, lower-case ("police", "troops", "minister"): lets a
        syntactic coder accept a common noun as an actor before it is resolved."""
        return self._agent_words

    def lookup(self, text: str) -> tuple[Hit, ...]:
        """Every indexed meaning of a whole name (for tests, debugging and other stages)."""
        cs, ci, short = name_keys(text)
        return self.index_cs.get(cs, ()) if short else self.index_ci.get(ci, ()) + self.index_cs.get(cs, ())

    def word_kinds(self, word: str) -> frozenset[str]:
        """What one word can stand for ("country", "demonym", "agent", ...): a feature for taggers
        that must not see the word itself. Memoised; the answers never change for a loaded KB."""
        kinds = self._word_kinds.get(word)
        if kinds is None:
            kinds = frozenset(h.type for h in self.lookup(word)) if word[:1].isalpha() else frozenset()
            if len(self._word_kinds) < 200_000:
                self._word_kinds[word] = kinds
        return kinds

    def code(self, country: str | None, sector: str | None) -> str | None:
        """CAMEO-style code: the country's code followed by the sector."""
        c = self.countries.get(country) if country else None
        out = (c.cameo if c else "") + (sector or "")
        return out or None

    # -- building ----------------------------------------------------------------------------

    def _build(self, raw: dict[str, list[_Raw]]) -> None:
        index: dict[str, dict[str, list[Hit]]] = {"ci": {}, "cs": {}}

        def add(name: str, hit: Hit, *, folded: bool | None = None) -> None:
            cs, ci, short = name_keys(name)
            if not ci:
                return
            use_cs = short if folded is None else not folded
            bucket = index["cs"] if use_cs else index["ci"]
            key = cs if use_cs else ci
            hits = bucket.setdefault(key, [])
            if not any(h.type == hit.type and h.ref == hit.ref and h.sector == hit.sector for h in hits):
                hits.append(hit)

        for r in raw["countries"]:
            self._add_country(r, add)
        orgs_raw = raw["organisations"]
        # organisations may refer to countries only; people refer to organisations
        for r in orgs_raw:
            self._add_org(r, add)
        for r in raw["people"]:
            self._add_person(r, add)
        seen_nouns: dict[tuple[str, str], str] = {}
        for section, field, htype in (("agents", "nouns", "agent"), ("titles", "titles", "title")):
            for r in raw[section]:
                self._add_nouns(r, section, field, htype, add, seen_nouns)
        for r in raw["non_actors"]:
            chk = _Checker(r.file, "non_actors", r.index, {})
            if not isinstance(r.entry, str) or not r.entry.strip():
                raise chk.fail("non_actors must be strings")
            add(r.entry, Hit("block", "", r.entry, overlay=r.overlay))

        for name in ("ci", "cs"):
            frozen = {k: tuple(sorted(v, key=_hit_rank)) for k, v in index[name].items()}
            first: dict[str, int] = {}
            for key in frozen:
                parts = key.split(" ")
                if len(parts) > first.get(parts[0], 0):
                    first[parts[0]] = len(parts)
            if name == "ci":
                self.index_ci, self.first_ci = frozen, first
            else:
                self.index_cs, self.first_cs = frozen, first

        self._agent_words = frozenset(
            key.lower() for bucket in (self.index_ci, self.index_cs) for key, hits in bucket.items()
            if " " not in key and any(h.type in ("agent", "title") for h in hits)
        )
        self._build_surnames()
        self._build_offices()
        self._build_fuzzy()
        self._counts = {
            "countries": len(self.countries),
            "organisations": len(self.organisations),
            "people": len(self.people),
            "agent_nouns": sum(1 for hs in self.index_ci.values() for h in hs if h.type == "agent")
            + sum(1 for hs in self.index_cs.values() for h in hs if h.type == "agent"),
            "titles": sum(1 for hs in self.index_ci.values() for h in hs if h.type == "title")
            + sum(1 for hs in self.index_cs.values() for h in hs if h.type == "title"),
        }

    def _add_country(self, r: _Raw, add) -> None:
        chk = _Checker(r.file, "countries", r.index, r.entry)
        e = chk.keys(r.entry, {"iso3", "iso2", "name", "cameo", "wikidata", "aliases", "demonyms", "capitals",
                               "seats", "places", "territory"}, ("iso3", "iso2", "name"))
        iso3 = chk.iso3(e["iso3"])
        assert iso3 is not None
        iso2 = e["iso2"]
        if not isinstance(iso2, str) or not re.match(r"^[A-Z]{2}$", iso2):
            raise chk.fail(f"iso2 must be two capital letters (quote it in YAML), got {iso2!r}")
        if iso3 in self.countries:
            raise chk.fail(f"duplicate country {iso3}")
        seats = e.get("seats") or {}
        if not isinstance(seats, dict):
            raise chk.fail("'seats' must map a name to a sector")
        c = Country(
            iso3=iso3,
            iso2=iso2,
            name=chk.text(e, "name") or iso3,
            cameo=chk.text(e, "cameo") or iso3,
            wikidata=chk.wikidata(e.get("wikidata")),
            aliases=chk.texts(e, "aliases"),
            demonyms=chk.texts(e, "demonyms"),
            capitals=chk.texts(e, "capitals"),
            seats=tuple((str(k), chk.sector(v) or "") for k, v in seats.items()),
            places=chk.texts(e, "places"),
            territory=bool(e.get("territory", False)),
        )
        self.countries[iso3] = c
        ov = r.overlay
        for n in (c.name, *c.aliases):
            add(n, Hit("country", iso3, c.name, overlay=ov))
        for d in c.demonyms:
            plural = (d.endswith("s") and not d.endswith("ss")) or d.endswith("men")
            add(d, Hit("demonym", iso3, d, plural=plural, overlay=ov))
            p = _plural(d)
            if p:
                add(p, Hit("demonym", iso3, p, plural=True, overlay=ov))
        for cap in c.capitals:
            add(cap, Hit("capital", iso3, cap, sector="GOV", overlay=ov))
        for seat, sector in c.seats:
            add(seat, Hit("seat", iso3, seat, sector=sector, overlay=ov))
        for place in c.places:
            add(place, Hit("place", iso3, place, overlay=ov))

    def _add_org(self, r: _Raw, add) -> None:
        chk = _Checker(r.file, "organisations", r.index, r.entry)
        e = chk.keys(r.entry, {"id", "name", "aliases", "kind", "country", "sector", "code", "wikidata", "periods"},
                     ("id", "name", "kind", "sector"))
        oid = e["id"]
        if not isinstance(oid, str) or not _ID.match(oid):
            raise chk.fail(f"id must be lower-case letters, digits and _, got {oid!r}")
        if oid in self.organisations:
            raise chk.fail(f"duplicate organisation id {oid!r}")
        if e["kind"] not in ORG_KINDS:
            raise chk.fail(f"kind must be one of {sorted(ORG_KINDS)}, got {e['kind']!r}")
        country = chk.iso3(e.get("country"), self.countries)
        o = Organisation(
            id=oid,
            name=chk.text(e, "name") or oid,
            kind=e["kind"],
            sector=chk.sector(e["sector"]) or "",
            country=country,
            code=chk.text(e, "code"),
            wikidata=chk.wikidata(e.get("wikidata")),
            aliases=chk.texts(e, "aliases"),
            periods=chk.terms(e, "periods", self.countries, None, None, need_role=False),
        )
        self.organisations[oid] = o
        for n in (o.name, *o.aliases):
            add(n, Hit("org", oid, o.name, overlay=r.overlay))

    def _add_person(self, r: _Raw, add) -> None:
        chk = _Checker(r.file, "people", r.index, r.entry)
        e = chk.keys(r.entry, {"id", "name", "aliases", "surnames", "country", "sector", "org", "wikidata", "roles"},
                     ("name",))
        name = chk.text(e, "name") or ""
        pid = e.get("id") or _slug(name)
        if not isinstance(pid, str) or not _ID.match(pid):
            raise chk.fail(f"id must be lower-case letters, digits and _, got {pid!r}")
        if pid in self.people:
            raise chk.fail(f"duplicate person id {pid!r} (give one of them an explicit id)")
        org = e.get("org")
        if org is not None and org not in self.organisations:
            raise chk.fail(f"unknown organisation id {org!r}")
        country = chk.iso3(e.get("country"), self.countries)
        sector = chk.sector(e.get("sector"), allow_none=True)
        if org is None and sector is None and not e.get("roles"):
            raise chk.fail("needs a 'sector', an 'org' or dated 'roles'")
        if "surnames" in e:
            surnames = tuple(" ".join(fold(t) for t in word_tokens(s)) for s in chk.texts(e, "surnames"))
        else:
            surnames = surname_keys(name)
        p = Person(
            id=pid,
            name=name,
            country=country,
            sector=sector,
            org=org,
            wikidata=chk.wikidata(e.get("wikidata")),
            aliases=chk.texts(e, "aliases"),
            roles=chk.terms(e, "roles", self.countries, self.organisations, country, need_role=True),
            surnames=surnames,
        )
        self.people[pid] = p
        for n in (p.name, *p.aliases):
            add(n, Hit("person", pid, p.name, overlay=r.overlay))

    def _add_nouns(self, r: _Raw, section: str, field: str, htype: str, add, seen: dict[tuple[str, str], str]) -> None:
        chk = _Checker(r.file, section, r.index, r.entry)
        e = chk.keys(r.entry, {"sector", field}, (field,))
        sector = chk.sector(e.get("sector"), allow_none=(htype == "title"))
        for noun in chk.texts(e, field):
            key = (htype, name_keys(noun)[1])
            if key in seen:
                if seen[key] == f"{r.overlay}":
                    raise chk.fail(f"'{noun}' is listed twice in {section}")
                continue  # an overlay noun already took this one
            seen[key] = f"{r.overlay}"
            # agent nouns are common words: fold case unless written with capitals ("MP", "CEO")
            add(noun, Hit(htype, "", noun, sector=sector, overlay=r.overlay), folded=noun == noun.lower())

    def _build_surnames(self) -> None:
        owners: dict[str, set[str]] = {}
        for p in self.people.values():
            for k in p.surnames:
                owners.setdefault(k, set()).add(p.id)
        for key, ids in owners.items():
            if len(ids) == 1 and len(key) >= 2 and not any(h.type != "person" for h in self.index_ci.get(key, ())):
                self.surname_index[key] = next(iter(ids))

    def _build_offices(self) -> None:
        offices: dict[tuple[str, str], list[tuple[Person, Term]]] = {}
        for p in self.people.values():
            for t in p.roles:
                if not t.role:
                    continue
                ref = t.org or t.country or p.country
                if ref:
                    offices.setdefault((ref, norm_title(name_keys(t.role)[1])), []).append((p, t))
        self.offices = {k: tuple(v) for k, v in offices.items()}

    def _build_fuzzy(self) -> None:
        groups = {"person": "PERSON", "org": "ORG", "country": "GPE", "capital": "GPE", "demonym": "NORP"}
        keys: dict[str, list[str]] = {"": [], "PERSON": [], "ORG": [], "GPE": [], "NORP": []}
        hits: dict[str, list[Hit]] = {k: [] for k in keys}
        for key, hs in self.index_ci.items():
            if len(key.replace(" ", "")) < 5:
                continue
            for h in hs:
                group = groups.get(h.type)
                if group is None:
                    continue
                for g in ("", group):
                    keys[g].append(key)
                    hits[g].append(h)
                break
        keys["NORP"] += keys["ORG"]
        hits["NORP"] += hits["ORG"]
        for g in keys:
            order = sorted(range(len(keys[g])), key=lambda k: len(keys[g][k]))
            self.fuzzy_keys[g] = [sorted_words(keys[g][k]) for k in order]
            self.fuzzy_hits[g] = [hits[g][k] for k in order]
            self.fuzzy_lens[g] = [len(k) for k in self.fuzzy_keys[g]]


def _hit_rank(h: Hit) -> tuple[bool, int]:
    """Overlay meanings first, then people, organisations, countries, ... agent nouns."""
    return (not h.overlay, _HIT_ORDER[h.type])


def _plural(demonym: str) -> str | None:
    low = demonym.lower()
    if low.endswith(("s", "sh", "ese", "ench", "utch", "y", "z", "men", "ic")):
        return None
    return demonym + "s"


def _ident(r: _Raw, key: str) -> Any:
    return r.entry.get(key) if isinstance(r.entry, dict) else id(r)


def _person_ident(r: _Raw) -> Any:
    if not isinstance(r.entry, dict):
        return id(r)
    return r.entry.get("id") or _slug(str(r.entry.get("name", "")))


@functools.lru_cache(maxsize=2)
def _builtin(cache_dir: Path | None = None) -> KnowledgeBase:
    """The packaged knowledge base, loaded once per process; treat it as read-only."""
    key = _cache_key([])
    cache = Path(cache_dir if cache_dir is not None else default_cache_dir()) / "actors.pickle"
    kb = read_cached(cache, key, KnowledgeBase)
    if kb is None:
        kb = KnowledgeBase(_collect(list(packaged_docs()), overlay=False))
        write_cached(cache, key, kb)
    return kb
