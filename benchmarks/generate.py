"""The corpus generator's command line, kept at its documented path: ``python benchmarks/generate.py
--out DIR --triples N`` is ``python -m benchmarks.corpus`` (see ``benchmarks/corpus/``)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a file: find the benchmarks package

from benchmarks.corpus.writer import main

if __name__ == "__main__":
    sys.exit(main())
