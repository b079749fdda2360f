"""``dprk-kg export --format quickstatements``: every line is a well-formed QuickStatements V1 command
(checked with a small grammar of the format's rules), the commands say what the claims say, with their
sources, and every statement that cannot go to Wikidata is counted in the report with its reason."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from dprk_kg.quickstatements import time_value
from dprk_kg.wikidata_exports import exports_root
from tests.conftest import Ran

# QuickStatements V1: item TAB property TAB value, then (TAB source-property TAB value) pairs. A value
# is an item, a "string", monolingual text lang:"text", or a time +YYYY-MM-DDT00:00:00Z/precision;
# nothing in a quoted value may be a double quote, a tab or a newline (V1 has no escapes).
ITEM = r"Q[1-9]\d*"
TEXT = r'"[^"\t\r\n]*"'
VALUE = rf"(?:{ITEM}|{TEXT}|[a-z]{{2,3}}(?:-[A-Za-z0-9]+)*:{TEXT}|[+-]\d{{4}}-\d{{2}}-\d{{2}}T00:00:00Z/(?:9|10|11))"
COMMAND = re.compile(rf"{ITEM}\tP[1-9]\d*\t{VALUE}(?:\tS[1-9]\d*\t{VALUE})*")
ADDRESS = '"https://www.asiapress.org/rimjin-gang/2024/02/society-economy/construction/"'
QUOTE = (
    "In North Hamgyong Province, the new factory sites this year are in Gyongsong County and Orang County. "
    "A reporting partner in Musan County"
)
# two claims a test adds to a copy of the seeds: Musan County (Q718513) in North Hamgyong (Q109361),
# which the registry also records; the second one's quote opens with a double quote V1 cannot carry
CLAIMS = f"""
  - id: musan-in-north-hamgyong
    quote: {QUOTE}
    assert: |
      id:musan-county dkg:locatedIn id:north-hamgyong-province .

  - id: musan-mine-workers
    quote: '"Musan mine workers have been mobilized'
    assert: |
      id:musan-county dkg:locatedIn id:north-hamgyong-province .
"""


def check_grammar(text: str) -> list[str]:
    lines = text.splitlines()
    bad = [line for line in lines if not COMMAND.fullmatch(line)]
    assert not bad, bad
    return lines


@pytest.mark.parametrize(
    ("lexical", "value"),
    [
        ("2024-01-15", "+2024-01-15T00:00:00Z/11"),
        ("2024-07", "+2024-07-01T00:00:00Z/10"),
        ("2024", "+2024-01-01T00:00:00Z/9"),
        ("--01-15", None),  # a day without its year: Wikidata has no such time
        ("15 January", None),
    ],
)
def test_dates_become_times_with_their_precision(lexical: str, value: str | None) -> None:
    assert time_value(lexical) == value


def test_the_grammar_refuses_what_v1_cannot_read() -> None:
    for line in ("Q1\tP31\tQ5", 'Q1\tP1683\ten:"a"\tS854\t"https://x"', "Q1\tP585\t+2024-01-15T00:00:00Z/11"):
        assert COMMAND.fullmatch(line)
    for line in ('Q1\tP1683\ten:"a "b" c"', "Q1\tP31", "id:x\tP31\tQ5", "Q1\tP31\tQ5\tS854", 'Q1\tP31\t"x"\t'):
        assert not COMMAND.fullmatch(line), line


def test_the_seeds_export_reports_what_it_leaves_out(
    cli: Callable[..., Ran], built_store: Path, tmp_path: Path
) -> None:
    out = tmp_path / "seeds.qs"
    ran = cli("export", "--store", str(built_store), "--format", "quickstatements", "-o", str(out))
    assert ran.returncode == 0, ran.stderr
    assert "statements left out" in ran.stderr
    check_grammar(out.read_text(encoding="utf-8"))
    report = out.with_name("seeds.qs.report.txt").read_text(encoding="utf-8")
    assert "left out: the subject has no verified QID" in report
    assert "left out: dkg:funds has no verified Wikidata property" in report
    assert "lacks S813 (retrieved)" in report
    # the build wrote the same commands beside the store
    assert (exports_root(built_store) / "quickstatements.txt").read_text(encoding="utf-8") == out.read_text("utf-8")


def test_commands_carry_the_claim_and_its_sources(cli: Callable[..., Ran], seeds_copy: Path, tmp_path: Path) -> None:
    claims = seeds_copy / "004_5b61ddd10aea0cba.claims.yaml"
    claims.write_text(claims.read_text(encoding="utf-8") + CLAIMS, encoding="utf-8")
    store = tmp_path / "store"
    assert cli("build", "--seeds", str(seeds_copy), "--store", str(store), "--quiet").returncode == 0
    ran = cli("export", "--store", str(store), "--format", "quickstatements")
    assert ran.returncode == 0, ran.stderr
    lines = check_grammar(ran.stdout)
    assert sorted(lines) == sorted(
        [
            f'Q718513\tP131\tQ109361\tS854\t{ADDRESS}\tS1683\ten:"{QUOTE}"',
            f"Q718513\tP131\tQ109361\tS854\t{ADDRESS}",  # its quotation could not be written
        ]
    )
    assert "1 left out: a quotation holds a double quote, tab or newline" in ran.stderr
