"""Name matching for reconciliation: the spellings of Korean names in English-language sources.

One place or person is written many ways: McCune–Reischauer and Revised Romanisation (Hamgyŏng /
Hamgyeong, P'yŏngan / Pyeongan, Kyŏngsŏng / Gyeongseong), North Korean usage (Phyongan, Ryanggang)
against South Korean (Yanggang, whose initial r is dropped), with or without diacritics and
apostrophes (Ch'ŏngsu / Chongsu / Cheongsu), hyphens and spaces in personal names (Kim Jong-un / Kim
Jong Un / Kim Jongun), administrative suffixes in English or Korean (Province / -do, County / -gun,
City / -si, North … Province / …-bukto), other word orders, and Hangul in either orthography (량강도 /
양강도, 조선로동당 / 조선노동당). ``analyse`` reduces a name to keys that these variants share;
``similarity`` compares two analysed names on a 0–100 scale; ``NameIndex`` finds the best entities for
a query among many names.

The keys:

- **exact**: the name in Unicode NFKC, case-folded, spaces collapsed.
- **Hangul**: the Hangul syllables without spaces, with the initial-sound rule (두음법칙) applied to
  every syllable (ㄹ before i/y → ㅇ, other ㄹ → ㄴ, ㄴ before i/y → ㅇ), so North and South Korean
  spellings meet; the administrative suffix (도, 북도, 남도, 군, 시, 구역) is split off as a class.
- **skeleton tokens**: the name transliterated to ASCII (anyascii: diacritics dropped, Hangul
  romanised syllable by syllable), lower-cased, apostrophes and possessive 's removed, suffixes
  written -do/-bukto/-gun/-si… (or as words of their own: Musan Gun, Hamgyong Bukdo) turned into
  North/Province/County/City words, split into words without the stop words (the, of, and, a, an),
  "Korean" read "Korea", a leading N. or S. read North or South; a final class word (province, county,
  city, district, town) is set aside as the name's class, north/south/east/west are kept and also
  noted as its direction. Each word is then reduced to a phonetic skeleton where the romanisations agree: eo → o,
  eu → u, ph/th/kh → p/t/k, sh → s, j → ch, g → k, b → p, d → t, l → r, an initial r or n before i/y
  dropped and any other initial r read n (the initial-sound rule again), doubled letters single.

``similarity`` gives 100 to the same exact name; 98 to the same Hangul; 96 to the same skeleton words
in the same order, 94 in another order (92 and 90 across scripts: Hangul against a romanisation);
otherwise the better of rapidfuzz's ``ratio`` on the joined skeleton and ``token_sort_ratio`` on its
words, times 0.92 (0.88 across scripts), so that a near spelling never reaches an exact tier. Then: two
different classes (City against County) cost 20 points and a class on one side only 2; a direction on
one side only multiplies by 0.75 and two different directions (South against North) by 0.5.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from anyascii import anyascii
from rapidfuzz import fuzz, process

STOP_WORDS = frozenset({"the", "of", "and", "a", "an"})
CLASS_WORDS = frozenset({"province", "county", "city", "district", "town"})
DIRECTIONS = frozenset({"north", "south", "east", "west"})
# Romanised suffixes written as a word of their own at the end (Musan Gun, Hamgyong Bukdo)
SUFFIX_WORDS: dict[str, tuple[str | None, str]] = {
    **{word: (None, "province") for word in ("do", "to")},
    **{word: (None, "county") for word in ("gun", "kun")},
    **{word: (None, "city") for word in ("si", "shi")},
    **{word: ("north", "province") for word in ("bukdo", "bukto", "pukto", "pukdo")},
    **{word: ("south", "province") for word in ("namdo", "namto")},
}
ABBREVIATED_DIRECTIONS = {"n": "north", "s": "south"}
DEMONYMS = {"korean": "korea"}  # "Korean Workers' Party" is a common name of the Workers' Party of Korea

# Tiers of ``similarity`` (see the module's docstring).
EXACT = 100.0
SAME_HANGUL = 98.0
SAME_WORDS = 96.0
SAME_WORDS_REORDERED = 94.0
CROSS_SCRIPT_PENALTY = 4.0
FUZZY_FACTOR = 0.92
CROSS_SCRIPT_FUZZY_FACTOR = 0.88
CLASS_CONFLICT = 20.0
CLASS_ON_ONE_SIDE = 2.0
DIRECTION_ON_ONE_SIDE = 0.75
DIRECTION_CONFLICT = 0.5

_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7A3
_RIEUL, _NIEUN, _IEUNG = 5, 2, 11  # initial consonants, as indexes of the syllable table
_I_OR_Y_VOWELS = frozenset({2, 3, 6, 7, 12, 17, 20})  # ㅑ ㅒ ㅕ ㅖ ㅛ ㅠ ㅣ
# Korean administrative suffixes: (suffix, direction, class); the longest first.
_HANGUL_SUFFIXES = (
    ("북도", "north", "province"),
    ("남도", "south", "province"),
    ("구역", None, "district"),
    ("도", None, "province"),
    ("군", None, "county"),
    ("시", None, "city"),
)
# The same suffixes romanised, at the end of a word: Hamgyongbuk-do, Hamgyŏng-bukto, Musan-gun …
_LATIN_SUFFIXES = (
    (re.compile(r"^(.+?)-?[bp]uk-?[dt]o$"), "north", "province"),
    (re.compile(r"^(.+?)-?nam-?[dt]o$"), "south", "province"),
    (re.compile(r"^(.+?)-[dt]o$"), None, "province"),
    (re.compile(r"^(.+?)-[gk]un$"), None, "county"),
    (re.compile(r"^(.+?)-s(?:h)?i$"), None, "city"),
    (re.compile(r"^(.+?)-[gk]uy(?:e)?ok$"), None, "district"),
    (re.compile(r"^(.+?)-(?:e)?up$"), None, "town"),
)
_APOSTROPHES = re.compile(r"['’ʼ‘`´ʻ]")
_POSSESSIVE = re.compile(r"['’]s\b")
_NOT_WORD = re.compile(r"[^a-z0-9]+")
_DOUBLED = re.compile(r"(.)\1+")
_SPACES = re.compile(r"\s+")
_TIMES = re.compile(r"(\d)\s*[x×]\s*(\d)")
_CONSONANTS = str.maketrans({"g": "k", "b": "p", "d": "t", "l": "r"})


@dataclass(frozen=True)
class Name:
    """A name reduced to the keys it is compared on (see the module's docstring)."""

    text: str
    exact: str
    hangul: str = ""
    hangul_stem: str = ""
    tokens: tuple[str, ...] = ()
    other_tokens: tuple[str, ...] = ()  # another reading of a Hangul name (see ``analyse``), or none
    classes: frozenset[str] = frozenset()
    directions: frozenset[str] = frozenset()
    from_hangul: bool = False

    @property
    def joined(self) -> str:
        return _DOUBLED.sub(r"\1", "".join(self.tokens))

    @property
    def reordered(self) -> str:
        return _DOUBLED.sub(r"\1", "".join(sorted(self.tokens)))

    @property
    def words(self) -> str:
        return " ".join(self.tokens)

    def readings(self) -> list[Name]:
        """The name, and the name read with its other tokens (a Hangul name has two romanisations)."""
        return [self] if not self.other_tokens else [self, replace(self, tokens=self.other_tokens, other_tokens=())]


def analyse(text: str) -> Name:
    """The keys of a name."""
    normal = unicodedata.normalize("NFKC", text)
    exact = _SPACES.sub(" ", normal.casefold()).strip()
    hangul_parts: list[str] = []
    hangul_stem = ""
    words: list[str] = []  # Hangul romanised with the initial-sound rule on every syllable
    first_only: list[str] = []  # … on the first syllable of each word only (어랑 is Orang, not Onang)
    classes: set[str] = set()
    spaced = _TIMES.sub(r"\1x\2", exact)  # 20×10, 20 x 10 → 20x10
    chunks = spaced.split(" ") if spaced else []
    for position, chunk in enumerate(chunks):
        last = position == len(chunks) - 1
        if not _has_hangul(chunk):
            latin = _latin_words(chunk, classes, last=last)
            words.extend(latin)
            first_only.extend(latin)
            continue
        raw = "".join(c for c in chunk if _is_hangul(c))
        ruled, ruled_first = _initial_sound_rule(raw), _initial_sound_rule(raw[:1]) + raw[1:]
        hangul_parts.append(ruled)
        stem, stem_first = ruled, ruled_first
        if last:
            stem, direction, kind = _split_hangul_suffix(ruled)
            stem_first = ruled_first[: len(stem)]
            for found in (words, first_only):
                found.extend([direction] if direction else [])
            if kind:
                classes.add(kind)
        hangul_stem += stem
        words.extend(_latin_words(anyascii(stem).lower()))
        first_only.extend(_latin_words(anyascii(stem_first).lower()))
    tokens, directions = _finish(words, classes)
    other, _ = _finish(first_only, set())
    return Name(
        text=text,
        exact=exact,
        hangul="".join(hangul_parts),
        hangul_stem=hangul_stem if hangul_parts else "",
        tokens=tokens,
        other_tokens=other if other != tokens else (),
        classes=frozenset(classes),
        directions=frozenset(directions),
        from_hangul=bool(hangul_parts),
    )


def _finish(words: list[str], classes: set[str]) -> tuple[tuple[str, ...], set[str]]:
    """The skeleton tokens of a name's words, its final class words moved to ``classes``; and its
    directions."""
    tokens = [DEMONYMS.get(word, word) for word in words if word not in STOP_WORDS]
    if len(tokens) > 1 and tokens[0] in ABBREVIATED_DIRECTIONS:  # N. Hamgyong, S. Pyongan
        tokens[0] = ABBREVIATED_DIRECTIONS[tokens[0]]
    while len(tokens) > 1 and (tokens[-1] in CLASS_WORDS or tokens[-1] in SUFFIX_WORDS):
        word = tokens.pop()
        direction, kind = SUFFIX_WORDS.get(word, (None, word))
        classes.add(kind)
        if direction:
            tokens.insert(0, direction)
    directions = {token for token in tokens if token in DIRECTIONS}
    return tuple(skeleton(token) for token in tokens), directions


def _latin_words(chunk: str, classes: set[str] | None = None, *, last: bool = True) -> list[str]:
    """The words of a whitespace-free chunk of text, with a romanised suffix turned into words."""
    text = _APOSTROPHES.sub("", _POSSESSIVE.sub("", anyascii(chunk).lower()))
    if classes is not None and last:
        for pattern, direction, kind in _LATIN_SUFFIXES:
            found = pattern.match(text)
            if found and len(_NOT_WORD.sub("", found.group(1))) >= 2:
                words = [word for word in _NOT_WORD.split(found.group(1)) if word]
                classes.add(kind)
                if direction:
                    return [direction, *words]
                return words
    return [word for word in _NOT_WORD.split(text) if word]


def skeleton(word: str) -> str:
    """A romanised word reduced to what McCune–Reischauer, Revised Romanisation and North Korean
    usage write alike (see the module's docstring)."""
    short = len(word) < 3
    text = word.replace("eo", "o").replace("eu", "u")
    for aspirated, plain in (("ph", "p"), ("th", "t"), ("kh", "k"), ("sh", "s"), ("tch", "ch"), ("j", "ch")):
        text = text.replace(aspirated, plain)
    text = "\x00".join(part.translate(_CONSONANTS) for part in text.split("ch")).replace("\x00", "ch")
    if not short:
        if text[0] in "rn" and text[1] in "yi":
            text = text[1:]
        elif text[0] == "r":
            text = "n" + text[1:]
    return _DOUBLED.sub(r"\1", text)


def _is_hangul(char: str) -> bool:
    return _HANGUL_FIRST <= ord(char) <= _HANGUL_LAST


def _has_hangul(text: str) -> bool:
    return any(_is_hangul(char) for char in text)


def _initial_sound_rule(syllables: str) -> str:
    """Every syllable as South Korean spelling writes it word-initially: 량 → 양, 로 → 노, 녀 → 여."""
    out = []
    for char in syllables:
        index = ord(char) - _HANGUL_FIRST
        initial, vowel, final = index // 588, (index % 588) // 28, index % 28
        if initial == _RIEUL:
            initial = _IEUNG if vowel in _I_OR_Y_VOWELS else _NIEUN
        elif initial == _NIEUN and vowel in _I_OR_Y_VOWELS:
            initial = _IEUNG
        out.append(chr(_HANGUL_FIRST + initial * 588 + vowel * 28 + final))
    return "".join(out)


def _split_hangul_suffix(syllables: str) -> tuple[str, str | None, str | None]:
    for suffix, direction, kind in _HANGUL_SUFFIXES:
        if syllables.endswith(suffix) and len(syllables) - len(suffix) >= 2:
            return syllables[: -len(suffix)], direction, kind
    return syllables, None, None


def _jamo(syllables: str) -> str:
    return unicodedata.normalize("NFD", syllables)


def similarity(query: Name, name: Name) -> float:
    """How well ``name`` matches ``query``, from 0 to 100 (see the module's docstring)."""
    if query.exact and query.exact == name.exact:
        return EXACT
    best = 0.0
    if query.hangul and name.hangul:
        if query.hangul == name.hangul:
            return SAME_HANGUL
        if query.hangul_stem == name.hangul_stem:  # the same name with another suffix (class, direction)
            best = _adjusted(SAME_WORDS, query, name)
        else:
            best = fuzz.ratio(_jamo(query.hangul), _jamo(name.hangul)) * FUZZY_FACTOR
    if query.tokens and name.tokens:
        cross = query.from_hangul != name.from_hangul
        for asked in query.readings():
            for known in name.readings():
                best = max(best, _adjusted(_skeleton_score(asked, known, cross), query, name))
    return round(max(0.0, min(best, EXACT)), 1)


def _skeleton_score(query: Name, name: Name, cross: bool) -> float:
    if query.joined == name.joined:
        return SAME_WORDS - (CROSS_SCRIPT_PENALTY if cross else 0.0)
    if query.reordered == name.reordered:
        return SAME_WORDS_REORDERED - (CROSS_SCRIPT_PENALTY if cross else 0.0)
    fuzzy = max(fuzz.ratio(query.joined, name.joined), fuzz.token_sort_ratio(query.words, name.words))
    return fuzzy * (CROSS_SCRIPT_FUZZY_FACTOR if cross else FUZZY_FACTOR)


def _adjusted(score: float, query: Name, name: Name) -> float:
    if query.classes and name.classes and not query.classes & name.classes:
        score -= CLASS_CONFLICT
    elif query.classes != name.classes:
        score -= CLASS_ON_ONE_SIDE
    if query.directions != name.directions:
        score *= DIRECTION_CONFLICT if query.directions and name.directions else DIRECTION_ON_ONE_SIDE
    return score


@dataclass
class NameIndex:
    """The names of many entities, for finding the entities whose names best match a query."""

    names: list[Name] = field(default_factory=list)
    owners: list[str] = field(default_factory=list)  # the entity of each name
    _by_exact: dict[str, set[int]] = field(default_factory=dict)
    _by_hangul: dict[str, set[int]] = field(default_factory=dict)
    _by_joined: dict[str, set[int]] = field(default_factory=dict)
    _by_owner: dict[str, list[int]] = field(default_factory=dict)
    _joined: list[str] = field(default_factory=list)
    _reordered: list[str] = field(default_factory=list)

    def add(self, entity: str, text: str) -> None:
        name = analyse(text)
        if not name.exact:
            return
        position = len(self.names)
        self.names.append(name)
        self.owners.append(entity)
        self._by_exact.setdefault(name.exact, set()).add(position)
        if name.hangul:
            self._by_hangul.setdefault(name.hangul, set()).add(position)
        for reading in name.readings():
            self._by_joined.setdefault(reading.joined, set()).add(position)
        self._by_owner.setdefault(entity, []).append(position)
        self._joined.append(name.joined)
        self._reordered.append(name.reordered)

    def search(self, text: str, *, among: int = 60, floor: float = 50.0) -> list[tuple[str, float, Name]]:
        """Entities whose names match ``text``: (entity, score, best name), best first, each entity once.
        Candidates are the names with the same exact, Hangul or skeleton key, and the ``among`` nearest
        skeletons by rapidfuzz (in order and reordered), each then scored with ``similarity``."""
        query = analyse(text)
        if not query.exact:
            return []
        positions: set[int] = set()
        positions |= self._by_exact.get(query.exact, set())
        positions |= self._by_hangul.get(query.hangul, set()) if query.hangul else set()
        for reading in query.readings():
            positions |= self._by_joined.get(reading.joined, set()) if reading.joined else set()
        if query.joined:
            for choices, key in ((self._joined, query.joined), (self._reordered, query.reordered)):
                for _, _, position in process.extract(key, choices, scorer=fuzz.ratio, limit=among):
                    positions.add(position)
        return self.score(query, positions, floor=floor)

    def score(self, query: Name, positions: Iterable[int], *, floor: float = 0.0) -> list[tuple[str, float, Name]]:
        best: dict[str, tuple[float, Name]] = {}
        for position in positions:
            name = self.names[position]
            value = similarity(query, name)
            owner = self.owners[position]
            if value >= floor and (owner not in best or value > best[owner][0]):
                best[owner] = (value, name)
        ranked = sorted(best.items(), key=lambda item: (-item[1][0], item[0]))
        return [(owner, value, name) for owner, (value, name) in ranked]

    def names_of(self, entity: str) -> list[Name]:
        return [self.names[position] for position in self._by_owner.get(entity, [])]


def is_match(scores: list[float], *, threshold: float = 90.0, margin: float = 10.0) -> bool:
    """Whether the first of candidate scores (best first, one per entity) is a sure match: at least
    ``threshold``, and ``margin`` above the next candidate's."""
    if not scores or scores[0] < threshold:
        return False
    return len(scores) == 1 or scores[0] - scores[1] >= margin
