"""The build's choices of reasoner and SHACL engine, and where "auto" switches between them. A module
of constants only, so the command line can offer them without importing rdflib, owlrl or pyshacl."""

REASONERS = ("auto", "owlrl", "rules")
OWLRL_DOCUMENTS = 5  # documents up to which "auto" reasons with owlrl (the seeds: 2)
SHACL_ENGINES = ("auto", "pyshacl", "compiled")
PYSHACL_LIMIT = 5_000  # triples in a batch up to which "auto" validates with pyshacl (the seeds: ~2,700)
