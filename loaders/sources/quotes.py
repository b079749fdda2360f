"""Locating a curated quote in its document.

Offsets are computed here, never typed by hand: a claim names its exact quote and this module finds
where it stands, in Unicode code points of the document's text (Python string indices), as the W3C
Web Annotation position selector requires.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

CONTEXT = 32  # characters of prefix/suffix kept for the text quote selector

_FOLD = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "×": "x", "…": "..."})


@dataclass(frozen=True)
class Evidence:
    """Where a quote stands in a document: the W3C TextQuoteSelector and TextPositionSelector."""

    exact: str
    start: int
    end: int
    prefix: str
    suffix: str


class QuoteError(ValueError):
    """The quote is not in the text, or stands in it more than once without an occurrence number."""


def locate(text: str, quote: str, occurrence: int | None = None) -> Evidence:
    """Find ``quote`` in ``text`` exactly; ``occurrence`` (1-based) picks one of several matches."""
    if not quote.strip():
        raise QuoteError("the quote is empty")
    starts = _occurrences(text, quote)
    if not starts:
        raise QuoteError(f"quote not found in the text: «{shorten(quote)}»{_near_miss(text, quote)}")
    if occurrence is None:
        if len(starts) > 1:
            raise QuoteError(
                f"quote occurs {len(starts)} times (at {', '.join(_where(text, s) for s in starts)}); "
                "lengthen it or give 'occurrence'"
            )
        start = starts[0]
    else:
        if not 1 <= occurrence <= len(starts):
            raise QuoteError(f"occurrence {occurrence} asked for, but the quote occurs {len(starts)} time(s)")
        start = starts[occurrence - 1]
    end = start + len(quote)
    return Evidence(
        exact=quote,
        start=start,
        end=end,
        prefix=text[max(0, start - CONTEXT) : start],
        suffix=text[end : end + CONTEXT],
    )


def _occurrences(text: str, quote: str) -> list[int]:
    """Where the quote starts, non-overlapping, left to right (``str.find``: a regular expression per
    quote would be compiled anew for each of a large corpus's quotes)."""
    starts = []
    at = text.find(quote)
    while at >= 0:
        starts.append(at)
        at = text.find(quote, at + len(quote))
    return starts


def _fold(text: str) -> str:
    """Typographic quotes, dashes and spacing folded, to find what a curator probably meant."""
    text = unicodedata.normalize("NFKC", text).translate(_FOLD)
    return re.sub(r"\s+", " ", text).casefold()


def _near_miss(text: str, quote: str) -> str:
    folded_quote = _fold(quote)
    folded_text = _fold(text)
    at = folded_text.find(folded_quote)
    if at < 0:
        return ""
    # Map the folded position back approximately: folding keeps one character per character except
    # for whitespace runs and '…', so search the original around the same place for the best span.
    candidate = _original_span(text, folded_quote)
    if candidate is None:
        return " (a match exists when quotes, dashes, case and spacing are ignored)"
    start, end = candidate
    return f"; did you mean, at {_where(text, start)}: «{shorten(text[start:end])}»"


def _original_span(text: str, folded_quote: str) -> tuple[int, int] | None:
    for start in range(len(text)):
        for end in range(start + 1, min(len(text), start + 2 * len(folded_quote) + 8) + 1):
            folded = _fold(text[start:end])
            if folded == folded_quote:
                return start, end
            if not folded_quote.startswith(folded):
                break
    return None


def _where(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return f"text line {line} column {column}"


def shorten(text: str, limit: int = 90) -> str:
    """The text, cut with an ellipsis if longer than ``limit``: quotes in messages stay on one line."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
