"""Quote location: offsets are computed in code points, ambiguity and near misses are explained."""

import pytest

from dprk_kg.loaders.sources.quotes import QuoteError, locate

TEXT = "The “20×10” goal.\nKim Jong Un’s speech. Kim Jong Un’s plan."


def test_offsets_are_code_points_and_round_trip() -> None:
    evidence = locate(TEXT, "“20×10”")
    assert (evidence.start, evidence.end) == (4, 11)
    assert TEXT[evidence.start : evidence.end] == "“20×10”"
    assert evidence.prefix == "The " and evidence.suffix.startswith(" goal.")


def test_ambiguous_quote_needs_occurrence() -> None:
    with pytest.raises(QuoteError, match="occurs 2 times"):
        locate(TEXT, "Kim Jong Un’s")
    second = locate(TEXT, "Kim Jong Un’s", occurrence=2)
    assert TEXT[second.start :].startswith("Kim Jong Un’s plan")


def test_occurrence_out_of_range() -> None:
    with pytest.raises(QuoteError, match="occurs 2 time"):
        locate(TEXT, "Kim Jong Un’s", occurrence=3)


def test_near_miss_with_straight_apostrophe_is_suggested() -> None:
    with pytest.raises(QuoteError, match=r"did you mean, at text line 2 column 1: «Kim Jong Un’s speech»"):
        locate(TEXT, "Kim Jong Un's speech")


def test_absent_quote() -> None:
    with pytest.raises(QuoteError, match="quote not found"):
        locate(TEXT, "Pyongyang")


def test_empty_quote() -> None:
    with pytest.raises(QuoteError, match="empty"):
        locate(TEXT, "  ")
