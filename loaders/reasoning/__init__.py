"""Reasoning: the OWL RL entailments about the data. Takes triples (a batch in a working store, or
everything at once) and the ontology; gives the triples of the inferred graph. owlrl is the
reference; the rules compiled from the ontology to SPARQL give the same, batch by batch."""
