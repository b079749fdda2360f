"""CPU seconds a build worker spends on one batch of documents (load, validate, reason), for comparing
two versions of the build on a shared machine, where wall-clock builds vary by 2× with the load.

    python benchmarks/batch.py --seeds /tmp/c1m --batches 4 --label new
    /path/to/other/venv/bin/python benchmarks/batch.py --seeds /tmp/c1m --batches 4 --label old

The worker is started as the build starts it and warmed on the first batch (its caches, the compiled
rules and shapes); then the process CPU time of the next ``--batches`` batches is averaged. CPU time
counts what this process does, not what others on the machine do, though caches and memory bandwidth
are shared: alternate the two versions, repeat, and compare medians.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from dprk_kg.iris import Iris
from dprk_kg.loaders.pipeline.batches import Worker
from dprk_kg.loaders.pipeline.build import BATCH_DOCUMENTS
from dprk_kg.loaders.sources.documents import discover
from dprk_kg.loaders.sources.inputs import read_inputs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=Path, required=True, help="a generated corpus (benchmarks/generate.py)")
    parser.add_argument("--batches", type=int, default=4)
    parser.add_argument("--label", default="")
    args = parser.parse_args()
    worker = Worker(read_inputs(args.seeds, Iris()), "compiled", True)
    files = discover(args.seeds)
    groups = [files[i : i + BATCH_DOCUMENTS] for i in range(0, len(files), BATCH_DOCUMENTS)]
    if len(groups) < args.batches + 1:
        raise SystemExit(f"{args.seeds} has {len(groups)} batches; {args.batches + 1} are needed")
    worker.load(groups[0])
    started = time.process_time()
    for group in groups[1 : args.batches + 1]:
        worker.load(group)
    seconds = (time.process_time() - started) / args.batches
    print(f"{args.label}: {seconds:.3f} CPU s per batch of {BATCH_DOCUMENTS} documents ({args.batches} batches)")


if __name__ == "__main__":
    main()
