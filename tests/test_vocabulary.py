"""The shared vocabulary: a closed namespace fails on a misspelt term, and both RDF toolkits get the
same IRIs from it."""

import pyoxigraph as ox
import pytest
import rdflib

from dprk_kg.vocabulary import DCTERMS, DKG, RDFS, base_prefixes, turtle_prefix_line


def test_misspelt_term_fails() -> None:
    with pytest.raises(AttributeError):
        _ = DKG.Claimm


def test_terms_are_the_same_in_both_toolkits() -> None:
    assert RDFS.label == ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    assert RDFS.ref("label") == rdflib.RDFS.label
    assert DCTERMS.title.value == str(rdflib.DCTERMS.title)  # a term, not str.title


def test_prefix_line_is_one_line() -> None:
    line = turtle_prefix_line(base_prefixes("https://example.org/kg/"))
    assert "\n" not in line and "@prefix id: <https://example.org/kg/id/> ." in line
