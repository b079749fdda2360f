"""A claim drafted on the curation page, written into its document's claims file and checked at once.

The claims file is the curator's: its comments, blank lines and layout are kept. So the draft is not
merged into a re-dumped YAML document: its text is inserted where the ``claims:`` list ends (appended,
when that list ends the file, as it usually does), indented as the list's items are. The result is read
back; unless it holds exactly what it held before plus the draft, nothing is kept. Then the checks of
``dprk-kg check`` run on the document, and if they fail the file is put back byte for byte
(``SeedsFiles``). Saves of one seeds folder take turns under a lock on the folder, since a check reads
the other documents' labels too: two workers saving at once can neither interleave their writes nor
check each other's half-made file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from dprk_kg.checking import check_files
from dprk_kg.iris import Iris
from dprk_kg.loaders.sources.claims import CLAIM_FIELDS
from dprk_kg.loaders.sources.yaml_source import read_yaml
from dprk_kg.seeds_files import SeedsFiles, folder_lock

# The order a curator writes a claim's fields in (seeds/README.md), any field the loader learns later
# after them, and ``assert`` last, as a block.
_USUAL_ORDER = ("id", "quote", "occurrence", "status", "modality", "hedge", "attributed_to", "basis", "note")
FIELD_ORDER = (
    *(name for name in _USUAL_ORDER if name in CLAIM_FIELDS),
    *sorted(CLAIM_FIELDS - {*_USUAL_ORDER, "assert"}),
    "assert",
)


class DraftError(ValueError):
    """The draft cannot be written: a field of the wrong type, or a claims file laid out so that a
    claim cannot be appended to it as text."""


@dataclass(frozen=True)
class Saved:
    claim_id: str
    line: int  # the file line the claim starts on
    text: str  # the claim as written into the file


def draft_fields(posted: Mapping[str, Any]) -> dict[str, str | int]:
    """The posted draft as a claim's fields, in the file's order; empty fields are left out (the file's
    defaults apply). Only the types are checked here: what the values mean is the checks' to say, with
    the file and line."""
    unknown = sorted(set(posted) - CLAIM_FIELDS)
    if unknown:
        raise DraftError(f"unknown field(s) {', '.join(unknown)}; a claim has {', '.join(FIELD_ORDER)}")
    fields: dict[str, str | int] = {}
    for name in FIELD_ORDER:
        value = posted.get(name)
        if value is None or value == "":
            continue
        if name == "occurrence":
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise DraftError(f"occurrence must be a whole number from 1, not {value!r}")
        elif not isinstance(value, str):
            raise DraftError(f"{name} must be text, not {type(value).__name__}")
        fields[name] = value
    for required in ("id", "quote", "assert"):
        if required not in fields:
            raise DraftError(f"a claim needs its {required!r}")
    return fields


def save_claim(seeds: Path, claims_path: Path, fields: Mapping[str, str | int], iris: Iris) -> Saved:
    """Append the claim to the claims file and check the document; on any failure the file is as it was
    and the error (``DraftError``, or the checks' ``DprkKgError``) is raised."""
    with folder_lock(seeds):
        read_yaml(claims_path)  # as a build reads it: a syntax error by file and line, aliases refused
        before = claims_path.read_text(encoding="utf-8")
        after, line, text = appended(before, fields)
        _same_but_appended(before, after, fields)
        files = SeedsFiles(seeds)
        files.write(claims_path, after)
        files.commit_or_restore(lambda: check_files([claims_path], seeds, iris))
    return Saved(str(fields["id"]), line, text)


def appended(source: str, fields: Mapping[str, str | int]) -> tuple[str, int, str]:
    """The claims file's text with the claim inserted at the end of its ``claims:`` list; the line the
    claim starts on; and the claim's own text."""
    try:
        root = yaml.compose(source, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        raise DraftError(f"the claims file is not YAML a claim can be appended to: {error}") from error
    node = _claims_node(root)
    if isinstance(node, yaml.SequenceNode) and node.flow_style and not node.value:
        # `claims: []` (a document not curated yet): the brackets go, the claim follows on the next line
        line_end = source.find("\n", node.end_mark.index)
        line_end = len(source) if line_end < 0 else line_end
        head = source[: node.start_mark.index].rstrip(" \t") + source[node.end_mark.index : line_end] + "\n"
        item = _item_text(fields, 2)
        return head + item + source[line_end + 1 :], _line(head), item
    if not isinstance(node, yaml.SequenceNode) or node.flow_style:
        raise DraftError("the claims file's `claims:` is not a list in block style (`  - id: …` items)")
    at = _end_of_last_item(source, node.end_mark.index, node.start_mark.column)
    head, tail = source[:at], source[at:]
    head = (head if head.endswith("\n") else head + "\n") + "\n"  # a blank line between claims, as in the seeds
    item = _item_text(fields, node.start_mark.column)
    return head + item + tail, _line(head), item


def _end_of_last_item(source: str, end: int, column: int) -> int:
    """Where the list's last item ends: the parser's end of the list, less the blank lines and the
    comments no deeper than the list's dashes before it (they introduce what follows the list; a
    deeper one could be a line of the last claim's text block)."""
    lines = source[:end].splitlines(keepends=True)
    while lines and (
        not lines[-1].strip()
        or (lines[-1].lstrip().startswith("#") and len(lines[-1]) - len(lines[-1].lstrip()) <= column)
    ):
        lines.pop()
    return sum(len(line) for line in lines)


def _claims_node(root: yaml.Node | None) -> yaml.Node:
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            if isinstance(key, yaml.ScalarNode) and key.value == "claims":
                return value
    raise DraftError("the claims file has no `claims:` list at its top level")


def _line(head: str) -> int:
    """The 1-based line that text appended to ``head`` starts on."""
    return head.count("\n") + 1


class _ClaimDumper(yaml.SafeDumper):
    """Writes text of several lines as a literal block (``|``), as curators write ``assert``."""


def _text_scalar(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_ClaimDumper.add_representer(str, _text_scalar)


def _item_text(fields: Mapping[str, str | int], indent: int) -> str:
    """The claim as one item of a block list whose dashes stand at column ``indent``."""
    dumped = yaml.dump([dict(fields)], Dumper=_ClaimDumper, allow_unicode=True, sort_keys=False, width=110, indent=2)
    return "".join(" " * indent + line + "\n" if line else "\n" for line in dumped.splitlines())


def _same_but_appended(before: str, after: str, fields: Mapping[str, str | int]) -> None:
    """Refuse a text that does not read as the file did plus the claim (a keep-chomped block before
    it, a list that is not where the parser said): the file's other values must not change."""
    try:
        before_data, after_data = yaml.safe_load(before), yaml.safe_load(after)
    except yaml.YAMLError as error:
        raise DraftError(f"the claims file cannot be read: {error}") from error
    if not isinstance(before_data, dict):
        raise DraftError("the claims file is not a mapping")
    expected = {**before_data, "claims": [*(before_data.get("claims") or []), dict(fields)]}
    if after_data != expected:
        raise DraftError("the claims file is laid out so that a claim cannot be appended to it as text; add it by hand")
