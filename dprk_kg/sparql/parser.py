r"""The SPARQL parser whose reading every check on a request is made on.

A Lark LALR(1) parser over the grammar in ``grammar.lark``, with the engine's terminals. Two things
make its reading the engine's where a plain LALR lexer would differ:

- The engine (a PEG parser) reads ``<`` after a complete operand as an operator, and ``*`` or ``+``
  after a path step as a path modifier; LALR merges parser states, so its lexer may see an IRI or a
  modifier where only the other fits. Where the two readings compete, the token the parser can
  actually take is chosen, by feeding it to a copy of the parser state.
- Nesting is measured on the tokens as they are parsed, and parsing stops at the limit, so no text can
  hide brackets from the count or make the count itself expensive.

The engine reads ``\u`` escapes inside IRIs and strings only; the SPARQL 1.1 specification decodes
them before parsing, anywhere. The two readings differ only where an escape stands for a string's
quote, a backslash or a line end, or stands in a comment, and another engine (a remote store) may
take the other one: such texts are refused, so that every engine reads what was checked.
"""

from __future__ import annotations

import copy
import gc
import re
import time
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

from lark import Lark, Token, Tree
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedInput, UnexpectedToken
from lark.lexer import BasicLexer, ContextualLexer, LexerState, LineCounter

from dprk_kg.errors import QueryError

MAX_OPENINGS = 50_000
_OPENING = re.compile(r"[{(\[]|<<|\\[uU]")
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_READ_TWO_WAYS = {"'": "\\'", '"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r"}

OPENERS = frozenset({"LBRACE", "LPAR", "LSQB", "REIFIED_OPEN", "TRIPLE_OPEN", "ANNOTATION_OPEN"})
CLOSERS = frozenset({"RBRACE", "RPAR", "RSQB", "REIFIED_CLOSE", "TRIPLE_CLOSE", "ANNOTATION_CLOSE"})
# A token the lexer may read where the parser takes another reading of the same characters.
RIVALS = {"IRIREF": ("RELATION",), "PATH_MOD": ("MULTIPLICATIVE", "ADDITIVE", "STAR")}


class SparqlSyntaxError(QueryError):
    """The text is not SPARQL this endpoint's engine would run; says where."""


class TooSlow(QueryError):
    """Reading the text took longer than the deadline the parse was given."""


class TooDeep(QueryError):
    """The text nests deeper than the limit the parse was given."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__(f"the text nests groups, brackets or lists deeper than {limit}")


def openings(text: str) -> int:
    """An upper bound on how deep the text can nest, which no reading can lower: every opening
    bracket and every ``\\u``/``\\U`` escape, wherever it stands. It bounds the engine's recursion
    (``server/executor.py`` sizes the query thread's stack for ``MAX_OPENINGS``) even if this parser
    and the engine were ever to disagree."""
    return len(_OPENING.findall(text))


@dataclass
class _Budget:
    """What one parse may spend: how deep it may nest, and until when it may read (monotonic clock)."""

    limit: int
    deadline: float | None = None
    current: int = 0
    deepest: int = 0
    tokens: int = 0

    def check_time(self) -> None:
        self.tokens += 1
        if self.deadline is not None and self.tokens % 1024 == 0 and time.monotonic() > self.deadline:
            raise TooSlow("the text is too long to be read within the time limit; send a shorter one")


_BUDGET: ContextVar[_Budget] = ContextVar("sparql_budget")  # the parse's budget, where its lexer runs


class _EngineLexer(ContextualLexer):
    """The contextual lexer, with the engine's choice between rival readings and a nesting count."""

    def __init__(self, conf: Any, states: Any, always_accept: Any = ()) -> None:
        super().__init__(conf, states, always_accept)
        self.accepts = {state: frozenset(names) for state, names in states.items()}
        self.rival_lexers = {name: BasicLexer(_only(conf, name)) for names in RIVALS.values() for name in names}

    def lex(self, lexer_state: LexerState, parser_state: Any) -> Iterator[Token]:
        depth = _BUDGET.get()
        try:
            while True:
                state = parser_state.position
                token = self.lexers[state].next_token(lexer_state, parser_state)
                depth.check_time()
                if (
                    token.type in RIVALS
                    and not self.accepts[state].isdisjoint(RIVALS[token.type])
                    and not _takes(parser_state, token)
                ):
                    token = self._rival(token, lexer_state, parser_state)
                elif token.type.startswith("STRING_LITERAL") and "\\" in token:
                    _refuse_two_readings(token)
                if token.type in OPENERS:
                    depth.current += 1
                    depth.deepest = max(depth.deepest, depth.current)
                    if depth.current > depth.limit:
                        raise TooDeep(depth.limit)
                elif token.type in CLOSERS:
                    depth.current -= 1
                yield token
        except EOFError:
            pass
        except UnexpectedCharacters as error:
            found = repr(error.char) if error.char else "the end of the text"
            raise SparqlSyntaxError(_where(error, _unfit(found, error.allowed))) from None

    def _rival(self, token: Token, lexer_state: LexerState, parser_state: Any) -> Token:
        """The first rival reading of the same text that the parser can take, or the token itself
        (whose error the parser then reports)."""
        after = lexer_state.line_ctr
        for name in RIVALS[token.type]:
            lexer_state.line_ctr = _at(token, after)
            try:
                rival = self.rival_lexers[name].next_token(lexer_state, parser_state)
            except (UnexpectedCharacters, EOFError):
                continue
            if _takes(parser_state, rival):
                return rival
        lexer_state.line_ctr = after
        return token


def _refuse_two_readings(token: Token) -> None:
    for escape in _ESCAPE.finditer(token):
        character = chr(int(escape.group(1) or escape.group(2), 16))
        if character in _READ_TWO_WAYS:
            raise SparqlSyntaxError(
                f"line {token.line}, column {token.column}: the escape {escape.group()} in a string is read "
                f"differently by different SPARQL engines; write {_READ_TWO_WAYS[character]} instead"
            )


def _refuse_escaped_comment(comment: Token) -> Token:
    if _ESCAPE.search(comment):
        raise SparqlSyntaxError(
            f"line {comment.line}, column {comment.column}: a \\u escape in a comment is read differently "
            "by different SPARQL engines (some end the comment there); remove it"
        )
    return comment


def _at(token: Token, counter: LineCounter) -> LineCounter:
    """A line counter standing where the token starts."""
    start = copy.copy(counter)
    position, line, column = token.start_pos or 0, token.line or 1, token.column or 1
    start.char_pos, start.line, start.column, start.line_start_pos = position, line, column, position - column + 1
    return start


def _only(conf: Any, name: str) -> Any:
    """The lexer configuration with one terminal (and what is ignored between tokens)."""
    narrowed = copy.copy(conf)
    narrowed.terminals = [t for t in conf.terminals if t.name == name or t.name in conf.ignore]
    narrowed.skip_validation = True
    return narrowed


def _takes(parser_state: Any, token: Token) -> bool:
    try:
        parser_state.copy(deepcopy_values=False).feed_token(token)
    except UnexpectedInput:
        return False
    return True


@cache
def _parser(positions: bool = False) -> Lark:
    """The parser; with ``positions``, every subtree also knows its span in the text (``meta``),
    brackets and all — slower, so only a rewrite that splices the text asks for it."""
    grammar = files("dprk_kg.sparql").joinpath("grammar.lark").read_text(encoding="utf-8")
    return Lark(
        grammar,
        start=["query_unit", "update_unit"],
        parser="lalr",
        lexer="contextual",
        g_regex_flags=re.ASCII,  # keywords match case-insensitively in ASCII only, as the engine's do
        lexer_callbacks={"COMMENT": _refuse_escaped_comment},
        propagate_positions=positions,
        _plugins={"ContextualLexer": _EngineLexer},
    )


@dataclass(frozen=True)
class Parsed:
    tree: Tree[Token]
    depth: int  # the deepest nesting of brackets, as parsed


def parse(
    text: str, start: str, *, max_depth: int = MAX_OPENINGS, deadline: float | None = None, positions: bool = False
) -> Parsed:
    """The parse of a query (``start="query_unit"``) or update (``"update_unit"``); with
    ``positions``, each subtree's ``meta`` has its span (``start_pos``, ``end_pos``).
    ``SparqlSyntaxError`` says where the text stops being SPARQL; ``TooDeep`` when it nests deeper
    than ``max_depth`` (counted on the parser's own tokens, stopping there); ``TooSlow`` when reading
    goes past ``deadline`` (``time.monotonic()``), so no text holds a worker longer than a query may."""
    depth = _Budget(max_depth, deadline)
    counting = _BUDGET.set(depth)
    collecting = gc.isenabled()
    gc.disable()  # a parse tree has no cycles; collecting while it grows only costs time
    try:
        return Parsed(_parser(positions).parse(text, start=start), depth.deepest)
    except UnexpectedToken as error:
        found = "the end of the text" if error.token.type == "$END" else repr(str(error.token))
        raise SparqlSyntaxError(_where(error, _unfit(found, error.expected))) from None
    except LarkError as error:  # Lark's other failures still mean "does not parse"
        raise SparqlSyntaxError(str(error).splitlines()[0]) from None
    finally:
        _BUDGET.reset(counting)
        if collecting:
            gc.enable()


_KINDS = {
    "IRIREF": "an IRI",
    "PNAME_LN": "a prefixed name",
    "PNAME_NS": "a prefixed name",
    "VAR1": "a variable",
    "VAR2": "a variable",
    "BLANK_NODE_LABEL": "a blank node",
    "ANON": "a blank node",
    "INTEGER": "a number",
    "DECIMAL": "a number",
    "DOUBLE": "a number",
    "LANGDIR": "a language tag",
    "NIL": "()",
    "ADDITIVE": "'+' or '-'",
    "MULTIPLICATIVE": "'*' or '/'",
    "RELATION": "a comparison",
    "PATH_MOD": "'?', '*' or '+'",
}


def _unfit(found: str, expected: Iterable[str] | None) -> str:
    wanted = sorted({_describe(name) for name in expected or () if not name.startswith(("WS", "COMMENT"))})
    if not wanted:
        return f"{found} does not fit here"
    shown = ", ".join(wanted[:16]) + (f" or {len(wanted) - 16} more" if len(wanted) > 16 else "")
    return f"{found} does not fit here; expected {shown}"


def _describe(terminal: str) -> str:
    if terminal == "$END":
        return "the end of the text"
    if terminal in _KINDS:
        return _KINDS[terminal]
    if terminal.startswith("STRING_LITERAL"):
        return "a string"
    pattern = _parser().get_terminal(terminal).pattern
    return repr(pattern.value) if pattern.type == "str" else terminal.lower().replace("_", " ")


def _where(error: UnexpectedInput, what: str) -> str:
    line, column = getattr(error, "line", 0), getattr(error, "column", 0)
    if line in (None, -1) or column in (None, -1):
        return what
    return f"line {line}, column {column}: {what}"
