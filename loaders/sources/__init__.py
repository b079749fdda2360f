"""Sources: the seed files read and checked — each document's text, metadata and curated claims, the
entity registry, the ontology and the shapes. Takes files; gives Python objects (claims with their
quotes located and their Turtle parsed), or an ``InputError`` naming the file and line of the first
mistake. Nothing here writes RDF."""
