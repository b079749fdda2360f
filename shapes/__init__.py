"""The SHACL shapes that gate every load, shipped as package data (read through importlib.resources)."""
