"""PLOVER event types, the CAMEO crosswalk and per-language trigger lexicons.

The ontology is data (YAML shipped inside the package) so that adding a language or fixing a
trigger never touches code. Everything is validated at load time: a typo in a lexicon fails
loudly, naming the file and entry, instead of silently never matching.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

try:  # the C loader is ~10x faster; fall back when libyaml is missing
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Loader = yaml.SafeLoader

__all__ = ["CameoCode", "EventType", "Ontology", "Trigger", "load_ontology"]

POS_TAGS = frozenset({"VERB", "NOUN", "ADJ"})
_CAMEO_RE = re.compile(r"^\d{2,4}$")
_RECIPIENT_RE = re.compile(r"^(dobj|nsubj|none|prep:[a-z]+)$")
_TRIGGER_KEYS = frozenset(
    {"lemma", "pos", "event", "mode", "cameo", "prep", "with", "not_with", "recipient", "speech", "weight",
     "intransitive"}
)


@dataclass(frozen=True, slots=True)
class EventType:
    """One PLOVER event type with its allowed modes and CAMEO default."""

    name: str
    quad_code: int
    description: str
    modes: tuple[str, ...]
    cameo_root: str
    mode_cameo: tuple[tuple[str, str], ...] = ()  # (mode, default CAMEO code) pairs


@dataclass(frozen=True, slots=True)
class CameoCode:
    """A CAMEO code and where it lands in PLOVER (event None: PLOVER does not code it)."""

    code: str
    name: str
    goldstein: float
    event: str | None
    mode: str | None


@dataclass(frozen=True, slots=True)
class Trigger:
    """A lexicon entry: a head word plus the syntactic company it must keep to signal an event.

    `with_` names dependents of which one must be present; `not_with` names dependents that veto
    the match ("released a statement" is no prisoner release). `speech` entries only count inside
    reported speech, where the speaker is the actor.
    """

    lemma: str
    pos: str
    event: str
    mode: str | None
    cameo: str
    prep: str | None = None
    with_: tuple[str, ...] = ()
    recipient: str = "dobj"
    speech: bool = False
    weight: float = 1.0
    not_with: tuple[str, ...] = ()
    intransitive: bool = False  # a direct object vetoes it ("demonstrated prowess" is no protest)

    @property
    def specificity(self) -> int:
        """How many constraints the entry carries; more constrained entries are tried first."""
        return int(self.prep is not None) + int(bool(self.with_))


class Ontology:
    """The loaded, validated ontology for one language. Read-only by convention: it is shared."""

    __slots__ = ("event_types", "cameo", "sectors", "language", "triggers", "_by_lemma", "_by_lemma_pos")

    def __init__(
        self,
        event_types: dict[str, EventType],
        cameo: dict[str, CameoCode],
        sectors: dict[str, str],
        triggers: tuple[Trigger, ...],
        language: str,
    ) -> None:
        self.event_types = event_types
        self.cameo = cameo
        self.sectors = sectors
        self.language = language
        # Stable sort: within equal specificity the file order (the author's priority) is kept.
        self.triggers = tuple(sorted(triggers, key=lambda t: -t.specificity))
        by_lemma: dict[str, list[Trigger]] = {}
        by_lemma_pos: dict[tuple[str, str], list[Trigger]] = {}
        for trig in self.triggers:
            by_lemma.setdefault(trig.lemma, []).append(trig)
            by_lemma_pos.setdefault((trig.lemma, trig.pos), []).append(trig)
        self._by_lemma = {k: tuple(v) for k, v in by_lemma.items()}
        self._by_lemma_pos = {k: tuple(v) for k, v in by_lemma_pos.items()}

    @classmethod
    def load(cls, language: str = "en", directory: Path | None = None) -> Ontology:
        """Read and validate plover.yaml, cameo.yaml and triggers_<language>.yaml.

        `directory` replaces the packaged data folder (tests, experimental lexicons).
        """
        read = _file_reader(directory)
        event_types, sectors = _parse_plover(read("plover.yaml"), "plover.yaml")
        cameo = _parse_cameo(read("cameo.yaml"), "cameo.yaml", event_types)
        _check_event_defaults(event_types, cameo)
        name = f"triggers_{language}.yaml"
        try:
            raw_triggers = read(name)
        except FileNotFoundError:
            raise ValueError(f"no trigger lexicon for language {language!r} ({name} not found)") from None
        triggers = _parse_triggers(raw_triggers, name, event_types, cameo)
        return cls(event_types, cameo, sectors, triggers, language)

    def triggers_for(self, lemma: str, pos: str | None = None) -> tuple[Trigger, ...]:
        """Entries for a lemma (optionally one POS), most constrained first."""
        lemma = lemma.lower()
        if pos is None:
            return self._by_lemma.get(lemma, ())
        return self._by_lemma_pos.get((lemma, pos), ())

    def quad(self, event: str) -> int:
        """PLOVER QuadClass: 1 verbal coop, 2 material coop, 3 verbal conflict, 4 material conflict."""
        return self._event(event).quad_code

    def goldstein(self, cameo: str | None) -> float | None:
        """Goldstein score, falling back to the parent code when a 4- or 3-digit code is unknown."""
        code = cameo or ""
        while len(code) >= 2:
            entry = self.cameo.get(code)
            if entry is not None:
                return entry.goldstein
            code = code[:-1]
        return None

    def cameo_for(self, event: str, mode: str | None = None) -> str:
        """Default CAMEO code for an event (and mode) when the trigger names none."""
        etype = self._event(event)
        if mode is not None:
            for name, code in etype.mode_cameo:
                if name == mode:
                    return code
        return etype.cameo_root

    def validate_event(self, event: str, mode: str | None) -> None:
        """Raise ValueError unless `event` is a PLOVER type and `mode` one of its modes (or None)."""
        etype = self._event(event)
        if mode is not None and mode not in etype.modes:
            raise ValueError(f"mode {mode!r} is not a mode of {event} (allowed: {', '.join(etype.modes) or 'none'})")

    def _event(self, event: str) -> EventType:
        try:
            return self.event_types[event]
        except KeyError:
            raise ValueError(f"unknown PLOVER event type {event!r}") from None


@functools.lru_cache(maxsize=8)
def load_ontology(language: str = "en") -> Ontology:
    """The packaged ontology for a language, loaded once per process."""
    return Ontology.load(language)


# --------------------------------------------------------------------------- loading helpers


def _file_reader(directory: Path | None) -> Callable[[str], Any]:
    def read(name: str) -> Any:
        if directory is not None:
            text = (Path(directory) / name).read_text(encoding="utf-8")
        else:
            resource = resources.files(__package__).joinpath(name)
            if not resource.is_file():
                raise FileNotFoundError(name)
            text = resource.read_text(encoding="utf-8")
        try:
            return yaml.load(text, Loader=_Loader)
        except yaml.YAMLError as exc:
            raise ValueError(f"{name}: invalid YAML: {exc}") from None

    return read


def _fail(where: str, message: str) -> ValueError:
    return ValueError(f"{where}: {message}")


def _str_list(value: Any, where: str, field: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        # YAML turns bare on/off/yes/no into booleans: quote them.
        raise _fail(where, f"{field} must be a list of non-empty strings (quote on/off/yes/no), got {value!r}")
    return tuple(value)


def _parse_plover(raw: Any, fname: str) -> tuple[dict[str, EventType], dict[str, str]]:
    if not isinstance(raw, dict) or not isinstance(raw.get("events"), dict):
        raise _fail(fname, "expected a mapping with an 'events' mapping")
    events: dict[str, EventType] = {}
    for name, spec in raw["events"].items():
        where = f"{fname}: event {name}"
        if not isinstance(spec, dict):
            raise _fail(where, "expected a mapping")
        quad = spec.get("quad_code")
        if quad not in (1, 2, 3, 4):
            raise _fail(where, f"quad_code must be 1-4, got {quad!r}")
        modes = _str_list(spec.get("modes"), where, "modes")
        if len(set(modes)) != len(modes):
            raise _fail(where, "duplicate mode")
        root = spec.get("cameo_root")
        if not isinstance(root, str) or not _CAMEO_RE.match(root):
            raise _fail(where, f"cameo_root must be a quoted CAMEO code, got {root!r}")
        mode_cameo = spec.get("mode_cameo") or {}
        if not isinstance(mode_cameo, dict):
            raise _fail(where, "mode_cameo must be a mapping")
        for mode, code in mode_cameo.items():
            if mode not in modes:
                raise _fail(where, f"mode_cameo names unknown mode {mode!r}")
            if not isinstance(code, str):
                raise _fail(where, f"mode_cameo code for {mode!r} must be a quoted string")
        events[str(name)] = EventType(
            name=str(name),
            quad_code=quad,
            description=str(spec.get("description", "")),
            modes=modes,
            cameo_root=root,
            mode_cameo=tuple(mode_cameo.items()),
        )
    sectors_raw = raw.get("sectors") or {}
    if not isinstance(sectors_raw, dict):
        raise _fail(fname, "sectors must be a mapping")
    sectors = {str(code): str(desc) for code, desc in sectors_raw.items()}
    return events, sectors


def _parse_cameo(raw: Any, fname: str, events: dict[str, EventType]) -> dict[str, CameoCode]:
    if not isinstance(raw, dict):
        raise _fail(fname, "expected a mapping of code -> entry")
    codes: dict[str, CameoCode] = {}
    for code, spec in raw.items():
        where = f"{fname}: code {code!r}"
        if not isinstance(code, str) or not _CAMEO_RE.match(code):
            raise _fail(where, "codes must be quoted strings of 2-4 digits")
        if not isinstance(spec, dict):
            raise _fail(where, "expected a mapping")
        gold = spec.get("goldstein")
        if isinstance(gold, bool) or not isinstance(gold, (int, float)) or not -10.0 <= gold <= 10.0:
            raise _fail(where, f"goldstein must be a number in [-10, 10], got {gold!r}")
        event, mode = spec.get("event"), spec.get("mode")
        if event is not None:
            if event not in events:
                raise _fail(where, f"unknown event {event!r}")
            if mode is not None and mode not in events[event].modes:
                raise _fail(where, f"mode {mode!r} is not a mode of {event}")
        elif mode is not None:
            raise _fail(where, "a mode needs an event")
        codes[code] = CameoCode(code, str(spec.get("name", "")), float(gold), event, mode)
    for code in codes:
        if len(code) > 2 and code[:-1] not in codes:
            raise _fail(f"{fname}: code {code!r}", f"has no parent code {code[:-1]!r}")
    return codes


def _check_event_defaults(events: dict[str, EventType], cameo: dict[str, CameoCode]) -> None:
    for etype in events.values():
        where = f"plover.yaml: event {etype.name}"
        if etype.cameo_root not in cameo:
            raise _fail(where, f"cameo_root {etype.cameo_root!r} is not in cameo.yaml")
        for mode, code in etype.mode_cameo:
            if code not in cameo:
                raise _fail(where, f"mode_cameo {mode}: {code!r} is not in cameo.yaml")
            if cameo[code].event != etype.name:
                raise _fail(where, f"mode_cameo {mode}: {code!r} maps to {cameo[code].event}, not {etype.name}")


def _parse_triggers(
    raw: Any, fname: str, events: dict[str, EventType], cameo: dict[str, CameoCode]
) -> tuple[Trigger, ...]:
    if not isinstance(raw, list):
        raise _fail(fname, "expected a list of trigger entries")
    triggers: list[Trigger] = []
    seen: dict[tuple[Any, ...], int] = {}
    for index, spec in enumerate(raw, start=1):
        trig = _parse_trigger(spec, f"{fname}: entry {index}", events, cameo)
        key = (trig.lemma, trig.pos, trig.prep, frozenset(trig.with_), frozenset(trig.not_with), trig.speech,
               trig.intransitive)
        if key in seen:
            raise _fail(
                f"{fname}: entry {index} ({trig.lemma}/{trig.pos})",
                f"same lemma and constraints as entry {seen[key]}; it could never match",
            )
        seen[key] = index
        triggers.append(trig)
    return tuple(triggers)


def _parse_trigger(spec: Any, where: str, events: dict[str, EventType], cameo: dict[str, CameoCode]) -> Trigger:
    if not isinstance(spec, dict):
        raise _fail(where, "expected a mapping")
    lemma = spec.get("lemma")
    if isinstance(lemma, str):
        where = f"{where} ({lemma}/{spec.get('pos')})"
    unknown = set(spec) - _TRIGGER_KEYS
    if unknown:
        raise _fail(where, f"unknown field(s) {', '.join(sorted(map(str, unknown)))}")
    if not isinstance(lemma, str) or not lemma or lemma != lemma.lower() or " " in lemma:
        raise _fail(where, f"lemma must be one lowercase word, got {lemma!r}")
    pos = spec.get("pos")
    if pos not in POS_TAGS:
        raise _fail(where, f"pos must be one of {', '.join(sorted(POS_TAGS))}, got {pos!r}")
    event = spec.get("event")
    if event not in events:
        raise _fail(where, f"unknown event {event!r}")
    mode = spec.get("mode")
    if mode is not None and mode not in events[event].modes:
        raise _fail(where, f"mode {mode!r} is not a mode of {event}")
    code = spec.get("cameo")
    if not isinstance(code, str) or code not in cameo:
        raise _fail(where, f"cameo {code!r} is not a (quoted) code in cameo.yaml")
    if cameo[code].event != event:
        raise _fail(where, f"cameo {code} maps to {cameo[code].event}, not {event}")
    prep = spec.get("prep")
    if prep is not None and (not isinstance(prep, str) or not prep or prep != prep.lower()):
        raise _fail(where, f"prep must be a lowercase string (quote on/off), got {prep!r}")
    with_ = _lower(_str_list(spec.get("with"), where, "with"))
    not_with = _lower(_str_list(spec.get("not_with"), where, "not_with"))
    default_recipient = "none" if pos == "NOUN" else "dobj"
    recipient = spec.get("recipient", default_recipient)
    if not isinstance(recipient, str) or not _RECIPIENT_RE.match(recipient):
        raise _fail(where, f"recipient must be dobj, nsubj, none or prep:<word>, got {recipient!r}")
    speech = spec.get("speech", False)
    if not isinstance(speech, bool):
        raise _fail(where, f"speech must be true or false, got {speech!r}")
    intransitive = spec.get("intransitive", False)
    if not isinstance(intransitive, bool):
        raise _fail(where, f"intransitive must be true or false, got {intransitive!r}")
    weight = spec.get("weight", 1.0)
    if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not 0.0 < weight <= 1.0:
        raise _fail(where, f"weight must be in (0, 1], got {weight!r}")
    return Trigger(
        lemma=lemma,
        pos=pos,
        event=event,
        mode=mode,
        cameo=code,
        prep=prep,
        with_=with_,
        recipient=recipient,
        speech=speech,
        weight=float(weight),
        not_with=not_with,
        intransitive=intransitive,
    )


def _lower(words: Iterable[str]) -> tuple[str, ...]:
    return tuple(w.lower() for w in words)
