"""The build's choices of reasoner and SHACL engine, and where "auto" switches between them.

A module of enums and constants only, so the command line can offer the choices without importing
rdflib, owlrl or pyshacl. They are ``StrEnum``s: each member is its command-line string.
"""

from __future__ import annotations

from enum import StrEnum

OWLRL_DOCUMENTS = 5  # documents up to which "auto" reasons with owlrl (the seeds: 2)
PYSHACL_LIMIT = 5_000  # triples in a batch up to which "auto" validates with pyshacl (the seeds: ~2,700)


class Reasoner(StrEnum):
    """owlrl, the reference, or the OWL RL rules compiled to SPARQL (for large corpora)."""

    AUTO = "auto"
    OWLRL = "owlrl"
    RULES = "rules"

    def resolve(self, documents: int) -> Reasoner:
        """The reasoner a build of ``documents`` documents uses: "auto" picks owlrl for a handful."""
        if self is not Reasoner.AUTO:
            return self
        return Reasoner.OWLRL if documents <= OWLRL_DOCUMENTS else Reasoner.RULES


class ShaclEngine(StrEnum):
    """pyshacl, the reference, or the shapes compiled to SPARQL (pyshacl reports what they reject)."""

    AUTO = "auto"
    PYSHACL = "pyshacl"
    COMPILED = "compiled"
