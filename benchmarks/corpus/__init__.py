"""Generate a synthetic corpus shaped like ``seeds/``, at any size, to benchmark the build and the endpoint.

The output is a seeds folder in exactly the format ``dprk-kg build --seeds OUT`` reads: ``entities.yaml``
(a registry of places, organisations, people, policies and funds, sized with the corpus) and, per
document, ``{id}.txt``, ``{id}.meta.yaml`` and ``{id}.claims.yaml``. Documents are English news reports
assembled from sentence templates about labour mobilisation, factory construction, donation campaigns and
the like; every claim quotes the text exactly and asserts a handful of triples with the ontology's terms,
so the real loader, SHACL gate and reasoner do the same work per claim as on the curated seeds.

    python benchmarks/generate.py --out /tmp/corpus --triples 1000000 [--seed 0]
    python benchmarks/generate.py --out /tmp/corpus --documents 500

Deterministic: the same arguments give byte-identical files. All randomness comes from
``random.Random`` seeded with strings derived from ``--seed`` (one stream for the registry, one per
document), nothing reads the clock, and every collection is iterated in insertion or sorted order.
Documents are written one at a time, so memory does not grow with the corpus.

Everything generated is fictitious (places, enterprises, people, outlets, events); the country,
provinces, central bodies and policies are real names used as scaffolding only.

The package: ``text`` (words, numbers, Turtle and YAML scalars), ``world`` (the world and its registry),
``document`` (one report and its files), ``episodes/`` (what a report tells), ``writer`` (the corpus).
"""
