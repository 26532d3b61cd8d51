"""Resolving an actor phrase, as written in a sentence, to who it is.

One phrase is scanned once against the knowledge base's token n-gram index (longest name
wins), then a fixed ladder of rules picks the reading, strongest evidence first: a known
person, a surname seen earlier in the article, an unknown name with a title or affiliation,
an organisation, an office held on the article date, demonym + agent noun, seat or capital
metonymy, a country, a demonym, a bare agent noun, and finally a fuzzy match. Every answer
says which rule produced it (`evidence`) and how sure it is (`score`); when nothing fits the
answer is an honest "unresolved" rather than a guess.

Per-article memory (surnames, the last actors, "the two") lives in `DocumentActors`, which the
caller creates per article, so the resolver itself holds no mutable state between articles.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Callable

from rapidfuzz import fuzz, process

from ..records import Entity, Span
from .kb import (
    PARTICLES, Hit, KnowledgeBase, Organisation, Person, Term, fold, name_keys, norm_title, sorted_words,
    strip_accents, surname_keys,
)

_TOKEN = re.compile(r"\w+")
# appositive and parenthetical boundaries: commas, semicolons, brackets, spaced or long dashes
_SEP = re.compile(r"[,;()\[\]]|\s[-\u2013\u2014]+\s|[\u2013\u2014]")
_NAME_GAP = re.compile(r"^[ '\u2019.\-]{0,2}$")
_MODIFIER_NEXT = frozenset(
    "backed led run allied aligned funded sponsored based controlled affiliated linked supported "
    "installed brokered made appointed owned dominated".split()
)
_PREPOSITIONS = frozenset("of from in at for with to against on by over under between among".split())
# nouns that only relate the head to what follows ("leaders of the opposition")
_RELATIONAL = frozenset("leaders leadership delegation members member officials official representatives "
                        "head heads ranks wing".split())
# capitalised words that start a phrase but are not part of a name
_STOP = frozenset(
    "the a an both they he she it its his her their this that these those mr mrs ms dr sir prof "
    "and or but of for in on at by with from to former late then new senior top acting interim "
    "veteran outgoing incoming caretaker exiled jailed slain prominent ousted embattled also "
    "last next some many several two three one other another all his hers our we you i".split()
)
# words that make a capitalised run an organisation's name rather than a person's
_ORG_WORDS = frozenset(
    "agency party front movement brigades brigade council ministry committee organization organisation "
    "union army forces group association authority company news bank institute university foundation "
    "network corporation alliance league coalition court office service department commission assembly "
    "parliament government police guard guards corps command battalion center centre society "
    "international watch federation club fund hospital camp school radio tv television times post".split()
)
_PERSON_PRONOUNS = frozenset({"he", "him", "his", "she", "her", "hers"})
_PLURAL_PRONOUNS = frozenset({"they", "them", "their", "theirs"})
_THING_PRONOUNS = frozenset({"it", "its"})
# agent nouns that say nothing about who without a complement ("a delegation" from where?)
_VAGUE_ALONE = frozenset("delegation delegations leadership members member representatives head heads "
                         "ranks wing leaders".split())
# "the group": which kinds of entity such a noun can take up again
_GROUP_NOUNS: dict[str, tuple[str, ...]] = {
    "group": ("group",), "movement": ("group", "organisation"), "militant group": ("group",),
    "faction": ("group", "organisation"), "militia": ("group",), "organisation": ("organisation", "group", "igo"),
    "organization": ("organisation", "group", "igo"), "body": ("igo", "organisation"), "country": ("state",),
}
# "the two X": what X may refer to
_PAIR_NOUNS: dict[str, str | None] = {
    "": None, "sides": None, "parties": None, "factions": None, "groups": None, "movements": None,
    "organisations": None, "organizations": None, "allies": None, "rivals": None, "delegations": None,
    "leaders": "person", "men": "person", "women": "person", "ministers": "person", "presidents": "person",
    "officials": "person", "heads": "person", "diplomats": "person",
    "countries": "state", "nations": "state", "states": "state", "governments": "state", "neighbours": "state",
    "neighbors": "state", "capitals": "state",
}
_GEO = ("country", "demonym", "capital", "seat", "place")
_MEMORY = 50


@dataclass(slots=True)
class _Tok:
    start: int
    end: int
    raw: str
    ci: str
    cs: str
    seg: int


@dataclass(slots=True)
class _Match:
    i: int  # token range [i, j)
    j: int
    start: int  # character range
    end: int
    hits: tuple[Hit, ...]
    seg: int
    modifier: bool  # "Iran-backed", "US-led": describes the head, is not it

    def first(self, *types: str) -> Hit | None:
        for h in self.hits:
            if h.type in types:
                return h
        return None


@dataclass(slots=True)
class _Run:
    """Capitalised words no name in the knowledge base covers: maybe a person's name."""

    i: int
    j: int
    start: int
    end: int
    seg: int
    orgish: bool  # contains a word like "Agency", "Brigades"
    before_noun: bool  # directly followed by an agent/title noun ("Al-Shifa hospital")


@dataclass(frozen=True, slots=True)
class _Analysis:
    """Everything about a phrase that does not depend on the article: cached per text."""

    text: str
    toks: tuple[_Tok, ...]
    matches: tuple[_Match, ...]
    runs: tuple[_Run, ...]
    former: bool


@dataclass(slots=True)
class DocumentActors:
    """What one article has said so far: who was named, and which pair "the two" means."""

    article_date: date | None = None
    focus_country: str | None = None  # ISO3 given to bare agent nouns ("police")
    recent: list[Entity] = field(default_factory=list)
    surnames: dict[str, Entity] = field(default_factory=dict)
    pair: tuple[Entity, ...] = ()

    def remember(self, entity: Entity, *, actor: bool = True, surnames: tuple[str, ...] | None = None) -> None:
        """Record a resolved actor: `actor=False` keeps only its surname (a name in passing)."""
        if entity.kind == "unresolved":
            return
        kept = _copy(entity, span=None)
        if actor:
            recent = self.recent
            for k in range(len(recent) - 1, -1, -1):
                if recent[k].name == kept.name and recent[k].code == kept.code:
                    del recent[k]
                    break
            recent.append(kept)
            if len(recent) > _MEMORY:
                del recent[0]
        if kept.kind == "person":
            keys = surname_keys(kept.name) if surnames is None else surnames
            for k in (*keys, " ".join(fold(t) for t in _TOKEN.findall(kept.name))):
                self.surnames[k] = kept

    def last(self, pred: Callable[[Entity], bool]) -> Entity | None:
        for e in reversed(self.recent):
            if pred(e):
                return e
        return None

    def last_distinct(self, n: int, pred: Callable[[Entity], bool]) -> list[Entity]:
        out: list[Entity] = []
        for e in reversed(self.recent):
            if pred(e) and all((e.name, e.code) != (o.name, o.code) for o in out):
                out.append(e)
                if len(out) == n:
                    break
        return out[::-1]


_Found = tuple[Entity, tuple[str, ...] | None]  # an entity and the surname keys to remember it by


class ActorResolver:
    """Resolves actor phrases against a KnowledgeBase; one instance serves many articles."""

    def __init__(self, kb: KnowledgeBase, *, cache_size: int = 8192) -> None:
        self.kb = kb
        self._cache: dict[str, _Analysis] = {}  # phrase analysis only; never article state
        self._fuzzy_cache: dict[tuple[str, str], tuple[int, float] | None] = {}
        self._cache_size = cache_size

    def new_document(self, article_date: date | None = None, focus_country: str | None = None) -> DocumentActors:
        return DocumentActors(article_date=article_date, focus_country=focus_country)

    def resolve(self, text: str, doc: DocumentActors, *, ner: str | None = None,
                start: int | None = None) -> list[Entity]:
        """Entities for one noun phrase (several only for plural anaphora such as "the two")."""
        span = Span(start, start + len(text), text) if start is not None else None
        a = self._analyse(text)
        found, side = self._decide(a, doc, ner)
        out = []
        for entity, keys in found:
            entity.span = span
            doc.remember(entity, surnames=keys)
            out.append(entity)
        for entity, keys in side:
            doc.remember(entity, actor=False, surnames=keys)
        return out

    # -- phrase analysis ---------------------------------------------------------------------

    def _analyse(self, text: str) -> _Analysis:
        cached = self._cache.get(text)
        if cached is not None:
            return cached
        seps = [m.start() for m in _SEP.finditer(text)]
        toks = []
        for m in _TOKEN.finditer(text):
            raw = m.group()
            toks.append(_Tok(m.start(), m.end(), raw, fold(raw), strip_accents(raw),
                             bisect.bisect_right(seps, m.start()) if seps else 0))
        # a headline or credit line in capitals: short names there are words, not acronyms
        allcaps = text.isupper() and sum(len(t.raw) > 1 for t in toks) > 2
        matches = self._scan(text, toks, allcaps)
        runs = [] if allcaps else self._runs(text, toks, matches)  # capitals say nothing there
        former = any(t.ci in ("former", "ex", "exiled", "ousted", "deposed") for t in toks)
        a = _Analysis(text, tuple(toks), tuple(matches), tuple(runs), former)
        if len(self._cache) >= self._cache_size:
            self._cache.clear()
        self._cache[text] = a
        return a

    def _scan(self, text: str, toks: list[_Tok], allcaps: bool) -> list[_Match]:
        kb = self.kb
        n = len(toks)
        out: list[_Match] = []
        i = 0
        while i < n:
            t = toks[i]
            ci_len = kb.first_ci.get(t.ci, 0)
            cs_len = 0 if allcaps else kb.first_cs.get(t.cs, 0)
            size = min(max(ci_len, cs_len), n - i)
            while size > 0 and toks[i + size - 1].seg != t.seg:
                size -= 1
            hits: tuple[Hit, ...] = ()
            while size > 0:
                window = toks[i:i + size]
                if size <= ci_len:
                    hits = kb.index_ci.get(" ".join(x.ci for x in window), ())
                if size <= cs_len:
                    hits += kb.index_cs.get(" ".join(x.cs for x in window), ())
                if hits:
                    break
                size -= 1
            if not hits:
                i += 1
                continue
            j = i + size
            nxt = toks[j] if j < n else None
            modifier = bool(nxt and nxt.ci in _MODIFIER_NEXT and text[toks[j - 1].end:nxt.start] in ("-", " "))
            if i > 0 and toks[i - 1].ci in ("anti", "pro") and text[toks[i - 1].end:t.start] == "-":
                modifier = True
            out.append(_Match(i, j, t.start, toks[j - 1].end, hits, t.seg, modifier))
            i = j
        return out

    def _runs(self, text: str, toks: list[_Tok], matches: list[_Match]) -> list[_Run]:
        covered = [False] * len(toks)
        noun_at = [False] * len(toks)
        for m in matches:
            for k in range(m.i, m.j):
                covered[k] = True
            if m.first("agent", "title"):
                noun_at[m.i] = True
        runs: list[_Run] = []
        i, n = 0, len(toks)
        while i < n:
            t = toks[i]
            if covered[i] or not _name_start(toks, i):
                i += 1
                continue
            j = i + 1
            while j < n and _continues_name(text, toks, j, t.seg) and not covered[j]:
                j += 1
            while j > i + 1 and toks[j - 1].ci in PARTICLES:  # a name does not end on "al"
                j -= 1
            if j - i > 1 or len(t.raw) > 1:
                orgish = any(toks[k].ci in _ORG_WORDS for k in range(i, j))
                k = j + 1 if j < n and toks[j].ci == "s" else j
                before_noun = k < n and noun_at[k] and toks[k].seg == t.seg
                runs.append(_Run(i, j, t.start, toks[j - 1].end, t.seg, orgish, before_noun))
            i = j
        return runs

    # -- the ladder --------------------------------------------------------------------------

    def _decide(self, a: _Analysis, doc: DocumentActors, ner: str | None) -> tuple[list[_Found], list[_Found]]:
        if not a.toks:
            return [(self._unresolved(a.text, "empty phrase"), None)], []
        anaphora = self._anaphora(a, doc)
        if anaphora is not None:
            return anaphora, []
        side = self._side_people(a, doc)
        head = [m for m in a.matches if m.seg == 0]
        head_runs = [r for r in a.runs if r.seg == 0]
        rest = [m for m in a.matches if m.seg != 0]
        named = self._title_then_name(a, doc, head, head_runs)
        if named is not None:
            return [named], side
        plain = [m for m in head if not m.modifier]
        passes = [(plain, head_runs, rest, False)]
        if len(plain) < len(head):  # only a modifier may place it ("US-led coalition")
            passes.append((head, head_runs, [], True))
        if rest or len(a.runs) > len(head_runs):  # the head says nothing: try the appositions
            passes.append((list(a.matches), list(a.runs), [], False))
        for matches, runs, apposition, by_modifier in passes:
            found = self._ladder(a, doc, matches, runs, apposition)
            if found is not None:
                if by_modifier:
                    found[0].score = round(found[0].score * 0.7, 3)
                    found[0].evidence = "modifier:" + found[0].evidence
                return [found], side
        fuzzy = self._fuzzy(a, doc, ner)
        if fuzzy is not None:
            return [fuzzy], side
        blocked = next((m.first("block") for m in a.matches if m.first("block")), None)
        reason = f"non-actor:{blocked.form}" if blocked else "no match"
        return [(self._unresolved(a.text, reason), None)], side

    def _ladder(self, a: _Analysis, doc: DocumentActors, ms: list[_Match], runs: list[_Run],
                rest: list[_Match]) -> _Found | None:
        text, day, kb = a.text, doc.article_date, self.kb
        titles = [m for m in ms if m.first("title")]
        hint = next((h.sector for m in reversed(titles) if (h := m.first("title")) and h.sector), None)
        title_key = norm_title(_key(titles[-1])) if titles else None

        # 1. a person the knowledge base knows
        people = [m for m in ms if m.first("person")]
        if people:
            hit = self._choose(people[-1], "person", doc.focus_country)
            p = kb.people[hit.ref]
            found = self._person(text, p, day, hint, title_key, a.former, f"alias:{p.name}", 1.0)
            return self._owned(a, ms, people[-1].j, found, doc)

        # 2. a surname (or full name) this article has already introduced
        for run in reversed(runs):
            found = self._surname(a, run, doc)
            if found is not None:
                return self._owned(a, ms, run.j, found, doc)

        geo = next((m for m in ms if m.first(*_GEO) and not m.first("org", "person")), None)
        residence = self._residence(a, ms, geo, doc)
        if residence is not None:
            return residence
        orgs = [m for m in ms if m.first("org")]
        agents = [m for m in ms if m.first("agent")]

        # an ambiguous generic name ("Security Council") after a country is that country's body
        org_m = orgs[0] if orgs else None
        if org_m is not None and geo is not None and org_m.first("agent") and geo.i < org_m.i:
            org_m = None

        # 3. an unknown name with a title or an affiliation ("Iranian Foreign Minister X")
        for run in reversed(runs):
            if run.orgish or run.before_noun:
                continue
            title_before = any(m.j <= run.i for m in titles)
            if run.j - run.i < 2 and not title_before:
                continue
            name = text[run.start:run.end]
            found = self._named(name, text, org_m, geo, titles, hint, a.former, day, "title+")
            if found is not None:
                return found
            if rest:  # "X, Deputy Head of Hamas' political bureau"
                r_titles = [m for m in rest if m.first("title")]
                r_hint = next((h.sector for m in r_titles if (h := m.first("title")) and h.sector), None)
                r_org = next((m for m in rest if m.first("org")), None)
                r_geo = next((m for m in rest if m.first(*_GEO) and not m.first("org", "person")), None)
                found = self._named(name, text, r_org, r_geo, r_titles, r_hint, a.former, day, "appositive:")
                if found is not None:
                    return found

        # 4. an organisation, or the holder of one of its offices ("the UN secretary-general")
        if org_m is not None:
            org = kb.organisations[self._choose(org_m, "org", doc.focus_country).ref]
            if titles and not runs and not a.former:
                holder = self._office(org.id, title_key, day, text, hint)
                if holder is not None:
                    return holder
            force = next((h for m in agents if m.i > org_m.i and (h := m.first("agent")) and h.sector in _FORCES),
                         None)
            if force is not None and org.kind == "igo":  # "UN peacekeepers", "NATO troops": armed, not diplomats
                country, _, code = self._org_attrs(org, day)
                return Entity(text, org.name, org.kind, country, force.sector, code, wikidata=org.wikidata, score=0.9,
                              evidence=f"org+agent:{org.name}/{force.form}"), None
            return self._org(text, org, day, f"alias:{org.name}", 1.0), None

        if geo is not None:
            g = geo.first(*_GEO)
            assert g is not None
            # 5. an office of a country without the holder's name ("the Israeli prime minister")
            if titles and not _agents_after(agents, titles):
                if not a.former:
                    holder = self._office(g.ref, title_key, day, text, hint)
                    if holder is not None:
                        return holder
                sector = "ELI" if a.former else hint or "GOV"
                t = titles[-1].first("title")
                assert t is not None
                return Entity(text, _clean(text), "person", g.ref, sector, kb.code(g.ref, sector),
                              score=0.7, evidence=f"title+{g.type}:{t.form}/{g.ref}"), None
            # 6. demonym/country + agent noun ("Israeli forces", "Iran's government")
            agent = _pick_agent(agents, a)
            if agent is not None:
                h = agent.first("agent")
                assert h is not None
                label = "demonym" if g.type == "demonym" else g.type
                return Entity(text, _clean(text), "agent", g.ref, h.sector, kb.code(g.ref, h.sector),
                              score=0.8, evidence=f"{label}+agent:{g.form}/{h.form}"), None
            country = kb.countries[g.ref]
            # 7. seat of power or capital as metonymy ("the Kremlin", "Tehran")
            if g.type in ("seat", "capital"):
                score = 0.9 if g.type == "seat" else 0.8
                return Entity(text, country.name, "state", g.ref, g.sector, kb.code(g.ref, g.sector),
                              wikidata=country.wikidata, score=score, evidence=f"{g.type}:{g.form}"), None
            # 8. the country itself
            if g.type == "country":
                return Entity(text, country.name, "state", g.ref, "GOV", country.cameo, wikidata=country.wikidata,
                              score=1.0, evidence=f"country:{country.name}"), None
            # 9. a demonym or a place alone: the country, sector unknown
            if g.type == "demonym" and g.plural:  # "Palestinians": the people, sector unknown
                return Entity(text, country.name, "agent", g.ref, None, country.cameo,
                              score=0.6, evidence=f"demonym:{g.form}"), None
            return Entity(text, country.name, "state", g.ref, None, country.cameo,
                          score=0.5, evidence=f"{g.type}:{g.form}"), None

        # 10. a bare agent noun takes the article's focus country ("police"), unless a region
        # that is no country qualifies it ("Latin American leaders")
        agent = _pick_agent(agents, a)
        if agent is not None and not (titles and titles[-1].i > agent.i):
            h = agent.first("agent")
            assert h is not None
            if len(agents) == 1 and h.form.lower() in _VAGUE_ALONE:
                return self._unresolved(text, f"vague:{h.form}"), None
            region = next((b for m in ms if m.i < agent.i and (b := m.first("block"))), None)
            if region is not None:
                return Entity(text, _clean(text), "agent", None, h.sector, h.sector, score=0.4,
                              evidence=f"agent:{h.form}+region:{region.form}"), None
            focus = doc.focus_country
            return Entity(text, _clean(text), "agent", focus, h.sector, kb.code(focus, h.sector),
                          score=0.6 if focus else 0.4,
                          evidence=f"agent:{h.form}" + (f"+focus:{focus}" if focus else "")), None

        # 11. a bare title ("the prime minister"): the focus country's office holder
        if titles:
            t = titles[-1].first("title")
            assert t is not None
            focus = doc.focus_country
            if focus and not a.former:
                holder = self._office(focus, title_key, day, text, hint)
                if holder is not None:
                    ent, keys = holder
                    ent.score, ent.evidence = 0.6, ent.evidence + f"+focus:{focus}"
                    return ent, keys
            sector = "ELI" if a.former else t.sector or ("GOV" if focus else None)
            return Entity(text, _clean(text), "person", focus, sector, kb.code(focus, sector),
                          score=0.5 if focus else 0.3,
                          evidence=f"title:{t.form}" + (f"+focus:{focus}" if focus else "")), None
        return None

    def _residence(self, a: _Analysis, ms: list[_Match], geo: _Match | None,
                   doc: DocumentActors) -> _Found | None:
        """"Ethnic Albanians" are people of the country they live in (the CAMEO convention), not of
        Albania: a later place in the phrase ("... in Macedonia"), else the article's focus country."""
        if geo is None or geo.i == 0 or a.toks[geo.i - 1].ci != "ethnic":
            return None
        g = geo.first("demonym")
        if g is None:
            return None
        later = next((h for m in ms if m.i > geo.i and (h := m.first("country", "capital", "place"))), None)
        home = later.ref if later is not None else doc.focus_country
        if home is None or home == g.ref:
            return None
        agent = _pick_agent([m for m in ms if m.first("agent")], a)
        sector = h.sector if agent is not None and (h := agent.first("agent")) else "CVL"
        how = f"place:{later.form}" if later is not None else f"focus:{home}"
        return Entity(a.text, _clean(a.text), "agent", home, sector, self.kb.code(home, sector), score=0.6,
                      evidence=f"ethnic:{g.form}+{how}"), None

    def _title_then_name(self, a: _Analysis, doc: DocumentActors, head: list[_Match],
                         head_runs: list[_Run]) -> _Found | None:
        """A titled head with the name in apposition: "Hamas' deputy chief, Saleh al-Arouri"."""
        titles = [m for m in head if m.first("title")]
        if not titles or head_runs or any(m.first("person") for m in head):
            return None
        hint = next((h.sector for m in reversed(titles) if (h := m.first("title")) and h.sector), None)
        person = next((m for m in a.matches if m.seg == 1 and m.first("person")), None)
        if person is not None:
            hit = self._choose(person, "person", doc.focus_country)
            p = self.kb.people[hit.ref]
            return self._person(a.text, p, doc.article_date, hint, norm_title(_key(titles[-1])), a.former,
                                f"alias:{p.name}", 1.0)
        run = next((r for r in a.runs if r.seg == 1 and not r.orgish and r.j - r.i >= 2), None)
        if run is None or any(m.seg == 1 and m.i < run.i for m in a.matches):
            return None
        org_m = next((m for m in head if m.first("org")), None)
        geo = next((m for m in head if m.first(*_GEO) and not m.first("org", "person")), None)
        name = a.text[run.start:run.end]
        found = self._named(name, a.text, org_m, geo, titles, hint, a.former, doc.article_date, "title+")
        if found is None:  # "the spokesman, John X": a person, placed nowhere yet
            t = titles[-1].first("title")
            sector = "ELI" if a.former else hint
            found = Entity(a.text, name, "person", None, sector, sector, score=0.4,
                           evidence=f"title:{t.form if t else ''}"), None
        return found

    # -- rule helpers ------------------------------------------------------------------------

    def _choose(self, m: _Match, kind: str, focus: str | None) -> Hit:
        """One meaning of an ambiguous name ("Congress"): overlay first, then the focus country."""
        hits = [h for h in m.hits if h.type == kind]
        if focus and len(hits) > 1 and not hits[0].overlay:
            table = self.kb.people if kind == "person" else self.kb.organisations
            for h in hits:
                if table[h.ref].country == focus:  # type: ignore[attr-defined]
                    return h
        return hits[0]

    def _owned(self, a: _Analysis, ms: list[_Match], j: int, found: _Found, doc: DocumentActors) -> _Found:
        """A person followed by what they lead stands for that: "the Biden administration",
        "Netanyahu's government" (the state's agent), "Netanyahu's Likud" (the organisation)."""
        k = j + 1 if j < len(a.toks) and a.toks[j].ci == "s" else j
        nxt = next((m for m in ms if m.i == k), None)
        if nxt is None:
            return found
        person, _ = found
        if nxt.first("org"):
            org = self.kb.organisations[self._choose(nxt, "org", doc.focus_country).ref]
            return self._org(a.text, org, doc.article_date, f"person+org:{person.name}/{org.name}", 0.9), None
        agent = nxt.first("agent")
        if agent is None or person.country is None:
            return found
        # a former leader's name still labels the state's organs ("the Assad regime")
        sector = agent.sector
        return Entity(a.text, _clean(a.text), "agent", person.country, sector,
                      self.kb.code(person.country, sector), score=0.8,
                      evidence=f"person+agent:{person.name}/{agent.form}"), None

    def _named(self, name: str, text: str, org_m: _Match | None, geo: _Match | None, titles: list[_Match],
               hint: str | None, former: bool, day: date | None, label: str) -> _Found | None:
        """A person the KB does not know, placed by the title or affiliation around the name."""
        kb = self.kb
        title = titles[-1].first("title") if titles else None
        if org_m is not None:
            org = kb.organisations[org_m.first("org").ref]  # type: ignore[union-attr]
            country, sector, code = self._org_attrs(org, day)
            if hint and sector == "GOV" and hint != sector:  # "PA security chief X"
                sector, code = hint, kb.code(country, hint)
            if former:
                sector, code = "ELI", kb.code(country, "ELI")
            if label == "appositive:":
                evidence = f"appositive:{org.name}"
            else:
                evidence = f"{'title' if title else 'name'}+org:{org.name}"
            return Entity(text, name, "person", country, sector, code, score=0.8, evidence=evidence), None
        if geo is not None:
            g = geo.first(*_GEO)
            assert g is not None
            if title is None and label != "appositive:":
                return None  # "Gaza's Ahmed X" is too weak without a title
            sector = "ELI" if former else hint or ("GOV" if title is not None else None)
            if label == "appositive:":
                evidence = f"appositive:{kb.countries[g.ref].name}"
            else:
                evidence = f"title+{g.type}:{title.form if title else ''}/{g.ref}"
            return Entity(text, name, "person", g.ref, sector, kb.code(g.ref, sector), score=0.7,
                          evidence=evidence), None
        if title is not None and label == "appositive:":
            sector = "ELI" if former else hint
            return Entity(text, name, "person", None, sector, sector, score=0.4,
                          evidence=f"appositive:{title.form}"), None
        return None

    def _surname(self, a: _Analysis, run: _Run, doc: DocumentActors) -> _Found | None:
        words = [t.ci for t in a.toks[run.i:run.j] if t.ci not in _STOP]
        if not words:
            return None
        full = " ".join(words)
        bare = all(w in PARTICLES for w in words[:-1])  # "Arouri", "al-Arouri", "von der Leyen"
        seen = doc.surnames.get(full)
        if seen is None and bare:
            seen = doc.surnames.get(words[-1])
        if seen is not None:
            return _copy(seen, text=a.text, score=min(seen.score, 0.9), evidence=f"surname:{seen.name}"), ()
        if bare and not (run.i and a.toks[run.i - 1].ci in _PREPOSITIONS):  # "based in Christian east Beirut"
            pid = self.kb.surname_index.get(full) or self.kb.surname_index.get(words[-1])
            if pid is not None and _known_by_surname(self.kb.people[pid], doc.article_date):
                p = self.kb.people[pid]
                return self._person(a.text, p, doc.article_date, None, None, a.former,
                                    f"kb-surname:{p.name}", 0.85)
        return None

    def _person(self, text: str, p: Person, day: date | None, hint: str | None, title_key: str | None,
                former: bool, evidence: str, score: float) -> _Found:
        covering = [t for t in p.roles if t.covers(day)]
        if not covering and title_key and not former:
            # the text itself gives the title ("Foreign Minister Zarif"): with no date, or a date outside
            # our recorded terms, the writer's word on the role wins over our calendar (the nearest
            # term with that title); a role that covers the date is what the person was that day
            titled = [t for t in p.roles if _titled(t, title_key)]
            if titled:
                covering = [min(titled, key=lambda t: _distance(t, day))]
                if day is not None:
                    score *= 0.9
                    evidence += "|title-in-text"
        role = covering[0] if covering else None
        if hint and len(covering) > 1:
            role = next((t for t in covering if self._term_attrs(t, p, day)[1] == hint), role)
        if role is not None:
            country, sector, code = self._term_attrs(role, p, day)
        elif p.org:
            country, sector, code = self._org_attrs(self.kb.organisations[p.org], day)
        else:
            country, sector, code = p.country, p.sector, self.kb.code(p.country, p.sector)
        return Entity(text, p.name, "person", country, sector, code, wikidata=p.wikidata, score=score,
                      evidence=evidence + (f"|role:{role.role}" if role and role.role else "")), p.surnames

    def _term_attrs(self, term: Term, p: Person, day: date | None) -> tuple[str | None, str | None, str | None]:
        if term.org:
            country, sector, code = self._org_attrs(self.kb.organisations[term.org], day)
            if term.sector and term.sector != sector:
                sector, code = term.sector, self.kb.code(term.country or country, term.sector)
            return term.country or country, sector, code
        country = term.country or p.country
        return country, term.sector, term.code or self.kb.code(country, term.sector)

    def _org_attrs(self, org: Organisation, day: date | None) -> tuple[str | None, str | None, str | None]:
        period = next((t for t in org.periods if t.covers(day)), None)
        if period is None:
            return org.country, org.sector, org.code or self.kb.code(org.country, org.sector)
        country = period.country or org.country
        sector = period.sector or org.sector
        code = period.code or (org.code if sector == org.sector and org.code else self.kb.code(country, sector))
        return country, sector, code

    def _org(self, text: str, org: Organisation, day: date | None, evidence: str, score: float) -> Entity:
        country, sector, code = self._org_attrs(org, day)
        return Entity(text, org.name, org.kind, country, sector, code, wikidata=org.wikidata, score=score,
                      evidence=evidence)

    def _office(self, ref: str, title_key: str | None, day: date | None, text: str,
                hint: str | None) -> _Found | None:
        """Who held this office (of a country or an organisation) on the article date."""
        if not title_key:
            return None
        holders = [(p, t) for p, t in self.kb.offices.get((ref, title_key), ()) if t.covers(day)]
        if len(holders) != 1:
            return None
        p, t = holders[0]
        ent, keys = self._person(text, p, day, hint, title_key, False, f"office:{t.role}/{ref}", 0.8)
        return ent, keys

    def _side_people(self, a: _Analysis, doc: DocumentActors) -> list[_Found]:
        """People named in passing in an appositive ("- led by its Deputy Secretary-General,
        Jamil Mazhar"): remembered by surname, acting for the head's organisation if unknown."""
        if not any(m.seg for m in a.matches) and not any(r.seg for r in a.runs):
            return []
        out: list[_Found] = []
        head_org = next((m.first("org") for m in a.matches if m.seg == 0 and m.first("org")), None)
        for m in a.matches:
            h = m.first("person")
            if m.seg and h is not None:
                p = self.kb.people[h.ref]
                out.append(self._person(_text_of(a, m), p, doc.article_date, None, None, False, f"alias:{p.name}", 1.0))
        if head_org is None:
            return out
        org = self.kb.organisations[head_org.ref]
        for run in a.runs:
            if run.seg == 0 or run.orgish or run.j - run.i < 2:
                continue
            titled = any(m.first("title") and m.seg in (run.seg, run.seg - 1) for m in a.matches)
            if titled:
                name = a.text[run.start:run.end]
                country, sector, code = self._org_attrs(org, doc.article_date)
                out.append((Entity(name, name, "person", country, sector, code, score=0.7,
                                   evidence=f"appositive:{org.name}"), None))
        return out

    def _anaphora(self, a: _Analysis, doc: DocumentActors) -> list[_Found] | None:
        words = [t.ci for t in a.toks]
        had_det = bool(words) and words[0] in ("the", "this", "that", "these", "those")
        while words and words[0] in ("the", "this", "that", "these", "those"):
            words = words[1:]
        if not words:
            return None
        phrase = " ".join(words)
        if len(words) == 1 and words[0] in _PERSON_PRONOUNS:
            e = doc.last(lambda x: x.kind == "person")
            if e is None:
                return [(self._unresolved(a.text, "pronoun: no antecedent"), None)]
            return [(_copy(e, text=a.text, score=0.6, evidence=f"pronoun:{words[0]}"), ())]
        if len(words) == 1 and words[0] in _THING_PRONOUNS:
            e = doc.last(lambda x: x.kind in ("group", "organisation", "igo", "state"))
            if e is None:
                return [(self._unresolved(a.text, "pronoun: no antecedent"), None)]
            return [(_copy(e, text=a.text, score=0.5, evidence=f"pronoun:{words[0]}"), ())]
        if len(words) == 1 and words[0] in _PLURAL_PRONOUNS:
            if doc.pair:
                return [(_copy(e, text=a.text, score=0.6, evidence=f"pronoun:{words[0]}"), ()) for e in doc.pair]
            return [(self._unresolved(a.text, "pronoun: no antecedent"), None)]
        if words[0] in ("two", "both", "pair") and len(words) <= 3:
            noun = words[-1] if len(words) > 1 else ""
            if words[1:2] == ["of"]:
                noun = words[2] if len(words) > 2 and words[2] != "them" else ""
            if noun in _PAIR_NOUNS:
                return self._pair(a.text, doc, _PAIR_NOUNS[noun], phrase)
        if had_det and phrase in _GROUP_NOUNS:
            kinds = _GROUP_NOUNS[phrase]
            e = doc.last(lambda x: x.kind in kinds)
            if e is not None:
                return [(_copy(e, text=a.text, score=0.7, evidence=f"anaphora:{phrase}"), ())]
        return None

    def _pair(self, text: str, doc: DocumentActors, want: str | None, phrase: str) -> list[_Found]:
        def ok(e: Entity) -> bool:
            if want == "person":
                return e.kind == "person"
            if want == "state":
                return e.kind == "state" or (e.kind == "agent" and e.sector == "GOV")
            return e.kind != "unresolved"

        pair = list(doc.pair) if len(doc.pair) == 2 and all(ok(e) for e in doc.pair) else doc.last_distinct(2, ok)
        if len(pair) < 2:
            return [(self._unresolved(text, f"anaphora:{phrase}: fewer than two actors so far"), None)]
        doc.pair = tuple(pair)
        return [(_copy(e, text=text, score=0.7, evidence=f"anaphora:{phrase}"), ()) for e in pair]

    def _fuzzy(self, a: _Analysis, doc: DocumentActors, ner: str | None) -> _Found | None:
        """Transliteration variants (Aruri/Arouri): token_sort_ratio >= 90 on name-like words."""
        queries = [" ".join(t.ci for t in a.toks[r.i:r.j] if t.ci not in _STOP) for r in a.runs if r.seg == 0]
        if not queries and len(a.toks) <= 4 and ner:
            queries = [" ".join(t.ci for t in a.toks if t.ci not in _STOP)]
        queries = [q for q in queries if len(q.replace(" ", "")) >= 5]
        if not queries:
            return None
        memory = list(doc.surnames)
        group = ner if ner in self.kb.fuzzy_keys else ""
        for q in reversed(queries):
            if memory:
                best = process.extractOne(q, memory, scorer=fuzz.token_sort_ratio, processor=None, score_cutoff=90)
                if best is not None:
                    seen = doc.surnames[best[0]]
                    return _copy(seen, text=a.text, score=round(best[1] / 100 * 0.9, 3),
                                   evidence=f"fuzzy-surname:{seen.name}~{best[1]:.0f}"), ()
            if ner and ner not in ("PERSON", "ORG", "GPE", "NORP"):
                continue
            key = (group, q)
            found = self._fuzzy_cache.get(key, False)
            if found is False:  # the knowledge-base half depends on the phrase only: cache it
                lens = self.kb.fuzzy_lens[group]
                lo = bisect.bisect_left(lens, int(len(q) * 0.8))
                hi = bisect.bisect_right(lens, int(len(q) * 1.23) + 1)
                best = process.extractOne(sorted_words(q), self.kb.fuzzy_keys[group][lo:hi], scorer=fuzz.ratio,
                                          processor=None, score_cutoff=90)
                found = None if best is None else (lo + best[2], best[1])
                if len(self._fuzzy_cache) >= self._cache_size:
                    self._fuzzy_cache.clear()
                self._fuzzy_cache[key] = found
            if found is None:
                continue
            best = (None, found[1])
            hit = self.kb.fuzzy_hits[group][found[0]]
            score = round(best[1] / 100 * 0.9, 3)
            evidence = f"fuzzy:{hit.form}~{best[1]:.0f}"
            if hit.type == "person":
                ent, keys = self._person(a.text, self.kb.people[hit.ref], doc.article_date, None, None, a.former,
                                         evidence, score)
                return ent, keys
            if hit.type == "org":
                return self._org(a.text, self.kb.organisations[hit.ref], doc.article_date, evidence, score), None
            country = self.kb.countries[hit.ref]
            sector = "GOV" if hit.type in ("country", "capital") else None
            code = country.cameo if hit.type == "country" else self.kb.code(hit.ref, sector)
            return Entity(a.text, country.name, "state", hit.ref, sector, code, wikidata=country.wikidata,
                          score=score, evidence=evidence), None
        return None

    @staticmethod
    def _unresolved(text: str, why: str) -> Entity:
        return Entity(text, text, "unresolved", score=0.0, evidence=why)


_FORCES = frozenset({"MIL", "COP"})


def _titled(term: Term, title_key: str) -> bool:
    return bool(term.role) and norm_title(name_keys(term.role)[1]) == title_key


def _distance(term: Term, day: date | None) -> int:
    """Days between a date and a term (0 inside it): the writer's title points at the nearest term."""
    if day is None:
        return 0 if term.end is None else 1
    if term.start and day < term.start:
        return (term.start - day).days
    if term.end and day >= term.end:
        return (day - term.end).days + 1
    return 0


def _known_by_surname(p: Person, day: date | None) -> bool:
    """A bare surname with no full name before it is a name news expects readers to know. Someone
    whose only offices were ministries is not that outside their term: an interior minister of 2004
    is not "Smith" in a 2020 story. Heads of state and figures kept for other reasons are."""
    if any(t.covers(day) for t in p.roles):
        return True
    return not p.roles or not all(_MINISTERIAL.search(t.role or "") for t in p.roles)


_MINISTERIAL = re.compile(r"(?i)(?<!prime )(?<!first )(?<!general )\b(minister|secretary(?![- ]general)|attorney general)\b")


def _copy(e: Entity, **changes: object) -> Entity:
    """dataclasses.replace without its per-call introspection (this runs on every lookup)."""
    out = Entity(e.text, e.name, e.kind, e.country, e.sector, e.code, e.wikidata, e.score, e.evidence, e.span)
    for key, value in changes.items():
        setattr(out, key, value)
    return out


def _continues_name(text: str, toks: list[_Tok], j: int, seg: int) -> bool:
    t = toks[j]
    return (t.seg == seg and (t.raw[0].isupper() or t.ci in PARTICLES) and t.ci not in _STOP
            and _NAME_GAP.match(text[toks[j - 1].end:t.start]) is not None)


def _name_start(toks: list[_Tok], i: int) -> bool:
    t = toks[i]
    if t.ci in _STOP:
        return False
    if t.raw[0].isupper():
        return True
    # "al-Arouri", "von der Leyen": particles open a name when a capitalised word follows
    k = i
    while k < len(toks) and toks[k].ci in PARTICLES and not toks[k].raw[0].isupper():
        k += 1
    return k > i and k < len(toks) and toks[k].raw[0].isupper()


def _key(m: _Match) -> str:
    h = m.first("title")
    return name_keys(h.form)[1] if h else ""


def _text_of(a: _Analysis, m: _Match) -> str:
    return a.text[m.start:m.end]


def _agents_after(agents: list[_Match], titles: list[_Match]) -> bool:
    """An agent noun after the last title makes the phrase a group ("minister's bodyguards")."""
    return any(m.i > titles[-1].i and m is not titles[-1] for m in agents)


def _pick_agent(agents: list[_Match], a: _Analysis) -> _Match | None:
    """The head noun: the last agent noun before the first preposition, skipping relational
    nouns ("leaders of the opposition" -> opposition) when another agent noun is present."""
    if not agents:
        return None
    strong = [m for m in agents if a.toks[m.j - 1].ci not in _RELATIONAL] or agents
    prep = next((k for k, t in enumerate(a.toks) if t.ci in _PREPOSITIONS), None)
    before = [m for m in strong if prep is None or m.j <= prep]
    return before[-1] if before else strong[0]


def _clean(text: str) -> str:
    """A canonical name for an unnamed actor: the head of the phrase without a leading article."""
    sep = _SEP.search(text)
    words = (text[:sep.start()] if sep and sep.start() else text).strip().split()
    if words and words[0].lower() in ("the", "a", "an"):
        words = words[1:]
    return " ".join(words) or text.strip()
