"""Precision and recall of the reconciliation service on labelled spelling variants.

    python benchmarks/reconcile.py                              # the seeds, built and served here
    python benchmarks/reconcile.py --store var/store            # a built store, served here
    python benchmarks/reconcile.py --url http://127.0.0.1:8000  # a running server

Each variant of ``reconcile_variants.yaml`` (a spelling a table might hold, and the entity it names or
none) is sent to ``/reconcile`` as OpenRefine sends it — form-encoded ``queries=`` JSON, in batches of
the manifest's ``batchSize`` — and judged by the first candidate: a **true positive** when it is
marked ``match`` and is the expected entity; a **false positive** when it is marked ``match`` and is
another entity, or the variant names none; otherwise the variant is missed. Precision is TP / (TP +
FP), recall TP / (variants that name an entity). The script also prints how often the expected
entity is the first candidate whether matched or not, each miss, and the time per batch (the
figures of docs/benchmarks.md). ``--check`` exits 1 when precision or recall is below ``--target``.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
import yaml

ROOT = Path(__file__).resolve().parents[1]
VARIANTS = Path(__file__).with_name("reconcile_variants.yaml")
BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Variant:
    query: str
    expected: str | None
    kind: str


@dataclass(frozen=True)
class Outcome:
    variant: Variant
    first: str | None  # the first candidate's id
    score: float | None
    match: bool

    @property
    def true_positive(self) -> bool:
        return self.match and self.variant.expected is not None and self.first == self.variant.expected

    @property
    def false_positive(self) -> bool:
        return self.match and not self.true_positive


def variants(path: Path = VARIANTS) -> list[Variant]:
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))["variants"]
    return [Variant(str(e["query"]), e["expected"], str(e.get("kind", ""))) for e in entries]


def reconcile_all(url: str, items: list[Variant]) -> tuple[list[Outcome], list[float]]:
    """Every variant's first candidate, asked in OpenRefine's form; and the seconds each batch took."""
    size = int(requests.get(f"{url}/reconcile", timeout=30).json().get("batchSize", 10))
    outcomes: list[Outcome] = []
    seconds: list[float] = []
    for start in range(0, len(items), size):
        chunk = items[start : start + size]
        batch = {f"q{n}": {"query": v.query, "type_strict": "should"} for n, v in enumerate(chunk)}
        started = time.perf_counter()
        response = requests.post(
            f"{url}/reconcile",
            data={"queries": json.dumps(batch, ensure_ascii=False)},
            timeout=60,
        )
        seconds.append(time.perf_counter() - started)
        response.raise_for_status()
        answers = response.json()
        for n, variant in enumerate(chunk):
            result = answers[f"q{n}"]["result"]
            first = result[0] if result else None
            outcomes.append(
                Outcome(
                    variant,
                    first["id"] if first else None,
                    first["score"] if first else None,
                    bool(first and first.get("match")),
                )
            )
    return outcomes, seconds


def figures(outcomes: list[Outcome]) -> dict[str, Any]:
    positives = [o for o in outcomes if o.variant.expected is not None]
    negatives = [o for o in outcomes if o.variant.expected is None]
    tp = sum(o.true_positive for o in outcomes)
    fp = sum(o.false_positive for o in outcomes)
    return {
        "variants": len(outcomes),
        "positives": len(positives),
        "negatives": len(negatives),
        "true_positives": tp,
        "false_positives": fp,
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / len(positives) if positives else 1.0,
        "first_candidate_right": sum(o.first == o.variant.expected for o in positives) / len(positives)
        if positives
        else 1.0,
        "negatives_unmatched": sum(not o.match for o in negatives) / len(negatives) if negatives else 1.0,
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def served(store: Path | None) -> Iterator[str]:
    """A ``dprk-kg serve`` of the store (of the seeds, built into a temporary folder, when None)."""
    with tempfile.TemporaryDirectory(prefix="dprk-kg-reconcile-") as scratch:
        if store is None:
            store = Path(scratch) / "store"
            command = [str(BIN / "dprk-kg"), "build", "--store", str(store), "--seeds", str(ROOT / "seeds"), "--quiet"]
            print("$", " ".join(command), flush=True)
            subprocess.run(command, check=True)
        port = free_port()
        command = [str(BIN / "dprk-kg"), "serve", "--store", str(store), "--port", str(port), "--workers", "1"]
        print("$", " ".join(command), flush=True)
        log = (Path(scratch) / "serve.log").open("w")
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env={**os.environ})
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    if requests.get(f"{url}/healthz", timeout=2).status_code == 200:
                        break
                except requests.RequestException:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"the server did not start: {(Path(scratch) / 'serve.log').read_text()}")
                time.sleep(0.2)
            yield url
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
            log.close()


def report(outcomes: list[Outcome], seconds: list[float]) -> dict[str, Any]:
    found = figures(outcomes)
    print(
        f"{found['variants']} variants ({found['positives']} naming an entity, {found['negatives']} naming none): "
        f"{found['true_positives']} true positives, {found['false_positives']} false positives"
    )
    print(f"precision {found['precision']:.3f}   recall {found['recall']:.3f}")
    print(
        f"first candidate right {found['first_candidate_right']:.3f}   "
        f"negatives left unmatched {found['negatives_unmatched']:.3f}"
    )
    for outcome in outcomes:
        if outcome.true_positive or (outcome.variant.expected is None and not outcome.match):
            continue
        what = "wrong match" if outcome.false_positive else "missed"
        print(
            f"  {what}: {outcome.variant.query!r} ({outcome.variant.kind}) expected {outcome.variant.expected}, "
            f"first {outcome.first} {outcome.score}{' match' if outcome.match else ''}"
        )
    per_query = sum(seconds) / len(outcomes) * 1000 if outcomes else 0.0
    print(
        f"{len(seconds)} batches in {sum(seconds):.2f} s ({per_query:.1f} ms per query; "
        "the first batch builds the index)"
    )
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--url", help="a running dprk-kg server (default: serve a store here)")
    where.add_argument("--store", type=Path, help="a built store to serve (default: build the seeds)")
    parser.add_argument("--variants", type=Path, default=VARIANTS)
    parser.add_argument("--target", type=float, default=0.95)
    parser.add_argument("--check", action="store_true", help="exit 1 when precision or recall is below --target")
    args = parser.parse_args(argv)
    items = variants(args.variants)
    if args.url:
        found = report(*reconcile_all(args.url.rstrip("/"), items))
    else:
        with served(args.store) as url:
            found = report(*reconcile_all(url, items))
    below = found["precision"] < args.target or found["recall"] < args.target
    return 1 if args.check and below else 0


if __name__ == "__main__":
    sys.exit(main())
