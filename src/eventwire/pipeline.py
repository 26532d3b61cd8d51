"""Composes the stages; the one place that knows their order.

read -> parse -> code (lexicon coder) -> resolve actors, dates, places -> EventMention
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span as SpacySpan

from . import nlp as nlp_mod
from .actors import ActorResolver, KnowledgeBase
from .coding import Candidate, LexiconCoder
from .config import Config
from .dates import DateResolver, is_caption
from .geo import Gazetteer, load_gazetteer
from .ontology import Ontology, load_ontology
from .records import Article, Entity, EventMention, Place, ReadError, Span


PLACE_PREPS = frozenset({"in", "at", "near", "on", "outside", "inside"})


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
        self.kb = kb or KnowledgeBase.load(overlay=self.config.actors_overlay)
        self.gazetteer = gazetteer or load_gazetteer(self.config.cache_dir)
        self.resolver = ActorResolver(self.kb)
        self.coder = LexiconCoder(self.ontology, agent_words=self.kb.agent_words())

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
        actors = self.resolver.new_document(article.date)
        dateline = nlp_mod.find_dateline(article.text)
        dateline_place = self.gazetteer.resolve(dateline.text, ner="GPE") if dateline else None
        actors.focus_country = self._focus_country(doc, dateline_place)
        self._dateline_end = dateline.end if dateline else 0
        dates = DateResolver(article.date)
        para_starts = nlp_mod.paragraph_starts(doc)
        out: list[EventMention] = []
        for index, sent in enumerate(nlp_mod.sentences(doc)):
            para_start = sent.start in para_starts
            date_spans = [(e.start_char - sent.start_char, e.end_char - sent.start_char)
                          for e in sent.ents if e.label_ == "DATE"]
            candidates = self.coder.code(sent)
            if not candidates:
                # every sentence moves the story's time frame, coded or not
                dates.resolve(sent.text, sent.start_char, date_spans=date_spans, paragraph_start=para_start)
                continue
            caption = is_caption(sent.text)
            for cand in candidates:
                mention = self._mention(article, index, sent, cand, actors, dates, dateline_place, date_spans,
                                        para_start=para_start, caption=caption)
                if mention is not None:
                    out.append(mention)
        return out

    def _focus_country(self, doc: Doc, dateline: Place | None) -> str | None:
        if dateline and dateline.country:
            return dateline.country
        counts: Counter[str] = Counter()
        for ent in doc.ents:
            if ent.label_ in ("GPE", "NORP"):
                iso3 = self.kb.country_by_name(ent.text)
                if iso3:
                    counts[iso3] += 1
        return counts.most_common(1)[0][0] if counts else None

    def _resolve_args(self, spans: list[SpacySpan], actors) -> list[Entity]:
        out: list[Entity] = []
        seen: set[str] = set()
        for span in spans:
            if span.start_char < self._dateline_end < span.end_char:
                # "AMMAN - Jordanian Foreign Minister ...": the dateline is no part of the actor
                trimmed = span.doc.char_span(self._dateline_end, span.end_char, alignment_mode="contract")
                while trimmed is not None and len(trimmed) and (trimmed[0].is_punct or trimmed[0].is_space):
                    trimmed = trimmed[1:]
                if trimmed is None or not len(trimmed):
                    continue
                span = trimmed
            ner = span.root.ent_type_ or None
            for ent in self.resolver.resolve(span.text, actors, ner=ner, start=span.start_char):
                key = ent.name if ent.kind != "unresolved" else f"?{ent.text}"
                if key not in seen:
                    seen.add(key)
                    out.append(ent)
        return out

    def _mention(self, article: Article, index: int, sent: SpacySpan, cand: Candidate, actors, dates: DateResolver,
                 dateline_place: Place | None, date_spans: list[tuple[int, int]], *, para_start: bool,
                 caption: bool) -> EventMention | None:
        trig = cand.trigger
        # dated before the actor check: the sentence moves the story's time frame either way
        when = dates.resolve(sent.text, sent.start_char, date_spans=date_spans, tense=cand.tense,
                             trigger_start=trig.idx - sent.start_char, paragraph_start=para_start)
        actor = self._resolve_args(cand.actors, actors)
        if not actor:
            return None
        recipient = self._resolve_args(cand.recipients, actors)
        actor_names = {e.name for e in actor}
        recipient = [e for e in recipient if e.name not in actor_names]
        place, place_span = self._place(sent, cand, actor + recipient, actors.focus_country, dateline_place)
        if place_span is not None and place is not None and place.country:
            # "police" took the article's focus country; a place named in the sentence says better
            for ent in actor + recipient:
                if ent.kind == "agent" and "+focus:" in ent.evidence and ent.country != place.country:
                    ent.country = place.country
                    ent.code = self.kb.code(place.country, ent.sector)
                    ent.evidence = ent.evidence.split("+focus:")[0] + f"+place:{place.country}"
        known = [e.score for e in actor + recipient]
        confidence = cand.weight * (0.5 + 0.5 * sum(known) / len(known))
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

    def _place(self, sent: SpacySpan, cand: Candidate, entities: list[Entity], focus: str | None,
               dateline: Place | None) -> tuple[Place | None, Span | None]:
        context = [c for c in [focus, *(e.country for e in entities)] if c]
        arg_chars = {(e.span.start, e.span.end) for e in entities if e.span}

        def inside_arg(s: SpacySpan) -> bool:
            return any(a <= s.start_char and s.end_char <= b for a, b in arg_chars)

        options = list(cand.place_tokens)
        # else a place phrase elsewhere in the sentence ("... in Gaza"), never an actor's own name
        for ent in sent.ents:
            if ent.label_ in ("GPE", "LOC", "FAC") and not inside_arg(ent) and ent.start > sent.start:
                prev = ent.doc[ent.start - 1]
                if prev.lower_ in PLACE_PREPS or (prev.lower_ == "the" and ent.start > 1
                                                   and ent.doc[ent.start - 2].lower_ in PLACE_PREPS):
                    options.append(ent)
        for span in options:
            place = self.gazetteer.resolve(span.text, context_countries=context, ner=span.root.ent_type_ or None)
            if place is not None and place.level == "country" and span.start > 0 and \
                    span.doc[span.start - 1].lower_ == "on":
                continue  # "called on Israel" names a recipient, not where it happened
            if place is not None:
                return place, Span(span.start_char, span.end_char, span.text)
        return dateline, None


def code_events(pipeline: Pipeline, article: Article) -> list[EventMention]:
    """Events that are reported as facts unless the configuration keeps flagged ones."""
    events = pipeline.code_article(article)
    return filter_events(events, pipeline.config)


def filter_events(events: list[EventMention], config: Config) -> list[EventMention]:
    return [
        e for e in events
        if e.confidence >= config.min_confidence and (config.keep_flagged or not (e.negated or e.hypothetical))
    ]
