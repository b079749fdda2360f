"""The ``dprk-kg`` command: a thin layer over the pipeline functions.

Exit codes: 0 success; 1 the data does not conform (SHACL violations or failed integrity checks);
2 bad input (a seed file, a query, an argument or setting); 3 the store or the project's data could not
be read or written; 4 an internal error (a bug: the message asks for a report, ``--traceback`` shows it).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import pyoxigraph as ox

from dprk_kg import __version__
from dprk_kg.config import Config
from dprk_kg.errors import DprkKgError, QueryError, StoreError
from dprk_kg.iris import Iris
from dprk_kg.loaders.engines import OWLRL_DOCUMENTS, PYSHACL_LIMIT, Reasoner, ShaclEngine
from dprk_kg.loaders.rdf.wikibase_statements import FACTUAL_GRAPH as STATEMENTS_GRAPH
from dprk_kg.quickstatements import quickstatements
from dprk_kg.results import render_table
from dprk_kg.sparql import label_service
from dprk_kg.sparql.reading import read_query
from dprk_kg.store import ResultFormat, ResultKind, open_store
from dprk_kg.vocabulary import base_prefixes
from dprk_kg.wikidata_exports import statements_ntriples

INTERNAL_ERROR = 4
QUERY_FORMATS = {
    "json": ResultFormat.SPARQL_JSON,
    "xml": ResultFormat.SPARQL_XML,
    "csv": ResultFormat.CSV,
    "tsv": ResultFormat.TSV,
    "turtle": ResultFormat.TURTLE,
    "ntriples": ResultFormat.N_TRIPLES,
    "jsonld": ResultFormat.JSON_LD,
    "rdfxml": ResultFormat.RDF_XML,
}
EXPORT_FORMATS = {"trig": ResultFormat.TRIG, "nquads": ResultFormat.N_QUADS, "jsonld": ResultFormat.JSON_LD}


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        settings = Config.load(
            {
                "store": args.store,
                "seeds": args.seeds,
                "base": args.base,
                "query_timeout": getattr(args, "timeout", None),
            }
        )
        return int(args.run(args, settings) or 0)
    except DprkKgError as error:
        print(f"dprk-kg: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("dprk-kg: interrupted; the store is unchanged", file=sys.stderr)
        return 130
    except Exception as error:  # a bug: one clear line, the traceback only on request
        if args.traceback:
            raise
        print(
            f"dprk-kg: internal error ({type(error).__name__}: {error}); please report it with the output of "
            "the same command run with --traceback",
            file=sys.stderr,
        )
        return INTERNAL_ERROR


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dprk-kg", description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", action="version", version=f"dprk-kg {__version__}")
    parser.add_argument("--traceback", action="store_true", help="show the traceback of an internal error")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--store", help="a folder (embedded store) or a SPARQL store's URL (default: $DPRK_KG_STORE, else var/store)"
    )
    common.add_argument("--seeds", type=Path, help="seeds folder (default: $DPRK_KG_SEEDS, else the packaged seeds)")
    common.add_argument("--base", help="base of the data IRIs (default: https://w3id.org/dprk-kg/, or $DPRK_KG_BASE)")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    build = commands.add_parser("build", parents=[common], help="build the store from seeds/")
    build.add_argument("--quiet", action="store_true", help="no progress output")
    build.add_argument(
        "--reasoner",
        choices=[choice.value for choice in Reasoner],
        default=Reasoner.AUTO.value,
        help="owlrl (the reference), SPARQL rules compiled from the ontology (for large corpora), "
        f"or auto: owlrl up to {OWLRL_DOCUMENTS} documents",
    )
    _shacl_option(build)
    build.add_argument("--workers", type=int, help="processes loading and validating documents (default: cores)")
    build.add_argument(
        "--full", action="store_true", help="load every document again, not only those whose files changed"
    )
    build.set_defaults(run=_build)

    validate = commands.add_parser("validate", parents=[common], help="SHACL-validate the store or RDF files")
    validate.add_argument("files", nargs="*", type=Path, help="RDF files to validate instead of the store")
    validate.add_argument("--quiet", action="store_true", help="no progress output")
    _shacl_option(validate)
    validate.set_defaults(run=_validate)

    query = commands.add_parser("query", parents=[common], help="run a SPARQL query on the store")
    source = query.add_mutually_exclusive_group(required=True)
    source.add_argument("file", nargs="?", type=Path, help="a .rq file")
    source.add_argument("-e", "--expression", help="the query text")
    query.add_argument("--format", default="table", choices=["table", *QUERY_FORMATS])
    query.set_defaults(run=_query)

    serve = commands.add_parser("serve", parents=[common], help="serve the store over SPARQL 1.1 and linked data")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=4, help="server processes, each with a query executor")
    serve.add_argument("--timeout", type=float, help="query time limit in seconds (default 30, $DPRK_KG_QUERY_TIMEOUT)")
    serve.add_argument("--empty", action="store_true", help="start from an empty store if there is none, not a build")
    serve.set_defaults(run=_serve)

    export = commands.add_parser("export", parents=[common], help="dump the dataset with its named graphs")
    export.add_argument("--format", default="trig", choices=[*EXPORT_FORMATS, "quickstatements", "wikibase"])
    export.add_argument("-o", "--output", type=Path, help="file to write (default: standard output)")
    export.set_defaults(run=_export)

    tables = commands.add_parser(
        "import", parents=[common], help="turn a table of claims (CSV or JSON Lines) into claims files in seeds/"
    )
    tables.add_argument("tables", nargs="+", type=Path, metavar="TABLE", help="a .csv or .jsonl file")
    tables.add_argument("--replace", action="store_true", help="replace a document's existing claims file")
    tables.add_argument("--attributed-to", help="the entity id who speaks when a row does not say (defaults)")
    tables.add_argument("--status", choices=["stated", "reported", "inferred", "opinion"], help="the default status")
    tables.add_argument("--curator", help="the entity id inferred claims are attributed to (defaults)")
    tables.set_defaults(run=_import)

    check = commands.add_parser(
        "check", parents=[common], help="check documents' metadata and claims files as a build would, writing nothing"
    )
    check.add_argument(
        "files", nargs="+", type=Path, metavar="FILE", help="a document's .txt, .meta.yaml or .claims.yaml"
    )
    _shacl_option(check)
    check.set_defaults(run=_check)

    add = commands.add_parser(
        "add", parents=[common], help="add reports (text, Markdown, HTML) to seeds/ and load them into the store"
    )
    add.add_argument("files", nargs="+", type=Path, metavar="FILE", help="a .txt, .md or .html report")
    add.add_argument("--title")
    add.add_argument("--publisher", help="the publisher's entity id or name")
    add.add_argument("--issued", "--date", dest="issued", help="the publication date: YYYY, YYYY-MM or YYYY-MM-DD")
    add.add_argument("--language", help="a BCP 47 tag (en, ko …)")
    add.add_argument("--url", help="where the report was published (needs --url-checked)")
    add.add_argument("--url-checked", help="where that address was verified to carry this text")
    add.add_argument("--author", action="append", dest="authors", help="an author's entity id or name (repeatable)")
    add.add_argument("--id", help="the document id, instead of the documented rule (seeds/README.md)")
    add.add_argument("--quiet", action="store_true", help="no progress output")
    add.set_defaults(run=_add)

    remove = commands.add_parser("remove", parents=[common], help="remove a document from seeds/ and the store")
    remove.add_argument("document", metavar="DOCUMENT-ID")
    remove.add_argument("--prune", action="store_true", help="also remove registry entries only it used")
    remove.add_argument("--quiet", action="store_true", help="no progress output")
    remove.set_defaults(run=_remove)

    terms = commands.add_parser("terms", parents=[common], help="list the ontology's classes and properties")
    terms.add_argument("pattern", nargs="?", help="only the terms whose prefixed name or label contains this")
    terms.set_defaults(run=_terms)
    return parser


def _shacl_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--shacl",
        choices=[choice.value for choice in ShaclEngine],
        default=ShaclEngine.AUTO.value,
        help="pyshacl (the reference), the shapes compiled to SPARQL (pyshacl reports what they reject), "
        f"or auto: pyshacl for batches up to {PYSHACL_LIMIT:,} triples",
    )


def _build(args: argparse.Namespace, settings: Config) -> int:
    from dprk_kg.loaders.pipeline.build import build

    store = open_store(settings.store, base=settings.base)
    report = build(
        settings.seeds,
        store,
        iris=settings.iris,
        show_progress=not args.quiet,
        reasoner=args.reasoner,
        shacl=args.shacl,
        workers=getattr(args, "workers", None),
        full=args.full,
    )
    print(report.summary())
    for line in report.ambiguous_mentions:  # never guessed: a curator decides, or a registry label changes
        print(f"dprk-kg: warning: {line}", file=sys.stderr)
    return 0


def _validate(args: argparse.Namespace, settings: Config) -> int:
    from dprk_kg.loaders.gate.store_validation import validate_files, validate_store
    from dprk_kg.loaders.sources.inputs import read_inputs

    inputs = read_inputs(settings.seeds, settings.iris)
    if args.files:
        result = validate_files(args.files, inputs, args.shacl)
    else:
        result = validate_store(
            open_store(settings.store, read_only=True), inputs, args.shacl, show_progress=not args.quiet
        )
    print(result.report())
    return 0 if result.conforms else 1


def _query(args: argparse.Namespace, settings: Config) -> int:
    if args.expression is not None:
        sparql = args.expression
    else:
        try:
            sparql = args.file.read_text(encoding="utf-8")
        except OSError as error:
            raise QueryError(f"cannot read {args.file}: {error}") from error
    prefixes = base_prefixes(settings.base)
    if label_service.called(read_query(sparql, prefixes=prefixes).services):  # as the endpoint does, in English
        sparql = label_service.rewrite(sparql, prefixes=prefixes, auto_language=(label_service.DEFAULT_LANGUAGE,)).text
    store = open_store(settings.store, read_only=True)
    if args.format == "table":  # a table of solutions or a boolean; triples are printed as Turtle
        if ResultKind.of_form(read_query(sparql, prefixes=prefixes).form) is ResultKind.GRAPH:
            output = store.query(sparql, ResultFormat.TURTLE, prefixes=prefixes)
            sys.stdout.write(output.body.decode("utf-8"))
            return 0
        output = store.query(sparql, ResultFormat.SPARQL_JSON, prefixes=prefixes)
        print(render_table(output.body, prefixes))
        return 0
    output = store.query(sparql, QUERY_FORMATS[args.format], prefixes=prefixes)
    sys.stdout.buffer.write(output.body)
    sys.stdout.flush()
    return 0


def _serve(args: argparse.Namespace, settings: Config) -> int:
    from dprk_kg.server.completeness import incomplete_message
    from dprk_kg.server.wsgi import serve

    store = open_store(settings.store, base=settings.base)
    if not store.exists():
        # In a child process: RocksDB starts background threads, and gunicorn's workers, forked from
        # this process, would inherit its state without the threads and hang on their first write.
        if args.empty:
            command = [
                "-c",
                "import sys; from dprk_kg.store import open_store; open_store(sys.argv[1]).create_empty()",
                settings.store,
            ]
        else:
            print(f"no store at {settings.store}: building it from {settings.seeds} first", flush=True)
            command = [
                "-m",
                "dprk_kg.cli",
                "build",
                "--store",
                settings.store,
                "--seeds",
                str(settings.seeds),
                "--base",
                settings.base,
            ]
        if subprocess.run([sys.executable, *command], check=False).returncode != 0:
            raise StoreError(f"could not create the store at {settings.store}")
    if not store.is_complete():  # served all the same: the routes say so (503) until a build completes it
        print(f"dprk-kg: warning: {incomplete_message(store.location)}", file=sys.stderr, flush=True)
    serve(settings, host=args.host, port=args.port, workers=args.workers)
    return 0


def _export(args: argparse.Namespace, settings: Config) -> int:
    store = open_store(settings.store, read_only=True)
    if args.format == "quickstatements":  # V1 commands; what cannot be mapped is reported, not dropped
        export = quickstatements(store)
        text = "".join(f"{line}\n" for line in export.commands)
        if args.output is None:
            sys.stdout.write(text)
            print(export.report(), file=sys.stderr, end="")
            return 0
        report = args.output.with_name(args.output.name + ".report.txt")
        args.output.write_text(text, encoding="utf-8")
        report.write_text(export.report(), encoding="utf-8")
        print(f"wrote {args.output}: {export.summary()} (why: {report})", file=sys.stderr)
        return 0
    if args.format == "wikibase":  # the factual claims' statements; the deprecated ones are in the build's file
        data = statements_ntriples(store, Iris(settings.base), STATEMENTS_GRAPH)
        if args.output is None:
            sys.stdout.buffer.write(data)
        else:
            args.output.write_bytes(data)
        return 0
    target = EXPORT_FORMATS[args.format]
    if args.output is None:
        store.dump(target, sys.stdout.buffer)
        sys.stdout.flush()
        return 0
    partial = args.output.with_name(f".{args.output.name}.partial")
    with partial.open("wb") as handle:
        store.dump(target, handle)
    partial.replace(args.output)
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


def _import(args: argparse.Namespace, settings: Config) -> int:
    from dprk_kg.tabular import import_tables

    defaults = {
        name: value
        for name, value in (("attributed_to", args.attributed_to), ("status", args.status), ("curator", args.curator))
        if value is not None
    }
    written = import_tables(
        args.tables, settings.seeds, base_prefixes(settings.base), defaults=defaults, replace=args.replace
    )
    for path in written:
        print(f"wrote {path}")
    return 0


def _check(args: argparse.Namespace, settings: Config) -> int:
    from dprk_kg.checking import check_files

    print(check_files(args.files, settings.seeds, settings.iris, args.shacl).summary())
    return 0


def _loader(args: argparse.Namespace, settings: Config) -> Callable[[], None]:
    """The incremental build ``add`` and ``remove`` run once their files are written."""
    from dprk_kg.loaders.pipeline.build import build

    def load() -> None:
        store = open_store(settings.store, base=settings.base)
        report = build(settings.seeds, store, iris=settings.iris, show_progress=not args.quiet)
        print(report.summary())

    return load


def _add(args: argparse.Namespace, settings: Config) -> int:
    from dprk_kg.adding import add_reports

    def loaded(ids: Sequence[str]) -> bool:
        store = open_store(settings.store, read_only=True, base=settings.base)
        if not store.exists():
            return False
        query, prefixes = "SELECT ?d WHERE { ?d a dkg:SourceDocument }", base_prefixes(settings.base)
        return all(
            store.select(query, prefixes=prefixes, bindings={"d": ox.NamedNode(settings.iris.document(i))}) for i in ids
        )

    options = {key: getattr(args, key) for key in ("title", "publisher", "issued", "language", "url", "authors", "id")}
    options["url_checked"] = args.url_checked
    added = add_reports(args.files, settings.seeds, options, _loader(args, settings), loaded)
    for doc_id in added.written:
        print(f"added {doc_id}: {settings.seeds / doc_id}.txt, .meta.yaml, .claims.yaml")
    for doc_id in added.unchanged:
        print(f"unchanged: {doc_id}")
    for slug in added.new_entities:
        print(f"new registry entry: {slug} (in {settings.seeds / 'entities.yaml'})")
    return 0


def _remove(args: argparse.Namespace, settings: Config) -> int:
    from dprk_kg.removing import remove_document

    removed = remove_document(args.document, settings.seeds, settings.iris, args.prune, _loader(args, settings))
    print(f"removed {removed.document}")
    if removed.unused:
        verb = "removed from the registry" if removed.pruned else "no remaining document uses (--prune removes them)"
        print(f"registry entries {verb}: {', '.join(removed.unused)}")
    return 0


def _terms(args: argparse.Namespace, settings: Config) -> int:
    from dprk_kg.loaders.sources.ontology import load_ontology
    from dprk_kg.paths import ontology_dir
    from dprk_kg.terms import describe_terms, examples, render

    prefixes = base_prefixes(settings.base)
    found = describe_terms(load_ontology(ontology_dir()), args.pattern, prefixes)
    if not found:
        print(f"no term matches {args.pattern!r}", file=sys.stderr)
        return 2
    uses = examples(settings.seeds, prefixes, {term.iri for term in found})
    for line in render(found, uses, prefixes):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
