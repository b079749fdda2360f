"""Benchmark of writes through the server: how the time per triple of a graph store PUT and of a SPARQL
INSERT DATA on /update grows with the number of triples written at once.

    python benchmarks/writes.py --sizes 1000 4000 16000 64000 100000 --repeats 5 --work /tmp/dprk-kg-bench-writes

A real ``dprk-kg serve`` on an empty embedded store, with a write token and its default limits (body,
time), takes each write from this client over HTTP: PUT /data?graph=… with the triples as N-Triples,
and POST /update with the same triples as ``INSERT DATA { GRAPH <…> { … } }``, each into a graph of
its own, the two interleaved. The time is the client's, from sending the request to the answer; the
graph is then deleted (not timed), so every write meets the same store. Each size is written
``--repeats`` times by each route: the median, the fastest and the slowest are printed, in seconds
and in microseconds per triple, and all of them go, as JSON, to WORK/writes-results.json. A write that
is refused or cut off (the worker's timeout) is reported with its status instead of a time.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import requests
from common import machine
from endpoint import start_ours

TIMEOUT = 600  # seconds the client waits; the server's own limits answer long before


def triples(count: int, tag: str) -> str:
    """``count`` distinct triples as N-Triples, shaped like a claim's: an IRI, a property, a tagged
    literal (``tag`` keeps every write's triples its own)."""
    return "".join(
        f'<https://example.org/bench/{tag}/s{i}> <https://example.org/bench/p{i % 10}> "value {i} of {tag}"@en .\n'
        for i in range(count)
    )


def timed(send: Callable[[], requests.Response]) -> tuple[float, int]:
    """Seconds a request took and its status (0 when the connection failed)."""
    started = time.perf_counter()
    try:
        status = send().status_code
    except requests.RequestException:
        status = 0
    return time.perf_counter() - started, status


def write(root: str, token: str, route: str, count: int, tag: str) -> tuple[float, int]:
    """One write of ``count`` triples into a new graph by ``route`` (put or update), then its deletion."""
    graph = f"https://example.org/bench/graph/{tag}"
    auth = {"Authorization": f"Bearer {token}"}
    data = triples(count, tag)
    if route == "put":
        headers = {**auth, "Content-Type": "application/n-triples"}
        body = data.encode()
        result = timed(
            lambda: requests.put(f"{root}/data", params={"graph": graph}, data=body, headers=headers, timeout=TIMEOUT)
        )
    else:
        headers = {**auth, "Content-Type": "application/sparql-update"}
        body = f"INSERT DATA {{ GRAPH <{graph}> {{\n{data}}} }}".encode()
        result = timed(lambda: requests.post(f"{root}/update", data=body, headers=headers, timeout=TIMEOUT))
    requests.delete(f"{root}/data", params={"graph": graph}, headers=auth, timeout=TIMEOUT)
    return result


def summary(count: int, samples: list[tuple[float, int]]) -> dict[str, object]:
    seconds = [s for s, status in samples if status in (201, 204)]
    failures = sorted({status for _, status in samples if status not in (201, 204)})
    if not seconds:
        return {"triples": count, "failed": failures}
    per_triple = [s / count * 1e6 for s in seconds]
    return {
        "triples": count,
        "seconds": seconds,
        "median_s": statistics.median(seconds),
        "median_us_per_triple": statistics.median(per_triple),
        "min_us_per_triple": min(per_triple),
        "max_us_per_triple": max(per_triple),
        "failed": failures,
    }


def line(figures: dict[str, object]) -> str:
    if "median_s" not in figures:
        return f"{'failed ' + str(figures['failed']):>34}"
    return (
        f"{figures['median_s']:8.2f} s {figures['median_us_per_triple']:7.1f} µs/triple "
        f"({figures['min_us_per_triple']:.1f}–{figures['max_us_per_triple']:.1f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 4_000, 16_000, 64_000, 100_000])
    parser.add_argument("--repeats", type=int, default=5, help="writes of each size by each route")
    parser.add_argument("--workers", type=int, default=2, help="dprk-kg serve worker processes")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "dprk-kg-bench-writes")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(16)
    os.environ["DPRK_KG_WRITE_TOKEN"] = token  # the server started next inherits it
    store = args.work / f"store-{os.getpid()}" / "store"
    server = start_ours(str(store), args.workers, args.work / "server.log", options=("--empty",))
    root = server.url.removesuffix("/sparql")
    report: dict[str, object] = {"machine": machine(), "repeats": args.repeats, "workers": args.workers}
    print(f"{'triples':>8}   {'graph store PUT':<38} {'/update INSERT DATA':<38}", flush=True)
    try:
        for count in args.sizes:
            samples: dict[str, list[tuple[float, int]]] = {"put": [], "update": []}
            for repeat in range(args.repeats):
                for route in samples:
                    samples[route].append(write(root, token, route, count, f"{route}-{count}-{repeat}"))
            figures = {route: summary(count, found) for route, found in samples.items()}
            report[str(count)] = figures
            print(f"{count:>8}   {line(figures['put']):<38} {line(figures['update']):<38}", flush=True)
    finally:
        server.stop()
    out = args.work / "writes-results.json"
    out.write_text(json.dumps(report, indent=2))
    print(f"\nwritten {out}")


if __name__ == "__main__":
    main()
