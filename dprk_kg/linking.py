"""The mention linker: where a document's text names an entity of the registry.

Every span of up to a few words is compared with every name of every registry entity — label,
alternative labels, romanisations, Hangul — by the reconciliation service's name normaliser
(``dprk_kg.matching``, through ``duplicates.NameKeys``): so "Kim Jong-un" finds Kim Jong Un, "Yanggang"
Ryanggang Province, "North Hamgyeong" North Hamgyong Province, "Gyongsong" Kyongsong County. The
longest name found at a position wins, scanning left to right; a name does not cross punctuation
that ends a phrase, and a possessive 's is left out of the span.

Names the registry gives with an article ("the Party", "the provinces", "the state") are common words
without it, so they are found only written exactly so, article included. A span that two entities name
equally well is not linked: it is reported as ambiguous with its candidates, never guessed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from dprk_kg.loaders.sources.duplicates import Named, NameKeys
from dprk_kg.loaders.sources.registry import Registry
from dprk_kg.matching import STOP_WORDS, analyse
from dprk_kg.memo import for_the_last

WORD = re.compile(r"[^\W_]+(?:[-'’‘][^\W_]+)*")
PHRASE_BREAK = re.compile(r"[.,;:!?()\[\]{}\"“”«»…◆•\n\r\t]")
POSSESSIVE = ("’s", "'s")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'"})


@dataclass(frozen=True)
class Mention:
    """An entity named at ``start``–``end`` (code points of the text, as the claims' quotes count)."""

    entity: str
    start: int
    end: int
    exact: str
    name: str  # the registry name it matched


@dataclass(frozen=True)
class Ambiguous:
    """A span that several entities are named by, equally well: not linked."""

    start: int
    end: int
    exact: str
    candidates: tuple[str, ...]


@dataclass(frozen=True)
class Linked:
    mentions: tuple[Mention, ...]
    ambiguous: tuple[Ambiguous, ...]

    def reports(self, path: Path, text: str) -> tuple[str, ...]:
        """A line for each ambiguous span: ``file:line:column: ambiguous mention 'X', not linked: id:a or
        id:b``, for the build's warnings and ``dprk-kg check``."""
        return tuple(
            f"{path}:{text.count(chr(10), 0, a.start) + 1}:{a.start - text.rfind(chr(10), 0, a.start)}: "
            f"ambiguous mention {a.exact!r}, not linked: {' or '.join(f'id:{c}' for c in a.candidates)}"
            for a in self.ambiguous
        )


class MentionLinker:
    """The registry's names, indexed for finding them in texts."""

    def __init__(self, registry: Registry) -> None:
        self.names = NameKeys()
        self.articled: dict[str, set[str]] = {}  # "the party" → entities; matched only written so
        self.vocabulary: set[str] = set()  # every skeleton word of every name: a span of others is no name
        self.longest = 1
        for entry in registry.entries:
            for text in (entry.label, *entry.alt, *entry.romanised, *([entry.ko] if entry.ko else [])):
                words = WORD.findall(text)
                self.longest = max(self.longest, len(words))
                self.vocabulary.update(token for word in words for token in _word_tokens(word))
                if words and words[0].casefold() in STOP_WORDS:
                    self.articled.setdefault(_folded(text), set()).add(entry.id)
                else:
                    self.names.add(Named(entry.id, text, registry.path, entry.line))

    def link(self, text: str) -> Linked:
        """Every mention in the text, and every ambiguous span, in the order of the text. Where spans
        that name something overlap, the one named best wins, then the longer, then the earlier."""
        words = list(WORD.finditer(text))
        known = [_word_tokens(word.group()) <= self.vocabulary for word in words]
        found: list[tuple[float, int, Mention | Ambiguous]] = []
        for first in range(len(words)):
            for count in range(1, min(self.longest + 1, len(words) - first) + 1):
                if not known[first + count - 1]:
                    break
                candidate = self._span(text, words[first].start(), words[first + count - 1])
                if candidate is not None:
                    found.append((candidate[0], count, candidate[1]))
        taken: list[Mention | Ambiguous] = []
        used = [False] * (len(text) + 1)
        for _, _, result in sorted(found, key=lambda item: (-item[0], -item[1], item[2].start)):
            if not any(used[result.start : result.end]):
                taken.append(result)
                used[result.start : result.end] = [True] * (result.end - result.start)
        taken.sort(key=lambda result: result.start)
        return Linked(
            tuple(r for r in taken if isinstance(r, Mention)), tuple(r for r in taken if isinstance(r, Ambiguous))
        )

    def _span(self, text: str, start: int, last: re.Match[str]) -> tuple[float, Mention | Ambiguous] | None:
        """What the span from ``start`` to the end of the word ``last`` names, with its score, if anything."""
        end = last.end()
        span = text[start:end]
        if last.group().casefold() in STOP_WORDS or PHRASE_BREAK.search(span):
            return None
        if span.endswith(POSSESSIVE):
            end, span = end - 2, span[:-2]
        if WORD.match(span) and WORD.match(span).group().casefold() in STOP_WORDS:  # type: ignore[union-attr]
            scored = [(entity, 100.0, span) for entity in sorted(self.articled.get(_folded(span), ()))]
        else:
            scored = [(named.entity, score, named.text) for named, score in self.names.scored(span)]
        if not scored:
            return None
        return max(score for _, score, _ in scored), _decide(scored, start, end, span)


@lru_cache(maxsize=1 << 16)
def _word_tokens(word: str) -> frozenset[str]:
    """The skeleton words the normaliser reads in one word of text (both readings of Hangul); texts
    repeat their words, so each is analysed once."""
    return frozenset(token for reading in analyse(word).readings() for token in reading.tokens)


def _decide(scored: Iterable[tuple[str, float, str]], start: int, end: int, span: str) -> Mention | Ambiguous:
    """The entity that names the span best, or, when several tie, the ambiguity."""
    best: dict[str, tuple[float, str]] = {}
    for entity, score, name in scored:
        if entity not in best or score > best[entity][0]:
            best[entity] = (score, name)
    top = max(score for score, _ in best.values())
    leaders = sorted(entity for entity, (score, _) in best.items() if score == top)
    if len(leaders) > 1:
        return Ambiguous(start, end, span, tuple(leaders))
    return Mention(leaders[0], start, end, span, best[leaders[0]][1])


def _folded(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).casefold().split())


def linker_for(registry: Registry) -> MentionLinker:
    """The linker of a registry, built once per registry read (workers link many documents)."""
    return _linker(registry)


_linker = for_the_last(MentionLinker)
