"""The entity registry: every identifier taken from outside is backed by a verification record, and no
two entries are named alike unless one says it is another thing (issue 13)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from dprk_kg.errors import InputError
from dprk_kg.loaders.sources.registry import read_registry
from tests.conftest import ROOT, SEEDS, Ran, line_of, sorted_dump

DOCUMENT = "004_5b61ddd10aea0cba"


@pytest.mark.parametrize("field", ["ko"])
def test_registry_identifiers_come_from_the_verification_record(field: str) -> None:
    """Every Hangul label in the registry appears in a verification record kept in docs/ (QIDs are
    compared exactly with ontology/mappings.sssom.tsv, in tests/test_wikidata_identifiers.py)."""
    record = (ROOT / "docs" / "verification-2026-11.md").read_text() + (
        ROOT / "docs" / "wikidata-verified.md"
    ).read_text()
    registry = read_registry(SEEDS / "entities.yaml")
    for entry in registry.entries:
        value = getattr(entry, field)
        if value:
            assert value in record, f"{entry.id}: {value} is not in the verification record"


NAMESAKE = "  - id: kim-jong-un-2  # another man of the name\n    type: dkg:Person\n    label: Kim Jong-un\n"


def add_entries(registry: Path, text: str) -> Path:
    """Append entries to a copied registry (its list of entities ends the file)."""
    with registry.open("a", encoding="utf-8") as handle:
        handle.write("\n" + text)
    return registry


@pytest.mark.parametrize(
    ("entry", "existing", "shared"),
    [
        (NAMESAKE, "kim-jong-un", "'Kim Jong-un' has the name of entity 'kim-jong-un' 'Kim Jong-un'"),
        (
            "  - id: yanggang\n    type: dkg:Province\n    label: Yanggang-to\n",
            "ryanggang-province",
            "'Yanggang-to' has the name of entity 'ryanggang-province' 'Ryanggang Province'",
        ),
        (
            "  - id: musan-district\n    type: dkg:County\n    label: Musan District\n    romanised: [Musan-kun]\n",
            "musan-county",
            "'Musan-kun' has the name of entity 'musan-county' 'Musan County'",
        ),
    ],
)
def test_two_entries_named_alike_are_refused_by_check_and_build(
    cli: Callable[..., Ran], seeds_copy: Path, entry: str, existing: str, shared: str
) -> None:
    """Spelling variants entered twice in the registry: both commands name both entries' lines."""
    registry = add_entries(seeds_copy / "entities.yaml", entry)
    slug = entry.split("id: ")[1].split()[0]
    expected = (
        f"{registry}:{line_of(registry, f'id: {slug}')}: entity {slug!r} {shared} "
        f"({registry}:{line_of(registry, f'id: {existing}')}): if they are one thing, merge the entries"
    )
    ran = cli("check", "--seeds", str(seeds_copy), str(seeds_copy / f"{DOCUMENT}.claims.yaml"))
    assert ran.returncode == 2 and expected in ran.stderr, ran.stderr
    assert f"'distinct_from: [{existing}]'" in ran.stderr


def test_the_build_refuses_it_and_leaves_the_store(
    cli: Callable[..., Ran], seeds_copy: Path, built_store: Path, built_dump: list[str]
) -> None:
    registry = add_entries(seeds_copy / "entities.yaml", NAMESAKE)
    ran = cli("build", "--seeds", str(seeds_copy), "--store", str(built_store), "--quiet")
    assert ran.returncode == 2, ran.stderr
    assert f"{registry}:{line_of(registry, 'id: kim-jong-un-2')}: entity 'kim-jong-un-2'" in ran.stderr
    assert sorted_dump(built_store) == built_dump


@pytest.mark.parametrize("on_the_new_entry", [True, False])
def test_namesakes_say_so_on_either_entry(cli: Callable[..., Ran], seeds_copy: Path, on_the_new_entry: bool) -> None:
    registry = seeds_copy / "entities.yaml"
    if on_the_new_entry:
        add_entries(registry, NAMESAKE + "    distinct_from: [kim-jong-un]\n")
    else:
        add_entries(registry, NAMESAKE)
        text = registry.read_text(encoding="utf-8")
        old = "    alt: [Kim Jong-un]\n"
        assert text.count(old) == 1
        registry.write_text(text.replace(old, old + "    distinct_from: [kim-jong-un-2]\n"), encoding="utf-8")
    read = read_registry(registry)
    assert {"kim-jong-un", "kim-jong-un-2"} <= read.ids()
    ran = cli("check", "--seeds", str(seeds_copy), str(seeds_copy / f"{DOCUMENT}.claims.yaml"))
    assert ran.returncode == 0, ran.stderr


@pytest.mark.parametrize(
    ("section", "message"),
    [
        (
            "    distinct_from: [kim-jong-um]\n",
            "entity 'kim-jong-un-2': distinct_from names unknown entity 'kim-jong-um'; did you mean kim-jong-un?",
        ),
        (  # a stale declaration: the names do not collide (any more), so it must go
            "    distinct_from: [kim-jong-un, donju]\n",
            "entity 'kim-jong-un-2': distinct_from names 'donju', but the name normaliser reads none of their "
            "names alike: remove it (it is needed only between entries named alike)",
        ),
        ("    distinct_from: [kim-jong-un-2]\n", "entity 'kim-jong-un-2': distinct_from names the entity itself"),
        ("    distinct_from: [Kim Jong Un]\n", "entity 'kim-jong-un-2': distinct_from must be a list of entity ids"),
        ("    distinct_from: []\n", "entity 'kim-jong-un-2': distinct_from must be a list of entity ids"),
    ],
)
def test_a_wrong_distinct_from_is_an_error_at_its_line(tmp_path: Path, section: str, message: str) -> None:
    registry = tmp_path / "entities.yaml"
    shutil.copy(SEEDS / "entities.yaml", registry)
    add_entries(registry, NAMESAKE + section)
    with pytest.raises(InputError) as raised:
        read_registry(registry)
    assert str(raised.value) == f"{registry}:{line_of(registry, 'distinct_from')}: {message}"


def test_a_name_shared_within_one_entry_is_no_duplicate(tmp_path: Path) -> None:
    registry = add_entries(
        tmp_path / "entities.yaml", "entities:\n" + NAMESAKE + "    alt: [Kim Jong Un, KIM JONG-UN]\n"
    )
    assert read_registry(registry).ids() == {"kim-jong-un-2"}
