"""Import PETRARCH/TABARI actor and agent dictionaries into overlay entries.

Projects that coded with PETRARCH keep years of hand-made dictionaries; this turns them into
the overlay format so that work carries over. The conversion is line-oriented and forgiving:
a malformed line becomes an `Issue` naming file:line and the reason, and the rest is converted.

`.actors` files: a name line (words joined by `_`, an optional inline `[CODE]` or dated
`[CODE date-date]`), `+ALIAS` lines, and code lines `[CODE yyyymmdd-yyyymmdd]`, `[CODE >yyyymmdd]`,
`[CODE <yyyymmdd]`, `[CODE]`. Dates are YYYYMMDD or YYMMDD (00-29 -> 20xx); PETRARCH reads every
limit as "or equal to", so `a-b` becomes start a, end b+1 day (our ends are exclusive), `>d`
start d and `<d` end d+1 day. Comments: `#`, `;` and `<!-- -->`. `~` lines and `{ }` sets are
skipped with a warning.

Codes are CAMEO actor codes: a country (ISO3, the knowledge base's CAMEO codes, or a legacy
CAMEO code in `LEGACY_COUNTRIES`) followed by 3-letter segments; the first segment that names a
sector we know (directly or through `SECTOR_ALIASES`) is the sector, the others are kept only in
the explicit code. IGO/NGO/IMG/MNC codes have no country. Regional codes (AFR, MEA, ...) and
unknown countries are errors.

The mapping rule, entry by entry:
  * a code with a country and no sector (`AFGHANISTAN [AFG]`) -> the names become aliases of
    that country (an overlay copy of the country with the new spellings);
  * any dated code -> a person: each dated code is a role ("USAGOV (PETRARCH)", country, sector,
    start, end); an undated code gives the person's own country and sector (used when no role
    covers the date);
  * only an undated code -> an organisation when the name is already an organisation in the
    knowledge base, or a name or alias contains an organisation word (PARTY, FRONT, MINISTRY,
    ...; `ORG_WORDS`), or the name is a single word (PETRARCH lists people by full names);
    otherwise a person. Organisation kind: igo for IGO codes, group for REB/INS (IMG, UAF,
    SEP) sectors, else organisation.
  * a name that is already a person or organisation of the knowledge base keeps that entry's
    id, canonical name, wikidata and spellings (the new names become aliases); codes and dates
    come from the dictionary, which wins.

`.agents` files: `NOUN {PLURALS} [~SECTOR]` lines become the overlay `agents` section (lower
case, `_` -> space, regular plurals added as PETRARCH adds them, `{}` meaning none). `CODE~`
(e.g. `NGO~`) is read as the sector too. `!x!` substitution markers are expanded when the
file defines them (`!PERSON! = MAN, MEN`); other patterns are reported as not representable.
Words separated by a blank (PETRARCH: other words may come between) are kept as a phrase.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from .kb import PARTICLES, SECTORS, KnowledgeBase, fold, word_tokens
from .overlay import identity, slug

# Legacy or CAMEO-specific country codes that differ from ISO3.
LEGACY_COUNTRIES = {"ROM": "ROU", "ZAR": "COD", "TMP": "TLS", "KSV": "XKX", "KOS": "XKX", "PAL": "PSE"}
# CAMEO regional codes: not a country, so not representable as one.
REGIONS = frozenset("AFR ASA BLK CAU CFR CAS CEU EIN EAF EEU EUR LAM MEA MDT NAF NAM PGS SAF SAM SAS SEA WAF WST "
                    "CRB SCN".split())
# Codes without a country part, and the sector they stand for.
STATELESS = {"IGO": "IGO", "NGO": "NGO", "NGM": "NGO", "IMG": "REB", "MNC": "BUS", "UIS": "GOV",
             "CHR": "REL", "JEW": "REL", "BUD": "REL", "HIN": "REL", "SHI": "REL", "SUN": "REL", "CTH": "REL"}
# CAMEO sector segments that our sector list spells differently.
SECTOR_ALIASES = {"IMG": "REB", "UAF": "REB", "SEP": "REB", "MNC": "BUS", "AGR": "CVL", "DEV": "NGO",
                  "HRI": "NGO", "ENV": "NGO", "NGM": "NGO", "CHR": "REL", "MUS": "REL", "JEW": "REL",
                  "BUD": "REL", "HIN": "REL", "SHI": "REL", "SUN": "REL", "CTH": "REL"}
ORG_WORDS = frozenset(
    "party front army movement brigade brigades council ministry union organization organisation association "
    "committee agency bank company corporation corp group forces force league alliance federation institute "
    "university court commission network nations fund congress assembly parliament government police militia "
    "battalion regiment office tribunal church foundation society coalition authority bureau service services "
    "guard guards corps senate airlines airways news times press television radio agency "
    "mujahideen jihad".split()
)
_RESTRICT = re.compile(r"^(?:(?P<lt><)(?P<d1>\d+)|(?P<gt>>)(?P<d2>\d+)|(?P<a>\d+)-(?P<b>\d+))$")
_MARKER = re.compile(r"!([A-Za-z]+)!")


@dataclass(frozen=True, slots=True)
class Issue:
    """A line that was not converted, and why."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass(slots=True)
class Conversion:
    """Overlay entries from one or more dictionaries, with what could not be converted."""

    people: list[dict[str, Any]] = field(default_factory=list)
    organisations: list[dict[str, Any]] = field(default_factory=list)
    countries: list[dict[str, Any]] = field(default_factory=list)
    agents: dict[str, list[str]] = field(default_factory=dict)  # sector -> nouns
    errors: list[Issue] = field(default_factory=list)
    skipped: list[Issue] = field(default_factory=list)  # warnings: left out on purpose

    def sections(self) -> dict[str, list[Any]]:
        out: dict[str, list[Any]] = {}
        if self.countries:
            out["countries"] = list(self.countries)
        if self.organisations:
            out["organisations"] = list(self.organisations)
        if self.people:
            out["people"] = list(self.people)
        if self.agents:
            out["agents"] = [{"sector": s, "nouns": list(n)} for s, n in self.agents.items()]
        return out

    def summary(self) -> dict[str, int]:
        return {"people": len(self.people), "organisations": len(self.organisations),
                "countries": len(self.countries), "agent_nouns": sum(len(n) for n in self.agents.values()),
                "skipped": len(self.skipped), "errors": len(self.errors)}


def convert_files(paths: Iterable[Path], kb: KnowledgeBase,
                  existing: Callable[[str, Any], dict[str, Any] | None] | None = None) -> Conversion:
    """Convert .actors and .agents files into one Conversion. `existing(section, identity)` gives
    the current raw entry (overlay or built-in) so that imports add to it instead of erasing it."""
    out = Conversion()
    for path in paths:
        suffix = path.suffix.lower()
        try:
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError as exc:
            out.errors.append(Issue(str(path), 0, f"cannot read: {exc.strerror or exc}"))
            continue
        if suffix == ".actors":
            convert_actors(lines, str(path), kb, out, existing)
        elif suffix == ".agents":
            convert_agents(lines, str(path), out)
        else:
            out.errors.append(Issue(str(path), 0, "unknown dictionary type (expected a .actors or .agents file)"))
    out.errors.sort(key=lambda i: (i.file, i.line))
    out.skipped.sort(key=lambda i: (i.file, i.line))
    return out


# --- lines and comments ------------------------------------------------------------------------


def _clean_lines(lines: Iterable[str]) -> Iterable[tuple[int, str]]:
    """(line number, text without comments), skipping blank lines; `<!-- -->` may span lines."""
    in_comment = False
    for n, raw in enumerate(lines, 1):
        text = raw
        out = ""
        while text:
            if in_comment:
                end = text.find("-->")
                if end < 0:
                    text = ""
                    break
                text, in_comment = text[end + 3:], False
            else:
                start = text.find("<!--")
                if start < 0:
                    out, text = out + text, ""
                else:
                    out, text, in_comment = out + text[:start], text[start + 4:], True
        for mark in ("#", ";"):
            cut = out.find(mark)
            if cut >= 0:
                out = out[:cut]
        if out.strip():
            yield n, out.rstrip()


def _phrase(text: str) -> str:
    return " ".join(t for t in re.split(r"[_\s]+", text.strip()) if t)


def display_name(text: str) -> str:
    """BARACK_HUSSEIN_OBAMA_ -> Barack Hussein Obama; BASHAR_AL-ASSAD -> Bashar al-Assad; NATO stays."""
    words = _phrase(text).split(" ")
    letters = sum(len(w) for w in words)
    out = []
    for i, w in enumerate(words):
        if not w.isupper() and not w.islower():
            out.append(w)  # the dictionary already chose a casing
        elif letters < 4 or (len(w) <= 5 and not re.search(r"[AEIOUYaeiouy]", w)):
            out.append(w.upper())
        else:
            parts = w.lower().split("-")
            out.append("-".join(p if p in PARTICLES and (i > 0 or j < len(parts) - 1) else p.title()
                                for j, p in enumerate(parts)))
    return " ".join(out)


# --- codes and dates ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Code:
    """One parsed CAMEO actor code with its optional date restriction."""

    text: str
    country: str | None
    sector: str | None
    start: date | None = None
    end: date | None = None  # exclusive

    @property
    def dated(self) -> bool:
        return self.start is not None or self.end is not None


def _day(digits: str) -> date:
    if len(digits) == 8:
        y, m, d = int(digits[:4]), int(digits[4:6]), int(digits[6:])
    elif len(digits) == 6:
        yy = int(digits[:2])
        y, m, d = (2000 + yy if yy < 30 else 1900 + yy), int(digits[2:4]), int(digits[4:])
    else:
        raise ValueError(f"date {digits!r} must be YYYYMMDD or YYMMDD")
    try:
        return date(y, m, d)
    except ValueError as exc:
        raise ValueError(f"date {digits!r}: {exc}") from None


def country_code(code3: str, kb: KnowledgeBase) -> str | None:
    """ISO3 for a CAMEO country code, or None when the knowledge base does not know it."""
    if code3 in kb.countries:
        return code3
    by_cameo = next((c.iso3 for c in kb.countries.values() if c.cameo == code3), None)
    if by_cameo:
        return by_cameo
    iso3 = LEGACY_COUNTRIES.get(code3)
    return iso3 if iso3 in kb.countries else None


def sector_of(segments: Iterable[str]) -> str | None:
    for seg in segments:
        if seg in SECTORS:
            return seg
        if seg in SECTOR_ALIASES:
            return SECTOR_ALIASES[seg]
    return None


def parse_code(body: str, kb: KnowledgeBase) -> Code:
    """`USAGOV 20090120-20170120` (inside the brackets) -> Code; raises ValueError with the reason."""
    parts = body.split()
    if not parts or len(parts) > 2:
        raise ValueError(f"expected [CODE] or [CODE date-restriction], got [{body}]")
    text = parts[0].upper()
    if not re.fullmatch(r"[A-Z]{3}(?:[A-Z0-9]{3})*", text):
        raise ValueError(f"code {parts[0]!r} is not a CAMEO actor code (3-letter segments)")
    head, segs = text[:3], [text[i:i + 3] for i in range(3, len(text), 3)]
    if head in REGIONS:
        raise ValueError(f"code {text}: {head} is a CAMEO region, not a country")
    country = country_code(head, kb)
    if country is None and head in STATELESS:
        sector = STATELESS[head] if head in ("IGO", "NGO", "NGM", "IMG", "MNC") else sector_of(segs) or STATELESS[head]
    elif country is None:
        raise ValueError(f"code {text}: unknown country code {head}")
    else:
        sector = sector_of(segs)
        if segs and sector is None:
            raise ValueError(f"code {text}: no sector we know in {' '.join(segs)}")
    start = end = None
    if len(parts) == 2:
        m = _RESTRICT.match(parts[1])
        if not m:
            raise ValueError(f"date restriction {parts[1]!r} must be <date, >date or date-date")
        if m["lt"]:
            end = _day(m["d1"]) + timedelta(days=1)
        elif m["gt"]:
            start = _day(m["d2"])
        else:
            start, last = _day(m["a"]), _day(m["b"])
            if last < start:
                raise ValueError(f"date range {parts[1]}: ends before it starts")
            end = last + timedelta(days=1)
    return Code(text, country, sector, start, end)


def _brackets(text: str) -> tuple[str, list[str]]:
    """(text before the first '[', bodies of the [...] groups); raises on an unclosed bracket."""
    at = text.find("[")
    if at < 0:
        if "]" in text:
            raise ValueError("']' without '['")
        return text, []
    head, rest, bodies = text[:at], text[at:], []
    while rest.strip():
        rest = rest.strip()
        if not rest.startswith("["):
            raise ValueError(f"unexpected text {rest!r} after a code")
        close = rest.find("]")
        if close < 0:
            raise ValueError("'[' without a closing ']'")
        bodies.append(rest[1:close].strip())
        rest = rest[close + 1:]
    return head, bodies


# --- .actors -----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Entry:
    line: int
    name: str
    aliases: list[str] = field(default_factory=list)
    codes: list[tuple[int, Code]] = field(default_factory=list)
    broken: bool = False  # its own line was already reported


def convert_actors(lines: Iterable[str], file: str, kb: KnowledgeBase, out: Conversion,
                   existing: Callable[[str, Any], dict[str, Any] | None] | None = None) -> None:
    entries: list[_Entry] = []
    current: _Entry | None = None
    for n, text in _clean_lines(lines):
        stripped = text.strip()
        if stripped.startswith("~") or "{" in stripped or "}" in stripped:
            out.skipped.append(Issue(file, n, "'~' lines and '{ }' synonym sets are not supported; skipped"))
            continue
        try:
            head, bodies = _brackets(stripped[1:] if stripped.startswith("+") else stripped)
        except ValueError as exc:
            out.errors.append(Issue(file, n, str(exc)))
            name = stripped.split("[", 1)[0]
            if not stripped.startswith(("+", "[")) and re.search(r"[A-Za-z]", name):
                # keep the actor: its alias and code lines that follow still belong to it
                current = _Entry(n, display_name(name), broken=True)
                entries.append(current)
            continue
        if stripped.startswith("+"):
            if current is None:
                out.errors.append(Issue(file, n, "alias line before any actor"))
            elif bodies:
                out.errors.append(Issue(file, n, "an alias line takes no code"))
            elif not _phrase(head):
                out.errors.append(Issue(file, n, "empty alias"))
            else:
                current.aliases.append(display_name(head))
            continue
        if _phrase(head):
            if not re.search(r"[A-Za-z]", head):
                out.errors.append(Issue(file, n, f"actor name {head.strip()!r} has no letters"))
                current = None
                continue
            current = _Entry(n, display_name(head))
            entries.append(current)
        elif current is None:
            out.errors.append(Issue(file, n, "code line before any actor"))
            continue
        for body in bodies:
            try:
                current.codes.append((n, parse_code(body, kb)))
            except ValueError as exc:
                out.errors.append(Issue(file, n, str(exc)))
                current.broken = True
    seen: dict[tuple[str, Any], int] = {}
    for entry in entries:
        _convert_entry(entry, file, kb, out, existing or (lambda s, k: None), seen)


def _convert_entry(e: _Entry, file: str, kb: KnowledgeBase, out: Conversion,
                   existing: Callable[[str, Any], dict[str, Any] | None], seen: dict[tuple[str, Any], int]) -> None:
    if not e.codes:
        if not e.broken:
            out.errors.append(Issue(file, e.line, f"{e.name}: no usable code"))
        return
    undated = [c for _, c in e.codes if not c.dated]
    dated = [(n, c) for n, c in e.codes if c.dated]
    if any(c.sector is None for _, c in dated):
        for n, c in dated:
            if c.sector is None:
                out.errors.append(Issue(file, n, f"{e.name}: dated country code {c.text} cannot be represented"))
                e.broken = True
        dated = [(n, c) for n, c in dated if c.sector is not None]
    if len(undated) > 1:
        out.skipped.append(Issue(file, e.line, f"{e.name}: several undated codes; kept {undated[0].text}"))
    default = undated[0] if undated else None
    if default is not None and default.sector is None and not dated:
        _add_country(e, default, kb, out, existing)
    elif not dated and default is not None and _looks_like_org(e, kb):
        _add_org(e, default, file, kb, out, existing, seen)
    elif dated or default is not None:
        _add_person(e, default, [c for _, c in dated], file, kb, out, existing, seen)
    elif not e.broken:
        out.errors.append(Issue(file, e.line, f"{e.name}: no usable code"))


def _looks_like_org(e: _Entry, kb: KnowledgeBase) -> bool:
    hits = [h for n in (e.name, *e.aliases) for h in kb.lookup(n)]
    if any(h.type == "org" for h in hits):
        return True
    if any(h.type == "person" for h in hits):
        return False
    words = {fold(t) for n in (e.name, *e.aliases) for t in word_tokens(n)}
    return bool(words & ORG_WORDS) or len(word_tokens(e.name)) == 1


def _known(kb: KnowledgeBase, names: Iterable[str], htype: str) -> str | None:
    for n in names:
        for h in kb.lookup(n):
            if h.type == htype:
                return h.ref
    return None


def _note_duplicate(section: str, key: Any, e: _Entry, file: str, out: Conversion,
                    seen: dict[tuple[str, Any], int]) -> None:
    if (section, key) in seen:
        out.skipped.append(Issue(file, e.line, f"{e.name}: same actor as line {seen[(section, key)]}; "
                                               "this entry replaces it"))
        target = getattr(out, section)
        target[:] = [x for x in target if identity(section, x) != key]
    seen[(section, key)] = e.line


def _aliases(name: str, candidates: Iterable[str], skip: Iterable[str] = ()) -> list[str]:
    taken = {slug(name), *(slug(s) for s in skip)}
    out = []
    for a in candidates:
        if slug(a) and slug(a) not in taken:
            taken.add(slug(a))
            out.append(a)
    return out


def _free_id(base: str, taken: Mapping[str, Any]) -> str:
    """`base`, or base_2, base_3 ... when another actor already has that id (a different actor:
    one with the same name was found by lookup and keeps its id)."""
    n, out = 1, base
    while out in taken:
        n += 1
        out = f"{base}_{n}"
    return out


def _explicit_code(kb: KnowledgeBase, code: Code) -> str | None:
    """The code to write down only when it says more than country + sector (a legacy country
    prefix such as ROM is rewritten to the knowledge base's code for that country)."""
    text = code.text
    if code.country:
        text = kb.countries[code.country].cameo + text[3:]
    return None if kb.code(code.country, code.sector) == text else text


def _add_country(e: _Entry, code: Code, kb: KnowledgeBase, out: Conversion,
                 existing: Callable[[str, Any], dict[str, Any] | None]) -> None:
    iso3 = code.country
    assert iso3 is not None
    base = next((c for c in out.countries if c.get("iso3") == iso3), None)
    if base is None:
        base = dict(existing("countries", iso3) or {})
        if not base:
            c = kb.countries[iso3]
            base = {"iso3": c.iso3, "iso2": c.iso2, "name": c.name, "cameo": c.cameo}
        base["aliases"] = list(base.get("aliases") or [])
        out.countries.append(base)
    new = [n for n in (e.name, *e.aliases) if not any(h.ref == iso3 for h in kb.lookup(n))]
    base["aliases"] = base["aliases"] + _aliases(base["name"], new, base["aliases"])


def _add_org(e: _Entry, code: Code, file: str, kb: KnowledgeBase, out: Conversion,
             existing: Callable[[str, Any], dict[str, Any] | None], seen: dict[tuple[str, Any], int]) -> None:
    ref = _known(kb, (e.name, *e.aliases), "org")
    old = dict(existing("organisations", ref) or {}) if ref else {}
    org_id = ref or _free_id(re.sub(r"[^a-z0-9_]", "", slug(e.name)) or "org", kb.organisations)
    name = old.get("name") or e.name
    kind = "igo" if code.text.startswith("IGO") else "group" if code.sector in ("REB", "INS") else "organisation"
    entry: dict[str, Any] = {"id": org_id, "name": name,
                             "aliases": _aliases(name, [*(old.get("aliases") or []), e.name, *e.aliases]),
                             "kind": kind, "sector": code.sector}
    if code.country:
        entry["country"] = code.country
    explicit = _explicit_code(kb, code)
    if explicit:
        entry["code"] = explicit
    if old.get("wikidata"):
        entry["wikidata"] = old["wikidata"]
    if not entry["aliases"]:
        del entry["aliases"]
    _note_duplicate("organisations", org_id, e, file, out, seen)
    out.organisations.append(entry)


def _add_person(e: _Entry, default: Code | None, dated: list[Code], file: str, kb: KnowledgeBase,
                out: Conversion, existing: Callable[[str, Any], dict[str, Any] | None],
                seen: dict[tuple[str, Any], int]) -> None:
    ref = _known(kb, (e.name, *e.aliases), "person")
    old = dict(existing("people", ref) or {}) if ref else {}
    name = old.get("name") or e.name
    entry: dict[str, Any] = {"name": name}
    pid = ref or _free_id(re.sub(r"[^a-z0-9_]", "", slug(name)) or "person", kb.people)
    if pid != slug(name):
        entry["id"] = pid
    aliases = _aliases(name, [*(old.get("aliases") or []), e.name, *e.aliases])
    if aliases:
        entry["aliases"] = aliases
    if "surnames" in old:
        entry["surnames"] = old["surnames"]
    countries = [c.country for c in ([default] if default else []) + dated if c.country]
    country = (default.country if default and default.country else None) or (countries[-1] if countries else None)
    if country:
        entry["country"] = country
    if default is not None and default.sector:
        entry["sector"] = default.sector
    if old.get("wikidata"):
        entry["wikidata"] = old["wikidata"]
    roles = []
    for c in dated:
        role: dict[str, Any] = {"role": f"{c.text} (PETRARCH)", "sector": c.sector}
        if c.country and c.country != country:
            role["country"] = c.country
        if c.start:
            role["start"] = c.start.isoformat()
        if c.end:
            role["end"] = c.end.isoformat()
        explicit = _explicit_code(kb, c)
        if explicit:
            role["code"] = explicit
        roles.append(role)
    explicit = _explicit_code(kb, default) if default is not None and default.sector else None
    if explicit:
        # an undated role listed last keeps the full default code when no dated role applies
        roles.append({"role": f"{default.text} (PETRARCH)", "sector": default.sector, "code": explicit})
    if roles:
        entry["roles"] = roles
    _note_duplicate("people", pid, e, file, out, seen)
    out.people.append(entry)


# --- .agents -----------------------------------------------------------------------------------


def _plurals(noun: str) -> list[str]:
    """PETRARCH's regular plural of the last word: +S, Y -> IES, SS -> ES."""
    low = noun.lower()
    if low.endswith("ss"):
        return [noun + "es"]
    if low.endswith("y") and len(low) > 1 and low[-2] not in "aeiou":
        return [noun[:-1] + "ies"]
    if low.endswith("s"):
        return []
    return [noun + "s"]


def convert_agents(lines: Iterable[str], file: str, out: Conversion) -> None:
    cleaned = list(_clean_lines(lines))
    markers: dict[str, list[str]] = {}
    for n, text in cleaned:
        m = re.match(r"^\s*!([A-Za-z]+)!\s*=\s*(.+)$", text)
        if m:
            markers[m[1].upper()] = [_phrase(x).lower() for x in m[2].split(",") if _phrase(x)]
    owner: dict[str, tuple[str, int]] = {}
    for n, text in cleaned:
        if re.match(r"^\s*!([A-Za-z]+)!\s*=", text):
            continue
        try:
            head, bodies = _brackets(text.strip())
        except ValueError as exc:
            out.errors.append(Issue(file, n, str(exc)))
            continue
        if len(bodies) != 1:
            out.errors.append(Issue(file, n, "expected one [~SECTOR] code"))
            continue
        sector = _agent_sector(bodies[0])
        if sector is None:
            out.errors.append(Issue(file, n, f"agent code [{bodies[0]}] is not ~SECTOR or SECTOR~ with a known sector"))
            continue
        plural_spec = None
        m = re.match(r"^(?P<noun>[^{}]*?)\s*(?:\{(?P<pl>[^{}]*)\})?\s*$", head)
        if not m:
            out.errors.append(Issue(file, n, "malformed '{plural}' part"))
            continue
        noun_text, plural_spec = m["noun"], m["pl"]
        if not _phrase(noun_text):
            out.errors.append(Issue(file, n, "no noun before the code"))
            continue
        try:
            singulars = _expand(noun_text, markers)
        except ValueError as exc:
            out.skipped.append(Issue(file, n, f"cannot represent {noun_text.strip()!r}: {exc}"))
            continue
        forms: list[str] = []
        for s in singulars:
            forms.append(s)
            if plural_spec is None and "!" not in noun_text:
                forms += _plurals(s)
        if plural_spec:
            forms += [_phrase(p).lower() for p in plural_spec.split() if _phrase(p)]
        for noun in dict.fromkeys(forms):
            if noun in owner and owner[noun][0] != sector:
                out.skipped.append(Issue(file, n, f"{noun!r} already has sector {owner[noun][0]} "
                                                  f"(line {owner[noun][1]}); kept that"))
                continue
            if noun in owner:
                continue
            owner[noun] = (sector, n)
            out.agents.setdefault(sector, []).append(noun)


def _agent_sector(body: str) -> str | None:
    code = body.strip().upper()
    if code.startswith("~"):
        code = code[1:]
    elif code.endswith("~"):
        code = code[:-1]
    if not re.fullmatch(r"[A-Z]{3}(?:[A-Z0-9]{3})*", code):
        return None
    segs = [code[i:i + 3] for i in range(0, len(code), 3)]
    return STATELESS.get(segs[0]) if segs[0] in ("IGO", "NGO", "NGM", "IMG", "MNC") else sector_of(segs)


def _expand(noun_text: str, markers: Mapping[str, list[str]]) -> list[str]:
    """Plain phrases for a noun with `!x!` markers (each marker replaced by each of its forms)."""
    forms = [noun_text.strip()]
    while any(_MARKER.search(f) for f in forms):
        nxt = []
        for f in forms:
            m = _MARKER.search(f)
            if m is None:
                nxt.append(f)
                continue
            subs = markers.get(m[1].upper())
            if subs is None:
                raise ValueError(f"substitution marker !{m[1]}! is not defined in this file")
            nxt += [f[:m.start()] + s.replace(" ", "_") + f[m.end():] for s in subs]
        forms = nxt
    out = []
    for f in forms:
        if re.search(r"[^\w\s'.\-&]", f):
            raise ValueError("only words can be represented")
        out.append(_phrase(f).lower())
    return out
