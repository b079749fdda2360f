"""``python -m benchmarks.corpus --out DIR --triples N``: write a corpus."""

import sys

from benchmarks.corpus.writer import main

sys.exit(main())
