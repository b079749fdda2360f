"""Gate: SHACL validation before anything is written. Takes a batch's triples (with the registry
entries they reference) and gives nothing, or raises ``ValidationFailed`` with a report naming the
focus node, path, message and the claims the node came from. pyshacl is the reference; the shapes
compiled to SPARQL run large batches in Oxigraph. Also validates a store already built."""
