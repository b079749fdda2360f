"""Rendering SPARQL JSON results for a terminal: an aligned table with IRIs shortened by prefixes."""

from __future__ import annotations

import json


def render_table(sparql_json: bytes, prefixes: dict[str, str], max_width: int = 80) -> str:
    data = json.loads(sparql_json)
    if "boolean" in data:
        return "true" if data["boolean"] else "false"
    names = data["head"]["vars"]
    rows = [
        [_cell(binding.get(name), prefixes, max_width) for name in names] for binding in data["results"]["bindings"]
    ]
    widths = [max([len(name), *(len(row[i]) for row in rows)]) for i, name in enumerate(names)]
    line = "+".join("-" * (w + 2) for w in widths)
    out = [" | ".join(n.ljust(w) for n, w in zip(names, widths, strict=True)), line]
    out.extend(" | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows)
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)


def _cell(term: dict | None, prefixes: dict[str, str], max_width: int) -> str:
    if term is None:
        return ""
    value = term["value"]
    if term["type"] == "uri":
        text = _shorten(value, prefixes)
    elif term["type"] == "bnode":
        text = f"_:{value}"
    else:
        text = value.replace("\n", " ")
        if "xml:lang" in term:
            text = f"{text} @{term['xml:lang']}"
    return text if len(text) <= max_width else text[: max_width - 1] + "…"


def _shorten(iri: str, prefixes: dict[str, str]) -> str:
    best = max((ns for ns in prefixes.values() if iri.startswith(ns)), key=len, default=None)
    if best is None:
        return f"<{iri}>"
    name = next(p for p, ns in prefixes.items() if ns == best)
    return f"{name}:{iri[len(best) :]}"
