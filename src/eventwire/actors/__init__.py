"""Actors: who did what to whom.

`KnowledgeBase` holds countries, organisations, people and agent nouns (packaged YAML, plus an
optional overlay); `ActorResolver` turns a noun phrase into `records.Entity` values, remembering
per article (`DocumentActors`) who was named so surnames and "the two" resolve later.
"""

from .kb import Country, Hit, KnowledgeBase, Organisation, Person, Term
from .resolve import ActorResolver, DocumentActors

__all__ = ["ActorResolver", "Country", "DocumentActors", "Hit", "KnowledgeBase", "Organisation", "Person", "Term"]
