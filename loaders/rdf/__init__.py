"""RDF: the checked sources turned into quads with provenance. Takes a document (or the registry,
ontology and shapes) and gives its quads: each claim's triples in the claim's own named graph, the
document, the claims' evidence and the load activity in the document's provenance graph, the
reference data in graphs of their own. Every entity and term a claim names is checked to exist."""
