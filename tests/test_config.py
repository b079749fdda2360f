"""The configuration object: flags over environment over defaults, unusable values refused with the
name of the variable, every setting documented in the README's table, and the packaged data found
(or a clear error with exit 3 when a data folder is missing)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dprk_kg.cli import main
from dprk_kg.config import SETTINGS, Config
from dprk_kg.errors import ConfigError, DataError
from dprk_kg.paths import ontology_dir, queries_dir, shapes_dir
from tests.conftest import ROOT, run_cli


def test_flags_win_over_the_environment_which_wins_over_defaults() -> None:
    environ = {"DPRK_KG_QUERY_TIMEOUT": "12", "DPRK_KG_BASE": "https://example.org/kg/", "DPRK_KG_MAX_BODY": "7"}
    config = Config.load({"query_timeout": 3.5, "base": None}, environ)
    assert config.query_timeout == 3.5  # flag
    assert config.base == "https://example.org/kg/"  # environment (the flag was not given)
    assert config.max_body_bytes == 7
    assert config.max_nesting == 256  # default
    assert config.iris.entity("x") == "https://example.org/kg/id/x"


def test_lists_and_tokens_from_the_environment(tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_text("s3cret\n", encoding="utf-8")
    environ = {
        "DPRK_KG_ALLOWED_SERVICES": "https://a.example/sparql, https://b.example/sparql",
        "DPRK_KG_WRITE_TOKEN": "ignored-when-a-file-is-given",
        "DPRK_KG_WRITE_TOKEN_FILE": str(token_file),
    }
    config = Config.load({}, environ)
    assert config.allowed_services == ("https://a.example/sparql", "https://b.example/sparql")
    assert config.write_token == "s3cret" and config.writes_enabled
    assert not Config.load({}, {}).writes_enabled


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DPRK_KG_QUERY_TIMEOUT", "soon", "DPRK_KG_QUERY_TIMEOUT='soon'"),
        ("DPRK_KG_MAX_BODY", "-1", "must be greater than 0"),
        ("DPRK_KG_BASE", "https://example.org/kg", "must end with '/'"),
        ("DPRK_KG_WRITE_TOKEN_FILE", "/nonexistent/token", "cannot read /nonexistent/token"),
    ],
)
def test_unusable_values_name_the_variable(variable: str, value: str, message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)) as raised:
        Config.load({}, {variable: value})
    assert raised.value.exit_code == 2


def test_every_setting_is_in_the_readme_table() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for setting in SETTINGS:
        assert re.search(rf"^\| `{setting.variable}` \|", readme, re.MULTILINE), setting.variable


def test_the_package_data_is_found() -> None:
    assert (ontology_dir() / "dprk-kg.ttl").is_file()
    assert any(shapes_dir().glob("*.ttl"))
    assert len(list(queries_dir().glob("*.rq"))) == 22


def test_a_missing_data_folder_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DPRK_KG_HOME", str(tmp_path / "nowhere"))
    with pytest.raises(DataError, match="set DPRK_KG_HOME"):
        ontology_dir()
    assert main(["build", "--store", str(tmp_path / "store"), "--quiet"]) == 3
    error = capsys.readouterr().err
    assert error.startswith("dprk-kg: the data folder ") and "Traceback" not in error
    assert not (tmp_path / "store").exists()


def test_a_bad_setting_exits_2_without_a_traceback(tmp_path: Path) -> None:
    result = run_cli("query", "--store", str(tmp_path / "store"), "-e", "ASK {}", env={"DPRK_KG_MAX_RESULT": "lots"})
    assert result.returncode == 2
    assert result.stderr.startswith("dprk-kg: DPRK_KG_MAX_RESULT='lots'") and "Traceback" not in result.stderr
