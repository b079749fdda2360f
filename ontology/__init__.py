"""The OWL 2 ontology (dprk-kg.ttl) and its Wikidata mapping set, shipped as package data: a build
reads them through importlib.resources, from a clone or an installed wheel alike.
"""
