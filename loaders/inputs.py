"""The project-wide inputs of a build — ontology, shapes, registry — and the software agent that
loads, read once per process."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import rdflib

import dprk_kg
from dprk_kg.iris import Iris
from dprk_kg.loaders.document_loader import LoadContext, sha256_of
from dprk_kg.loaders.ontology import Ontology, load_ontology
from dprk_kg.loaders.rdflib_bridge import to_rdflib
from dprk_kg.loaders.registry import Registry, read_registry
from dprk_kg.loaders.terms import iri, text
from dprk_kg.loaders.validation import load_shapes
from dprk_kg.namespaces import DKG, base_prefixes
from dprk_kg.paths import ontology_dir, shapes_dir

REGISTRY_FILE = "entities.yaml"
RDF_TYPE = iri("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = iri("http://www.w3.org/2000/01/rdf-schema#label")


@dataclass(frozen=True)
class Inputs:
    ontology: Ontology
    ontology_graph: rdflib.Graph
    shapes: rdflib.Graph
    registry: Registry
    context: LoadContext


def read_inputs(seeds: Path, iris: Iris) -> Inputs:
    ontology = load_ontology(ontology_dir())
    shapes = load_shapes(shapes_dir())
    registry = read_registry(seeds / REGISTRY_FILE)
    digest = hashlib.sha256(dprk_kg.__version__.encode())
    for path in (*ontology.files, registry.path):
        digest.update(sha256_of(path).encode())
    context = LoadContext(
        iris=iris,
        prefixes=base_prefixes(iris.base),
        ontology=ontology,
        registry=registry,
        agent=software_agent(iris),
        inputs_digest=digest.hexdigest(),
    )
    return Inputs(ontology, to_rdflib(ontology.triples), shapes, registry, context)


def software_agent(iris: Iris) -> str:
    return iris.entity(f"dprk-kg-{dprk_kg.__version__}")


def agent_quads(iris: Iris, graph: str) -> Iterator[ox.Quad]:
    node = iri(software_agent(iris))
    g = iri(graph)
    yield ox.Quad(node, RDF_TYPE, iri(DKG.SoftwareAgent), g)
    yield ox.Quad(node, RDFS_LABEL, text(f"dprk-kg {dprk_kg.__version__}"), g)
    yield ox.Quad(node, iri("https://schema.org/softwareVersion"), text(dprk_kg.__version__, None), g)
