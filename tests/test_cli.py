"""The command line: query formats, export formats, validation, and its errors and exit codes."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from tests.conftest import ROOT, Ran, run_cli

QUERY = "SELECT ?county WHERE { ?c a dkg:County ; rdfs:label ?county FILTER (LANG(?county) = 'en') } ORDER BY ?county"
COUNTIES = ["Kyongsong County", "Musan County", "Orang County"]


def test_query_table_uses_undeclared_well_known_prefixes(built_store: Path) -> None:
    result = run_cli("query", "--store", str(built_store), "-e", QUERY)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].strip() == "county"
    assert [line.strip() for line in lines[2:5]] == [f"{c} @en" for c in COUNTIES]
    assert lines[-1] == "(3 rows)"


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_query_result_formats(cli: Callable[..., Ran], fmt: str, built_store: Path) -> None:
    result = cli("query", "--store", str(built_store), "--format", fmt, "-e", QUERY)
    assert result.returncode == 0, result.stderr
    text = result.stdout
    if fmt == "json":
        values = [b["county"]["value"] for b in json.loads(text)["results"]["bindings"]]
    elif fmt == "xml":
        values = [s["county"].value for s in ox.parse_query_results(text.encode(), format=ox.QueryResultsFormat.XML)]
    elif fmt == "csv":
        values = [row["county"] for row in csv.DictReader(io.StringIO(text))]
    else:
        values = [line.split("@")[0].strip('"') for line in text.splitlines()[1:]]
    assert values == COUNTIES


def test_query_file_and_construct_as_turtle(cli: Callable[..., Ran], built_store: Path, tmp_path: Path) -> None:
    query = tmp_path / "q.rq"
    query.write_text("CONSTRUCT { ?c dkg:locatedIn ?p } WHERE { ?c a dkg:County ; dkg:locatedIn ?p }")
    result = cli("query", "--store", str(built_store), "--format", "turtle", str(query))
    assert result.returncode == 0, result.stderr
    graph = rdflib.Graph().parse(data=result.stdout, format="turtle")
    assert len(graph) >= 3
    table = cli("query", "--store", str(built_store), str(query))
    assert table.returncode == 0 and "locatedIn" in table.stdout


def test_malformed_query_is_a_clear_error(cli: Callable[..., Ran], built_store: Path) -> None:
    result = cli("query", "--store", str(built_store), "-e", "SELECT ?x WHERE { ?x ?p }")
    assert result.returncode == 2
    assert result.stderr.startswith("dprk-kg: ") and "line 1, column 25:" in result.stderr


def test_missing_store_is_a_store_error(cli: Callable[..., Ran], tmp_path: Path) -> None:
    result = cli("query", "--store", str(tmp_path / "none"), "-e", "ASK {}")
    assert result.returncode == 3
    assert "no store at" in result.stderr and "dprk-kg build" in result.stderr


def test_missing_query_file(cli: Callable[..., Ran], built_store: Path, tmp_path: Path) -> None:
    result = cli("query", "--store", str(built_store), str(tmp_path / "none.rq"))
    assert result.returncode == 2 and "cannot read" in result.stderr


@pytest.mark.parametrize(("fmt", "parse_format"), [("trig", "trig"), ("nquads", "nquads"), ("jsonld", "json-ld")])
def test_export_keeps_every_named_graph(
    cli: Callable[..., Ran], fmt: str, parse_format: str, built_store: Path, built_dump: list[str], tmp_path: Path
) -> None:
    output = tmp_path / f"dump.{fmt}"
    result = cli("export", "--store", str(built_store), "--format", fmt, "-o", str(output))
    assert result.returncode == 0, result.stderr
    dataset = rdflib.Dataset()
    dataset.parse(output, format=parse_format)
    graphs = {str(g.identifier) for g in dataset.graphs()}
    assert any("/claim/000_1f7871d4d3f091d3/" in g for g in graphs)
    assert "https://w3id.org/dprk-kg/graph/inferred" in graphs
    assert len(list(dataset.quads())) == len(built_dump)


def test_export_to_standard_output(cli: Callable[..., Ran], built_store: Path, built_dump: list[str]) -> None:
    result = cli("export", "--store", str(built_store), "--format", "nquads")
    assert result.returncode == 0
    assert len(result.stdout.splitlines()) == len(built_dump)


def test_validate_store_conforms(cli: Callable[..., Ran], built_store: Path) -> None:
    result = cli("validate", "--store", str(built_store))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 documents checked; the data conforms" in result.stdout
    bars = result.stderr.replace("\r", "\n")
    assert re.search(r"validate: 100%\|.*\| 2/2 ", bars) and re.search(r"integrity queries: 100%.*query/s", bars), bars
    assert cli("validate", "--store", str(built_store), "--quiet").stderr == ""


def test_validate_files_reports_violations(cli: Callable[..., Ran], tmp_path: Path) -> None:
    data = tmp_path / "bad.ttl"
    data.write_text(
        "@prefix dkg: <https://w3id.org/dprk-kg/ontology#> .\n<https://w3id.org/dprk-kg/claim/x/y> a dkg:Claim .\n"
    )
    result = cli("validate", str(data))
    assert result.returncode == 1
    assert "focus node: <https://w3id.org/dprk-kg/claim/x/y>" in result.stdout
    assert "exactly one epistemic status" in result.stdout


def test_validate_file_that_does_not_parse(cli: Callable[..., Ran], tmp_path: Path) -> None:
    data = tmp_path / "broken.ttl"
    data.write_text("<a> <b> .\n")
    result = cli("validate", str(data))
    assert result.returncode == 2 and str(data) in result.stderr


def test_usage_error_exit_code() -> None:
    result = run_cli("frobnicate")
    assert result.returncode == 2


def test_readme_documents_every_command() -> None:
    readme = (ROOT / "README.md").read_text()
    for command in ("dprk-kg build", "dprk-kg validate", "dprk-kg query", "dprk-kg export"):
        assert command in readme
