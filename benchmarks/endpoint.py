"""Benchmark of the SPARQL endpoint: dprk-kg serve beside Oxigraph server on the same data (the engine's
ceiling) and beside an empty Flask app under the same gunicorn setup (the ceiling of any Python stack),
and beside rdflib-endpoint on a dataset small enough for it, with the same queries from concurrent
clients; optionally also the remote backend: a build loaded into an Oxigraph server over SPARQL Update,
and the queries through dprk-kg serve in front of that server.

    python benchmarks/endpoint.py --triples 1000000 10000000 --rounds 3 --work /tmp/bench-endpoint

Trustworthy on a shared machine: the servers take turns, kind by kind, and the order of the servers
rotates from round to round, so a burst of load elsewhere falls on all of them alike; every figure is
the median of the rounds with its spread (lowest–highest), and each ratio is taken within a round,
between runs that were minutes apart at most. Each kind is reported alone, the cheap kinds and the
heavy kinds as two mixes, and all six as the mix.

Uncached and cached figures are separate runs and never stand in for each other: in the uncached runs
every request carries a trailing ``VALUES ?nonce { n }`` that is new for each request of the benchmark
(one row, a variable the query does not use: it changes the query text, not its answer or its cost),
so no result cache can answer it; in the cached runs the same few dozen queries repeat verbatim.

The corpus comes from benchmarks/generate.py and is built with the real ``dprk-kg build``. Load comes
from ``wrk`` (Debian package), a C load generator, so the clients cost the servers as little CPU as
possible; each run lasts a fixed time with a fixed number of connections and reports requests per
second, median and 95th-percentile latency. Every query is first checked to give the same number of
results on each server. The resident memory of each server (all its processes) is sampled throughout.
The servers listen on ports from ``--ports`` (18100-18199 by default). Results go to stdout and, as
JSON, to WORK/endpoint-results.json.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import psutil
import requests
from common import BIN, PORTS, ROOT, corpus, free_port, machine, port_range, run

PREFIXES = """PREFIX dkg: <https://w3id.org/dprk-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""
WRK_SCRIPT = """
local bodies = {}
local index = 0
local sent = 0
local unique = %(unique)s
local nonce = "%%%%0AVALUES+%%%%3Fnonce+%%%%7B+%(run)s%%d%%09d+%%%%7D"  -- the form-encoded VALUES line
for line in io.lines("%(bodies)s") do table.insert(bodies, line) end
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Accept"] = "application/sparql-results+json"
request = function()
  index = index %% #bodies + 1
  local body = bodies[index]
  if unique then
    sent = sent + 1
    body = body .. string.format(nonce, thread_number, sent)
  end
  return wrk.format(nil, nil, nil, body)
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %%d %%d %%d %%d %%f %%f %%f\\n", summary.requests, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.duration, latency:percentile(50), latency:percentile(95), latency.mean))
end
"""


@dataclass
class Server:
    name: str
    url: str  # the query endpoint
    process: subprocess.Popen[bytes]
    ceiling: bool = False  # answers every query alike: left out of the check that answers agree
    peak_rss: int = 0  # bytes, the server's processes together, while it is being measured

    def sample(self) -> None:
        """Record the resident memory of the server's process tree (call it while the server works)."""
        with contextlib.suppress(psutil.NoSuchProcess):
            root = psutil.Process(self.process.pid)
            total = 0
            for member in [root, *root.children(recursive=True)]:
                with contextlib.suppress(psutil.NoSuchProcess):
                    total += member.memory_info().rss
            self.peak_rss = max(self.peak_rss, total)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def store(work: Path, seeds: Path, triples: int) -> Path:
    path = work / f"store-{triples}" / "store"
    if not path.exists():
        run([str(BIN / "dprk-kg"), "build", "--seeds", str(seeds), "--store", str(path), "--quiet"])
    return path


def remote_build(seeds: Path, location: str) -> dict[str, float]:
    """Build into a remote store; the figures of its load (the build's "write store" step)."""
    command = [str(BIN / "dprk-kg"), "build", "--seeds", str(seeds), "--store", location, "--quiet"]
    print("$", " ".join(command), flush=True)
    summary = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    quads = int(re.search(r"; (\d+) quads in", summary)[1])  # type: ignore[index]
    seconds = float(re.search(r"write store ([\d.]+) s", summary)[1])  # type: ignore[index]
    return {"quads": quads, "load_seconds": seconds, "quads_per_second": round(quads / seconds)}


def wait(url: str, process: subprocess.Popen[bytes], name: str, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode}")
        try:
            if requests.post(url, data={"query": "ASK { ?s ?p ?o }"}, timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{name} did not start")


def start(name: str, command: list[str], url: str, log: Path, *, ceiling: bool = False) -> Server:
    handle = log.open("wb")
    process = subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True)
    wait(url, process, name)
    return Server(name, url, process, ceiling)


def start_ours(
    location: str, args: argparse.Namespace, log: Path, name: str = "dprk-kg", options: tuple[str, ...] = ()
) -> Server:
    """``dprk-kg serve`` (with ``options``: ``--empty`` …) in a process group of its own."""
    port = free_port(args.ports)
    command = [str(BIN / "dprk-kg"), "serve", "--store", location, "--port", str(port), "--workers", str(args.workers)]
    command += options
    return start(name, command, f"http://127.0.0.1:{port}/sparql", log)


def start_oxigraph(path: Path, args: argparse.Namespace, log: Path, *, writable: bool = False) -> Server:
    """Oxigraph server: read-only on the very store version dprk-kg serves, or writable on a new one."""
    port = free_port(args.ports)
    command = [
        str(BIN / "oxigraph"),
        "serve" if writable else "serve-read-only",
        "--location",
        str(path.resolve()),
        "--bind",
        f"127.0.0.1:{port}",
    ]
    return start("oxigraph", command, f"http://127.0.0.1:{port}/query", log)


def start_ceiling(args: argparse.Namespace, log: Path) -> Server:
    """The empty Flask app (``ceiling_app.py``) under gunicorn with dprk-kg serve's settings: its workers,
    sync worker class and keep-alive (server/wsgi.py)."""
    port = free_port(args.ports)
    command = [
        str(BIN / "gunicorn"),
        "--workers",
        str(args.workers),
        "--worker-class",
        "sync",
        "--keep-alive",
        "5",
        "--bind",
        f"127.0.0.1:{port}",
        "--chdir",
        str(ROOT / "benchmarks"),
        "ceiling_app:app",
    ]
    return start("empty Flask", command, f"http://127.0.0.1:{port}/sparql", log, ceiling=True)


def start_rdflib(path: Path, args: argparse.Namespace, log: Path) -> Server:
    dump = args.work / f"{path.parent.name}.nq"
    if not dump.exists():
        run([str(BIN / "dprk-kg"), "export", "--store", str(path), "--format", "nquads", "-o", str(dump)])
    port = free_port(args.ports)
    command = [str(BIN / "rdflib-endpoint"), "serve", str(dump), "--host", "127.0.0.1", "--port", str(port)]
    return start("rdflib-endpoint", command, f"http://127.0.0.1:{port}/", log)


# --- the queries ----------------------------------------------------------------------------------

CHEAP = ("label lookup", "2-hop join", "property path", "provenance lookup")
HEAVY = ("aggregation per province", "date filter")


def select(url: str, query: str) -> list[dict[str, dict[str, str]]]:
    response = requests.post(
        url, data={"query": PREFIXES + query}, headers={"Accept": "application/sparql-results+json"}, timeout=600
    )
    response.raise_for_status()
    return response.json()["results"]["bindings"]


def kinds(url: str, rng: random.Random) -> dict[str, list[str]]:
    """Six kinds of query, each with parameters drawn from the data (a few dozen variants each)."""
    entities = [r["e"]["value"] for r in select(url, "SELECT DISTINCT ?e WHERE { ?e a dkg:Event } LIMIT 2000")]
    counties = [r["c"]["value"] for r in select(url, "SELECT ?c WHERE { ?c a dkg:County } LIMIT 2000")]
    provinces = [r["p"]["value"] for r in select(url, "SELECT ?p WHERE { ?p a dkg:Province }")]
    pick = lambda items, n: [items[rng.randrange(len(items))] for _ in range(n)]  # noqa: E731
    months = [f"20{y:02d}-{m:02d}" for y in range(17, 25) for m in range(1, 13)]
    return {
        "label lookup": [f"SELECT ?label WHERE {{ <{e}> rdfs:label ?label }}" for e in pick(entities, 50)],
        "2-hop join": [
            f"SELECT ?event ?county WHERE {{ ?event dkg:place ?county . ?county dkg:locatedIn <{p}> }} LIMIT 100"
            for p in pick(provinces, 20)
        ],
        "aggregation per province": [
            "SELECT ?province (COUNT(DISTINCT ?event) AS ?events) WHERE { ?event dkg:place ?place . "
            "?place dkg:locatedIn ?province . ?province a dkg:Province } GROUP BY ?province ORDER BY DESC(?events)"
        ],
        "date filter": [
            f"SELECT ?event ?date WHERE {{ ?event dkg:date ?date FILTER (DATATYPE(?date) = xsd:date && "
            f'STRSTARTS(STR(?date), "{m}")) }} LIMIT 100'
            for m in pick(months, 30)
        ],
        "property path": [f"SELECT ?place WHERE {{ <{c}> dkg:locatedIn+ ?place }}" for c in pick(counties, 50)],
        "provenance lookup": [
            f"SELECT ?quote ?status ?source WHERE {{ GRAPH ?claim {{ <{e}> ?p ?o }} "
            "?claim dkg:epistemicStatus ?status ; "
            "prov:wasAttributedTo ?source ; dkg:evidence/oa:hasSelector/oa:exact ?quote } LIMIT 20"
            for e in pick(entities, 50)
        ],
    }


def workloads(queries: dict[str, list[str]]) -> dict[str, list[str]]:
    """Each kind alone, then three mixes in which the kinds take turns, each as often as the others: the
    cheap kinds, the heavy kinds, and all six (the mix)."""

    def interleave(names: tuple[str, ...]) -> list[str]:
        longest = max(len(queries[name]) for name in names)
        return [queries[name][i % len(queries[name])] for i in range(longest) for name in names]

    return {
        **queries,
        "cheap mix": interleave(CHEAP),
        "heavy mix": interleave(HEAVY),
        "mix": interleave(tuple(queries)),
    }


def same_answers(servers: list[Server], queries: dict[str, list[str]]) -> None:
    """Every server gives as many results for each query (a benchmark of wrong answers is worthless)."""
    for kind, texts in queries.items():
        for text in texts[:5]:
            counts = {s.name: len(select(s.url, text)) for s in servers if not s.ceiling}
            if len(set(counts.values())) != 1:
                raise SystemExit(f"servers disagree on {kind!r}: {counts}\n{text}")


def load(server: Server, texts: list[str], *, unique: bool, args: argparse.Namespace) -> dict[str, float]:
    """One ``wrk`` run of ``texts`` in turn on ``server``; with ``unique``, each request made new (see the
    module's docstring)."""
    with tempfile.NamedTemporaryFile("w", dir=args.work, suffix=".txt", delete=False) as bodies:
        for text in texts:
            bodies.write(urlencode({"query": PREFIXES + text}) + "\n")
    script = args.work / "load.lua"
    script.write_text(
        WRK_SCRIPT % {"bodies": bodies.name, "unique": "true" if unique else "false", "run": time.time_ns()}
    )
    sampling = threading.Event()

    def sample() -> None:
        while not sampling.wait(0.2):
            server.sample()

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    connections = str(args.connections)
    command = ["wrk", "-t", str(min(args.connections, 2)), "-c", connections, "-d", f"{args.seconds}s"]
    output = subprocess.run(
        [*command, "--timeout", "60s", "-s", str(script), server.url], capture_output=True, text=True, check=True
    ).stdout
    sampling.set()
    sampler.join()
    line = next(line for line in output.splitlines() if line.startswith("RESULT"))
    requests_done, status_errors, socket_errors, duration_us, p50, p95, mean = (float(x) for x in line.split()[1:])
    os.unlink(bodies.name)
    return {
        "qps": requests_done / (duration_us / 1e6),
        "median_ms": p50 / 1000,
        "p95_ms": p95 / 1000,
        "mean_ms": mean / 1000,
        "requests": requests_done,
        "errors": status_errors + socket_errors,
    }


Runs = dict[str, dict[str, list[dict[str, float]]]]  # workload → server → one figure set per round


def alternate(servers: list[Server], loads: dict[str, list[str]], *, unique: bool, args: argparse.Namespace) -> Runs:
    """Every workload on every server, round after round; within a workload the servers take turns, and
    who goes first rotates from round to round."""
    runs: Runs = {}
    for round_number in range(args.rounds):
        turn = round_number % len(servers)
        order = servers[turn:] + servers[:turn]
        for name, texts in loads.items():
            for server in order:
                figures = load(server, texts, unique=unique, args=args)
                runs.setdefault(name, {}).setdefault(server.name, []).append(figures)
                print(
                    f"  round {round_number + 1}  {name:26} {server.name:16} {figures['qps']:9.1f} q/s"
                    f"   median {figures['median_ms']:8.2f} ms   p95 {figures['p95_ms']:8.2f} ms"
                    f"   errors {figures['errors']:.0f}",
                    flush=True,
                )
    return runs


def spread(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "low": min(values), "high": max(values)}


def summarise(runs: Runs, ours: str) -> dict[str, dict[str, object]]:
    """Per workload: each server's throughput (median and spread of the rounds) and dprk-kg's throughput as
    a share of each other server's, taken round by round, then the median and spread of those shares."""
    summary: dict[str, dict[str, object]] = {}
    for name, by_server in runs.items():
        ratios = {
            other: spread([mine["qps"] / theirs["qps"] for mine, theirs in zip(by_server[ours], figures, strict=True)])
            for other, figures in by_server.items()
            if other != ours
        }
        throughput = {server: spread([f["qps"] for f in figures]) for server, figures in by_server.items()}
        summary[name] = {"qps": throughput, "ratio": ratios}
    return summary


def show(title: str, summary: dict[str, dict[str, object]], ours: str) -> None:
    """The summary as a Markdown table, as docs/benchmarks.md quotes it."""
    servers = list(next(iter(summary.values()))["qps"])  # type: ignore[call-overload]
    others = [s for s in servers if s != ours]
    header = " | ".join(f"{s} q/s" for s in servers) + " | " + " | ".join(f"share of {s}" for s in others)
    print(f"\n{title}\n\n| workload | {header} |\n|---|" + "--:|" * (len(servers) + len(others)))
    for name, figures in summary.items():
        qps, ratio = figures["qps"], figures["ratio"]
        cells = [f"{qps[s]['median']:,.0f} ({qps[s]['low']:,.0f}–{qps[s]['high']:,.0f})" for s in servers]  # type: ignore[index]
        cells += [
            f"{ratio[s]['median']:.0%} ({ratio[s]['low']:.0%}–{ratio[s]['high']:.0%})"  # type: ignore[index]
            for s in others
        ]
        print(f"| {name} | " + " | ".join(cells) + " |")
    print(flush=True)


def measure(label: str, servers: list[Server], args: argparse.Namespace, seed: int) -> dict[str, object]:
    """Uncached, then cached: every workload on each server in alternation, after checking the servers
    agree; the figures of every round, their summary, and each server's peak memory."""
    queries = kinds(next(s for s in servers if not s.ceiling).url, random.Random(seed))
    same_answers(servers, queries)
    loads = workloads(queries)
    ours = servers[0].name
    report: dict[str, object] = {}
    for phase, unique in (("uncached", True), ("cached", False)):
        print(f"\n{label}, {phase}: {' vs '.join(s.name for s in servers)}, {args.rounds} rounds", flush=True)
        runs = alternate(servers, loads, unique=unique, args=args)
        summary = summarise(runs, ours)
        show(f"{label}, {phase}", summary, ours)
        report[phase] = {"runs": runs, "summary": summary}
    memory = {s.name: round(s.peak_rss / 2**30, 2) for s in servers}
    print(f"  peak resident memory (GiB): {memory}", flush=True)
    return {**report, "peak_rss_gib": memory}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--triples", type=int, nargs="*", default=[1_000_000], help="corpora compared with Oxigraph (none: skip)"
    )
    parser.add_argument(
        "--small-triples", type=int, default=30_000, help="corpus small enough for rdflib-endpoint (0: skip it)"
    )
    parser.add_argument(
        "--remote-triples",
        type=int,
        default=0,
        help="corpus to load into Oxigraph server by the remote backend (0: skip)",
    )
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "dprk-kg-bench-endpoint")
    parser.add_argument("--seconds", type=int, default=10, help="length of each wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of alternation (the figures are their median)")
    parser.add_argument("--connections", type=int, default=4, help="concurrent clients")
    parser.add_argument("--workers", type=int, default=4, help="worker processes of dprk-kg serve and the empty app")
    parser.add_argument(
        "--ports", type=port_range, default=PORTS, help="where the servers listen (default 18100-18199)"
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    args.work.mkdir(parents=True, exist_ok=True)
    report: dict[str, object] = {
        "machine": machine(),
        "seconds": args.seconds,
        "rounds": args.rounds,
        "connections": args.connections,
    }
    plan = [(triples, "oxigraph") for triples in args.triples]
    if args.small_triples:
        plan.append((args.small_triples, "rdflib"))
    for triples, against in plan:
        seeds = corpus(args.work, triples)
        path = store(args.work, seeds, triples)
        logs = args.work / f"logs-{triples}"
        logs.mkdir(exist_ok=True)
        servers = [start_ours(str(path), args, logs / "dprk-kg.log")]
        try:
            if against == "oxigraph":
                servers.append(start_oxigraph(path, args, logs / "oxigraph.log"))
                servers.append(start_ceiling(args, logs / "ceiling.log"))
            else:
                servers.append(start_rdflib(path, args, logs / "rdflib.log"))
            report[f"{triples} {against}"] = measure(f"{triples:,} triples requested", servers, args, triples)
        finally:
            for server in servers:
                server.stop()
    if args.remote_triples:
        logs = args.work / f"logs-{args.remote_triples}"
        logs.mkdir(exist_ok=True)
        seeds = corpus(args.work, args.remote_triples)
        report[f"{args.remote_triples} remote"] = remote(args, seeds, args.remote_triples, logs)
    out = args.work / "endpoint-results.json"
    out.write_text(json.dumps(report, indent=2))
    print(f"\nwritten {out}")


def remote(args: argparse.Namespace, seeds: Path, triples: int, logs: Path) -> dict[str, object]:
    """Build into an empty Oxigraph server through the remote backend, then the queries through dprk-kg
    serve in front of it beside the same server queried directly."""
    location = args.work / f"remote-{triples}"
    shutil.rmtree(location, ignore_errors=True)
    oxigraph = start_oxigraph(location, args, logs / "oxigraph-remote.log", writable=True)
    servers = [oxigraph]
    try:
        store_url = "oxigraph+" + oxigraph.url.removesuffix("/query")
        loaded = remote_build(seeds, store_url)
        print(
            f"\nremote load of {loaded['quads']:,} quads: {loaded['load_seconds']} s = "
            f"{loaded['quads_per_second']:,} quads/s",
            flush=True,
        )
        servers.insert(0, start_ours(store_url, args, logs / "dprk-kg-remote.log", "dprk-kg (remote)"))
        figures = measure(f"{triples:,} triples requested, remote backend", servers, args, triples)
        return {"load": loaded, **figures}
    finally:
        for server in servers:
            server.stop()
        shutil.rmtree(location, ignore_errors=True)


if __name__ == "__main__":
    main()
