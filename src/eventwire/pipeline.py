"""Composes the stages; the one place that knows their order.

read -> parse -> code (lexicon coder) -> resolve actors, dates, places -> EventMention
"""

from __future__ import annotations

from collections import Counter, deque
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
from .dates import DateResolver, dateline_date, is_caption, writing_date
from .geo import ArticlePlaces, Gazetteer, load_gazetteer
from .ontology import Ontology, load_ontology
from .records import Article, Entity, EventMention, Place, ReadError, ResolvedDate, Span


LEDE_SENTENCES = 3  # where a story without a dateline says where it happens
PLACE_PREPS = frozenset({"in", "at", "near", "on", "outside", "inside"})
LEDE_PLACE_PREPS = frozenset({"in", "at", "near"})
# a preposition that puts the event at a place, directly under the trigger ("killed in", "clashed near")
LOCATIVE_PREPS = frozenset({"in", "at", "near", "outside", "inside", "across", "around", "throughout", "along",
                            "within", "off"})
# prepositions a place may sit behind further down the phrase ("in a raid on the camp of X")
PATH_PREPS = LOCATIVE_PREPS | {"of", "on"}
# "50 km north of Kabul", "on the outskirts of X" stays X, but a bearing is not the place itself
BEARING_WORDS = frozenset("north south east west northeast northwest southeast southwest km kilometers kilometres "
                          "miles mi".split())
# verbs whose object or passive subject is a place when it names one ("shelled Kharkiv", "Aleppo was taken")
TARGET_VERBS = frozenset("attack assault bomb shell strike hit target storm raid invade capture seize take overrun "
                         "liberate recapture retake occupy besiege encircle surround enter control bombard pound "
                         "destroy burn loot sack blockade patrol evacuate reach".split())
LEVEL_RANK = {"country": 0, "admin1": 1, "city": 2, "sub-city": 3}
# nouns a place name may modify and still be a place ("the Gaza hospital", "Baghdad's Sadr City district")
PLACE_NOUNS = frozenset("city town village district province region camp port capital area suburb neighbourhood "
                        "neighborhood hospital mosque church school university embassy market square street road "
                        "airport border municipality state county governorate quarter outskirts".split())
# the people of a place are where they are: "Gaza residents fled" happened in Gaza
LOCAL_PEOPLE = frozenset("residents resident villagers inhabitants locals people civilians citizens population "
                         "families worshippers".split())
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
        # the day the stories are read: a yearless dateline ("KABUL, July 13") takes the latest year
        # that does not put it in the future; read from the clock once, here, unless configured
        self.reading_date = self.config.reading_date or date.today()
        self.contexts = ContextTagger.load("en")

    # -- batch entry points -------------------------------------------------------------------
    def code_articles(self, items: Iterable[Article | ReadError]) -> Iterator[Coded | ReadError]:
        """Code a stream of articles in input order; read errors pass through, a failing article becomes
        a ReadError. One `nlp.pipe` runs over the whole stream, so with `n_process` > 1 spaCy starts its
        worker processes once per call, not once per batch."""
        queue: deque[Article | ReadError] = deque()

        def texts() -> Iterator[str]:
            for item in items:
                queue.append(item)
                if isinstance(item, Article):
                    yield item.text

        docs = nlp_mod.pipe(self.nlp, texts(), batch_size=self.config.batch_size, n_process=self.config.n_process)
        for doc in docs:  # one doc per article, in order: the queue's next article is this doc's
            while isinstance(queue[0], ReadError):
                yield queue.popleft()
            article = queue.popleft()
            assert isinstance(article, Article)
            try:
                yield Coded(article, self.code_doc(article, doc))
            except Exception as exc:  # one broken article must not stop the batch
                yield ReadError(article.source or article.id, "code", f"{type(exc).__name__}: {exc}")
        yield from queue  # read errors after the last article

    def code_article(self, article: Article) -> list[EventMention]:
        return self.code_doc(article, self.nlp(article.text))

    # -- one article ---------------------------------------------------------------------------
    def code_doc(self, article: Article, doc: Doc) -> list[EventMention]:
        dateline = nlp_mod.find_dateline(article.text)
        if article.date is None and dateline is not None and dateline.date:
            # "KABUL, July 13 (Reuters) -": the article's own day, its year read from today (dates.dateline_date)
            article.date = dateline_date(dateline.date, self.reading_date)
            article.date_source = "dateline" if article.date else None
        state = self._start(article, doc, dateline)
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
        state = self._start(article, doc, nlp_mod.find_dateline(article.text))
        actors, places = state.actors, state.places
        out: list[Entity | None] = []
        for text, start in mentions:
            span = doc.char_span(start, start + len(text), alignment_mode="expand") if start >= 0 else None
            ner = (span.root.ent_type_ or None) if span is not None else None
            found = self.resolver.resolve(text, actors, ner=ner, start=start if start >= 0 else None)
            ent = found[0] if found else None
            if ent is not None and ent.kind == "unresolved":
                ent = self._town(ent, ner, actors.focus_country, places) or ent
            out.append(ent)
        return out

    def _start(self, article: Article, doc: Doc, dateline: nlp_mod.Dateline | None) -> _ArticleState:
        """What reading an article starts from: its date, toponyms, dateline place and focus country."""
        # a dateline a little before the header date ("KABUL, July 13" on a story dated the 14th) is when
        # the writer wrote: "on Sunday" and "yesterday" count from it
        written = writing_date(article.date, dateline.date if dateline else None)
        state = _ArticleState(actors=self.resolver.new_document(article.date),
                              dates=DateResolver(article.date, written=written), places=self._article_places(doc))
        self._read_dateline(dateline, article.text, state)
        state.actors.focus_country = self._focus_country(doc, state.dateline_place)
        return state

    def _placed_agent(self, ent: Entity, country: str) -> Entity:
        if ent.kind != "agent" or ent.country == country or not (ent.country is None or "+focus:" in ent.evidence):
            return ent
        return _replace(ent, country=country, code=self.kb.code(country, ent.sector),
                        evidence=ent.evidence.split("+focus:")[0] + f"+place:{country}")

    def _article_places(self, doc: Doc) -> ArticlePlaces:
        return ArticlePlaces(self.gazetteer, [(e.text, e.label_) for e in doc.ents if e.label_ in PLACE_ENTS])

    def _town(self, ent: Entity, ner: str | None, focus: str | None, places: ArticlePlaces) -> Entity | None:
        """A town named as a participant ("Abidjan", "the people of Cizre") stands for its people:
        the country is known, the sector is not. Capitals are already metonymy for governments."""
        if ner not in ("GPE", "LOC", "FAC"):
            return None
        place = places.resolve(ent.text, ner=ner, countries=[focus] if focus else ())
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
                    ent = self._town(ent, ner, state.actors.focus_country, state.places) or ent
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
        place_choice = self._place(sent, trig, cand.place_tokens, actor + recipient, state, when,
                                   own_time=bool(when.historical or caption))
        place, place_span = place_choice.place, place_choice.span
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
            place_rule=place_choice.rule if place is not None else "",
        )

    # -- places ------------------------------------------------------------------------------------
    def place_for(self, article: Article, trigger: tuple[int, int], doc: Doc | None = None) -> PlaceChoice:
        """The place the chain links to the event whose trigger is at these character offsets, whether
        or not the coder reports an event there (for evaluating the chain on gold triggers).

        It sees the article's dateline and lede; unlike `code_doc` it does not know the places of
        earlier events in the trigger's paragraph."""
        doc = doc if doc is not None else self.nlp(article.text)
        sents = nlp_mod.sentences(doc)
        ents = nlp_mod.entities_by_sentence(doc, sents)
        index = next((i for i, s in enumerate(sents) if s.start_char <= trigger[0] < s.end_char), None)
        if index is None:
            return PlaceChoice(None, None, "none")
        sent = sents[index]
        words = [t for t in sent if t.idx < trigger[1] and trigger[0] < t.idx + len(t.text)]
        if not words:
            return PlaceChoice(None, None, "none")
        state = self._start(article, doc, nlp_mod.find_dateline(article.text))
        state.story_place = self._story_place(sents[:LEDE_SENTENCES], ents[:LEDE_SENTENCES], state)
        state.sentence_ents = ents[index]
        word_ids = {t.i for t in words}
        cand = next((c for c in self.coder.code(sent) if c.trigger.i in word_ids), None)
        if cand is not None:
            entities = self._resolve_args(cand.actors, state) + self._resolve_args(cand.recipients, state)
            return self._place(sent, cand.trigger, cand.place_tokens, entities, state, None)
        trig = next((t for t in words if t.pos_ in ("VERB", "AUX")), words[0])
        return self._place(sent, trig, self.coder.place_phrases(trig), [], state, None)

    def _read_dateline(self, dateline: nlp_mod.Dateline | None, text: str, state: _ArticleState) -> None:
        if dateline is None:
            return
        hint = nlp_mod.dateline_country_hint(dateline.qualifier) or (
            self.kb.country_by_name(dateline.qualifier) if dateline.qualifier else None)
        state.dateline_place = state.places.resolve(dateline.text, ner="GPE", countries=[hint] if hint else ())
        state.dateline_end = dateline.end
        if state.dateline_place is not None:
            end = dateline.start + len(dateline.text)
            state.dateline_span = Span(dateline.start, end, text[dateline.start:end])

    def _place(self, sent: SpacySpan, trigger: Token, place_tokens: list[SpacySpan], entities: list[Entity],
               state: _ArticleState, when: ResolvedDate | None, *, own_time: bool = False) -> PlaceChoice:
        """Where the event happened: a location phrase attached to its trigger (the most specific place
        in it), else one in its clause, else the paragraph's earlier event place, the dateline, the lede's
        place. Names that are actors ("Moscow said", "the Kabul government") are never the event's place.
        A caption or background event (`own_time`) gets only a place its own sentence names."""
        context = [c for c in [state.actors.focus_country, *(e.country for e in entities)] if c]
        # an argument names an actor, unless it is a town standing for its people ("shelled Kharkiv")
        # or a name nobody knows, which may be a place the parse took for one ("shelled Belgorod")
        arg_chars = [(e.span.start, e.span.end) for e in entities if e.span and e.kind not in ("place", "unresolved")]
        agent_words = self.kb.agent_words()
        ents = [e for e in state.sentence_ents if place_like(e) and e.start_char >= state.dateline_end
                and not any(a <= e.start_char and e.end_char <= b for a, b in arg_chars)
                and not actor_part(e, agent_words)] + unlabelled_places(sent, state.dateline_end)
        targets = {e.start_char for e in ents if attachment(e.root, trigger) == "target"}
        attached = [e for e in ents if e.start_char in targets or attachment(e.root, trigger) == "phrase"]
        own = [s for s in place_tokens if s.start_char >= state.dateline_end
               and not any(a <= s.start_char and s.end_char <= b for a, b in arg_chars)]
        choice = self._most_specific([*own, *attached], context, state, "trigger", unknown_ok=True)
        if choice is not None and choice.span is not None and choice.span.start in targets:
            choice = PlaceChoice(choice.place, choice.span, choice.rule.replace("trigger", "target"))
        if choice is None:
            # "shelling hit a bus in Donetsk, killing 8": a participle or infinitive happens where its
            # governing verb does
            head = governing_event(trigger)
            if head is not None:
                attached = [e for e in ents if attachment(e.root, head) in ("phrase", "target")]
                choice = self._most_specific(attached, context, state, "governor", unknown_ok=True)
        if choice is None:
            clause = [e for e in ents if e.start > sent.start and (
                attachment(e.root, trigger) == "shared" or (
                    in_clause(e.root, clause_head(trigger)) and after_prep(e, PLACE_PREPS)))]
            choice = self._most_specific(clause, context, state, "clause", unknown_ok=False)
        if choice is not None:
            state.paragraph_place = (choice.place, choice.span)
            return choice
        if own_time:
            return PlaceChoice(None, None, "none")
        if state.paragraph_place is not None:
            # later sentences of a paragraph stay where its first event happened
            return PlaceChoice(*state.paragraph_place, "paragraph")
        if state.dateline_place is not None:
            return PlaceChoice(state.dateline_place, state.dateline_span, "dateline")
        if state.story_place is not None and (state.story_date is None or when is None or when.date == state.story_date):
            return PlaceChoice(*state.story_place, "lede")  # the lede's place, for the lede's events only
        return PlaceChoice(None, None, "none")

    def _most_specific(self, spans: list[SpacySpan], context: list[str], state: _ArticleState, rule: str, *,
                       unknown_ok: bool) -> PlaceChoice | None:
        """The finest-grained place among these ("the Zafaraniyah district of Baghdad" is Zafaraniyah).
        A name the gazetteer lacks counts when `unknown_ok` and NER calls it a place: it is placed
        inside the known place beside it (sub-city in a city), else kept with no coordinates."""
        found: list[tuple[Place, SpacySpan]] = []
        unknown: list[SpacySpan] = []
        for span in spans:
            place = state.places.resolve(span.text, ner=span.root.ent_type_ or None, countries=context)
            if place is not None and place.level == "country" and span.start > 0 and \
                    span.doc[span.start - 1].lower_ == "on":
                continue  # "called on Israel" names a recipient, not where it happened
            if place is not None:
                found.append((place, span))
            elif unknown_ok and place_like(span) and span.text[:1].isupper():
                unknown.append(span)
        parent = max(found, key=lambda f: LEVEL_RANK[f[0].level], default=None)
        if unknown and (parent is None or parent[0].level != "sub-city"):
            span = unknown[0]
            place = _inside(span, parent[0] if parent else None, context)
            return PlaceChoice(place, Span(span.start_char, span.end_char, span.text), rule + ":unlisted")
        if parent is None:
            return None
        place, span = parent
        return PlaceChoice(place, Span(span.start_char, span.end_char, span.text), rule)

    def _story_place(self, sents: list[SpacySpan], ents: list[list[SpacySpan]],
                     state: _ArticleState) -> tuple[Place, Span] | None:
        """Where the story happens when it has no dateline: the first "in X" place of its lede."""
        for sent, sent_ents in zip(sents, ents):
            for ent in sent_ents:
                if ent.label_ not in PLACE_ENTS or not after_prep(ent, LEDE_PLACE_PREPS):
                    continue
                focus = state.actors.focus_country
                place = state.places.resolve(ent.text, ner=ent.label_, countries=[focus] if focus else ())
                if place is not None and place.level != "country":
                    return place, Span(ent.start_char, ent.end_char, ent.text)
        return None


@dataclass(frozen=True, slots=True)
class PlaceChoice:
    """The place linked to one event, the words that name it and the step of the chain that chose it."""

    place: Place | None
    span: Span | None
    rule: str  # trigger | clause (":unlisted" when the gazetteer lacks it) | paragraph | dateline | lede | none


def _inside(span: SpacySpan, parent: Place | None, context: list[str]) -> Place:
    """A place the gazetteer lacks, located by the known place named with it: a district of a city
    is sub-city there; beside a region or country it is a town we cannot place more exactly."""
    level = "sub-city" if parent is None and span.root.ent_type_ == "FAC" or (
        parent is not None and parent.level in ("city", "sub-city")) else "city"
    if parent is None:
        return Place(span.text, span.text, None, None, None, context[0] if context else None, level=level, score=0.3)
    return Place(span.text, span.text, None, parent.lat, parent.lon, parent.country, admin1=parent.admin1,
                 level=level, score=round(0.5 * parent.score, 4))


def after_prep(ent: SpacySpan, preps: frozenset[str]) -> bool:
    """Whether a name follows one of these prepositions, with or without "the" ("in (the) Gaza Strip")."""
    doc, i = ent.doc, ent.start
    if i > 0 and doc[i - 1].lower_ in preps:
        return True
    return i > 1 and doc[i - 1].lower_ == "the" and doc[i - 2].lower_ in preps


def place_like(ent: SpacySpan) -> bool:
    """A place by its NER label, or a name the small model calls a person or organisation where only a
    place can stand: "at Lashkar Gah", "in Bab al-Mu'adham area", "the town of Tulkarm"."""
    label = ent.label_ or ent.root.ent_type_
    if label in PLACE_ENTS:
        return True
    if label not in ("PERSON", "ORG", "NORP"):
        return False
    tok = ent.root
    if tok.dep_ == "pobj" and tok.head.lower_ in LOCATIVE_PREPS:
        return label != "NORP"  # "in Russian" is a language
    if tok.dep_ == "compound" and tok.head.lemma_.lower() in PLACE_NOUNS:
        return True
    if tok.dep_ == "pobj" and tok.head.lower_ == "of" and tok.head.head.lemma_.lower() in PLACE_NOUNS:
        return True
    return any(c.dep_ == "appos" and c.lemma_.lower() in PLACE_NOUNS for c in tok.children)


def unlabelled_places(sent: SpacySpan, after: int) -> list[SpacySpan]:
    """Proper names the NER left untagged where only a place can stand ("hit a bus in Donetsk");
    they count only if the gazetteer knows them."""
    out = []
    for tok in sent:
        if tok.pos_ != "PROPN" or tok.ent_type_ or tok.idx < after or tok.dep_ != "pobj":
            continue
        prep = tok.head
        if prep.lower_ in LOCATIVE_PREPS or (prep.lower_ == "of" and prep.head.lemma_.lower() in PLACE_NOUNS):
            start = tok.i
            while start > sent.start and tok.doc[start - 1].dep_ == "compound" and tok.doc[start - 1].pos_ == "PROPN":
                start -= 1
            out.append(tok.doc[start:tok.i + 1])
    return out


def governing_event(trigger: Token) -> Token | None:
    """The verb whose event a participle, infinitive or conjunct trigger belongs to ("hit ..., killing")."""
    if trigger.dep_ in ("advcl", "xcomp", "conj", "acl", "relcl", "pcomp") and trigger.head.pos_ in ("VERB", "AUX"):
        return trigger.head
    return None


def clause_head(trigger: Token) -> Token:
    return trigger if trigger.pos_ in ("VERB", "AUX") else (governing_verb(trigger) or trigger)


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


def attachment(tok: Token, trigger: Token) -> str | None:
    """How a place name hangs from the trigger: "phrase" through a locative preposition ("killed in
    the Zafaraniyah district of Baghdad"), "target" as the thing attacked or taken ("captured the town
    of Bakwa", "Aleppo was shelled"), "shared" through a verb coordinated with the trigger ("killed
    one and wounded four in Mosul"); None when it does not, or only as a bearing ("50 km north of X")."""
    path: list[Token] = []
    cur = tok
    for _ in range(10):
        if cur.head == cur:
            return None
        path.append(cur)
        parent = cur.head
        if parent == trigger:
            break
        if parent.pos_ in ("VERB", "AUX"):
            if parent.dep_ == "conj" and parent.head == trigger and cur.dep_ == "prep" \
                    and cur.lower_ in LOCATIVE_PREPS and _plain_path(path[:-1]):
                return "shared"
            return None
        cur = parent
    else:
        return None
    top = path[-1]
    if not _plain_path(path[:-1]):
        return None
    if top.dep_ == "prep":
        return "phrase" if top.lower_ in LOCATIVE_PREPS else None
    if top.dep_ in ("dobj", "nsubjpass") and trigger.pos_ == "VERB":
        preps = [t for t in path if t.dep_ == "prep"]
        if any(t.lower_ in LOCATIVE_PREPS for t in preps):
            return "phrase"  # "arrested the leader in Nairobi": the phrase hangs on the object
        if trigger.lemma_.lower() in TARGET_VERBS and all(t.head.lemma_.lower() in PLACE_NOUNS for t in preps):
            return "target"  # "captured the town of Bakwa", never "captured the attention of Hollywood"
        return None
    if top.dep_ == "npadvmod" and top == tok:
        return "phrase"
    return None


def _plain_path(path: list[Token]) -> bool:
    """No bearing ("north of"), no non-locative preposition ("from", "with") between name and trigger."""
    for t in path:
        if t.dep_ == "prep" and t.lower_ not in PATH_PREPS:
            return False
        if t.lower_ in BEARING_WORDS:
            return False
    return True


def actor_part(ent: SpacySpan, agent_words: frozenset[str]) -> bool:
    """A place name used for an actor: the subject of a verb ("Moscow said", "Tehran accused") or part
    of an institution's name ("the Kabul government", "Gaza health ministry", "Moscow's decision").
    Such a name gives the actor its country; it is not where the event happened."""
    root = ent.root
    head = root.head
    if root.dep_ == "nsubj" and head.pos_ in ("VERB", "AUX"):
        return True
    if root.dep_ in ("compound", "amod", "nmod", "poss") and head.pos_ in ("NOUN", "PROPN"):
        noun = head
        while noun.dep_ == "compound" and noun.head.pos_ in ("NOUN", "PROPN") and noun.head != noun:
            noun = noun.head  # "Gaza health ministry": the ministry is the head
        word = noun.lower_
        if word in LOCAL_PEOPLE or noun.lemma_.lower() in PLACE_NOUNS:
            return False
        return word in agent_words or noun.lemma_.lower() in agent_words or (
            root.dep_ == "poss" and noun.ent_type_ not in PLACE_ENTS)
    return False


@dataclass(slots=True)
class _ArticleState:
    """What the stages remember while reading one article (no state outlives it)."""

    actors: DocumentActors
    dates: DateResolver
    places: ArticlePlaces  # the article's toponyms, each read in the light of the others
    dateline_place: Place | None = None
    dateline_end: int = 0
    dateline_span: Span | None = None
    paragraph_place: tuple[Place, Span | None] | None = None
    sentence_ents: list[SpacySpan] = field(default_factory=list)
    story_place: tuple[Place, Span] | None = None
    story_date: date | None = None


def filter_events(events: list[EventMention], config: Config) -> list[EventMention]:
    """Events confident enough to report; negated and hypothetical ones only if the config keeps them."""
    return [
        e for e in events
        if e.confidence >= config.min_confidence and (config.keep_flagged or not (e.negated or e.hypothetical))
    ]
