"""The fast engines against the reference ones on a generated corpus: the build with owlrl and pyshacl
beside the build with the SPARQL rules and the compiled shapes, store against store.

    python benchmarks/equivalence.py --triples 100000 --work /tmp/dprk-kg-bench-build

Both builds must give the same store but for the build's times and the reasoner's name — every view:
the facts' entailments, and those resting on each non-factual claim in that claim's graph; the script
prints the counts, how long each build took, and exits non-zero on any difference.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import tempfile
import time
from pathlib import Path

from common import BIN, corpus, machine

VARIES = re.compile(r"prov#(startedAtTime|endedAtTime)>|\"OWL 2 RL reasoning with ")
INFERRED = "<https://w3id.org/dprk-kg/graph/inferred> ."
RESTING = "/graph/inferred-non-factual"  # what one claim entails, in a graph per claim; several together, in one


def build(seeds: Path, store: Path, options: list[str]) -> tuple[list[str], float]:
    """The store's quads as sorted N-Quads lines (without what varies between builds), and the time."""
    command = [str(BIN / "dprk-kg"), "build", "--seeds", str(seeds), "--store", str(store), "--quiet", *options]
    print("$", " ".join(command), flush=True)
    started = time.perf_counter()
    subprocess.run(command, check=True)
    seconds = time.perf_counter() - started
    dump = subprocess.run(
        [str(BIN / "dprk-kg"), "export", "--store", str(store), "--format", "nquads"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return sorted(line for line in dump.splitlines() if not VARIES.search(line)), seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=100_000)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "dprk-kg-bench-build")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    print(machine())
    seeds = corpus(args.work, args.triples)
    reference, slow = build(seeds, args.work / "reference" / "store", ["--reasoner", "owlrl", "--shacl", "pyshacl"])
    fast, quick = build(seeds, args.work / "fast" / "store", ["--reasoner", "rules", "--shacl", "compiled"])
    inferred = [line for line in reference if line.endswith(INFERRED)]
    resting = [line for line in reference if RESTING in line.rsplit(" ", 2)[-2]]
    print(
        f"owlrl + pyshacl: {len(reference):,} quads ({len(inferred):,} inferred from facts, {len(resting):,} "
        f"resting on non-factual claims in {len({line.rsplit(' ', 2)[-2] for line in resting}):,} graphs) "
        f"in {slow:.1f} s; rules + compiled shapes: {len(fast):,} quads in {quick:.1f} s"
    )
    missing, extra = sorted(set(reference) - set(fast)), sorted(set(fast) - set(reference))
    for line in missing[:20]:
        print("  only with owlrl + pyshacl:", line)
    for line in extra[:20]:
        print("  only with the rules + compiled shapes:", line)
    if missing or extra:
        raise SystemExit(
            f"the stores differ: {len(missing)} quads only in the reference, {len(extra)} only in the other"
        )
    print("the stores are identical")


if __name__ == "__main__":
    main()
