"""dprk-kg: a knowledge graph of North Korea's regional-development drive, with per-claim provenance."""

__version__ = "0.1.0"
