"""Words, numbers and formatting the generator writes with: the calibration of the build estimate,
word lists, IRIs and literals as curators write them in Turtle, and YAML scalars that read back exactly."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

# --- calibration --------------------------------------------------------------------------------------
# Quads the build writes whatever the corpus: the ontology (1,651) and shapes (648) graphs, the build graph
# (~80) and the dataset's description (~1,400: its class and property partitions are bounded by the
# ontology's terms), measured on a 4-document corpus, seed 2.
FIXED_QUADS = 3780
# OWL RL entailments kept in the inferred graph, per asserted claim triple and per registry triple
# (superclass types, inverses, transitive closure of locatedIn / partOf / subOrganizationOf). Measured
# on builds of generated corpora; see benchmarks/README.md.
INFERRED_PER_ASSERTED = 1.36
INFERRED_PER_REGISTRY_TRIPLE = 3.01
# Quads one document adds on average (asserted + provenance + inferred); only used to size the registry
# before the documents exist. The number of documents itself follows the running estimate.
PLAN_QUADS_PER_DOCUMENT = 1315
# Quads of the claims as Wikibase statements (loaders/rdf/wikibase_statements.py), per asserted triple:
# each triple but a label is a statement with its value, rank, reference and truthy triple (measured:
# 4,501 for 722 asserted triples, 4 documents, seed 2; 3,175 for the seeds' 529).
WIKIBASE_PER_ASSERTED = 6.2
# Quads of each mention the linker finds in a text (loaders/rdf/annotations.py: the annotation, its target
# and its two selectors), and of the description of a document's mentions graph in its provenance; and
# the mentions per character of text (measured: 7,412 in the 473,342 characters of 150 documents, seed 7).
QUADS_PER_MENTION = 15
MENTIONS_GRAPH_QUADS = 4
MENTIONS_PER_CHARACTER = 0.01566

CURATORS = "dprk-kg-curators"


def words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


MONTHS = words("January February March April May June July August September October November December")
NUMBER_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}
YEARS = tuple(range(2019, 2026))


# ======================================================================================================
# Small helpers: slugs, Turtle terms, YAML scalars
# ======================================================================================================


def slugify(text: str) -> str:
    """A registry-style slug ("Kumsong County Party Committee" → "kumsong-county-party-committee")."""
    text = text.replace("×", "x").replace("’", "").replace("'", "").lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def ent(slug: str) -> str:
    return f"id:{slug}"


def lit(text: str, language: str | None = "en") -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"@{language}' if language else f'"{escaped}"'


def typed(value: str | int, datatype: str) -> str:
    return f'"{value}"^^xsd:{datatype}'


def decimal(value: int) -> str:
    return typed(str(value), "decimal")


_PLAIN = re.compile(r"^[A-Za-z0-9(\u2018-\u201d][^\n\t]*$")
_NUMERIC = re.compile(r"^[-+]?(\d[\d_]*)?(\.\d*)?([eE][-+]?\d+)?$|^0x[0-9a-fA-F]+$|^0o[0-7]+$")
_RESERVED = {"y", "n", "yes", "no", "true", "false", "on", "off", "null", "~"}


def yaml_str(text: str, *, flow: bool = False) -> str:
    """The text as a YAML scalar: plain when that is unambiguous, else single- or double-quoted.

    Plain scalars keep the files readable like the curated seeds; anything YAML could read as another
    type (numbers, booleans, dates, ``key: value``, comments, indicators) is quoted."""
    plain = (
        _PLAIN.match(text)
        and ":" not in text
        and " #" not in text
        and not text.endswith(" ")
        and text.lower() not in _RESERVED
        and not _NUMERIC.match(text)
        and not (flow and any(c in text for c in ",[]{}"))
    )
    if plain:
        return text
    if "\n" not in text:
        return "'" + text.replace("'", "''") + "'"
    return json.dumps(text, ensure_ascii=False)


def yaml_list(items: Sequence[str]) -> str:
    return "[" + ", ".join(yaml_str(i, flow=True) for i in items) + "]"


def clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


def article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"
