"""The SPARQL 1.1 endpoint and linked-data server (package ``dprk_kg.server``).

It reads the store through ``dprk_kg.store`` only and never imports the loaders.
"""
