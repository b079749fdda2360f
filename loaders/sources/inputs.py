"""The project-wide inputs of a build — ontology, shapes, registry — read once per process, with what
every document load shares: the IRI scheme, the prefixes, the software agent, and the digest that
names the load activities (so loading the same inputs twice mints the same IRIs)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import rdflib

import dprk_kg
from dprk_kg.errors import InputError
from dprk_kg.iris import Iris
from dprk_kg.loaders.rdflib_bridge import to_rdflib
from dprk_kg.loaders.sources.ontology import Ontology, load_ontology
from dprk_kg.loaders.sources.registry import Registry, read_registry
from dprk_kg.loaders.sources.sssom import FILE_NAME as MAPPINGS_FILE
from dprk_kg.loaders.sources.sssom import MappingSet, read_mappings
from dprk_kg.paths import ontology_dir, shapes_dir
from dprk_kg.vocabulary import RDF, SH, base_prefixes

REGISTRY_FILE = "entities.yaml"


@dataclass(frozen=True)
class Inputs:
    """What every document load, batch and check of one process reads."""

    iris: Iris
    prefixes: dict[str, str]
    ontology: Ontology
    ontology_graph: rdflib.Graph  # the same triples for pyshacl and owlrl
    shapes: rdflib.Graph
    registry: Registry
    mappings: MappingSet  # every link to Wikidata (ontology/mappings.sssom.tsv)
    agent: str  # IRI of the software agent that runs the loads
    digest: str  # of the loader version, ontology and registry: part of each activity's id


def read_inputs(seeds: Path, iris: Iris) -> Inputs:
    ontology = load_ontology(ontology_dir())
    shapes = load_shapes(shapes_dir())
    registry = read_registry(seeds / REGISTRY_FILE)
    # not checked against this registry: the mapping set is the project's, a seeds folder may hold
    # another registry, whose entities the mapping set links where it names them
    mappings = read_mappings(ontology_dir() / MAPPINGS_FILE)
    digest = hashlib.sha256(dprk_kg.__version__.encode())
    for path in (*ontology.files, registry.path, mappings.path):
        digest.update(sha256_of(path).encode())
    return Inputs(
        iris=iris,
        prefixes=base_prefixes(iris.base),
        ontology=ontology,
        ontology_graph=to_rdflib(ontology.triples),
        shapes=shapes,
        registry=registry,
        mappings=mappings,
        agent=iris.entity(f"dprk-kg-{dprk_kg.__version__}"),
        digest=digest.hexdigest(),
    )


def load_shapes(directory: Path) -> rdflib.Graph:
    """Every ``*.ttl`` of the shapes folder in one rdflib graph (pyshacl's input, and the compiler's)."""
    shapes = rdflib.Graph()
    files = sorted(directory.glob("*.ttl"))
    if not files:
        raise InputError(directory, None, "no shapes files (*.ttl) found")
    for path in files:
        try:
            shapes.parse(path, format="turtle")
        except Exception as error:  # rdflib raises several unrelated types for bad Turtle
            raise InputError(path, None, f"Turtle syntax error: {error}") from error
    return shapes


def count_shapes(shapes: rdflib.Graph) -> int:
    return len(set(shapes.subjects(RDF.ref("type"), SH.ref("NodeShape"))))


def sha256_of(path: Path) -> str:
    """A source file's digest: recorded in provenance, and part of the activity ids."""
    return hashlib.sha256(path.read_bytes()).hexdigest()
