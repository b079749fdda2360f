"""The name matching of reconciliation (``dprk_kg.matching``): the keys romanisations share, the
score tiers, and the rule for a sure match."""

from __future__ import annotations

import pytest

from dprk_kg.matching import NameIndex, analyse, is_match, similarity, skeleton


@pytest.mark.parametrize(
    ("spellings"),
    [
        ("Hamgyong", "Hamgyŏng", "Hamgyeong", "Hamkyong", "함경"),
        ("Pyongan", "P'yŏngan", "Phyongan", "Pyeongan", "평안"),
        ("Kyongsong", "Kyŏngsŏng", "Gyeongseong", "Gyongsong", "경성"),
        ("Cheongsu", "Ch'ŏngsu", "Chongsu", "Jeongsu", "청수"),
        ("Yanggang", "Ryanggang", "양강", "량강"),
        ("Orang", "Ŏrang", "Eorang", "어랑"),
    ],
)
def test_romanisations_share_one_skeleton(spellings: tuple[str, ...]) -> None:
    readings = [{reading.joined for reading in analyse(spelling).readings()} for spelling in spellings]
    assert set.intersection(*readings), readings


@pytest.mark.parametrize(
    ("name", "tokens", "classes", "directions"),
    [
        ("Hamgyongbuk-do", ("nort", "hamkyonk"), {"province"}, {"north"}),
        ("Hamgyŏng-pukto", ("nort", "hamkyonk"), {"province"}, {"north"}),
        ("함경남도", ("sout", "hamkyonk"), {"province"}, {"south"}),
        ("Kyŏngsŏng-kun", ("kyonksonk",), {"county"}, set()),
        ("Musan Gun", ("musan",), {"county"}, set()),
        ("Hyesan-si", ("hyesan",), {"city"}, set()),
        ("N. Hamgyong", ("nort", "hamkyonk"), set(), {"north"}),
        ("Musan County Workers' Party Committee", ("musan", "county", "workers", "party", "comite"), set(), set()),
    ],
)
def test_suffixes_become_classes_and_directions(
    name: str, tokens: tuple[str, ...], classes: set[str], directions: set[str]
) -> None:
    analysed = analyse(name)
    assert (analysed.tokens, set(analysed.classes), set(analysed.directions)) == (tokens, classes, directions)


def test_the_initial_sound_rule_meets_both_orthographies() -> None:
    assert analyse("조선로동당").hangul == analyse("조선노동당").hangul == "조선노동당"
    assert analyse("량강도").hangul == "양강도"
    # a Hangul name is read with the rule on every syllable (조선노동당) and on the first only (어랑)
    assert [r.joined for r in analyse("어랑").readings()] == ["onank", "orank"]
    assert skeleton("ryanggang") == skeleton("yanggang") and skeleton("rodong") == skeleton("nodong")
    assert skeleton("ri") == "ri"  # too short to be read as a word-initial syllable


@pytest.mark.parametrize(
    ("query", "name", "low", "high"),
    [
        ("Kim Jong Un", "Kim Jong Un", 100, 100),
        ("kim jong un", "Kim Jong Un", 100, 100),
        ("량강도", "양강도", 98, 98),
        ("Kim Jong-un", "Kim Jong Un", 96, 96),
        ("Kim Jongun", "Kim Jong Un", 96, 96),
        ("Jong-un Kim", "Kim Jong Un", 94, 94),
        ("North Hamgyeong", "North Hamgyong Province", 94, 94),
        ("김정은", "Kim Jong Un", 92, 92),
        ("Kyongsung County", "Kyongsong County", 70, 89),
        ("Kim Jong Il", "Kim Jong Un", 50, 80),
        ("Kyongsong City", "Kyongsong County", 60, 80),
        ("South Hamgyong", "North Hamgyong", 0, 50),
        ("Hamgyong", "North Hamgyong", 0, 75),
        ("South Korea", "North Korea", 0, 50),
        ("Yalu River", "Yalu River dike", 0, 80),
    ],
)
def test_similarity_tiers(query: str, name: str, low: float, high: float) -> None:
    assert low <= similarity(analyse(query), analyse(name)) <= high


def test_the_index_ranks_each_entity_once_by_its_best_name() -> None:
    index = NameIndex()
    for entity, names in {
        "ryanggang-province": ["Ryanggang Province", "Yanggang", "양강도", "Ryanggang-do"],
        "yalu-river": ["Yalu River", "Amnok River"],
        "hyesan": ["Hyesan", "혜산시"],
    }.items():
        for name in names:
            index.add(entity, name)
    found = index.search("Yanggang-do")
    assert found[0][:2] == ("ryanggang-province", 100.0) or found[0][0] == "ryanggang-province"
    assert len({entity for entity, _, _ in found}) == len(found)
    assert index.search("") == [] and index.search("   ") == []
    assert [name.text for name in index.names_of("hyesan")] == ["Hyesan", "혜산시"]


@pytest.mark.parametrize(
    ("scores", "sure"),
    [([100.0], True), ([96.0, 70.0], True), ([96.0, 90.0], False), ([89.9], False), ([], False), ([90.0, 80.0], True)],
)
def test_a_match_is_high_and_clear_of_the_next(scores: list[float], sure: bool) -> None:
    assert is_match(scores) is sure
