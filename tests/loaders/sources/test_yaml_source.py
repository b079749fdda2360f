"""YAML reading: syntax errors and duplicate keys are reported with file and line."""

from pathlib import Path

import pytest

from dprk_kg.errors import InputError
from dprk_kg.loaders.sources.yaml_source import read_yaml


def test_lines_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("claims:\n  - id: x\n    assert: |\n      id:a a dkg:Event .\n    date: 2024-01-15\n")
    data = read_yaml(path)
    claim = data["claims"][0]
    assert claim.line == 2
    assert claim.line_of("assert") == 3 and "assert" in claim.block_keys
    assert claim["date"] == "2024-01-15"  # dates stay strings, exactly as written


def test_duplicate_key(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("id: x\nquote: a\nid: y\n")
    with pytest.raises(InputError) as raised:
        read_yaml(path)
    assert raised.value.line == 3 and "duplicate key 'id'" in str(raised.value)


def test_syntax_error(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("claims: [one\nnext: 2\n")
    with pytest.raises(InputError) as raised:
        read_yaml(path)
    assert str(raised.value).startswith(f"{path}:2: YAML syntax error")
