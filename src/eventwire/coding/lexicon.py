"""The syntax-and-lexicon coder: trigger words from the ontology, arguments from the parse.

Why rules first: every coded event can be explained by the lexicon entry that fired and
the dependency arcs that supplied its actor and recipient, and it runs at parse speed.
"""

from __future__ import annotations

from collections.abc import Iterable

from spacy.tokens import Span, Token

from ..nlp import entity_at
from ..ontology import Ontology, Trigger
from . import Candidate

SPEECH_VERBS = frozenset(
    "say tell add announce state declare warn claim insist stress emphasize emphasise affirm "
    "confirm vow pledge write tweet note argue respond reply retort assert threaten promise continue".split()
)
# Verbs whose object noun names the event itself: "launched an attack", "imposed sanctions".
LIGHT_VERBS = frozenset(
    "launch carry conduct hold make impose stage issue sign reach give provide send offer "
    "express extend deliver mount begin start continue announce order declare lodge file "
    "level voice take pay approve grant".split()
)
# Verbs under which an embedded event is only intended, asked for or feared.
IRREALIS_HEADS = frozenset(
    "plan want seek hope intend threaten try aim expect propose prepare call urge ask demand "
    "request vow pledge promise agree offer refuse decide consider discuss need wish push press "
    "encourage invite allow permit able likely set".split()
)
FACTIVE_HEADS = frozenset("begin start continue manage resume proceed".split())
OBLIGATION_HEADS = frozenset("have force compel oblige".split())
MODALS = frozenset("would could might may should can must will shall 'd 'll".split())
NEGATIONS = frozenset("not n't never no neither nor".split())
RELATIVE_PRONOUNS = frozenset("who which that whom whose".split())
PERSONAL_PRONOUNS = frozenset("he she they it we i you him her them us".split())
SPEAKER_PRONOUNS = frozenset({"he", "she", "i", "we"})
ARG_ENTS = frozenset({"PERSON", "ORG", "GPE", "NORP"})
PLACE_ENTS = frozenset({"GPE", "LOC", "FAC"})
SETTLEMENT_NOUNS = frozenset("city town village district province region camp port capital area suburb".split())
# events whose noun's possessor is usually the one acted on ("Karlov's assassination", "his arrest")
DONE_TO_POSSESSOR = frozenset({"ASSAULT", "COERCE", "RETREAT", "SANCTION"})
NAMED_NOT_EVENT = frozenset({"EVENT", "ORG", "WORK_OF_ART", "LAW", "FAC", "PRODUCT", "GPE", "PERSON"})
# "released hostages on Friday": a time or a number is never the recipient
NOT_ARGUMENT_ENTS = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"})
TARGET_PREPS = ("against", "on", "with", "to", "at", "into", "toward", "towards", "upon", "over", "for")
NOUN_TARGET_PREPS = ("against", "on", "with", "to", "at", "of", "into", "upon", "toward", "towards")
OBJECT_TARGET_PREPS = ("against", "on", "into", "of", "to", "with", "toward", "towards", "for", "upon", "at")
SUBJECTS = ("nsubj",)


def _is_passive(v: Token) -> bool:
    return any(c.dep_ in ("nsubjpass", "auxpass") for c in v.children)


def _misparsed_main_verb(v: Token) -> bool:
    """'The two factions called on X': the small parser makes the verb a reduced relative of a root noun."""
    return (v.dep_ == "acl" and v.head.dep_ == "ROOT" and v.head.pos_ in ("NOUN", "PROPN", "NUM", "PRON")
            and not any(c.dep_ == "agent" for c in v.children))


def _reduced_passive(v: Token) -> bool:
    """'the leader arrested by police': a participle modifying its own recipient."""
    return v.dep_ == "acl" and v.tag_ == "VBN" and not _misparsed_main_verb(v)


def conjuncts(tok: Token) -> list[Token]:
    """The token and the tokens coordinated with it ("Hamas and Iran")."""
    out = [tok]
    for c in tok.children:
        if c.dep_ == "conj" and c.pos_ in ("PROPN", "NOUN", "PRON"):
            out.extend(conjuncts(c))
    return out


def phrase(tok: Token) -> Span:
    """The noun phrase headed by tok, without coordinated siblings or clauses hanging off it."""
    doc = tok.doc
    keep = [tok]
    # "of" and "from" phrases name who the head belongs to ("a delegation from the PFLP")
    stack = [c for c in tok.children if c.dep_ not in ("conj", "cc", "relcl", "acl", "punct", "advcl", "prep")
             or (c.dep_ == "prep" and c.lower_ in ("of", "from")
                 and any(g.dep_ == "pobj" and g.pos_ in ("NOUN", "PROPN") for g in c.children))
             or (c.dep_ == "punct" and c.text in "-'")]
    # appositions carry the role ("Saleh al-Arouri, Deputy Head of Hamas' political bureau")
    while stack:
        t = stack.pop()
        keep.append(t)
        stack.extend(c for c in t.children if c.dep_ not in ("conj", "cc", "relcl", "acl") or t.dep_ == "appos")
    keep = [t for t in keep if not any(a.dep_ == "amod" and a.n_lefts + a.n_rights and a in t.ancestors
                                       for a in keep if a.i != tok.i)]
    start = min(t.i for t in keep)
    end = max(t.i for t in keep) + 1
    if end < len(doc) and doc[end].text == ")" and doc[start:end].text.count("(") > doc[start:end].text.count(")"):
        end += 1  # "Sen. Jane Roe (R-Texas)": keep the parenthesis whole
    while start < end - 1 and (doc[start].is_punct or doc[start].is_space):
        start += 1
    while end - 1 > start and (doc[end - 1].is_punct or doc[end - 1].is_space) and doc[end - 1].text not in ")":
        end -= 1
    return doc[start:end]


def conditional(verb: Token) -> bool:
    """Inside an if-clause, or governing one ("If talks fail, the army will attack")."""
    marks = ("if", "unless", "whether")
    for tok in [verb, *verb.ancestors][:4]:
        if any(c.dep_ == "mark" and c.lower_ in marks for c in tok.children):
            return True
    return any(c.dep_ == "advcl" and any(g.dep_ == "mark" and g.lower_ in marks for g in c.children)
               for c in verb.children)


def governing_verb(tok: Token) -> Token | None:
    """The verb a nominal hangs from, through prepositions and noun heads ("lead to their withdrawal")."""
    cur = tok
    for _ in range(6):
        if cur.head.i == cur.i:
            return None
        cur = cur.head
        if cur.pos_ in ("VERB", "AUX"):
            return cur
    return None


def nominal_governor(tok: Token, triggers: dict[int, object]) -> Token | None:
    """Another trigger that a noun trigger belongs to, walking up nominal and prepositional heads."""
    cur = tok
    for _ in range(5):
        if cur.head.i == cur.i:
            return None
        cur = cur.head
        if cur.i in triggers:
            return cur
        if cur.pos_ in ("VERB", "AUX"):
            return None
    return None


# A declared plan is itself an event: the intent to cooperate is AGREE, the announced use of force a
# THREATEN, and a declared refusal ("will not release") a REJECT (CAMEO 03, 13 and 12).
INTENT_AS = {
    "CONSULT": ("AGREE", "036"), "AID": ("AGREE", "033"), "COOPERATE": ("AGREE", "031"),
    "RETREAT": ("AGREE", "035"), "CONCEDE": ("AGREE", "035"), "SUPPORT": ("AGREE", "030"),
    "ASSAULT": ("THREATEN", "138"), "COERCE": ("THREATEN", "137"), "SANCTION": ("THREATEN", "130"),
    "MOBILIZE": ("THREATEN", "138"),
}


def as_statement(cand: Candidate) -> None:
    """Recode a declared future event as the statement it is (the plan may never happen)."""
    if cand.negated:
        cand.event, cand.mode, cand.cameo, note = "REJECT", None, "120", "refusal"
    elif cand.event in INTENT_AS:
        (cand.event, cand.cameo), cand.mode, note = INTENT_AS[cand.event], None, "intent"
    else:
        return
    cand.negated = cand.hypothetical = False
    cand.intent = True
    cand.rule += f"+{note}"


def actor_like(tok: Token, agent_words: frozenset[str]) -> bool:
    if tok.ent_type_ in ARG_ENTS or tok.pos_ == "PROPN":
        return True
    if tok.pos_ == "PRON":
        return tok.lower_ in PERSONAL_PRONOUNS
    if tok.lemma_.lower() in agent_words or tok.lower_ in agent_words:
        return True
    return any(c.ent_type_ in ARG_ENTS for c in tok.children if c.dep_ in ("amod", "compound", "poss"))


class LexiconCoder:
    """Codes a sentence with the ontology's trigger lexicon and the dependency parse."""

    def __init__(self, ontology: Ontology, agent_words: Iterable[str] = ()):
        self.ontology = ontology
        self.agent_words = frozenset(w.lower() for w in agent_words)

    # -- triggers ---------------------------------------------------------------------------
    def match(self, tok: Token) -> Trigger | None:
        pos = "VERB" if tok.pos_ in ("VERB", "AUX") else tok.pos_
        if pos not in ("VERB", "NOUN", "ADJ", "PROPN"):
            return None
        if pos != "VERB" and tok.ent_type_ in NAMED_NOT_EVENT:
            return None  # "the Cold War", "the National Security Council": names, not mentions
        if pos == "PROPN":
            pos = "NOUN"
        lemma = tok.lemma_.lower()
        for trig in self.ontology.triggers_for(lemma, pos):
            if trig.prep and not self._prep_child(tok, trig.prep):
                continue
            if trig.with_ and not self._with_child(tok, trig.with_):
                continue
            if trig.not_with and self._with_child(tok, trig.not_with):
                continue
            if trig.intransitive and any(c.dep_ in ("dobj", "ccomp") for c in tok.children):
                continue
            return trig
        return None

    @staticmethod
    def _prep_child(tok: Token, prep: str) -> Token | None:
        words = prep.split()
        for c in tok.children:
            if c.dep_ in ("prep", "prt", "agent", "dative", "advmod") and c.lower_ == words[0] and not any(
                    g.dep_ == "pobj" and g.ent_type_ in NOT_ARGUMENT_ENTS for g in c.children):
                return c  # "called his counterpart on Tuesday" is no "call on"
        # "call on X" is sometimes parsed with "on" attached to the object
        for c in tok.children:
            if c.dep_ in ("dobj", "xcomp", "ccomp"):
                for g in c.children:
                    if g.dep_ in ("prep", "prt") and g.lower_ == words[0]:
                        return g
        return None

    @staticmethod
    def _with_child(tok: Token, words: tuple[str, ...]) -> Token | None:
        for c in tok.children:
            if c.dep_ in ("dobj", "prt", "attr", "compound", "amod", "acomp", "npadvmod", "oprd", "prep", "pobj", "nsubj",
                          "nsubjpass", "xcomp", "ccomp", "advmod", "dative") and c.lemma_.lower() in words:
                return c
            if c.dep_ in ("prep", "dobj", "prt", "xcomp"):
                for g in c.children:
                    if g.dep_ in ("pobj", "dobj", "compound", "amod") and g.lemma_.lower() in words:
                        return g
                    # "sent 40 trucks of food": the cargo names the event
                    if c.dep_ == "dobj" and g.dep_ == "prep" and g.lower_ == "of":
                        for h in g.children:
                            if h.dep_ == "pobj" and any(x.lemma_.lower() in words for x in conjuncts(h)):
                                return h
        return None

    # -- arguments --------------------------------------------------------------------------
    def subject(self, v: Token, depth: int = 0) -> list[Token]:
        if depth > 4:
            return []
        subjects = [c for c in v.children if c.dep_ in SUBJECTS]
        if subjects:
            if subjects[0].lower_ in RELATIVE_PRONOUNS and v.dep_ == "relcl":
                return conjuncts(v.head)
            # several subjects are a misparse ("NEWARK, N.J. (AP) - United Airlines has ..."): keep all,
            # the pipeline drops the one that is the dateline
            return [t for c in subjects for t in conjuncts(c)]
        if v.dep_ == "relcl":
            return conjuncts(v.head)
        if v.dep_ == "acl" and v.head.pos_ in ("NOUN", "PROPN", "NUM", "PRON") and not _reduced_passive(v):
            # "protesters demanding...", not "the military's policy banning..."
            return conjuncts(v.head) if actor_like(v.head, self.agent_words) or _misparsed_main_verb(v) else []
        if v.dep_ == "xcomp":
            head = v.head
            # "the police were forced to fire": the passive subject acts
            for c in head.children:
                if c.dep_ == "nsubjpass" and c.lower_ not in RELATIVE_PRONOUNS:
                    return conjuncts(c)
            # object control: "urged Iran to talk" — the object acts
            for c in head.children:
                if c.dep_ == "dobj" and head.lemma_ in ("urge", "ask", "order", "force", "persuade", "invite",
                                                        "encourage", "tell", "allow", "permit"):
                    return conjuncts(c)
            return self.subject(head, depth + 1)
        if v.dep_ in ("conj", "advcl", "ccomp") and v.head.pos_ in ("VERB", "AUX"):
            if v.dep_ == "ccomp":
                return []
            return self.subject(v.head, depth + 1)
        return []

    def passive_agent(self, v: Token) -> list[Token]:
        for c in v.children:
            if c.dep_ == "agent":
                for g in c.children:
                    if g.dep_ == "pobj":
                        return conjuncts(g)
        return []

    def _prep_object(self, tok: Token, preps: Iterable[str]) -> list[Token]:
        wanted = list(preps)
        found: dict[str, Token] = {}
        for c in tok.children:
            if c.dep_ in ("prep", "prt", "dative") and c.lower_ in wanted:
                for g in c.children:
                    if g.dep_ == "pobj" and g.ent_type_ not in NOT_ARGUMENT_ENTS:
                        found.setdefault(c.lower_, g)
                # "called on X": parser may hang X on the verb as dobj with "on" as particle
                if c.dep_ == "prt":
                    for g in tok.children:
                        if g.dep_ == "dobj":
                            found.setdefault(c.lower_, g)
        for p in wanted:
            if p in found:
                return conjuncts(found[p])
        return []

    def recipient(self, v: Token, trig: Trigger, passive: bool) -> list[Token]:
        if trig.recipient == "none":
            return []
        if passive:
            for c in v.children:
                if c.dep_ == "nsubjpass":
                    if c.lower_ in RELATIVE_PRONOUNS and v.dep_ == "relcl":
                        return conjuncts(v.head)
                    return conjuncts(c)
            if _reduced_passive(v):
                return conjuncts(v.head)
        for prep in (trig.prep.split()[0] if trig.prep else None,
                     trig.recipient[5:] if trig.recipient.startswith("prep:") else None):
            if prep:
                got = self._prep_object(v, [prep])
                if got:
                    return self._deepen(got)
        if v.pos_ == "NOUN":
            return self._deepen(self._prep_object(v, NOUN_TARGET_PREPS))
        dobj = next((c for c in v.children if c.dep_ in ("dobj", "dative") and c.lower_ not in RELATIVE_PRONOUNS), None)
        names_event = dobj is not None and trig.with_ and dobj.lemma_.lower() in trig.with_
        if dobj is not None and actor_like(dobj, self.agent_words):
            return conjuncts(dobj)  # "expelled the ambassador", "released two journalists"
        if dobj is not None:
            # "rejected the IAEA's demand", "condemned Israel's decision"
            owner = next((c for c in dobj.children if c.dep_ == "poss"), None)
            if owner is not None and actor_like(owner, self.agent_words) and owner.lower_ not in PERSONAL_PRONOUNS:
                return conjuncts(owner)
            # "opened an investigation of Flynn", "imposed sanctions on Iran"
            got = self._prep_object(dobj, OBJECT_TARGET_PREPS)
            if got and any(actor_like(t, self.agent_words) for t in got):
                return got
        got = self._prep_object(v, TARGET_PREPS)
        if got:
            return self._deepen(got)
        # "agreed to send troops to Uganda": the recipient sits in the complement clause
        for c in v.children:
            if c.dep_ == "xcomp" and c.pos_ == "VERB":
                inner = self._clause_recipient(c)
                if inner:
                    return inner
        return conjuncts(dobj) if dobj is not None and not names_event else []

    def _deepen(self, toks: list[Token]) -> list[Token]:
        """'called for sanctions against X': past a thing to the someone it is aimed at."""
        if not toks or any(actor_like(t, self.agent_words) for t in toks):
            return toks
        for t in toks:
            got = self._prep_object(t, OBJECT_TARGET_PREPS)
            if got and any(actor_like(g, self.agent_words) for g in got):
                return got
        return toks

    def _clause_recipient(self, verb: Token) -> list[Token]:
        for c in verb.children:
            if c.dep_ in ("dobj", "dative") and actor_like(c, self.agent_words):
                return conjuncts(c)
        got = self._prep_object(verb, ("to", "with", "against", "on", "for"))
        if got and any(actor_like(t, self.agent_words) for t in got):
            return got
        for c in verb.children:
            if c.dep_ == "dobj":
                got = self._prep_object(c, OBJECT_TARGET_PREPS)
                if got and any(actor_like(t, self.agent_words) for t in got):
                    return got
        return []

    def noun_actor(self, n: Token, event: str) -> tuple[list[Token], list[Token]]:
        """Actor of a noun trigger, and a recipient when the possessor is the one it was done to."""
        by = next((g for c in n.children if c.dep_ == "prep" and c.lower_ == "by"
                   for g in c.children if g.dep_ == "pobj"), None)
        poss = next((c for c in n.children if c.dep_ == "poss"), None)
        if poss is not None and event in DONE_TO_POSSESSOR and (by is not None or poss.ent_type_ == "PERSON"):
            # "Karlov's assassination by a policeman": the possessor is the victim
            return (conjuncts(by) if by is not None else []), conjuncts(poss)
        if poss is not None:
            return conjuncts(poss), []
        if by is not None:
            return conjuncts(by), []
        for c in n.children:
            if c.dep_ in ("amod", "compound") and (c.ent_type_ in ("NORP", "GPE", "ORG") or c.pos_ == "PROPN"
                                                   or (c.dep_ == "compound" and c.pos_ == "NOUN"
                                                       and c.lemma_.lower() in self.agent_words)):
                return [c], []  # "Israeli strikes", "police firing"
        return self._light_verb_subject(n), []

    def _light_verb_subject(self, n: Token) -> list[Token]:
        if n.dep_ == "conj" and n.head.pos_ == "NOUN":
            # "expressed its rejection and condemnation of the plan": the first noun's actor
            return self.noun_actor(n.head, "")[0]
        head = n.head
        if n.dep_ in ("dobj", "attr", "nsubjpass") and head.pos_ in ("VERB", "AUX") and head.lemma_ in LIGHT_VERBS:
            return self.subject(head)
        if n.dep_ == "pobj" and head.head.pos_ in ("VERB",) and head.head.lemma_ in LIGHT_VERBS and head.lower_ in ("in", "into"):
            return self.subject(head.head)
        return []

    # -- modality ---------------------------------------------------------------------------
    @staticmethod
    def tense(v: Token) -> str:
        verb = v
        if v.pos_ == "NOUN" and v.head.pos_ in ("VERB", "AUX"):
            verb = v.head
        aux = [c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")]
        if any(a in ("will", "shall", "'ll") for a in aux) or ("going" in aux and "to" in aux):
            return "future"
        if "Past" in verb.morph.get("Tense") or any(a in ("had", "has", "have", "did", "was", "were") for a in aux):
            return "past"
        if verb.tag_ in ("VBZ", "VBP") or any(a in ("is", "are", "am") for a in aux):
            return "present"
        return "past"

    @staticmethod
    def negated(v: Token) -> bool:
        if any(c.dep_ == "neg" or (c.dep_ == "det" and c.lower_ == "no") for c in v.children):
            return True
        if v.dep_ in ("xcomp",) and any(c.dep_ == "neg" for c in v.head.children):
            return True
        if v.pos_ == "NOUN" and v.head.pos_ in ("VERB", "AUX") and any(c.dep_ == "neg" for c in v.head.children):
            return True
        return False

    @staticmethod
    def hypothetical(v: Token, speech_trigger: bool) -> bool:
        verb = governing_verb(v) if v.pos_ != "VERB" else v
        if verb is None:
            return False
        aux = {c.lower_ for c in verb.children if c.dep_ == "aux"}
        if not speech_trigger and (aux & MODALS):
            return True
        if conditional(verb):
            return True
        if "to" in aux and verb.dep_ in ("xcomp", "advcl", "acl", "ccomp", "relcl"):
            head = verb.head
            # "the police had to fire", "was forced to lathicharge": it happened
            obliged = head.lemma_ in OBLIGATION_HEADS and "Past" in head.morph.get("Tense")
            if head.lemma_ not in FACTIVE_HEADS and not obliged:
                return True
        if verb.dep_ in ("xcomp", "ccomp") and verb.head.lemma_ in IRREALIS_HEADS and not speech_trigger:
            return True
        if v.pos_ == "NOUN" and v.dep_ == "pobj" and v.head.head.lemma_ in IRREALIS_HEADS:
            return True
        return False

    @staticmethod
    def declared_future(v: Token) -> bool:
        """'X will meet Y', 'X said it would free them': a stated plan, not a condition or a guess."""
        verb = governing_verb(v) if v.pos_ != "VERB" else v
        if verb is None:
            return False
        aux = {c.lower_ for c in verb.children if c.dep_ == "aux"} & MODALS
        reported = verb.dep_ == "ccomp" and verb.head.lemma_ in SPEECH_VERBS
        if not aux or not aux <= ({"will", "shall", "'ll"} | ({"would", "'d"} if reported else set())):
            return False
        if conditional(verb):
            return False
        return not (verb.dep_ in ("xcomp", "advcl", "relcl", "acl") or
                    (verb.dep_ == "ccomp" and verb.head.lemma_ in IRREALIS_HEADS))

    def speaker(self, v: Token) -> list[Token]:
        """The actor of a speech idiom: the subject of the verb of saying that governs it."""
        tok = v
        for _ in range(4):
            if tok.dep_ in ("ccomp", "parataxis", "conj", "advcl") and tok.head.lemma_ in SPEECH_VERBS:
                return self.subject(tok.head)
            if tok.head.i == tok.i:
                break
            tok = tok.head
        return []

    def place_phrases(self, v: Token) -> list[Span]:
        """Location phrases attached to the trigger ("met in Beirut")."""
        out = []
        verbs = [v] + ([v.head] if v.pos_ == "NOUN" else [])
        # the parser often hangs "in Nairobi" on the object ("arrested the leader in Nairobi")
        verbs += [c for c in v.children if c.dep_ == "dobj"]
        for verb in verbs:
            for c in verb.children:
                if c.dep_ == "prep" and c.lower_ in ("in", "at", "near", "outside", "inside", "across", "from"):
                    for g in c.children:
                        if g.dep_ == "pobj" and g.ent_type_ in PLACE_ENTS:
                            out.append(entity_at(g))
                if c.dep_ == "npadvmod" and c.ent_type_ in PLACE_ENTS:
                    out.append(c.doc[c.i:c.i + 1])
        return out

    @staticmethod
    def target_places(v: Token) -> list[Span]:
        """An attacked place is where the attack happened ("shelled the city of Kharkiv", "bombed Gaza")."""
        out = []
        for c in v.children:
            if c.dep_ != "dobj":
                continue
            if c.ent_type_ in PLACE_ENTS:
                out.append(entity_at(c))
            elif c.lemma_.lower() in SETTLEMENT_NOUNS:
                out.extend(entity_at(g) for p in c.children if p.dep_ == "prep" and p.lower_ == "of"
                           for g in p.children if g.dep_ == "pobj" and (g.ent_type_ in PLACE_ENTS or g.pos_ == "PROPN"))
        return out

    # -- the coder --------------------------------------------------------------------------
    def code(self, sent: Span) -> list[Candidate]:
        found: list[Candidate] = []
        triggers: dict[int, Trigger] = {}
        if not any(t.pos_ in ("VERB", "AUX") for t in sent):
            return found  # a heading or fragment ("Arouri's past threats") reports no event
        for tok in sent:
            trig = self.match(tok)
            if trig is not None:
                triggers[tok.i] = trig
        for i, trig in triggers.items():
            tok = sent.doc[i]
            # a noun trigger inside another trigger's argument ("threatened warfare", "pay a price for
            # their attacks") is part of that event, not one of its own
            verbal = tok.pos_ in ("VERB", "AUX")
            if not verbal and nominal_governor(tok, triggers) is not None:
                continue
            passive = verbal and (_is_passive(tok) or _reduced_passive(tok))
            if trig.speech:
                actors = self.speaker(tok)
                recipients = ([t for c in tok.children if c.dep_ in SUBJECTS for t in conjuncts(c)]
                              if trig.recipient == "nsubj" else self.recipient(tok, trig, passive))
                if not actors:
                    continue
            elif verbal:
                actors = self.passive_agent(tok) if passive else self.subject(tok)
                if passive and not actors:
                    # "killed in police firing": the event noun names who did it
                    actors = next((self.noun_actor(g, trig.event)[0] for c in tok.children
                                   if c.dep_ == "prep" and c.lower_ in ("in", "during", "by")
                                   for g in c.children if g.dep_ == "pobj" and g.i in triggers), [])
                recipients = self.recipient(tok, trig, passive)
            elif tok.pos_ == "ADJ":
                # "Iran is willing to talk": the copula's subject
                actors = self.subject(tok.head) if tok.dep_ in ("acomp", "attr", "oprd") else []
                recipients = next((r for c in tok.children if c.dep_ == "xcomp"
                                   for r in [self._clause_recipient(c)] if r), [])
            else:
                actors, victims = self.noun_actor(tok, trig.event)
                recipients = victims + self.recipient(tok, trig, False)
            if not trig.speech and any(a.lower_ in SPEAKER_PRONOUNS for a in actors):
                # "Putin said he and Erdogan agreed", "'We reject his offer,' the minister said":
                # the pronoun is the speaker
                spoken = [x for x in self.speaker(tok) if x.lower_ not in PERSONAL_PRONOUNS | {"i", "we"}]
                if spoken:
                    actors = [spoken[0] if a.lower_ in SPEAKER_PRONOUNS else a for a in actors]
            actor_ids = {a.i for a in actors}
            recipients = [r for r in recipients if r.i not in actor_ids]
            cand = Candidate(
                trigger=tok,
                event=trig.event,
                mode=trig.mode,
                cameo=trig.cameo,
                actors=[phrase(a) for a in actors],
                recipients=[phrase(r) for r in recipients],
                tense=self.tense(tok),
                negated=self.negated(tok) and not trig.speech,  # "will not tolerate" is the threat itself
                hypothetical=self.hypothetical(tok, trig.speech),
                weight=trig.weight,
                rule=f"lexicon:{trig.lemma}" + (f"+{trig.prep}" if trig.prep else "")
                     + (f"+{'|'.join(trig.with_)}" if trig.with_ else "") + f"/{trig.pos}",
                place_tokens=self.place_phrases(tok),
            )
            if trig.event == "ASSAULT" and tok.pos_ == "VERB":
                cand.place_tokens.extend(self.target_places(tok))
            if not trig.speech and self.declared_future(tok):
                as_statement(cand)
            found.append(cand)
        found.extend(self.spoken_demands(sent, {c.trigger.i for c in found}))
        return found

    def spoken_demands(self, sent: Span, taken: set[int]) -> list[Candidate]:
        """'Russia says Israel must end the strikes': a demand by the speaker on the clause's subject."""
        out = []
        for tok in sent:
            if tok.lemma_ not in SPEECH_VERBS or tok.i in taken or tok.pos_ != "VERB":
                continue
            for clause in tok.children:
                if clause.dep_ != "ccomp" or not any(
                        c.dep_ == "aux" and c.lower_ in ("must", "should") for c in clause.children):
                    continue
                targets = [t for c in clause.children if c.dep_ in ("nsubj", "nsubjpass") for t in conjuncts(c)]
                speakers = self.subject(tok)
                if not speakers or not targets or not all(
                        actor_like(t, self.agent_words) and t.lower_ not in PERSONAL_PRONOUNS for t in targets):
                    continue  # "the report should be released" demands nothing of anyone
                out.append(Candidate(
                    trigger=tok, event="REQUEST", mode=None, cameo="100",
                    actors=[phrase(a) for a in speakers], recipients=[phrase(t) for t in targets],
                    tense=self.tense(tok), negated=self.negated(tok), hypothetical=self.hypothetical(tok, True),
                    weight=0.7, rule=f"speech:{tok.lemma_}+must", place_tokens=self.place_phrases(tok),
                ))
        return out
