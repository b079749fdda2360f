"""Reading SPARQL text before it reaches the engine: a small lexer that skips strings, IRIs and
comments, so keywords and brackets are seen only where they are syntax.

It decides what the engine must not see (nesting deep enough to crash it, SERVICE and LOAD unless
allowed), what form a query has (for content negotiation before running it), and where an update's
protocol-given dataset (``using-graph-uri``) must be written in.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\n]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
               |'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00B7-\U000EFFFF]+)
  | (?P<word>[A-Za-z_][A-Za-z0-9_\-]*(?::[^\s(){}\[\],;.]*)?|:[^\s(){}\[\],;.]*)
  | (?P<open>[{(\[])
  | (?P<close>[})\]])
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_WORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int
    depth: int  # bracket depth before this token


def tokens(text: str) -> Iterator[Token]:
    depth = 0
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind in ("space", "comment"):
            continue
        if kind == "close":
            depth = max(0, depth - 1)
        yield Token(kind, match.group(), match.start(), depth)
        if kind == "open":
            depth += 1


MAX_OPENINGS = 50_000
_OPENING = re.compile(r"[{(\[]|\\[uU]")


def openings(text: str) -> int:
    """An upper bound on how deep the text can nest, that no lexical trick can lower: every opening
    bracket, and every ``\\u``/``\\U`` escape (which could stand for one), wherever it stands — in a
    string, an IRI or a comment too. The query thread's stack is sized for ``MAX_OPENINGS``
    (``server/executor.py``), so below it the engine cannot overflow whatever the nesting."""
    return len(_OPENING.findall(text))


def max_nesting(text: str) -> int:
    deepest = 0
    for token in tokens(text):
        if token.kind == "open":
            deepest = max(deepest, token.depth + 1)
    return deepest


def keywords(text: str) -> Iterator[Token]:
    for token in tokens(text):
        if token.kind == "word" and ":" not in token.text:
            yield token


def form(text: str) -> str | None:
    """SELECT, ASK, CONSTRUCT, DESCRIBE for a query; UPDATE for an update; None if neither shows."""
    for token in keywords(text):
        word = token.text.upper()
        if word in QUERY_FORMS:
            return word
        if word in UPDATE_WORDS:
            return "UPDATE"
    return None


def service_targets(text: str) -> list[str]:
    """The IRIs (or ``?variables``) of every SERVICE clause."""
    return _operands(text, "SERVICE")


def load_sources(text: str) -> list[str]:
    """The IRIs every LOAD operation would fetch."""
    return _operands(text, "LOAD")


def _operands(text: str, keyword: str) -> list[str]:
    """The token after each ``keyword`` (skipping SILENT)."""
    found = []
    stream = list(tokens(text))
    for index, token in enumerate(stream):
        if token.kind == "word" and token.text.upper() == keyword:
            following = [t for t in stream[index + 1 : index + 3] if t.text.upper() != "SILENT"]
            found.append(following[0].text if following else "")
    return found


def without_final_semicolon(text: str) -> str:
    """The text without a trailing ``;`` (the grammar allows one), so more operations can follow."""
    last = None
    for token in tokens(text):
        last = token
    if last is not None and last.text == ";":
        return text[: last.start] + text[last.start + 1 :]
    return text


def declared_prefixes(text: str) -> dict[str, str]:
    """The PREFIX declarations the text makes itself (name → namespace)."""
    found = {}
    stream = [t for t in tokens(text)]
    for index, token in enumerate(stream[:-1]):
        if token.kind == "word" and token.text.upper() == "PREFIX":
            name = stream[index + 1].text
            namespace = stream[index + 2].text if index + 2 < len(stream) else ""
            if name.endswith(":") and namespace.startswith("<"):
                found[name[:-1]] = namespace[1:-1]
    return found


def declares_dataset(text: str) -> bool:
    """Whether an update names its own dataset (USING, USING NAMED or WITH)."""
    return any(t.text.upper() in ("USING", "WITH") for t in keywords(text))


def with_using(text: str, default_graphs: list[str], named_graphs: list[str]) -> str:
    """Write the protocol's ``using-graph-uri`` / ``using-named-graph-uri`` into every DELETE/INSERT
    operation, before its WHERE (SPARQL 1.1 Protocol §2.2.3)."""
    clause = " ".join([*(f"USING <{g}>" for g in default_graphs), *(f"USING NAMED <{g}>" for g in named_graphs)])
    if not clause:
        return text
    inserts = []
    previous: Token | None = None
    for token in tokens(text):
        if (
            token.kind == "word"
            and token.text.upper() == "WHERE"
            and token.depth == 0
            and previous is not None
            and previous.kind == "close"
        ):
            inserts.append(token.start)
        previous = token
    for position in reversed(inserts):
        text = f"{text[:position]}{clause} {text[position:]}"
    return text
