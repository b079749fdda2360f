"""A document's text cut for its page: the passages its claims quote highlighted, each linking to its
claim, and the sentences no claim quotes marked.

Offsets are the loaders' (``loaders/sources/quotes.py``): Unicode code points of the text stored as
``schema:text``, start inclusive and end exclusive, which are Python string indices. Quotes may overlap
or nest, and several claims may quote the same words: the text is cut at every quote's start and end
(and at sentence ends), and each piece lists the claims covering it, innermost first, so a piece links
to the most specific claim that quotes it. A claim that is the innermost of no piece (another claim
quotes exactly its words, or only longer quotes cover them) gets a small marker where its quote starts,
so every claim can be reached from the text. Spans that do not fit the text are left out.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

# A sentence ends after ., ! or ? (and any closing quotes or brackets) and the spaces that follow, or
# at a line break: good enough to mark the sentences no claim quotes, which is all it is used for.
SENTENCE_END = re.compile(r"[.!?][\"”’')\]]*[ \t]+|\n+")


@dataclass(frozen=True)
class Quote:
    """A claim's quote in the text."""

    claim: str  # the claim's IRI
    id: str  # its id within the document
    start: int
    end: int

    @property
    def length(self) -> int:
        return self.end - self.start


@dataclass
class Piece:
    text: str
    quotes: list[Quote] = field(default_factory=list)  # the claims quoting it, innermost first
    markers: list[Quote] = field(default_factory=list)  # claims reachable only by a marker, starting here

    @property
    def depth(self) -> int:
        """How many quotes overlap here (1–3; more are drawn as 3)."""
        return min(len(self.quotes), 3)


@dataclass
class Sentence:
    pieces: list[Piece]

    @property
    def quoted(self) -> bool:
        return any(piece.quotes for piece in self.pieces)


def quotes_of(rows: Iterable[dict[str, str]], text: str) -> list[Quote]:
    """The page's rows (claim, id, start, end) as quotes; a span that is empty, reversed or outside the
    text is left out (the build checks the offsets; a page must not fail on a store that was not)."""
    found = set()
    for row in rows:
        try:
            start, end = int(row["start"]), int(row["end"])
        except (KeyError, ValueError):
            continue
        if 0 <= start < end <= len(text):
            found.add(Quote(row.get("claim", ""), row["id"], start, end))
    return sorted(found, key=lambda q: (q.start, -q.end, q.id))


def sentences(text: str, quotes: list[Quote]) -> list[Sentence]:
    """The text as sentences of pieces, each piece with the quotes covering it."""
    sentence_ends = {m.end() for m in SENTENCE_END.finditer(text)}
    cuts = sorted({0, len(text)} | sentence_ends | {q.start for q in quotes} | {q.end for q in quotes})
    pieces: list[tuple[int, Piece]] = []
    for start, end in itertools.pairwise(cuts):
        covering = sorted(
            (q for q in quotes if q.start <= start and end <= q.end), key=lambda q: (q.length, q.start, q.id)
        )
        pieces.append((start, Piece(text[start:end], covering)))
    reached = {piece.quotes[0] for _, piece in pieces if piece.quotes}
    piece_at = dict(pieces)  # every quote starts at a cut
    for quote in quotes:
        if quote not in reached:
            piece_at[quote.start].markers.append(quote)
    result: list[Sentence] = [Sentence([])]
    for start, piece in pieces:
        if start in sentence_ends and result[-1].pieces:
            result.append(Sentence([]))
        result[-1].pieces.append(piece)
    return [sentence for sentence in result if sentence.pieces]
