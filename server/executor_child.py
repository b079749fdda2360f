"""The executor's child process: reads query jobs on stdin, answers on stdout (see executor.py)."""

from __future__ import annotations

import sys

from dprk_kg.errors import QueryError, ResultTooLarge, StoreError
from dprk_kg.server.executor import receive, send
from dprk_kg.store import ResultFormat, open_store
from dprk_kg.store.base import Dataset


def main(store_path: str) -> None:
    store = open_store(store_path, read_only=True)
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing else may write on the answer channel
    while True:
        try:
            job = receive(stdin)
        except EOFError:
            return
        try:
            if job["op"] == "ping":
                send(stdout, {"ok": True, "kind": "ping", "body": store.version_name().encode()})
                continue
            dataset = Dataset(*job["dataset"]) if job.get("dataset") else None
            output = store.query(
                job["sparql"],
                ResultFormat[job["format"]],
                dataset=dataset,
                prefixes=job.get("prefixes"),
                base_iri=job.get("base_iri"),
                max_bytes=job.get("max_bytes"),
            )
            send(stdout, {"ok": True, "kind": output.kind, "body": output.body})
        except (QueryError, StoreError, ResultTooLarge) as error:
            send(stdout, {"ok": False, "error": type(error).__name__, "message": str(error)})


if __name__ == "__main__":
    main(sys.argv[1])
