"""Spelling variants no longer make duplicates (issue 13): a new entity named as another is an error
naming both, with file:line, and suggesting the existing id, unless the claims file says they differ."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from dprk_kg.loaders.sources.duplicates import Named, NameKeys
from tests.conftest import Ran, line_of, sorted_dump

DOC = "004_5b61ddd10aea0cba"
OTHER = "000_1f7871d4d3f091d3"
IN_ORANG = "dkg:locatedIn id:orang-county"
WORKS = (
    'id:gyongsong-cement-works a dkg:Factory ;\n    rdfs:label "Kyongsong Cement Works"@en ;\n    ' + IN_ORANG + " ."
)
ELSEWHERE = "Kim Jong Un put his weight behind the regional development plan"  # in OTHER
QUOTE = "In mid-February, ASIAPRESS reporting partners in Yanggang and North Hamgyong provinces reported"


def add_claim(seeds: Path, document: str, claim: str, turtle: str, quote: str = QUOTE, extra: str = "") -> Path:
    """Append a claim to a document's claims file (its list of claims ends the file)."""
    path = seeds / f"{document}.claims.yaml"
    body = "\n".join(f"      {line}" for line in turtle.strip().splitlines())
    with path.open("a", encoding="utf-8") as handle:
        handle.write(f"\n  - id: {claim}\n    quote: {quote}\n    assert: |\n{body}\n")
    if extra:
        path.write_text(extra + path.read_text(encoding="utf-8"), encoding="utf-8")
    return path


def check(cli: Callable[..., Ran], seeds: Path, document: str = DOC) -> Ran:
    return cli("check", "--seeds", str(seeds), str(seeds / f"{document}.claims.yaml"))


@pytest.mark.parametrize(
    ("slug", "label", "existing", "existing_name"),
    [
        ("yanggang-province", "Yanggang Province", "ryanggang-province", "Yanggang Province"),
        ("north-hamgyeong", "North Hamgyeong", "north-hamgyong-province", "North Hamgyeong"),
        ("kim-jong-un-2", "Kim Jong-un", "kim-jong-un", "Kim Jong Un"),
        ("ryanggang-province-2", "Ryanggang Province", "ryanggang-province", "Ryanggang Province"),
        ("yanggang", "Ryanggang-do", "ryanggang-province", "Ryanggang Province"),
    ],
)
def test_a_registry_entity_under_a_variant_name_is_an_error(
    cli: Callable[..., Ran], seeds_copy: Path, slug: str, label: str, existing: str, existing_name: str
) -> None:
    kind = "dkg:Person" if "kim" in slug else "dkg:Province"
    path = add_claim(seeds_copy, DOC, "variant", f'id:{slug} a {kind} ;\n    rdfs:label "{label}"@en .')
    ran = check(cli, seeds_copy)
    assert ran.returncode == 2, ran.stderr
    line = line_of(path, f'"{label}"')
    registry = seeds_copy / "entities.yaml"
    assert f"{path}:{line}: id:{slug} {label!r} has the name of id:{existing}" in ran.stderr
    assert f"{registry}:{line_of(registry, f'id: {existing}')}" in ran.stderr  # both places
    assert f"write id:{existing} to refer to it" in ran.stderr
    assert f"distinct_from: {{{slug}: [{existing}]}}" in ran.stderr


def test_the_build_refuses_it_too_and_leaves_the_store(
    cli: Callable[..., Ran], seeds_copy: Path, built_store: Path, built_dump: list[str]
) -> None:
    add_claim(
        seeds_copy, DOC, "variant", 'id:yanggang-province a dkg:Province ;\n    rdfs:label "Yanggang Province"@en .'
    )
    ran = cli("build", "--seeds", str(seeds_copy), "--store", str(built_store), "--quiet")
    assert ran.returncode == 2 and "has the name of id:ryanggang-province" in ran.stderr, ran.stderr
    assert sorted_dump(built_store) == built_dump


def test_distinct_from_allows_a_namesake(cli: Callable[..., Ran], seeds_copy: Path) -> None:
    add_claim(
        seeds_copy,
        DOC,
        "namesake",
        'id:kim-jong-un-2 a dkg:Person ;\n    rdfs:label "Kim Jong-un"@en .',
        extra="distinct_from:\n  kim-jong-un-2: [kim-jong-un]  # a namesake, not the leader\n",
    )
    ran = check(cli, seeds_copy)
    assert ran.returncode == 0, ran.stderr


def test_distinct_from_must_name_an_entity_the_document_introduces(cli: Callable[..., Ran], seeds_copy: Path) -> None:
    path = seeds_copy / f"{DOC}.claims.yaml"
    path.write_text("distinct_from:\n  kim-jong-un: [kim-jong-un-2]\n" + path.read_text(encoding="utf-8"))
    ran = check(cli, seeds_copy)
    assert ran.returncode == 2
    assert f"{path}:2: distinct_from: id:kim-jong-un is not an entity this document introduces" in ran.stderr


def test_an_alternative_label_is_checked_too(cli: Callable[..., Ran], seeds_copy: Path) -> None:
    path = add_claim(
        seeds_copy,
        DOC,
        "alt",
        'id:hyesan-2 a dkg:City ;\n    rdfs:label "The border city"@en ;\n    skos:altLabel "Hyesan City"@en .',
    )
    ran = check(cli, seeds_copy)
    assert ran.returncode == 2, ran.stderr
    assert f"{path}:{line_of(path, 'Hyesan City')}: id:hyesan-2 'Hyesan City' has the name of id:hyesan" in ran.stderr


def test_another_documents_entity_under_a_variant_name_is_an_error(cli: Callable[..., Ran], seeds_copy: Path) -> None:
    """Across documents: the second document's entity is reported, naming the first's file and line."""
    first = add_claim(
        seeds_copy,
        OTHER,
        "site",
        WORKS,
        quote=ELSEWHERE,
    )
    second = add_claim(
        seeds_copy,
        DOC,
        "site",
        'id:kyongsong-cement a dkg:Factory ;\n    rdfs:label "Gyeongseong Cement Works"@en ;\n    ' + IN_ORANG + " .",
    )
    ran = check(cli, seeds_copy)
    assert ran.returncode == 2, ran.stderr
    where = f"{first}:{line_of(first, 'Kyongsong Cement Works')}"
    assert f"{second}:{line_of(second, 'Gyeongseong Cement Works')}: id:kyongsong-cement" in ran.stderr
    assert f"has the name of id:gyongsong-cement-works 'Kyongsong Cement Works' ({first.name}, {where})" in ran.stderr


def test_the_same_entity_by_id_from_two_documents_is_no_duplicate(cli: Callable[..., Ran], seeds_copy: Path) -> None:
    add_claim(seeds_copy, OTHER, "site", WORKS, quote=ELSEWHERE)
    add_claim(seeds_copy, DOC, "site", WORKS)
    assert check(cli, seeds_copy).returncode == 0


def test_other_directions_and_classes_are_other_names() -> None:
    keys = NameKeys()
    keys.add(Named("north-hamgyong-province", "North Hamgyong Province", Path("e.yaml"), 1))
    keys.add(Named("musan-county", "Musan County", Path("e.yaml"), 2))
    assert [n.entity for n in keys.same("North Hamgyeong")] == ["north-hamgyong-province"]
    assert [n.entity for n in keys.same("함경북도")] == ["north-hamgyong-province"]  # across scripts too
    assert list(keys.same("South Hamgyong Province")) == []
    assert list(keys.same("Hamgyong Province")) == []
    assert list(keys.same("Musan City")) == []
    assert [n.entity for n in keys.same("Musan-gun")] == ["musan-county"]


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ("distinct_from: [kim-jong-un]\n", "distinct_from must be a mapping"),
        ("distinct_from:\n  kim-jong-un-2: 7\n", "distinct_from: 'kim-jong-un-2' must map an entity id to a list"),
        ("distinct_from:\n  kim-jong-un-2: [Kim Jong Un]\n", "must map an entity id to a list of entity ids"),
        ("distinct_from:\n  kim-jong-un-2: []\n", "must map an entity id to a list of entity ids"),
    ],
)
def test_a_malformed_distinct_from_is_an_input_error(
    cli: Callable[..., Ran], seeds_copy: Path, section: str, message: str
) -> None:
    path = add_claim(
        seeds_copy, DOC, "namesake", 'id:kim-jong-un-2 a dkg:Person ;\n    rdfs:label "Kim Jong-un"@en .', extra=section
    )
    ran = check(cli, seeds_copy)
    assert ran.returncode == 2, ran.stderr
    assert f"{path}:" in ran.stderr and message in ran.stderr, ran.stderr
    assert "Traceback" not in ran.stderr


def test_a_namesake_in_another_direction_or_class_is_no_duplicate(cli: Callable[..., Ran], seeds_copy: Path) -> None:
    add_claim(
        seeds_copy,
        DOC,
        "others",
        'id:south-hamgyong-province a dkg:Province ;\n    rdfs:label "South Hamgyong Province"@en ;\n'
        "    dkg:locatedIn id:north-korea .\n"
        'id:musan-city a dkg:City ;\n    rdfs:label "Musan City"@en ;\n    dkg:locatedIn id:north-hamgyong-province .',
    )
    ran = check(cli, seeds_copy)
    assert ran.returncode == 0, ran.stderr
