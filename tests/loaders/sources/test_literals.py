"""Typed literals: ill-formed dates and numbers are rejected, partial dates accepted."""

import pytest

from dprk_kg.loaders.sources.literals import is_valid
from dprk_kg.vocabulary import XSD


@pytest.mark.parametrize(
    ("value", "datatype"),
    [
        ("2024-01-15", "date"),
        ("2024-02-29", "date"),
        ("2024-02", "gYearMonth"),
        ("2024", "gYear"),
        ("--01-15", "gMonthDay"),
        ("--02-29", "gMonthDay"),
        ("--02", "gMonth"),
        ("P3M", "duration"),
        ("P3Y", "duration"),
        ("PT1H30M", "duration"),
        ("500", "integer"),
        ("5000000000", "decimal"),
        ("true", "boolean"),
        ("2024-01-15T09:00:00Z", "dateTime"),
    ],
)
def test_valid(value: str, datatype: str) -> None:
    assert is_valid(value, XSD.uri(datatype))


@pytest.mark.parametrize(
    ("value", "datatype"),
    [
        ("2024-02-30", "date"),
        ("2023-02-29", "date"),
        ("January 15", "date"),
        ("2024-13", "gYearMonth"),
        ("24", "gYear"),
        ("--02-30", "gMonthDay"),
        ("--13", "gMonth"),
        ("P", "duration"),
        ("PT", "duration"),
        ("3 months", "duration"),
        ("five", "integer"),
        ("5e9", "decimal"),
        ("yes", "boolean"),
        ("2024-01-15", "dateTime"),
    ],
)
def test_invalid(value: str, datatype: str) -> None:
    assert not is_valid(value, XSD.uri(datatype))
