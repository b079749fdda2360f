""" "Did you mean …": the nearest known names to a misspelt one, for error messages.

A curator who writes ``dkg:adressee`` or ``id:musan-county-mine`` should be told what exists, not only
that this does not; the candidates are the known names closest by edit similarity (difflib's ratio).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

CUTOFF = 0.75  # below this ratio a suggestion is more often noise than help
MOST = 3


def nearest(name: str, known: Iterable[str]) -> list[str]:
    """Up to three of ``known`` closest to ``name``, best first (case-insensitive)."""
    folded: dict[str, str] = {}
    for candidate in known:
        folded.setdefault(candidate.casefold(), candidate)
    found = difflib.get_close_matches(name.casefold(), folded, n=MOST, cutoff=CUTOFF)
    return [folded[match] for match in found]


def did_you_mean(name: str, known: Iterable[str], *, prefix: str = "") -> str:
    """``"; did you mean dkg:addressee?"`` (or ``"… or …"``), or empty when nothing is close."""
    found = nearest(name, known)
    if not found:
        return ""
    return "; did you mean " + " or ".join(f"{prefix}{match}" for match in found) + "?"
