"""Hostile requests for the fuzz campaign of ``test_fuzz.py``, as Hypothesis strategies.

Each strategy draws a ``Probe`` — one HTTP request — with what the test knows about it without asking
the server: whether its text names the listener's allowed IRI and nothing else (the only requests that
may reach the listener), and whether it must be refused with a 4xx (it calls another IRI with SERVICE
or LOAD, nests past the limit, is over the body limit, has no token …).

The generators:

- ``sparql_texts``: queries and updates built from the grammar's pieces, with SERVICE and LOAD aimed at
  the listener and written every way the grammar allows: ``\\u``/``\\U`` escapes in IRIs, prefixed
  names (with ``\\`` escapes, redefined prefixes, predeclared ones), BASE and relative IRIs, dot
  segments, other spellings of the host, quotes and apostrophes in IRIs and strings, long strings,
  comments holding brackets and quotes, keywords in odd case (and Unicode look-alikes), no whitespace;
  with decoys (SERVICE inside strings, comments, IRIs) and the lexer tricks of issue 9 around them.
- ``deep_texts``: nesting of every bracket kind up to and past ``DPRK_KG_MAX_NESTING`` and past 50,000
  openings, balanced or not; ``chain_texts``: long operator chains, which no bracket count sees.
- ``huge_texts``: literals, IRIs, names, numbers and comments up to past the body limit.
- ``mutated_texts``: random edits of valid queries and updates (the W3C syntax suites, the competency
  queries). Nothing they are made of spells "allowed", so no edit can make a text that may reach the
  listener: a connection during such a request is a leak.
- random text, random bytes and invalid UTF-8 in bodies, query strings, paths and raw request lines.

``probes`` wraps them into requests on /sparql (GET, POST form, POST direct), /update (with the token,
a wrong one or none), the linked-data paths and the graph store, or raw bytes on a socket.
"""

from __future__ import annotations

import json
import re
import socket
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_from_bytes, urlencode

import requests
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
MARKER = "LEAKED"  # what tests/server/listener.py answers: a response holding it got the listener's answer
ALLOWED_PATH = "/allowed"
MAX_BODY = 1 << 20  # DPRK_KG_MAX_BODY's default
NESTING_LIMIT = 256  # DPRK_KG_MAX_NESTING's default
MAX_OPENINGS = 50_000  # SECURITY.md: more opening brackets and \u escapes than this are refused
GET_LIMIT = 3_000  # longer texts go by POST (gunicorn refuses request lines over 4 KB)
_OPENING = re.compile(r"[{(\[]|\\[uU]")
CHARACTERS = st.characters(codec="utf-8")  # any character a request can carry (no lone surrogate)

Draw = Any  # Hypothesis' draw function


def openings(text: str) -> int:
    """The documented count (SECURITY.md), written here again: the test's own oracle."""
    return len(_OPENING.findall(text))


@dataclass(frozen=True)
class Net:
    """What the requests aim at: the listener, and a local file whose content must never be served."""

    port: int
    secret_file: Path  # Turtle holding ``secret``: a LOAD, an entity or a context that read it leaks it
    secret: str
    token: str

    @property
    def allowed(self) -> str:
        return f"http://127.0.0.1:{self.port}{ALLOWED_PATH}"

    def at(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def fill(self, template: str) -> str:
        """A template with ``{port}`` and ``{secret}`` (the secret file's path) filled in."""
        return template.replace("{port}", str(self.port)).replace("{secret}", str(self.secret_file))


@dataclass(frozen=True)
class Text:
    """A SPARQL text and what the test knows about it."""

    body: str
    kind: str
    update: bool = False
    calls: bool = False  # it has a real SERVICE or LOAD (not one in a string or a comment)
    names_allowed: bool = False  # every SERVICE/LOAD names the allowed IRI, as the check must accept it
    refused: bool = False  # it must be refused (4xx) on any server


@dataclass(frozen=True)
class Probe:
    """One request, and what the test knows about it."""

    route: str  # for the figures: "sparql GET", "update form", "linked data", "graph store PUT" …
    kind: str  # the generator that made it
    method: str
    target: str  # path and query string, percent-encoded
    body: bytes | None = None
    headers: tuple[tuple[str, str], ...] = ()
    raw: bytes | None = None  # a whole request, sent as is on a socket
    may_reach: bool = False  # the listener may hear from the server during this request
    refused: bool = False  # the answer must be a 4xx

    @property
    def size(self) -> int:
        return len(self.raw if self.raw is not None else self.target.encode() + (self.body or b""))

    def reproduction(self, url: str, limit: int = 3_000) -> str:
        """The request as Python that sends it again (cut, with a note, when it is long)."""
        if self.raw is not None:
            return f"send_raw({url!r}, {self.raw[:limit]!r}, 60)" + _cut(len(self.raw), limit)
        target = self.target if len(self.target) <= limit else self.target[:limit]
        body = self.body if self.body is None or len(self.body) <= limit else self.body[:limit]
        return (
            f"requests.request({self.method!r}, {url + target!r}, data={body!r}, headers={dict(self.headers)!r})"
            + _cut(len(self.target), limit)
            + _cut(len(self.body or b""), limit)
        )


def _cut(size: int, limit: int) -> str:
    return f"  # cut from {size:,} characters" if size > limit else ""


@dataclass(frozen=True)
class Outcome:
    status: int | None  # None: no answer (the connection was closed, refused or timed out)
    text: str
    error: str = ""


def send(url: str, probe: Probe, timeout: float) -> Outcome:
    """Send a probe to the server at ``url`` and read the whole answer."""
    if probe.raw is not None:
        return send_raw(url, probe.raw, timeout)
    try:
        response = requests.request(
            probe.method,
            url + probe.target,
            data=probe.body,
            headers=dict(probe.headers),
            timeout=timeout,
            allow_redirects=False,
        )
    except requests.RequestException as error:
        return Outcome(None, "", f"{type(error).__name__}: {error}")
    return Outcome(response.status_code, response.content.decode("utf-8", "replace"))


def send_raw(url: str, raw: bytes, timeout: float) -> Outcome:
    host, _, port = url.removeprefix("http://").partition(":")
    received = b""
    try:
        with socket.create_connection((host, int(port)), timeout=timeout) as connection:
            try:
                connection.sendall(raw)
                connection.shutdown(socket.SHUT_WR)  # the server sees the end: it never waits for more
            except OSError:
                pass  # it may answer and close before reading everything
            while chunk := connection.recv(65536):
                received += chunk
    except OSError as error:
        if not received:
            return Outcome(None, "", f"{type(error).__name__}: {error}")
    status = re.match(rb"HTTP/1\.[01] (\d{3})", received)
    return Outcome(int(status.group(1)) if status else None, received.decode("utf-8", "replace"))


# --- pieces of SPARQL ---------------------------------------------------------------------------

PUNCTUATION = set("{}()[];,")
SEPARATORS = [" ", " ", " ", "\n", "\t", "\r\n", "   ", ""]
COMMENTS = [
    "# }",
    "# {",
    "# ' \" <",
    "# SERVICE <http://127.0.0.1:{port}/x> { }",
    "# )>> |} ]",
    "#",
    "# \\u000A SERVICE",  # a \u escape in a comment: refused (engines differ on where the comment ends)
    "# \ufeff é 中",
]
LOOKALIKES = {"s": "ſ", "i": "ı", "k": "K"}  # fold to ASCII in Unicode, never in the engine's keywords
ESCAPES = ["\\u{:04X}", "\\u{:04x}", "\\U{:08X}", "\\U{:08x}"]
IRI_FORBIDDEN_RAW = set('<>"{}|^`\\ ') | {chr(c) for c in range(0x21)}
PREFIX_NAMES = ["p", "l", "", "a1", "id", "dkg", "xsd", "ns-1", "Ωmega"]  # some predeclared, redefined
LOCAL_ESCAPED = set("/.?#@&=+;,!$'()*~%")


class Builder:
    """Draws one SPARQL text piece by piece, and keeps what it knows: the declarations its prologue
    needs, the kinds of SERVICE/LOAD targets it put in, and whether something in it must be refused."""

    def __init__(self, draw: Draw, net: Net, *, allow_allowed: bool) -> None:
        self.draw = draw
        self.net = net
        self.allow_allowed = allow_allowed
        self.prologue: list[str] = []
        self.prefixes: set[str] = set()
        self.classes: set[str] = set()  # "allowed", "forbidden"
        self.refused = False

    # separators, keywords, IRIs

    def sep(self) -> str:
        choice = self.draw(st.integers(0, 30))
        if choice == 0:
            return "\n" + self.net.fill(self.draw(st.sampled_from(COMMENTS))) + "\n"
        return SEPARATORS[choice % len(SEPARATORS)]

    def join(self, parts: list[str]) -> str:
        """The parts with drawn separators; none only where the grammar needs none."""
        text = ""
        for part in parts:
            if not part:
                continue
            gap = self.sep() if text else ""
            if gap == "" and text and not (text[-1] in PUNCTUATION or part[0] in PUNCTUATION):
                gap = " "
            if "\\u" in gap:
                self.refused = True
            text += gap + part
        return text

    def kw(self, word: str) -> str:
        """A keyword in upper, lower or mixed case, or (rarely) with a Unicode look-alike: then it is
        no keyword to either parser, and the text a syntax error."""
        mode = self.draw(st.integers(0, 40))
        if mode < 15:
            return word.upper()
        if mode < 25:
            return word.lower()
        if mode < 40:
            mask = self.draw(st.integers(0, (1 << len(word)) - 1))
            return "".join(c.upper() if mask >> i & 1 else c.lower() for i, c in enumerate(word))
        for plain, lookalike in LOOKALIKES.items():
            if plain in word.lower():
                self.refused = True
                return word.lower().replace(plain, lookalike, 1)
        return word

    def spell(self, iri: str) -> str:
        """``<iri>`` with some characters as ``\\u``/``\\U`` escapes (always those an IRI cannot hold
        as they are): the engine decodes them, so it is the same IRI."""
        mode = self.draw(st.integers(0, 5))
        out = []
        for index, character in enumerate(iri):
            must = character in IRI_FORBIDDEN_RAW
            if must or mode == 5 or (mode >= 3 and self.draw(st.integers(0, 3)) == 0) or (mode == 2 and index == 0):
                template = self.draw(st.sampled_from(ESCAPES)) if ord(character) <= 0xFFFF else "\\U{:08X}"
                out.append(template.format(ord(character)))
            else:
                out.append(character)
        return "<" + "".join(out) + ">"

    def prefixed(self, iri: str, *, earlier: str | None = None) -> str:
        """A prefixed name for ``iri``: a prefix declared for part of it, and the rest as a local name
        with ``\\`` escapes. With ``earlier``, the prefix is first declared so that the same name
        would give ``earlier``, then redeclared: the last declaration is the one in force."""
        split = self.draw(st.integers(len("http://"), len(iri)))
        namespace, local = iri[:split], iri[split:]
        name = self.draw(st.sampled_from(PREFIX_NAMES))
        if name in self.prefixes:  # one name, one namespace in a text, so that what it names is known
            name = f"{name or 'p'}{len(self.prefixes)}"
        self.prefixes.add(name)
        if earlier is not None:
            first = earlier[: len(earlier) - len(local)] if local and earlier.endswith(local) else earlier
            self.prologue.append(f"{self.kw('PREFIX')} {name}: {self.spell(first)}")
        self.prologue.append(f"{self.kw('PREFIX')} {name}: {self.spell(namespace)}")
        escaped = "".join("\\" + c if c in LOCAL_ESCAPED or (c == "-" and i == 0) else c for i, c in enumerate(local))
        return f"{name}:{escaped}"

    def allowed_target(self) -> str:
        self.classes.add("allowed")
        how = self.draw(st.integers(0, 3))
        if how == 0:
            return self.spell(self.net.allowed)
        if how == 1:
            return self.prefixed(self.net.allowed)
        if how == 2:
            return self.prefixed(self.net.allowed, earlier=self.net.at("/x/allowed"))
        return f"<{self.net.allowed}>"

    def forbidden_target(self) -> str:
        """An operand for SERVICE or LOAD that is not the allowed IRI as the engine reads it."""
        self.classes.add("forbidden")
        how = self.draw(st.integers(0, 9))
        if how <= 3:
            iri = self.net.fill(self.draw(st.sampled_from(FORBIDDEN_IRIS)))
            return self.spell(iri) if how else f"<{iri}>"
        if how == 4:  # relative: against a BASE naming the listener, or against the request's own URL
            base = self.draw(st.sampled_from(BASES))
            if base:
                self.prologue.append(f"{self.kw('BASE')} {self.spell(self.net.fill(base))}")
            return self.spell(self.net.fill(self.draw(st.sampled_from(RELATIVE))))
        if how == 5:  # a prefix whose expansion is another IRI, or has dot segments
            return self.prefixed(self.net.fill(self.draw(st.sampled_from(FORBIDDEN_IRIS[:16]))))
        if how == 6:  # a prefix first declared so that it names the allowed IRI, then redeclared
            return self.prefixed(self.net.at("/x/allowed"), earlier=self.net.allowed)
        if how == 7:  # a variable (here bound to the allowed IRI): a variable never matches an allow-list
            return self.draw(st.sampled_from(["?svc", "$svc", "?x"]))
        if how == 8:  # an undeclared prefix: the engine would read the text otherwise
            return "undeclared:allowed"
        return self.spell(self.net.allowed + self.draw(st.sampled_from(["/", "x", "#", "?", " ", "\t", "/."])))

    def target(self) -> str:
        if self.allow_allowed and self.draw(st.booleans()):
            return self.allowed_target()
        return self.forbidden_target()

    # literals and expressions

    def string(self) -> str:
        choice = self.draw(st.integers(0, len(STRINGS) + 3))
        if choice < len(STRINGS):
            text = self.net.fill(STRINGS[choice])
            if any(escape in text for escape in ("\\u0022", "\\u0027", "\\u005C", "\\u000A")):
                self.refused = True  # escapes that engines read two ways: refused in a string
            return text
        body = self.draw(st.text(st.characters(codec="utf-8", exclude_characters="'\\\r\n"), max_size=40))
        return "'" + body + "'"

    def expression(self, depth: int) -> str:
        choice = self.draw(st.integers(0, 9 if depth < 3 else 5))
        if choice == 0:
            return self.string()
        if choice == 1:
            return self.draw(st.sampled_from(["?s", "?o", "?a", "$b", "1", "-2.5e3", "true", "<urn:x>", "?svc"]))
        if choice == 2:
            return "?a<?b&&?c>?d"  # issue 9: a lexer may read "<?b&&?c>" as an IRI
        if choice == 3:
            return f"{self.kw('regex')}({self.string()}, {self.string()}, 'i')"
        if choice == 4:
            return f"{self.kw('STR')}({self.spell(self.net.at('/x'))})"
        if choice == 5:
            return f"{self.kw('IRI')}({self.string()})"
        if choice == 6:
            operator = self.draw(st.sampled_from(OPERATORS))
            return f"({self.expression(depth + 1)} {operator} {self.expression(depth + 1)})"
        if choice == 7:
            return f"{self.kw('EXISTS')} {self.group(depth + 1)}"
        if choice == 8:
            return f"{self.kw('NOT')} {self.kw('EXISTS')} {self.group(depth + 1)}"
        return f"{self.kw('COALESCE')}({self.expression(depth + 1)}, {self.expression(depth + 1)})"

    # patterns

    def triple(self) -> str:
        subject = self.draw(st.sampled_from(["?s", "?s", "<urn:s>", "_:b", "[]", "?s"]))
        predicate = self.draw(st.sampled_from(["?p", "a", "<urn:p>", "<urn:p>/<urn:q>*", "^<urn:p>", "!(<urn:p>)"]))
        obj = self.draw(st.sampled_from(["?o", "?o", "'x'", "1", "<urn:o>", "(1 2)", "[ <urn:p> ?o ]"]))
        if self.draw(st.integers(0, 6)) == 0:
            obj = self.string()
        if self.draw(st.integers(0, 12)) == 0:
            obj += " {| <urn:r> ?r |}"
        if self.draw(st.integers(0, 12)) == 0:
            subject = "<<( <urn:a> <urn:b> <urn:c> )>>"
        return self.join([subject, predicate, obj])

    def service(self, depth: int) -> str:
        body = "{ ?x ?y ?z }" if self.draw(st.booleans()) else self.group(depth + 1)
        silent = self.kw("SILENT") if self.draw(st.booleans()) else ""
        return self.join([self.kw("SERVICE"), silent, self.target(), body])

    def decoy(self) -> str:
        """SERVICE where it is no SERVICE: in a string, a comment, an IRI."""
        return self.net.fill(self.draw(st.sampled_from(DECOYS)))

    def item(self, depth: int) -> str:
        choice = self.draw(st.integers(0, 13 if depth < 4 else 3))
        if choice <= 1:
            return self.triple()
        if choice == 2:
            return self.decoy()
        if choice == 3:
            return self.service(depth)
        if choice == 4:
            return self.join([self.kw("FILTER"), f"({self.expression(depth)})"])
        if choice == 5:
            return self.join([self.kw("BIND"), "(", self.expression(depth), self.kw("AS"), "?v", ")"])
        if choice == 6:
            return self.join([self.kw("OPTIONAL"), self.group(depth + 1)])
        if choice == 7:
            return self.join([self.group(depth + 1), self.kw("UNION"), self.group(depth + 1)])
        if choice == 8:
            return self.join([self.kw("MINUS"), self.group(depth + 1)])
        if choice == 9:
            graph = self.draw(st.sampled_from(["?g", "<urn:g>", self.spell(self.net.at("/graph"))]))
            return self.join([self.kw("GRAPH"), graph, self.group(depth + 1)])
        if choice == 10:
            return "{ " + self.join([self.kw("SELECT"), "*", self.kw("WHERE"), self.group(depth + 1)]) + " }"
        if choice == 11:
            return self.join([self.kw("VALUES"), "?svc", "{", self.spell(self.net.allowed), self.string(), "}"])
        if choice == 12:
            return self.join([self.kw("LATERAL"), self.group(depth + 1)])
        return self.join([self.kw("FILTER"), self.kw("NOT"), self.kw("EXISTS"), self.group(depth + 1)])

    def group(self, depth: int = 0) -> str:
        items = [self.item(depth) for _ in range(self.draw(st.integers(0, 3 if depth < 3 else 1)))]
        dots = [item + ("" if self.draw(st.integers(0, 7)) == 0 else " .") for item in items]  # "." is optional
        return "{" + self.join(dots) + "}"  # only after a block other than triples

    # whole texts

    def query(self) -> str:
        where = self.group()
        if self.draw(st.integers(0, 4)) == 0:
            where = "{" + self.join([where, self.kw("UNION"), self.group()]) + "}"
        datasets: list[str] = []
        if self.draw(st.integers(0, 3)) == 0:  # FROM and FROM NAMED choose graphs: never fetched
            named = self.kw("NAMED") if self.draw(st.booleans()) else ""
            datasets = [self.kw("FROM"), named, self.spell(self.net.fill(self.draw(st.sampled_from(DATASET_IRIS))))]
        form = self.draw(st.integers(0, 4))
        if form == 0:
            head = [self.kw("SELECT"), self.draw(st.sampled_from(["*", "?s", "?x ?v", "DISTINCT *", "(1 AS ?one)"]))]
        elif form == 1:
            head = [self.kw("ASK")]
        elif form == 2:
            head = [self.kw("CONSTRUCT"), "{ ?s <urn:p> ?o }"]
        elif form == 3:
            head = [self.kw("DESCRIBE"), self.draw(st.sampled_from(["?s", "*", self.spell(self.net.at("/x"))]))]
        else:
            head = [self.kw("SELECT"), "?s", "(COUNT(*) AS ?n)"]
        tail = self.draw(st.sampled_from(QUERY_TAILS))
        where_keyword = self.kw("WHERE") if self.draw(st.booleans()) or form in (0, 4) else ""
        return self.join([*self.prologue, *head, *datasets, where_keyword, where, tail])

    def operation(self) -> str:
        choice = self.draw(st.integers(0, 9))
        graph = self.draw(st.sampled_from(["<urn:fuzz:a>", "<urn:fuzz:b>", "<urn:fuzz:c>"]))
        if choice <= 2:
            silent = self.kw("SILENT") if self.draw(st.booleans()) else ""
            into = [self.kw("INTO"), self.kw("GRAPH"), graph] if self.draw(st.integers(0, 5)) else []
            return self.join([self.kw("LOAD"), silent, self.target(), *into])
        if choice == 3:
            triple = ["{", "<urn:s>", "<urn:p>", self.string(), "}"]
            return self.join([self.kw("INSERT"), self.kw("DATA"), "{", self.kw("GRAPH"), graph, *triple, "}"])
        if choice == 4:
            return self.join([self.kw("DELETE"), self.kw("WHERE"), "{", self.kw("GRAPH"), graph, "{ ?s ?p ?o } }"])
        if choice == 5:
            return self.join([self.kw("CLEAR"), self.kw("SILENT"), self.kw("GRAPH"), graph])
        if choice == 6:
            verb = self.draw(st.sampled_from(["COPY", "MOVE", "ADD"]))
            return self.join([self.kw(verb), self.kw("SILENT"), graph, self.kw("TO"), "<urn:fuzz:d>"])
        where = self.where_for_update()
        if choice == 7:
            delete, insert = [self.kw("DELETE"), "{ ?s <urn:p> ?o }"], [self.kw("INSERT"), "{ ?s <urn:p> 'n' }"]
            return self.join([self.kw("WITH"), graph, *delete, *insert, self.kw("WHERE"), where])
        insert = [self.kw("INSERT"), "{", self.kw("GRAPH"), graph, "{ ?s <urn:p> ?o } }"]
        return self.join([*insert, self.kw("WHERE"), where])

    def where_for_update(self) -> str:
        """A WHERE for an update, over the fuzz graphs only (an update has no time limit: a join over
        the whole store could hold a worker). Its SERVICEs never name the allowed IRI, whose answer
        (the marker) would then be stored, and every later response showing it look like a leak."""
        allow, self.allow_allowed = self.allow_allowed, False
        try:
            pattern = self.group(1)
        finally:
            self.allow_allowed = allow
        return "{ GRAPH <urn:fuzz:a> { ?s ?p ?o } " + pattern + " }"

    def update(self) -> str:
        hoisted: list[str] = []
        operations = []
        for _ in range(self.draw(st.integers(1, 3))):
            self.prologue = []
            operation = self.operation()
            if self.draw(st.integers(0, 3)):  # declarations at the start (the engine takes no prologue after ";")
                hoisted += self.prologue
                operations.append(operation)
            else:
                operations.append(self.join([*self.prologue, operation]))
        text = self.join([*hoisted, (" ;" + self.sep()).join(operations)])
        return text + (" ;" if self.draw(st.integers(0, 5)) == 0 else "")

    def text(self, kind: str, body: str, *, update: bool) -> Text:
        return Text(
            body,
            kind,
            update=update,
            calls=bool(self.classes),
            names_allowed=self.classes == {"allowed"},
            refused="forbidden" in self.classes or self.refused,
        )


FORBIDDEN_IRIS = [
    # the first 16 make valid prefixed names
    "http://127.0.0.1:{port}/x",
    "http://127.0.0.1:{port}/forbidden",
    "http://127.0.0.1:{port}/",
    "http://127.0.0.1:{port}",
    "http://127.0.0.1:{port}/allowed/",
    "http://127.0.0.1:{port}/allowedx",
    "http://127.0.0.1:{port}/Allowed",
    "http://127.0.0.1:{port}/allowed?x=1",
    "http://127.0.0.1:{port}/allowed#x",
    "http://127.0.0.1:{port}/%61llowed",
    "http://127.0.0.1:{port}//allowed",
    "http://127.0.0.1:{port}/x/../allowed",
    "http://127.0.0.1:{port}/./allowed",
    "http://127.0.0.1:{port}/allowed/x/..",
    "http://127.0.0.1:{port}/%2e%2e/allowed",
    "http://127.0.0.1:{port}/allowed/.",
    "http://localhost:{port}/allowed",
    "http://127.1:{port}/allowed",
    "http://0x7f000001:{port}/allowed",
    "http://2130706433:{port}/allowed",
    "http://127.0.0.1.:{port}/allowed",
    "http://[::ffff:127.0.0.1]:{port}/allowed",
    "http://[::1]:{port}/allowed",
    "http://user@127.0.0.1:{port}/allowed",
    "http://127.0.0.1:{port}@127.0.0.1:{port}/allowed",
    "HTTP://127.0.0.1:{port}/allowed",
    "Http://127.0.0.1:{port}/allowed",
    "https://127.0.0.1:{port}/allowed",
    "http://127.0.0.1:0{port}/allowed",
    "http://127.0.0.1/allowed",
    "http://127.0.0.1:{port}/x'y",
    'http://127.0.0.1:{port}/x"y',
    "http://127.0.0.1:{port}/x>y",
    "http://127.0.0.1:{port}/a b",
    "http://127.0.0.1:{port}/allowed\n",
    "http://127.0.0.1:{port}/ａllowed",
    "http://127.0.0.1:{port}/allowed\u200b",
    "http://127.0.0.1:{port}/\U0001d41a",
    "gopher://127.0.0.1:{port}/_GET%20/allowed",
    "ftp://127.0.0.1:{port}/allowed",
    "file://{secret}",
    "file://127.0.0.1{secret}",
    "urn:x",
    "x:allowed",
]
RELATIVE = [
    "allowed",
    "./allowed",
    "../allowed",
    "/allowed",
    "//127.0.0.1:{port}/allowed",
    "",
    "#x",
    "?q=1",
    "x/../allowed",
]
BASES = ["", "http://127.0.0.1:{port}/", "http://127.0.0.1:{port}/allowed", "http://127.0.0.1:{port}/x/"]
DATASET_IRIS = ["http://127.0.0.1:{port}/x", "http://127.0.0.1:{port}/from", "http://localhost:{port}/named", "urn:g"]
OPERATORS = ["=", "!=", "<", ">", "<=", ">=", "&&", "||", "+", "-", "*", "/"]
QUERY_TAILS = ["", "", "LIMIT 3", "ORDER BY ?s LIMIT 2", "GROUP BY ?s", "OFFSET 1", "VALUES ?s { <urn:s> }"]
STRINGS = [
    "'x'",
    '"x"',
    "'''a'b\"c'''",
    '"""a"b\'c\n}"""',
    "'\\''",
    '"\\""',
    "'\\\\'",
    "'}'",
    "'# not a comment'",
    "'<http://127.0.0.1:{port}/x>'",
    "'\\u0041'",
    "'\\U0001F600'",
    "'\\u0022 . SERVICE <http://127.0.0.1:{port}/x> { } . \\u0022'",
    '"\\u0027"',
    "'\\u005C'",
    "'a\\u000Ab'",
    "'é 中 \U0001f600'@en",
    "'x'@en--ltr",
    "'1'^^<http://www.w3.org/2001/XMLSchema#integer>",
    '"""\n"""',
]
DECOYS = [
    "BIND('SERVICE <http://127.0.0.1:{port}/x> { }' AS ?d)",
    'BIND("""\nSERVICE <http://127.0.0.1:{port}/x> { }\n""" AS ?d)',
    "BIND('''a'b\"c SERVICE <http://127.0.0.1:{port}/x> { } ''' AS ?d)",
    "\n# SERVICE <http://127.0.0.1:{port}/x> { ?x ?y ?z }\n?s ?p ?o",
    "BIND(<http://127.0.0.1:{port}/SERVICE> AS ?d)",
    "BIND(<\\u0041'> AS ?d)",  # issue 9: an apostrophe in an IRI hid a SERVICE from a lexer
    '?s <urn:p> "\\"}"',
    "?s <urn:p> '\\''",
]


@st.composite
def sparql_texts(draw: Draw, net: Net, *, update: bool, allow_allowed: bool = True) -> Text:
    """A query or an update from the grammar's pieces, with SERVICE/LOAD at the listener."""
    builder = Builder(draw, net, allow_allowed=allow_allowed)
    body = builder.update() if update else builder.query()
    return builder.text("grammar", body, update=update)


# --- deep, long, huge ---------------------------------------------------------------------------

DEPTHS = [255, 256, 257, 300, 1_000, 2_500, 10_000, 49_990, 50_001, 60_000, 200_000]
SHAPES = {
    # head, opening (repeated), core, closing (repeated), tail
    "groups": ("SELECT * WHERE ", "{", "{CORE}", "}", ""),
    "optional": ("SELECT * WHERE {", "OPTIONAL {", "CORE", "}", "}"),
    "union": ("SELECT * WHERE ", "{ {} UNION ", "{CORE}", "}", ""),
    "exists": ("ASK { ", "FILTER EXISTS { ", "CORE", " }", " }"),
    "subqueries": ("SELECT * WHERE ", "{ SELECT * WHERE ", "{CORE}", "}", ""),
    "parentheses": ("ASK { FILTER(", "(", "1", ")", ") }"),
    "bind": ("SELECT * { BIND(", "(", "1", ")", " AS ?x) }"),
    "blank nodes": ("ASK { ?s <urn:p> ", "[ <urn:p> ", "1", " ]", " }"),
    "collections": ("ASK { ?s <urn:p> ", "( ", "1", " )", " }"),
    "triple terms": ("ASK { ?s <urn:p> ", "<<( <urn:a> <urn:b> ", "<urn:c>", " )>>", " }"),
    "reified": ("ASK { ?s <urn:p> ", "<< <urn:a> <urn:b> ", "<urn:c>", " >>", " }"),
}


@st.composite
def deep_texts(draw: Draw, net: Net) -> Text:
    """Nesting up to and past the limit (and past 50,000 openings), balanced or not."""
    depth = draw(st.one_of(st.integers(0, 320), st.sampled_from(DEPTHS)))
    shape = draw(st.sampled_from([*SHAPES, "open only", "close only"]))
    builder = Builder(draw, net, allow_allowed=True)
    takes_core = shape in ("open only", "close only") or "CORE" in SHAPES[shape][2]
    core = builder.service(0) if takes_core and draw(st.booleans()) else "?s ?p ?o"
    if shape == "open only":
        body = "SELECT * WHERE " + draw(st.sampled_from(["{", "(", "[", "{(", "<<("])) * max(depth, 1) + core
        return Text(body, "deep", refused=True)
    if shape == "close only":
        closing = draw(st.sampled_from(["}", ")", "]", ")>>"])) * max(depth, 1)
        return Text("SELECT * WHERE { " + core + " }" + closing, "deep", refused=True)
    head, opening, inner, closing, tail = SHAPES[shape]
    body = head + opening * depth + inner.replace("CORE", core) + closing * depth + tail
    text = builder.text("deep", "\n".join([*builder.prologue, body]), update=False)
    past = depth > NESTING_LIMIT + 10 or openings(text.body) > MAX_OPENINGS
    return replace(text, refused=text.refused or past, names_allowed=text.names_allowed and not past)


CHAINS = {
    # no bracket: the openings bound does not see them; parsers and engine must still cope
    "not": ("ASK { FILTER(", "!", "true) }"),
    "plus": ("ASK { FILTER(", "1+", "1) }"),
    "and": ("ASK { FILTER(", "true&&", "true) }"),
    "path": ("ASK { ?s ", "<urn:p>/", "<urn:p> ?o }"),
    "alternatives": ("ASK { ?s ", "a|", "a ?o }"),
    "joins": ("ASK { ", "?s a ?o .", "}"),
    "in": ("ASK { FILTER(1 IN (", "1,", "1)) }"),
    "values": ("SELECT * { VALUES ?x { ", "1 ", "} }"),
    "semicolons": ("ASK { ?s ", "a ?o;", "a ?o }"),
    "unions": ("ASK { ", "{} UNION ", "{} }"),
    "escapes": ("ASK { ?s <urn:p> <urn:", "\\u0041", "> }"),
}
CHAIN_LENGTHS = [1, 10, 100, 1_000, 10_000, 50_000, 200_000]


@st.composite
def chain_texts(draw: Draw, net: Net) -> Text:
    """Long chains of operators, paths, joins, values: deep trees for an engine, and no bracket."""
    head, link, tail = CHAINS[draw(st.sampled_from(sorted(CHAINS)))]
    body = head + link * draw(st.sampled_from(CHAIN_LENGTHS)) + tail
    return Text(body, "chain", refused=openings(body) > MAX_OPENINGS)


HUGE_SIZES = [0, 1, 1_000, 65_536, 300_000, MAX_BODY - 100, MAX_BODY + 1, 3 * MAX_BODY // 2]
HUGE_UNITS = ["a", "é", "'", '"', "\\\\", "}", "#", "\\u0041", "\\u0022", "\U0001d538", "\\t", " ", "<", "中"]
HUGE_PLACES = ["string", "long string", "iri", "listener iri", "local", "variable", "number", "language", "comment"]


@st.composite
def huge_texts(draw: Draw, net: Net) -> Text:
    """A huge literal, IRI, name, number or comment in an otherwise plain query or update."""
    size = draw(st.sampled_from(HUGE_SIZES))
    unit = draw(st.sampled_from(HUGE_UNITS))
    filler = unit * (size // len(unit.encode()))
    place = draw(st.sampled_from([*HUGE_PLACES, "insert"]))
    refused = False
    if place == "string":
        body = f'ASK {{ FILTER(STRLEN("{filler}") > 0) }}'
    elif place == "long string":
        body = f"SELECT ?x {{ BIND('''{filler}''' AS ?x) }}"
    elif place == "iri":
        body = f"ASK {{ <urn:{filler}> ?p ?o }}"
    elif place == "listener iri":  # a SERVICE to a long IRI on the listener: never the allowed one
        body = f"SELECT * {{ SERVICE <{net.at('/x/')}{'a' * size}> {{ }} }}"
        refused = True
    elif place == "local":
        body = f"PREFIX p: <urn:p:> ASK {{ ?s p:{'a' * size} ?o }}"
    elif place == "variable":
        body = f"SELECT ?{'v' * size} {{ ?{'v' * size} ?p ?o }} LIMIT 1"
    elif place == "number":
        body = f"ASK {{ FILTER({'9' * size}1 > 1.{'0' * size}1e-{'9' * min(size, 50)}) }}"
    elif place == "language":
        body = f"ASK {{ FILTER('x'@{'a' * size} = 'x') }}"
    elif place == "comment":
        body = f"ASK {{ #{filler}\n }}"
    else:
        body = f'INSERT DATA {{ GRAPH <urn:fuzz:huge> {{ <urn:s> <urn:p> "{filler}" }} }}'
    refused = refused or openings(body) > MAX_OPENINGS
    return Text(body, "huge", update=place == "insert", calls=place == "listener iri", refused=refused)


# --- mutations of valid texts -------------------------------------------------------------------


@cache
def corpus() -> tuple[tuple[str, bool], ...]:
    """Valid queries and updates (text, is an update): the W3C syntax suites and the competency
    queries, leaving out any that spells "allowed" (so that no edit can spell the allowed IRI)."""
    texts: list[tuple[str, bool]] = []
    for folder in (ROOT / "tests" / "w3c-sparql" / "syntax", ROOT / "queries"):
        for path in sorted(folder.rglob("*")):
            if path.suffix in (".rq", ".ru") and "bad" not in path.name and "negative" not in str(path):
                text = path.read_text(encoding="utf-8", errors="replace")
                if "allowed" not in text.lower() and len(text) < 20_000:
                    texts.append((text, path.suffix == ".ru"))
    return tuple(texts)


LISTENER_TEMPLATES = [
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:{port}/x> { ?x ?y ?z } }", False),
    ("SELECT * WHERE { { BIND(<\\u0041'> AS ?a) } UNION { SERVICE <http://127.0.0.1:{port}/x> { ?x ?y ?z } } }", False),
    ("PREFIX l: <http://127.0.0.1:{port}/> SELECT * WHERE { SERVICE SILENT l:x { } }", False),
    ("LOAD <http://127.0.0.1:{port}/load> INTO GRAPH <urn:fuzz:l>", True),
    ("INSERT { GRAPH <urn:fuzz:s> { ?x ?y ?z } } WHERE { SERVICE <http://127.0.0.1:{port}/u> { ?x ?y ?z } }", True),
]
MUTATION_TOKENS = [
    *["{", "}", "(", ")", "[", "]", "<", ">", "<<", ">>", "<<(", ")>>", "{|", "|}", '"', "'", "'''", '"""'],
    *["#", "\n", "\\", "\\u0022", "\\u0027", "\\u003E", "\\u003C", "\\u000A", "\\U0001F600", ";", ".", ","],
    *["?x", "$y", "SERVICE", "service", "SILENT", "LOAD", "GRAPH", "BASE <http://127.0.0.1:{port}/>"],
    *["PREFIX p: <http://127.0.0.1:{port}/>", "p:x", "<http://127.0.0.1:{port}/x>", "<x>", "<../x>"],
    *["UNION", "OPTIONAL", "FILTER", "EXISTS", "SELECT", "*", "WHERE", "INSERT", "DATA", "DELETE", "VALUES"],
    *["a", "^", "!", "|", "/", "+", "@en", "^^", "\x00", "\ufeff", "é"],
]


@st.composite
def mutated_texts(draw: Draw, net: Net) -> Text:
    """A valid query or update, edited at random a few times."""
    if draw(st.integers(0, 5)) == 0:
        template, update = draw(st.sampled_from(LISTENER_TEMPLATES))
        text = net.fill(template)
    else:
        texts = corpus()
        text, update = texts[draw(st.integers(0, len(texts) - 1))]
    for _ in range(draw(st.integers(1, 6))):
        text = _mutate(draw, text, net)
    return Text(text, "mutation", update=update)


def _mutate(draw: Draw, text: str, net: Net) -> str:
    token = net.fill(draw(st.sampled_from(MUTATION_TOKENS)))
    if not text:
        return token
    start = draw(st.integers(0, len(text)))
    end = draw(st.integers(start, min(len(text), start + 40)))
    operation = draw(st.integers(0, 7))
    if operation == 0:  # delete a span
        return text[:start] + text[end:]
    if operation == 1:  # insert a token
        return text[:start] + token + text[start:]
    if operation == 2:  # duplicate a span
        return text[:end] + text[start:end] + text[end:]
    if operation == 3:  # write a span as \u escapes
        escaped = "".join(f"\\u{ord(c):04X}" if ord(c) <= 0xFFFF else c for c in text[start:end])
        return text[:start] + escaped + text[end:]
    if operation == 4:  # swap case
        return text[:start] + text[start:end].swapcase() + text[end:]
    if operation == 5:  # no whitespace
        return text[:start] + re.sub(r"\s+", "", text[start:end]) + text[end:]
    if operation == 6:  # cut
        return text[:start]
    return text[:start] + draw(st.text(CHARACTERS, max_size=8)) + text[end:]


@st.composite
def random_texts(draw: Draw, net: Net) -> Text:
    """Random text, sometimes before a plain query."""
    text = draw(st.text(CHARACTERS, max_size=300))
    if draw(st.booleans()):
        text += " SELECT * WHERE { ?s ?p ?o } LIMIT 1"
    return Text(text, "random text", update=draw(st.booleans()))


# --- requests ------------------------------------------------------------------------------------

ACCEPTS = [
    None,
    "text/html",
    "text/turtle",
    "application/sparql-results+json",
    "application/sparql-results+xml;q=0.9, text/csv;q=0.1",
    "application/ld+json",
    "*/*",
    "image/png",
    "text/*;q=0",
    "application/n-quads, */*;q=0.0001",
    "garbage;;q=x",
]
DIRECT_TYPES = {
    "query": ["application/sparql-query"] * 6
    + ["application/sparql-query; charset=utf-8", "application/sparql-query; charset=UTF-16"]
    + ["application/sparql-query;charset=latin-1", "text/plain", "application/json"],
    "update": ["application/sparql-update"] * 6
    + ["application/sparql-update; charset=UTF-8", "application/sparql-update; charset=utf-16", "text/plain"],
}
NOT_READ = ("utf-16", "latin-1", "text/plain", "application/json")  # 415 on /sparql and /update
PARAMETER_IRIS = [
    # (value, an absolute IRI)
    ("urn:fuzz:a", True),
    ("http://127.0.0.1:{port}/allowed", True),
    ("http://127.0.0.1:{port}/x", True),
    ("urn:x> WHERE {} ; LOAD <http://127.0.0.1:{port}/x> INTO GRAPH <urn:t:l> ; USING <urn:y", False),
    ("urn:a> } SERVICE <http://127.0.0.1:{port}/x> { ?x ?y ?z } { <urn:b", False),
    ("relative", False),
    ("", False),
    ("urn:\\u003E", False),
    ('http://127.0.0.1:{port}/a"b', False),
]


@st.composite
def text_probes(draw: Draw, net: Net, text: Text, *, allowlisted: bool) -> Probe:
    """A query to /sparql or an update to /update, by every transport the protocol has.
    ``allowlisted``: the server allows the listener's allowed IRI (else no SERVICE/LOAD may run)."""
    refused = text.refused or (text.calls and not allowlisted)
    accept = draw(st.sampled_from(ACCEPTS))
    headers: list[tuple[str, str]] = [("Accept", accept)] if accept else []
    extra: list[tuple[str, str]] = []
    if draw(st.integers(0, 5)) == 0:
        name = "using-graph-uri" if text.update else draw(st.sampled_from(["default-graph-uri", "named-graph-uri"]))
        value, valid = draw(st.sampled_from(PARAMETER_IRIS))
        extra.append((name, net.fill(value)))
        refused = refused or not valid  # not an IRI: 400 naming the parameter
    if draw(st.integers(0, 7)) == 0:
        extra.append(("format", draw(st.sampled_from(["json", "xml", "csv", "turtle", "nquads", "exe", ""]))))
    query = urlencode(extra)
    if text.update:
        token = draw(st.sampled_from([net.token] * 8 + ["", "wrong", net.token + " ", net.token.upper()]))
        if token:
            headers.append(("Authorization", f"Bearer {token}"))
        refused = refused or token.strip() != net.token  # 401 before the text is read
        route, path, field = "update", "/update", "update"
    else:
        route, path, field = "sparql", "/sparql", "query"
        if len(text.body) < GET_LIMIT and draw(st.integers(0, 2)) == 0:
            return Probe(
                "sparql GET",
                text.kind,
                "GET",
                "/sparql?" + urlencode([("query", text.body), *extra]),
                headers=tuple(headers),
                may_reach=allowlisted and text.names_allowed and not refused,
                refused=refused,
            )
    if draw(st.booleans()):
        route += " form"
        body = urlencode([(field, text.body)]).encode("ascii")
        headers.append(("Content-Type", "application/x-www-form-urlencoded"))
    else:
        route += " direct"
        body = text.body.encode("utf-8")
        content_type = draw(st.sampled_from(DIRECT_TYPES[field]))
        headers.append(("Content-Type", content_type))
        refused = refused or any(part in content_type.lower() for part in NOT_READ)
    refused = refused or len(body) > MAX_BODY  # 413 before anything is read
    return Probe(
        route,
        text.kind,
        "POST",
        path + (f"?{query}" if query else ""),
        body=body,
        headers=tuple(headers),
        may_reach=allowlisted and text.names_allowed and not refused,
        refused=refused,
    )


BYTES = [
    b"\xff\xfe",
    b"SELECT * { ?s ?p \xc3\x28 }",
    b"ASK {}\x00",
    "ASK { '\udcff' }".encode("utf-8", "surrogatepass"),
]


@st.composite
def byte_probes(draw: Draw, net: Net) -> Probe:
    """Random bytes and invalid UTF-8 where the routes read text."""
    data = draw(
        st.one_of(
            st.binary(max_size=600),
            st.text(CHARACTERS, max_size=100).map(lambda text: text.encode("utf-16")),
            st.sampled_from(BYTES),
        )
    )
    token = ("Authorization", f"Bearer {net.token}")
    form = ("Content-Type", "application/x-www-form-urlencoded")
    where = draw(st.integers(0, 6))
    if where == 0:
        direct = ("Content-Type", "application/sparql-query")
        return Probe("sparql direct", "bytes", "POST", "/sparql", body=data, headers=(direct,))
    if where == 1:
        direct = ("Content-Type", "application/sparql-update")
        return Probe("update direct", "bytes", "POST", "/update", body=data, headers=(direct, token))
    if where == 2:
        return Probe("sparql form", "bytes", "POST", "/sparql", body=b"query=" + data, headers=(form,))
    if where == 3:
        return Probe("sparql GET", "bytes", "GET", "/sparql?query=" + quote_from_bytes(data))
    if where == 4:
        body = b"update=" + quote_from_bytes(data).encode()
        return Probe("update form", "bytes", "POST", "/update", body=body, headers=(form, token))
    if where == 5:
        return Probe("linked data", "bytes", "GET", "/id/" + quote_from_bytes(data, safe="/"))
    return Probe("graph store GET", "bytes", "GET", "/data?graph=" + quote_from_bytes(data))


RAW_TARGETS = ["/sparql?query=", "/update?update=", "/id/", "/data?graph=", "/", "", "*", "http://127.0.0.1:{port}/"]
RAW_FRAMINGS = [
    b"Content-Length: %(length)d\r\n",
    b"Content-Length: %(longer)d\r\n",
    b"Content-Length: -1\r\n",
    b"Content-Length: 1\r\nContent-Length: 2\r\n",
    b"Transfer-Encoding: chunked\r\n",
    b"Transfer-Encoding: chunked\r\nContent-Length: 3\r\n",
    b"Content-Length: 99999999999999999999\r\n",
    b"",
]
RAW_HEADERS = [
    b"",
    b"Content-Type: application/sparql-query\r\n",
    b"Content-Type: application/x-www-form-urlencoded\r\n",
    b"Content-Type: application/sparql-update\r\nAuthorization: Bearer TOKEN\r\n",
    b"X: \xff\xfe\r\n",
    b"\x00: y\r\n",
    b"Host: a\r\nHost: b\r\n",
    b" folded: header\r\n",
]


@st.composite
def raw_probes(draw: Draw, net: Net) -> Probe:
    """Whole requests as bytes: random request lines, headers and framing, on a socket."""
    if draw(st.integers(0, 9)) == 0:
        return Probe("raw", "raw bytes", "RAW", "", raw=draw(st.binary(min_size=1, max_size=300)))
    method = draw(st.sampled_from([b"GET", b"POST", b"PUT", b"DELETE", b"OPTIONS", b"XYZ", b"get", b""]))
    target = net.fill(draw(st.sampled_from(RAW_TARGETS))).encode() + draw(st.binary(max_size=80))
    version = draw(st.sampled_from([b"HTTP/1.1", b"HTTP/1.0", b"HTTP/2", b"HTTP/1.1 junk", b""]))
    body = draw(st.binary(max_size=200))
    framing = draw(st.sampled_from(RAW_FRAMINGS)) % {b"length": len(body), b"longer": len(body) + 10}
    if b"chunked" in framing and draw(st.booleans()):
        body = b"%x\r\n" % len(body) + body + b"\r\n0\r\n\r\n"
    headers = draw(st.sampled_from(RAW_HEADERS)).replace(b"TOKEN", net.token.encode())
    request = method + b" " + target + b" " + version + b"\r\nHost: 127.0.0.1\r\n" + headers + framing
    return Probe("raw", "raw bytes", "RAW", "", raw=request + b"Connection: close\r\n\r\n" + body)


LINKED_DATA_SPACES = ["id", "doc", "claim", "activity", "graph", "source", ".well-known/genid", "ontology", ""]
LINKED_DATA_EXTENSIONS = ["", "", ".html", ".ttl", ".nt", ".jsonld", ".rdf", ".trig", ".nq", ".xyz", ".html.ttl"]
ENTITIES = ["orang-county", "musan-county", "north-korea", "hyesan", "workers-party-of-korea", "musan-mine"]
LINKED_DATA_RESTS = [
    "orang-county",
    "kim-jong-un",
    "x> ?p ?o } SERVICE <http://127.0.0.1:{port}/x> { ?x ?y ?z } } #",
    "x\\u003E ?p ?o } SERVICE <http://127.0.0.1:{port}/x> { } } #",
    "x%3E ?p ?o",
    'x" ?p',
    "x'",
    "../../etc/passwd",
    "..%2f..%2fetc%2fpasswd",
    "%2e%2e/",
    "a//b",
    "x#frag",
    "x?y=1",
    "é中\U0001f600",
    "\x00",
    "x\r\nSet-Cookie: a=b",
    "{}" * 200,
    "x" * 3000,
]


@st.composite
def linked_data_probes(draw: Draw, net: Net) -> Probe:
    """A GET or HEAD of a linked-data path made of hostile pieces."""
    space = draw(st.sampled_from(LINKED_DATA_SPACES))
    choice = draw(st.integers(0, 4))
    if choice == 4:  # a page that exists, or its document, written oddly
        space, rest = "id", draw(st.sampled_from(ENTITIES))
        rest = draw(st.sampled_from([rest, rest.upper(), rest + "/", rest + "%", "./" + rest, rest + "\u0041"]))
    elif choice == 0:
        rest = net.fill(draw(st.sampled_from(LINKED_DATA_RESTS)))
    elif choice == 1:
        rest = draw(sparql_texts(net, update=False, allow_allowed=False)).body[:1500]
    elif choice == 2:
        rest = draw(mutated_texts(net)).body[:1500]
    else:
        rest = draw(st.text(CHARACTERS, max_size=60))
    safe = draw(st.sampled_from(["", "/", "/:@!$&'()*+,;=", "/'()!*~"]))
    path = ("/ontology" if space == "ontology" else f"/{space}/") + quote(rest, safe=safe)
    path += draw(st.sampled_from(LINKED_DATA_EXTENSIONS))
    accept = draw(st.sampled_from(ACCEPTS))
    not_an_iri = space not in ("ontology", "") and any(c in IRI_FORBIDDEN_RAW for c in rest)
    return Probe(
        "linked data",
        "linked data",
        draw(st.sampled_from(["GET", "GET", "HEAD"])),
        path,
        headers=(("Accept", accept),) if accept else (),
        refused=not_an_iri,  # nothing is known of what is not an IRI: 404, never a page or a redirect
    )


RDF_XML = (
    '<?xml version="1.0"?><!DOCTYPE r [ENTITIES]><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    '<rdf:Description rdf:about="urn:s"><p xmlns="urn:">USE</p></rdf:Description></rdf:RDF>'
)
LAUGHS = (
    '<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
    '<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">'
)
GRAPH_BODIES = [
    ("text/turtle", "@base <http://127.0.0.1:{port}/x> . <a> <b> <c> ."),
    ("text/turtle", '@prefix p: <http://127.0.0.1:{port}/> . p:a p:b """SERVICE <http://127.0.0.1:{port}/x> { }""" .'),
    ("text/turtle", '<urn:s> <urn:p> "\\u0022 > } " .'),
    ("text/turtle", "<urn:s> <urn:p> <urn:o> . <urn:s> <urn:p> "),
    ("application/n-triples", '<urn:s> <urn:p> "x" .\n<urn:s> <urn:p> <http://127.0.0.1:{port}/o> .'),
    ("application/ld+json", json.dumps({"@context": "http://127.0.0.1:{port}/context", "@id": "urn:s", "n": "x"})),
    ("application/ld+json", json.dumps({"@context": "file://{secret}", "@id": "urn:s", "name": "x"})),
    ("application/ld+json", json.dumps({"@context": {"@import": "http://127.0.0.1:{port}/import"}, "@id": "urn:s"})),
    ("application/ld+json", json.dumps({"@context": [{"p": "urn:p"}, "http://127.0.0.1:{port}/c2"], "p": "x"})),
    ("application/rdf+xml", RDF_XML.replace("ENTITIES", '<!ENTITY x SYSTEM "http://127.0.0.1:{port}/xxe">')),
    ("application/rdf+xml", RDF_XML.replace("ENTITIES", '<!ENTITY x SYSTEM "file://{secret}">').replace("USE", "&x;")),
    ("application/rdf+xml", RDF_XML.replace("ENTITIES", LAUGHS).replace("USE", "&d;" * 10)),
    ("text/n3", "@prefix : <urn:> . { :a :b :c } => { :d :e :f } ."),
    ("application/octet-stream", "\x00\x01"),
    ("", "<urn:s> <urn:p> <urn:o> ."),
]
GRAPH_IRIS = [
    "urn:fuzz:gs",
    "urn:fuzz:gs2",
    "http://127.0.0.1:{port}/allowed",
    "http://127.0.0.1:{port}/x",
    "urn:a> { } SERVICE <http://127.0.0.1:{port}/x> { ?x ?y ?z } { <urn:b",
    "urn:\\u003E",
    "relative",
    "",
    "file://{secret}",
    "urn:" + "x" * 2000,
]


@st.composite
def graph_store_probes(draw: Draw, net: Net) -> Probe:
    """The graph store: reads of hostile graph IRIs, and writes (with the token) of hostile bodies."""
    method = draw(st.sampled_from(["GET", "GET", "HEAD", "PUT", "POST", "DELETE"]))
    graph = net.fill(draw(st.sampled_from(GRAPH_IRIS)))
    naming = draw(st.integers(0, 5))
    if naming == 0:
        target = "/data?default"
    elif naming == 1:
        target = "/data/" + quote(net.fill(draw(st.sampled_from(LINKED_DATA_RESTS))), safe="/")
    elif naming == 2:
        target = "/data?" + urlencode([("graph", graph), ("graph", "urn:fuzz:gs")])
    elif naming == 3 and method == "POST":
        target = "/data"
    else:
        target = "/data?" + urlencode([("graph", graph)])
    headers: list[tuple[str, str]] = []
    body = None
    if method in ("PUT", "POST", "DELETE"):
        headers.append(("Authorization", f"Bearer {net.token}"))
    if method in ("PUT", "POST"):
        if draw(st.integers(0, 4)) == 0:
            content_type = draw(st.sampled_from(["text/turtle", "application/ld+json", "application/rdf+xml"]))
            body = draw(st.binary(max_size=300))
        else:
            content_type, template = draw(st.sampled_from(GRAPH_BODIES))
            body = net.fill(template).encode()
        if content_type:
            headers.append(("Content-Type", content_type))
    accept = draw(st.sampled_from(ACCEPTS))
    if accept and method in ("GET", "HEAD"):
        headers.append(("Accept", accept))
    return Probe(f"graph store {method}", "graph store", method, target, body=body, headers=tuple(headers))


KINDS = (
    ["query"] * 6
    + ["update"] * 5
    + ["deep"] * 3
    + ["chain"]
    + ["huge"] * 2
    + ["mutation"] * 4
    + ["random text"] * 2
    + ["bytes"] * 3
    + ["raw"] * 3
    + ["linked data"] * 4
    + ["graph store"] * 4
)


@st.composite
def probes(draw: Draw, net: Net, *, allowlisted: bool) -> Probe:
    """One hostile request of any kind, weighted towards the SPARQL routes. ``allowlisted``: the
    server allows the listener's allowed IRI as a SERVICE endpoint and a LOAD source."""
    kind = KINDS[draw(st.integers(0, 10 * len(KINDS) - 1)) % len(KINDS)]  # wide: near uniform
    texts = {
        "query": lambda: sparql_texts(net, update=False),
        "update": lambda: sparql_texts(net, update=True),
        "deep": lambda: deep_texts(net),
        "chain": lambda: chain_texts(net),
        "huge": lambda: huge_texts(net),
        "mutation": lambda: mutated_texts(net),
        "random text": lambda: random_texts(net),
    }
    if kind in texts:
        return draw(text_probes(net, draw(texts[kind]()), allowlisted=allowlisted))
    others = {"bytes": byte_probes, "raw": raw_probes, "linked data": linked_data_probes}
    return draw(others.get(kind, graph_store_probes)(net))
