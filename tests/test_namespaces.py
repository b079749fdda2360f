"""The code's vocabulary class fails on a misspelt term."""

import pytest

from dprk_kg.namespaces import DKG, base_prefixes, turtle_prefix_line


def test_misspelt_term_fails() -> None:
    with pytest.raises(AttributeError):
        _ = DKG.Claimm


def test_prefix_line_is_one_line() -> None:
    line = turtle_prefix_line(base_prefixes("https://example.org/kg/"))
    assert "\n" not in line and "@prefix id: <https://example.org/kg/id/> ." in line
