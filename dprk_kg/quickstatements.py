"""QuickStatements V1 commands for the best-rank Wikibase statements that Wikidata can take.

A command is one tab-separated line: the item (``Q…``), the property (``P…``), the value — an item,
a ``"string"``, monolingual text ``en:"…"``, or a time ``+2024-01-15T00:00:00Z/11`` (precision 11 a day,
10 a month, 9 a year) — then source pairs: ``S248`` stated in, ``S854`` reference URL (only where the
document's address was verified), ``S1683`` the quotation with its language, ``S577`` publication date.

Only a statement whose subject has a verified QID, whose property is a verified PID and whose value
is an item with a QID or a literal goes out; every other is listed in the report with its reason,
never dropped in silence. Wikidata has no item for our documents, so ``S248`` is left out and the
report says so; ``S813`` (retrieved) is left out because the documents record no retrieval date.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from dprk_kg.store.base import Store

WD = "http://www.wikidata.org/entity/"
STATEMENTS = """
PREFIX wikibase: <http://wikiba.se/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX pr: <http://www.wikidata.org/prop/reference/>
SELECT ?subject ?item ?p ?value ?valueItem ?ref ?url ?date ?quote ?quoteLang ?valueLang ?valueIsIri WHERE {
  ?subject ?p ?st . ?st a wikibase:BestRank ; prov:wasDerivedFrom ?ref .
  ?st ?ps ?value .
  FILTER (STRSTARTS(STR(?ps), "http://www.wikidata.org/prop/statement/")
          && STRSTARTS(STR(?p), "http://www.wikidata.org/prop/P")
          && STRAFTER(STR(?ps), "statement/") = STRAFTER(STR(?p), "prop/"))
  OPTIONAL { ?subject skos:exactMatch ?item FILTER STRSTARTS(STR(?item), "http://www.wikidata.org/entity/Q") }
  OPTIONAL { ?value skos:exactMatch ?valueItem FILTER STRSTARTS(STR(?valueItem), "http://www.wikidata.org/entity/Q") }
  OPTIONAL { ?ref pr:P854 ?url }
  OPTIONAL { ?ref pr:P577 ?date }
  OPTIONAL { ?ref pr:P1683 ?quote BIND (LANG(?quote) AS ?quoteLang) }
  BIND (LANG(?value) AS ?valueLang)
  BIND (IF(isIRI(?value), "yes", "") AS ?valueIsIri)
}
ORDER BY ?subject ?p ?value ?ref ?quote
"""
UNMAPPED = """
PREFIX wikibase: <http://wikiba.se/ontology#>
SELECT ?p (COUNT(DISTINCT ?st) AS ?n) WHERE {
  ?subject ?p ?st . ?st a wikibase:BestRank .
  FILTER STRSTARTS(STR(?p), "https://w3id.org/dprk-kg/prop/")
}
GROUP BY ?p
"""
PRECISION = {10: 11, 7: 10, 4: 9}  # length of the lexical date → Wikidata's precision
UNSAFE = re.compile(r'["\t\r\n]')  # V1 has no escape for these inside a quoted value


@dataclass
class Export:
    commands: list[str] = field(default_factory=list)
    left_out: Counter[str] = field(default_factory=Counter)

    def summary(self) -> str:
        """One line for standard error; ``report`` has each reason."""
        return f"{len(self.commands)} QuickStatements commands; {sum(self.left_out.values())} statements left out"

    def report(self) -> str:
        lines = [f"{len(self.commands)} QuickStatements commands written"]
        lines += [f"{n} left out: {why}" for why, n in sorted(self.left_out.items())]
        lines.append("every command lacks S248 (stated in): the documents have no Wikidata items")
        lines.append("every command lacks S813 (retrieved): the documents record no retrieval date")
        return "\n".join(lines) + "\n"


def time_value(lexical: str) -> str | None:
    """``+2024-01-15T00:00:00Z/11`` from an xsd:date, gYearMonth or gYear lexical form; None otherwise."""
    if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", lexical):
        return None
    padded = (lexical + "-01-01")[:10] if len(lexical) == 4 else (lexical + "-01")[:10]
    return f"+{padded}T00:00:00Z/{PRECISION[len(lexical)]}"


def value_of(row: dict[str, str]) -> tuple[str | None, str]:
    """The V1 value of a statement's value, or None and why it cannot be written."""
    if row.get("valueItem"):
        return row["valueItem"].removeprefix(WD), ""
    value = row["value"]
    if value.startswith(WD + "Q"):
        return value.removeprefix(WD), ""
    if row.get("valueIsIri"):
        return None, "the value is an entity or class of ours with no verified QID"
    lexical, language = value, row.get("valueLang", "")
    if UNSAFE.search(lexical):
        return None, "the value holds a double quote, tab or newline, which V1 cannot carry"
    when = time_value(lexical)
    if when:
        return when, ""
    return (f'{language}:"{lexical}"' if language else f'"{lexical}"'), ""


def quickstatements(store: Store) -> Export:
    """The commands of the store's best-rank statements, and the count of each kind left out."""
    export = Export()
    for row in store.select(UNMAPPED):
        name = row["p"].rsplit("/", 1)[1]
        export.left_out[f"dkg:{name} has no verified Wikidata property"] += int(row["n"])
    groups: dict[tuple[str, str, str, str], list[dict[str, str]]] = {}
    for row in store.select(STATEMENTS):
        groups.setdefault((row["subject"], row["p"], row["value"], row["ref"]), []).append(row)
    for (_, prop, _, _), rows in groups.items():
        row = rows[0]
        if not row.get("item"):
            export.left_out["the subject has no verified QID"] += 1
            continue
        value, why = value_of(row)
        if value is None:
            export.left_out[why] += 1
            continue
        command = [row["item"].removeprefix(WD), prop.rsplit("/", 1)[1], value]
        if row.get("url") and not UNSAFE.search(row["url"]):
            command += ["S854", f'"{row["url"]}"']
        for words, language in sorted({(r["quote"], r.get("quoteLang") or "en") for r in rows if r.get("quote")}):
            if UNSAFE.search(words):
                export.left_out["a quotation holds a double quote, tab or newline (that source left out)"] += 1
                continue
            command += ["S1683", f'{language}:"{words}"']
        if row.get("date") and (when := time_value(row["date"])):
            command += ["S577", when]
        export.commands.append("\t".join(command))
    return export
