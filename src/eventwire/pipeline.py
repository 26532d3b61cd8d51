"""Composes the stages; the one place that knows their order.

read -> parse -> code (lexicon coder) -> resolve actors, dates, places -> EventMention
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace as _replace

from spacy.language import Language
from spacy.tokens import Doc, Span as SpacySpan, Token

from . import nlp as nlp_mod
from .actors import ActorResolver, DocumentActors, KnowledgeBase
from .coding import Candidate, LexiconCoder
from .coding.lexicon import PLACE_ENTS, governing_verb
from .coding.spans import ArgumentTagger, main_candidate
from .config import Config
from .contexts import ContextTagger
from .dates import DateResolver, is_caption
from .geo import Gazetteer, load_gazetteer
from .ontology import Ontology, load_ontology
from .records import Article, Entity, EventMention, Place, ReadError, ResolvedDate, Span


LEDE_SENTENCES = 3  # where a story without a dateline says where it happens
PLACE_PREPS = frozenset({"in", "at", "near", "on", "outside", "inside"})
LEDE_PLACE_PREPS = frozenset({"in", "at", "near"})
# NER labels under which an unresolved name is still someone worth keeping ("Cohen", "Acme Corp");
# an unresolved GPE is nearly always a town named as a place ("the Benghazi attacks"), not an actor
NAMED_ENTS = frozenset({"PERSON", "ORG", "NORP"})


@dataclass(slots=True)
class Coded:
    """The events of one article (an article may legitimately have none)."""

    article: Article
    events: list[EventMention]


class Pipeline:
    """Holds the loaded models (spaCy, ontology, knowledge base, gazetteer) and runs the stages."""

    def __init__(
        self,
        config: Config | None = None,
        *,
        nlp: Language | None = None,
        ontology: Ontology | None = None,
        kb: KnowledgeBase | None = None,
        gazetteer: Gazetteer | None = None,
    ):
        self.config = config or Config()
        self.nlp = nlp or nlp_mod.load_nlp(self.config.model_for("en"))
        self.ontology = ontology or load_ontology("en")
        self.kb = kb or KnowledgeBase.load(overlay=self.config.actors_overlay, cache_dir=self.config.cache_dir)
        self.gazetteer = gazetteer or load_gazetteer(self.config.cache_dir)
        self.resolver = ActorResolver(self.kb)
        self.coder = LexiconCoder(self.ontology, agent_words=self.kb.agent_words())
        self.tagger = ArgumentTagger.packaged(self.kb.word_kinds) if self.config.argument_tagger else None
        self.contexts = ContextTagger.load("en")

    # -- batch entry points -------------------------------------------------------------------
    def code_articles(self, items: Iterable[Article | ReadError]) -> Iterator[Coded | ReadError]:
        """Code a stream of articles; read errors pass through, a failing article becomes a ReadError."""
        pending: list[Article] = []

        def flush() -> Iterator[Coded | ReadError]:
            texts = [a.text for a in pending]
            docs = nlp_mod.pipe(self.nlp, texts, batch_size=self.config.batch_size, n_process=self.config.n_process)
            for article, doc in zip(pending, docs):
                try:
                    yield Coded(article, self.code_doc(article, doc))
                except Exception as exc:  # one broken article must not stop the batch
                    yield ReadError(article.source or article.id, "code", f"{type(exc).__name__}: {exc}")
            pending.clear()

        for item in items:
            if isinstance(item, ReadError):
                yield from flush()
                yield item
                continue
            pending.append(item)
            if len(pending) >= self.config.batch_size:
                yield from flush()
        yield from flush()

    def code_article(self, article: Article) -> list[EventMention]:
        return self.code_doc(article, self.nlp(article.text))

    # -- one article ---------------------------------------------------------------------------
    def code_doc(self, article: Article, doc: Doc) -> list[EventMention]:
        dateline = nlp_mod.find_dateline(article.text)
        state = _ArticleState(actors=self.resolver.new_document(article.date), dates=DateResolver(article.date))
        if dateline is not None:
            hint = nlp_mod.dateline_country_hint(dateline.qualifier) or (
                self.kb.country_by_name(dateline.qualifier) if dateline.qualifier else None)
            state.dateline_place = self.gazetteer.resolve(dateline.text, ner="GPE",
                                                          context_countries=[hint] if hint else ())
            state.dateline_end = dateline.end
        state.actors.focus_country = self._focus_country(doc, state.dateline_place)
        para_starts = nlp_mod.paragraph_starts(doc)
        sents = nlp_mod.sentences(doc)
        ents = nlp_mod.entities_by_sentence(doc, sents)  # one pass: Span.ents rescans the whole doc
        state.story_place = self._story_place(sents[:LEDE_SENTENCES], ents[:LEDE_SENTENCES], state)
        out: list[EventMention] = []
        for index, sent in enumerate(sents):
            para_start = sent.start in para_starts
            if para_start:
                state.paragraph_place = None
            state.sentence_ents = ents[index]
            date_spans = [(e.start_char - sent.start_char, e.end_char - sent.start_char)
                          for e in state.sentence_ents if e.label_ == "DATE"]
            candidates = self.coder.code(sent)
            if not candidates:
                # every sentence moves the story's time frame, coded or not
                state.dates.resolve(sent.text, sent.start_char, date_spans=date_spans, paragraph_start=para_start)
                continue
            caption = is_caption(sent.text)
            main = main_candidate(candidates)
            for cand in candidates:
                if self.tagger is not None and cand is main:
                    cand = self.tagger.complete(sent, cand)
                mention = self._mention(article, index, sent, cand, state, date_spans,
                                        para_start=para_start, caption=caption)
                if mention is not None:
                    out.append(mention)
        return out

    def resolve_in_context(self, article: Article, mentions: list[tuple[str, int]]) -> list[Entity | None]:
        """Resolve given phrases (text, character offset) of an article in text order, with the
        document context an argument gets: the article date, the focus country and earlier mentions.
        For evaluating and explaining resolution apart from the coder's choice of arguments."""
        doc = self.nlp(article.text)
        actors = self.resolver.new_document(article.date)
        dateline = nlp_mod.find_dateline(article.text)
        place = self.gazetteer.resolve(dateline.text, ner="GPE") if dateline is not None else None
        actors.focus_country = self._focus_country(doc, place)
        out: list[Entity | None] = []
        for text, start in mentions:
            span = doc.char_span(start, start + len(text), alignment_mode="expand") if start >= 0 else None
            ner = (span.root.ent_type_ or None) if span is not None else None
            found = self.resolver.resolve(text, actors, ner=ner, start=start if start >= 0 else None)
            ent = found[0] if found else None
            if ent is not None and ent.kind == "unresolved":
                ent = self._town(ent, ner, actors.focus_country) or ent
            out.append(ent)
        return out

    def _placed_agent(self, ent: Entity, country: str) -> Entity:
        if ent.kind != "agent" or ent.country == country or not (ent.country is None or "+focus:" in ent.evidence):
            return ent
        return _replace(ent, country=country, code=self.kb.code(country, ent.sector),
                        evidence=ent.evidence.split("+focus:")[0] + f"+place:{country}")

    def _town(self, ent: Entity, ner: str | None, focus: str | None) -> Entity | None:
        """A town named as a participant ("Abidjan", "the people of Cizre") stands for its people:
        the country is known, the sector is not. Capitals are already metonymy for governments."""
        if ner not in ("GPE", "LOC", "FAC"):
            return None
        place = self.gazetteer.resolve(ent.text, ner=ner, context_countries=[focus] if focus else ())
        if place is None or place.country is None or place.score < 0.8 or place.level not in ("city", "sub-city"):
            return None
        return Entity(ent.text, place.name, "place", place.country, None, self.kb.code(place.country, None),
                      score=round(0.6 * place.score, 3), evidence=f"town:{place.name}/{place.geonameid}",
                      span=ent.span)

    def _implied_police(self, state: _ArticleState) -> Entity:
        (police,) = self.resolver.resolve("police", state.actors)[:1] or [Entity("police", "police")]
        return Entity(text="police", name=police.name, kind=police.kind, country=police.country,
                      sector=police.sector or "COP", code=police.code, score=0.4,
                      evidence="implied:arrest without agent" + (f"+focus:{police.country}" if police.country else ""))

    def _focus_country(self, doc: Doc, dateline: Place | None) -> str | None:
        if dateline and dateline.country:
            return dateline.country
        counts: Counter[str] = Counter()
        for ent in doc.ents:
            if ent.label_ in ("GPE", "NORP"):
                iso3 = self.kb.country_by_name(ent.text)
                if iso3:
                    counts[iso3] += 1
        ranked = counts.most_common(2)
        if not ranked:
            return None
        # a weak majority is no ground for giving "police" or "the minister" a nationality
        top, n = ranked[0]
        runner_up = ranked[1][1] if len(ranked) > 1 else 0
        return top if n >= 2 and n >= 2 * runner_up else None

    def _resolve_args(self, spans: list[SpacySpan], state: _ArticleState) -> list[Entity]:
        """Entities for argument phrases; phrases that name no one ("the letter", "it") are dropped."""
        out: list[Entity] = []
        seen: set[str] = set()
        for span in spans:
            if span.end_char <= state.dateline_end:
                continue  # the parse took the dateline ("NEWARK, N.J. (AP) -") for an argument
            if span.start_char < state.dateline_end < span.end_char:
                # "AMMAN - Jordanian Foreign Minister ...": the dateline is no part of the actor
                trimmed = span.doc.char_span(state.dateline_end, span.end_char, alignment_mode="contract")
                while trimmed is not None and len(trimmed) and (trimmed[0].is_punct or trimmed[0].is_space):
                    trimmed = trimmed[1:]
                if trimmed is None or not len(trimmed):
                    continue
                span = trimmed
            ner = span.root.ent_type_ or None
            named = ner in NAMED_ENTS and span.root.pos_ == "PROPN"
            for ent in self.resolver.resolve(span.text, state.actors, ner=ner, start=span.start_char):
                if ent.kind == "unresolved" and named:
                    ent = self._town(ent, ner, state.actors.focus_country) or ent
                if ent.kind == "unresolved" and not named:
                    continue  # names no one ("the letter", "it")
                key = ent.name if ent.kind != "unresolved" else f"?{ent.text}"
                if key not in seen:
                    seen.add(key)
                    out.append(ent)
        return out

    def _mention(self, article: Article, index: int, sent: SpacySpan, cand: Candidate, state: _ArticleState,
                 date_spans: list[tuple[int, int]], *, para_start: bool, caption: bool) -> EventMention | None:
        trig = cand.trigger
        # dated before the actor check: the sentence moves the story's time frame either way
        when = state.dates.resolve(sent.text, sent.start_char, date_spans=date_spans, tense=cand.tense,
                                   trigger_start=trig.idx - sent.start_char, paragraph_start=para_start)
        if cand.intent:
            when = state.dates.current(sent.text, sent.start_char, paragraph_start=para_start)
        # a person's office is the one held when the event happened (a 2017 caption in a 2023 story)
        state.actors.article_date = when.date if when.historical and when.date else article.date
        try:
            actor = self._resolve_args(cand.actors, state)
            recipient = self._resolve_args(cand.recipients, state) if actor else []
        finally:
            state.actors.article_date = article.date
        if not actor and cand.event == "COERCE" and cand.mode == "arrest" and not cand.actors:
            # "five activists were arrested": arrests are made by the police of the place
            actor = [self._implied_police(state)]
        if not actor:
            return None  # no one we can name did it: not an event we can report
        # the syntax found an object, but it names no one ("offered his doubts"): a weaker reading
        thing_object = bool(cand.recipients) and not recipient and cand.recipients[0].root.dep_ in ("dobj", "dative")
        actor_names = {e.name for e in actor}
        recipient = [e for e in recipient if e.name not in actor_names]
        place, place_span = self._place(sent, cand, actor + recipient, state, when,
                                        own_time=bool(when.historical or caption))
        if state.story_date is None and not (when.historical or caption):
            state.story_date = when.date  # the first reported event sets the story's own day
        # copies, never edits: the article's actor memory holds these same entities for later mentions
        if place is not None and place.country and place is not state.dateline_place:
            # "police" took the article's focus country; a place named for the event says better
            actor, recipient = ([self._placed_agent(e, place.country) for e in group] for group in (actor, recipient))
        if cand.event in ("ASSAULT", "MOBILIZE"):
            # "Israeli airstrikes", "Russia shelled": a state uses force through its military
            actor = [_replace(e, sector="MIL", code=self.kb.code(e.country, "MIL"), evidence=e.evidence + "+force:MIL")
                     if e.sector is None and e.country and e.kind in ("state", "agent") else e for e in actor]
        known = [e.score for e in actor + recipient]
        confidence = cand.weight * (0.5 + 0.5 * sum(known) / len(known))
        if thing_object:
            confidence *= 0.7
        if sent.text.rstrip().endswith("?"):
            cand.hypothetical = True  # a question reports nothing
        if caption:
            confidence *= 0.8
        if cand.negated or cand.hypothetical:
            confidence *= 0.5
        cameo = cand.cameo or self.ontology.cameo_for(cand.event, cand.mode)
        historical = bool(when.historical or caption)
        return EventMention(
            article_id=article.id,
            sentence_index=index,
            event=cand.event,
            mode=cand.mode,
            trigger=Span(trig.idx, trig.idx + len(trig.text), trig.text),
            sentence=Span(sent.start_char, sent.end_char, sent.text),
            actor=actor,
            recipient=recipient,
            context=self.contexts.tag(sent, cand.event),
            quad_code=self.ontology.quad(cand.event),
            cameo=cameo,
            goldstein=self.ontology.goldstein(cameo),
            date=when,
            place=place,
            place_span=place_span,
            negated=cand.negated,
            hypothetical=cand.hypothetical,
            historical=historical,
            confidence=confidence,
            rule=cand.rule,
        )

    def _place(self, sent: SpacySpan, cand: Candidate, entities: list[Entity], state: _ArticleState,
               when: ResolvedDate, *, own_time: bool = False) -> tuple[Place | None, Span | None]:
        """The trigger's own location phrase, else one in its clause, else the paragraph's, the dateline's
        or the lede's. A caption or background event (`own_time`) gets only a place its sentence names."""
        context = [c for c in [state.actors.focus_country, *(e.country for e in entities)] if c]
        arg_chars = {(e.span.start, e.span.end) for e in entities if e.span}

        def inside_arg(s: SpacySpan) -> bool:
            return any(a <= s.start_char and s.end_char <= b for a, b in arg_chars)

        options = list(cand.place_tokens)
        clause_head = cand.trigger if cand.trigger.pos_ in ("VERB", "AUX") else (
            governing_verb(cand.trigger) or cand.trigger)
        for ent in state.sentence_ents:
            if ent.label_ in PLACE_ENTS and not inside_arg(ent) and ent.start > sent.start \
                    and in_clause(ent.root, clause_head) and after_prep(ent, PLACE_PREPS):
                options.append(ent)
        for span in options:
            place = self.gazetteer.resolve(span.text, context_countries=context, ner=span.root.ent_type_ or None)
            if place is not None and place.level == "country" and span.start > 0 and \
                    span.doc[span.start - 1].lower_ == "on":
                continue  # "called on Israel" names a recipient, not where it happened
            if place is not None:
                evidence = Span(span.start_char, span.end_char, span.text)
                state.paragraph_place = (place, evidence)
                return place, evidence
        if own_time:
            return None, None
        if state.paragraph_place is not None:
            # later sentences of a paragraph stay where its first event happened
            return state.paragraph_place[0], None
        if state.dateline_place is not None:
            return state.dateline_place, None
        if state.story_date is None or when.date == state.story_date:
            return state.story_place, None  # the lede's place, for the lede's events only
        return None, None

    def _story_place(self, sents: list[SpacySpan], ents: list[list[SpacySpan]],
                     state: _ArticleState) -> Place | None:
        """Where the story happens when it has no dateline: the first "in X" place of its lede."""
        for sent, sent_ents in zip(sents, ents):
            for ent in sent_ents:
                if ent.label_ not in PLACE_ENTS or not after_prep(ent, LEDE_PLACE_PREPS):
                    continue
                focus = state.actors.focus_country
                place = self.gazetteer.resolve(ent.text, ner=ent.label_, context_countries=[focus] if focus else ())
                if place is not None and place.level != "country":
                    return place
        return None


def after_prep(ent: SpacySpan, preps: frozenset[str]) -> bool:
    """Whether a name follows one of these prepositions, with or without "the" ("in (the) Gaza Strip")."""
    doc, i = ent.doc, ent.start
    if i > 0 and doc[i - 1].lower_ in preps:
        return True
    return i > 1 and doc[i - 1].lower_ == "the" and doc[i - 2].lower_ in preps


def in_clause(tok: Token, clause_head: Token) -> bool:
    """Whether tok hangs from clause_head without passing through another verb's clause."""
    cur = tok
    for _ in range(12):
        if cur == clause_head:
            return True
        if cur.head == cur:
            return False
        cur = cur.head
        if cur.pos_ in ("VERB", "AUX") and cur != clause_head:
            return False
    return False


@dataclass(slots=True)
class _ArticleState:
    """What the stages remember while reading one article (no state outlives it)."""

    actors: DocumentActors
    dates: DateResolver
    dateline_place: Place | None = None
    dateline_end: int = 0
    paragraph_place: tuple[Place, Span] | None = None
    sentence_ents: list[SpacySpan] = field(default_factory=list)
    story_place: Place | None = None
    story_date: date | None = None


def filter_events(events: list[EventMention], config: Config) -> list[EventMention]:
    """Events confident enough to report; negated and hypothetical ones only if the config keeps them."""
    return [
        e for e in events
        if e.confidence >= config.min_confidence and (config.keep_flagged or not (e.negated or e.hypothetical))
    ]
