"""Benchmark of incremental builds: one document of about 40 claims added to a generated corpus's
store, then removed, each end to end with the real ``dprk-kg build`` (read, check, load the changed
batch, reason, write and swap the store version, dumps), with peak memory; beside the full build.

    python benchmarks/incremental.py --triples 1000000 --work /tmp/dprk-kg-bench-build

Corpora come from benchmarks/generate.py (kept in WORK, shared with build.py). Results go to stdout
and, as JSON, to WORK/incremental-results.json.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from pathlib import Path

from build import build
from common import corpus, machine

SUFFIXES = (".txt", ".meta.yaml", ".claims.yaml")


def claims_in(path: Path) -> int:
    return sum(1 for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("  - id: "))


def move(doc_id: str, source: Path, target: Path) -> None:
    for suffix in SUFFIXES:
        shutil.move(source / f"{doc_id}{suffix}", target / f"{doc_id}{suffix}")


def line(name: str, figures: dict[str, object]) -> str:
    steps = ", ".join(f"{step} {seconds:.1f} s" for step, seconds in figures["steps"].items())  # type: ignore[union-attr]
    return (
        f"  {name:<7} {figures['wall_seconds']:>6} s, {figures['loaded']} of {figures['documents']} documents loaded, "
        f"{figures['quads']:,} quads, peak {figures['peak_rss_gib']} GiB\n          {steps}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, nargs="+", default=[1_000_000], help="corpus sizes")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "dprk-kg-bench-build")
    parser.add_argument("options", nargs="*", help="passed to dprk-kg build (after --)")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    report: dict[str, object] = {"machine": machine(), "options": args.options, "runs": {}}
    print(json.dumps(report["machine"]))
    for triples in args.triples:
        folder = args.work / f"incremental-{triples}"
        shutil.rmtree(folder, ignore_errors=True)
        seeds, aside, store = folder / "seeds", folder / "aside", folder / "var" / "store"
        shutil.copytree(corpus(args.work, triples), seeds)
        aside.mkdir()
        chosen = min(sorted(seeds.glob("*.claims.yaml")), key=lambda path: abs(claims_in(path) - 40))
        doc_id = chosen.name.removesuffix(".claims.yaml")
        move(doc_id, seeds, aside)
        runs = {"full": build(seeds, store, args.options)}
        move(doc_id, aside, seeds)
        runs["add"] = build(seeds, store, args.options, from_scratch=False)
        move(doc_id, seeds, aside)
        runs["remove"] = build(seeds, store, args.options, from_scratch=False)
        report["runs"][str(triples)] = {"document": doc_id, "claims": claims_in(aside / chosen.name), **runs}  # type: ignore[index]
        print(f"{triples:>11,} requested; the document: {doc_id} ({claims_in(aside / chosen.name)} claims)")
        for name, figures in runs.items():
            print(line(name, figures), flush=True)
        shutil.rmtree(folder)
    out = args.work / "incremental-results.json"
    out.write_text(json.dumps(report, indent=2))
    print(f"written {out}")


if __name__ == "__main__":
    main()
