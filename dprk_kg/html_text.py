"""An HTML report reduced to its text, the same way every time: the text quotes are matched against.

The rule, so a curator can predict every character: the content of ``head``, ``script``, ``style``,
``noscript``, ``template``, ``svg``, ``iframe``, ``object``, ``nav``, ``form`` and ``button`` is left
out; each block element (paragraph, heading, list item, table row, division …) becomes a paragraph, and
paragraphs are separated by one blank line, as in the seeds' texts; ``br`` is a line break; inside a
paragraph (``pre`` included) every run of white space is one space, trimmed at both ends; character
references are decoded. Nothing else is changed (no Unicode normalisation), so a quote
copied from the page as a browser shows it is found in the text.

The page's own metadata — ``<title>`` or the first ``h1``, ``<html lang>``, ``meta`` author,
``article:published_time``, ``og:site_name`` — is returned beside the text, for ``dprk-kg add`` to use
where the curator gave none (and to say so in the document's note).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

SKIPPED = frozenset(
    {"head", "script", "style", "noscript", "template", "svg", "iframe", "object", "nav", "form", "button"}
)
BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "caption", "dd", "details", "div", "dl", "dt",
        "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li",
        "main", "ol", "p", "pre", "section", "summary", "table", "td", "th", "tr", "ul",
    }
)  # fmt: skip
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})
SPACE = re.compile(r"[ \t\n\r\f\v]+")  # HTML's white space (not U+00A0, which is text)


@dataclass
class HtmlText:
    """The text of a page and what its metadata says."""

    text: str
    metadata: dict[str, str] = field(default_factory=dict)  # title, language, author, issued, publisher


def html_text(html: str) -> HtmlText:
    """The page's text by the rule above, and its metadata."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return HtmlText(reader.result(), reader.metadata)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self.current: list[str] = []
        self.skipping: list[str] = []  # the open skipped elements
        self.metadata: dict[str, str] = {}
        self.heading: list[str] | None = None  # the first h1's text, while it is read
        self.in_title = False
        self.title: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "html" and values.get("lang"):
            self.metadata.setdefault("language", values["lang"].strip())
        if tag == "meta":
            self._meta(values)
        if tag == "title":
            self.in_title = True
        if tag in SKIPPED and tag not in VOID:
            self.skipping.append(tag)
            return
        if self.skipping:
            return
        if tag == "br":
            self.current.append("\n")
        elif tag in BLOCKS:
            self._end_paragraph()
        if tag == "h1" and "h1" not in self.metadata and self.heading is None:
            self.heading = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
            if "".join(self.title).strip():
                self.metadata.setdefault("title", _collapse("".join(self.title)))
        if self.skipping:
            if tag == self.skipping[-1]:
                self.skipping.pop()
            return
        if tag == "h1" and self.heading is not None:
            self.metadata["h1"] = _collapse("".join(self.heading))
            self.heading = None
        if tag in BLOCKS:
            self._end_paragraph()

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title.append(data)
        if self.skipping:
            return
        self.current.append(SPACE.sub(" ", data))  # a line break of the source is white space, not text
        if self.heading is not None:
            self.heading.append(data)

    def _meta(self, values: dict[str, str]) -> None:
        key = (values.get("name") or values.get("property") or "").lower()
        content = values.get("content", "").strip()
        wanted = {"author": "author", "article:published_time": "issued", "og:site_name": "publisher"}
        if key in wanted and content:
            self.metadata.setdefault(wanted[key], content)

    def _end_paragraph(self) -> None:
        lines = "".join(self.current).split("\n")
        text = "\n".join(_collapse(line) for line in lines).strip("\n")
        if text.strip():
            self.paragraphs.append(text)
        self.current = []

    def result(self) -> str:
        self._end_paragraph()
        if "title" not in self.metadata and "h1" in self.metadata:
            self.metadata["title"] = self.metadata["h1"]
        self.metadata.pop("h1", None)
        return "\n\n".join(self.paragraphs) + "\n"


def _collapse(text: str) -> str:
    return SPACE.sub(" ", text).strip(" ")
