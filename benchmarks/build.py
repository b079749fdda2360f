"""Benchmark of the build: generated corpora of the requested sizes built with the real ``dprk-kg
build``, timed step by step, with the peak memory of the whole process tree (the build and its
worker processes together, sampled every 0.1 s).

    python benchmarks/build.py --triples 100000 1000000 10000000 --work /tmp/dprk-kg-bench-build

Corpora come from benchmarks/generate.py and are kept in WORK for the next run. Results go to stdout
and, as JSON, to WORK/build-results.json.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import psutil
from common import BIN, corpus, machine

SUMMARY = re.compile(
    r"built .*?: (?P<documents>\d+) documents, (?P<claims>\d+) claims, .*?(?P<inferred>\d+) inferred triples "
    r"\((?P<reasoner>\w+)[;)].*?; (?P<quads>\d+) quads in \d+ graphs; .*?; (?P<loaded>\d+) documents loaded, .*?; "
    r"[\d.]+ s \((?P<steps>.*)\)"
)


def memory(process: psutil.Process) -> tuple[int, int]:
    """Resident memory of a process with all its descendants, and of the largest of them, in bytes."""
    sizes = []
    for member in [process, *process.children(recursive=True)]:
        with contextlib.suppress(psutil.NoSuchProcess):
            sizes.append(member.memory_info().rss)
    return sum(sizes), max(sizes, default=0)


def build(seeds: Path, store: Path, options: list[str], *, from_scratch: bool = True) -> dict[str, object]:
    """Run one build (from scratch, unless told to build on the store and batch cache already there);
    wall time, the build's own summary, and peak memory."""
    if from_scratch:
        shutil.rmtree(store.parent, ignore_errors=True)
    command = [str(BIN / "dprk-kg"), "build", "--seeds", str(seeds), "--store", str(store), "--quiet", *options]
    print("$", " ".join(command), flush=True)
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    watched = psutil.Process(process.pid)
    peak_tree = peak_single = 0
    while process.poll() is None:
        try:
            tree, largest = memory(watched)
        except psutil.NoSuchProcess:
            break
        peak_tree, peak_single = max(peak_tree, tree), max(peak_single, largest)
        time.sleep(0.1)
    stdout, stderr = process.communicate()
    wall = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"the build failed ({process.returncode}):\n{stderr}")
    match = SUMMARY.search(stdout)
    if match is None:
        raise SystemExit(f"no summary in the build's output:\n{stdout}")
    steps = {name: float(seconds) for name, seconds in re.findall(r"([^,]+?) ([\d.]+) s(?:, |$)", match["steps"])}
    quads = int(match["quads"])
    return {
        "documents": int(match["documents"]),
        "loaded": int(match["loaded"]),
        "claims": int(match["claims"]),
        "quads": quads,
        "inferred": int(match["inferred"]),
        "reasoner": match["reasoner"],
        "wall_seconds": round(wall, 1),
        "quads_per_second": round(quads / wall),
        "steps": steps,
        "peak_rss_gib": round(peak_tree / 2**30, 2),
        "peak_process_rss_gib": round(peak_single / 2**30, 2),
        "store_gib": round(sum(f.stat().st_size for f in store.parent.rglob("*") if f.is_file()) / 2**30, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, nargs="+", default=[100_000, 1_000_000], help="corpus sizes")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "dprk-kg-bench-build")
    parser.add_argument("--keep", action="store_true", help="keep the built stores (they are removed by default)")
    parser.add_argument("options", nargs="*", help="passed to dprk-kg build (after --), e.g. -- --reasoner owlrl")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    report: dict[str, object] = {"machine": machine(), "options": args.options, "builds": {}}
    print(json.dumps(report["machine"]))
    for triples in args.triples:
        seeds = corpus(args.work, triples)
        store = args.work / f"store-{triples}" / "store"
        figures = build(seeds, store, args.options)
        report["builds"][str(triples)] = figures  # type: ignore[index]
        steps = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in figures["steps"].items())  # type: ignore[union-attr]
        print(
            f"{triples:>11,} requested: {figures['quads']:,} quads ({figures['documents']:,} documents, "
            f"{figures['claims']:,} claims) in {figures['wall_seconds']} s = {figures['quads_per_second']:,} quads/s; "
            f"peak memory {figures['peak_rss_gib']} GiB (largest process {figures['peak_process_rss_gib']} GiB); "
            f"store {figures['store_gib']} GiB\n    {steps}",
            flush=True,
        )
        if not args.keep:
            shutil.rmtree(store.parent)
    out = args.work / "build-results.json"
    out.write_text(json.dumps(report, indent=2))
    print(f"written {out}")


if __name__ == "__main__":
    main()
