"""``dprk-kg terms [PATTERN]`` (issue 13): the ontology's classes and properties, each with its label,
definition, domain, range and a use from the seeds, without reading the Turtle."""

from __future__ import annotations

from tests.conftest import run_cli


def test_a_property_with_its_signature_and_a_use() -> None:
    ran = run_cli("terms", "addressee")
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.splitlines() == [
        "dkg:addressee  (object property)  “addressee”",
        "    Who is ordered or called on by an instruction.",
        "    domain dkg:Instruction · range dkg:Agent",
        "    e.g. id:kim-jong-un-instruction-to-central-committee-members dkg:addressee "
        "id:wpk-central-committee-members .  (000_1f7871d4d3f091d3/kim-instruction-to-cc-members)",
    ]


def test_a_class_is_shown_with_an_entity_of_the_registry_when_no_claim_types_one() -> None:
    ran = run_cli("terms", "dkg:County")
    assert ran.returncode == 0, ran.stderr
    assert "dkg:County  (class)  “county”" in ran.stdout
    assert "    e.g. id:musan-county a dkg:County .  (entities.yaml:" in ran.stdout


def test_the_pattern_matches_labels_and_the_whole_list_has_every_kind() -> None:
    ran = run_cli("terms", "COUNTY PARTY")  # in a label ("county party committee"), not in a name
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.startswith("dkg:CountyPartyCommittee  (class)  “county party committee”")
    everything = run_cli("terms")
    heads = [line for line in everything.stdout.splitlines() if not line.startswith(" ")]
    assert len(heads) > 200
    kinds = {line.split("(")[1].split(")")[0] for line in heads}
    assert {"class", "object property", "datatype property", "annotation property"} <= kinds
    assert any(line.startswith("oa:Annotation  (class)") for line in heads)  # declared for the mentions


def test_a_literal_example_is_written_as_turtle() -> None:
    ran = run_cli("terms", "participantCountMax")
    assert ran.returncode == 0, ran.stderr
    assert "    domain dkg:Event · range xsd:integer" in ran.stdout
    assert "e.g. id:musan-mine-workers-mobilisation dkg:participantCountMax 600 ." in ran.stdout


def test_no_match_is_an_error() -> None:
    ran = run_cli("terms", "no-such-term-anywhere")
    assert ran.returncode == 2
    assert ran.stderr.strip() == "no term matches 'no-such-term-anywhere'"
