"""Loaders: turn seed documents, their metadata and curated claims into RDF with provenance, and write
it to the store. The sub-packages are the stages, in the order data flows through them:

``sources`` (read and check the seed files) → ``rdf`` (quads with provenance) → ``gate`` (SHACL
validation) → ``reasoning`` (OWL RL entailments) → ``pipeline`` (the build: the stages run over
batches in worker processes, the store replaced atomically). Beside them, ``engines`` holds the
command line's engine choices, and ``rdflib_bridge`` moves triples between pyoxigraph and rdflib for
the stages that need rdflib (pyshacl, owlrl).

Data flows one way: seeds → loaders → store. The server never imports from here; both sides share
only ``dprk_kg`` (vocabulary, IRIs, errors, the store interface).
"""
