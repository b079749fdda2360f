"""``dprk-kg check FILE…``: every check a build makes on some documents, without a store or a write.

A curator editing one claims file wants its errors in a second or two, not after a full build. Each
file (``{id}.txt``, ``{id}.meta.yaml`` or ``{id}.claims.yaml``) names a document of its folder; those
documents are loaded as a build's worker loads them — YAML, quotes, Turtle, terms, entity ids, dates,
domains and ranges, spelling-variant duplicates, SHACL shapes — and the labels of the folder's other
documents are read so that an entity re-typed under another's name, or relabelled, is caught too.
The mention linker runs on the texts: the summary counts the registry entities they name, and lists
each span that two entities are named by (file:line:column, with the candidates), which it does not link.
The registry is the folder's ``entities.yaml`` (else the seeds folder's). Nothing is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from dprk_kg.errors import InputError
from dprk_kg.iris import DOCUMENT_ID, Iris
from dprk_kg.linking import linker_for
from dprk_kg.loaders.engines import ShaclEngine
from dprk_kg.loaders.pipeline.batches import Worker
from dprk_kg.loaders.rdf.introductions import introduced_by, joined
from dprk_kg.loaders.rdf.references import Label, check_label_twins, check_shared_labels, introduced_labels
from dprk_kg.loaders.sources.claims import read_claims
from dprk_kg.loaders.sources.documents import DocumentFiles, discover, read_document
from dprk_kg.loaders.sources.inputs import REGISTRY_FILE, read_inputs

SUFFIXES = (".claims.yaml", ".meta.yaml", ".txt")


@dataclass(frozen=True)
class Checked:
    documents: tuple[str, ...]
    claims: int
    mentions: int  # registry entities the mention linker found named in the texts
    ambiguous: tuple[str, ...] = ()  # "file:line:column: …" for each span two entities are named by

    def summary(self) -> str:
        head = (
            f"ok: {len(self.documents)} document(s), {self.claims} claims, {self.mentions} mentions: "
            f"{', '.join(self.documents)}"
        )
        return "\n".join([head, *self.ambiguous])


def check_files(paths: Sequence[Path], seeds: Path, iris: Iris, shacl: ShaclEngine | str = ShaclEngine.AUTO) -> Checked:
    """Check the documents the files belong to; raise ``InputError`` (or ``ValidationFailed``) at the first
    problem, naming its file and line."""
    wanted = [document_of(path) for path in paths]
    folders = {files.text.parent for files in wanted}
    if len(folders) > 1:
        raise InputError(paths[0], None, "check the files of one seeds folder at a time")
    folder = folders.pop()
    inputs = read_inputs(folder if (folder / REGISTRY_FILE).is_file() else seeds, iris)
    unique = list(dict.fromkeys(wanted))
    checked = {files.id for files in unique}
    labels: list[Label] = []
    introduced = []
    for files in discover(folder):  # what every document introduces, which the checked ones may name by id
        document = read_document(files)
        claims = read_claims(files.claims, document, inputs.prefixes)
        introduced.append(introduced_by(document, claims, inputs.registry, iris))
        if files.id not in checked:  # the other documents' labels first: an error then names the checked file
            labels.extend(introduced_labels(claims, iris, inputs.registry))
    result = Worker(inputs, shacl, introductions=joined(introduced)).load(unique)
    labels.extend(result.labels)
    check_shared_labels(labels, iris)
    check_label_twins(labels, iris)
    linker = linker_for(inputs.registry)
    mentions = sum(len(linker.link(read_document(files).text).mentions) for files in unique)
    return Checked(tuple(files.id for files in unique), result.claims, mentions, result.ambiguous)


def document_of(path: Path) -> DocumentFiles:
    """The document a text, metadata or claims file belongs to; its three files must exist."""
    name = path.name
    suffix = next((s for s in SUFFIXES if name.endswith(s)), None)
    if suffix is None:
        raise InputError(path, None, f"not a document's file: expected a name ending in {', '.join(SUFFIXES)}")
    doc_id, folder = name[: -len(suffix)], path.parent
    if not DOCUMENT_ID.match(doc_id):
        raise InputError(path, None, f"document id {doc_id!r} must match {DOCUMENT_ID.pattern}")
    files = DocumentFiles(
        doc_id, folder / f"{doc_id}.txt", folder / f"{doc_id}.meta.yaml", folder / f"{doc_id}.claims.yaml"
    )
    for part in (files.text, files.meta, files.claims):
        if not part.is_file():
            raise InputError(part, None, f"missing: document {doc_id!r} needs its .txt, .meta.yaml and .claims.yaml")
    return files
