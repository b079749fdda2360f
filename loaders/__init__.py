"""Loaders: turn seed documents, their metadata and curated claims into RDF with provenance.

Data flows one way: seeds → loaders → gate (reasoning, validation) → store. The server never imports
from here; both sides share only ``dprk_kg`` (namespaces, IRIs, errors, the store interface).
"""
