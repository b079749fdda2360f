"""The default corpus: the two seed articles with their metadata, curated claims and the entity
registry (see README.md here), shipped as package data so an installed dprk-kg builds without a
clone.
"""
