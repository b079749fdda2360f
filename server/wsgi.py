"""Serving with gunicorn (a production WSGI server): sync workers, each with its own query executor."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from gunicorn.app.base import BaseApplication

from dprk_kg.config import Config
from dprk_kg.errors import ConfigError
from dprk_kg.paths import ui_assets_dir
from dprk_kg.server.app import create_app
from dprk_kg.server.isolation import isolate_network, needs_network
from dprk_kg.server.runtime import close_all, stuck


class _Gunicorn(BaseApplication):
    def __init__(self, application: Any, options: dict[str, Any]) -> None:
        self.application = application
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return self.application


def _retire_if_stuck(worker: Any, _request: Any, _environ: Any, _response: Any) -> None:
    """A query that outlived its limit cannot be cancelled and still holds this worker's query thread: the
    worker stops accepting, exits once this answer is sent, and gunicorn starts a fresh one (the same path
    as ``max_requests``)."""
    if stuck():
        worker.alive = False


def serve(settings: Config, *, host: str, port: int, workers: int) -> None:
    """Run until interrupted; prints the URLs once the server listens."""
    app = create_app(settings)
    kept = needs_network(settings) or (None if settings.network_isolation else "DPRK_KG_NETWORK_ISOLATION=off")
    if kept is None:
        _check_isolation_works()

    def when_ready(_server: Any) -> None:
        root = f"http://{host if ':' not in host else f'[{host}]'}:{port}"
        print(
            f"dprk-kg is serving {settings.store}\n  query page: {root}/\n  SPARQL endpoint: {root}/sparql", flush=True
        )
        print(
            "  query workers: no network (outbound requests are impossible)"
            if kept is None
            else f"  query workers keep the network: {kept}",
            flush=True,
        )
        if not (ui_assets_dir() / "yasgui.min.js").is_file():
            print("  (the query editor's files are missing: run scripts/ui-assets)", file=sys.stderr, flush=True)

    _Gunicorn(
        app,
        {
            "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
            "workers": workers,
            # sync: a worker accepts a connection only when idle, so when one must retire (its query outlived
            # the limit) no other request is queued on it; gthread would drop the ones it had accepted.
            "worker_class": "sync",
            "timeout": int(settings.query_timeout) + 30,  # a worker waits on its query up to the query limit
            "graceful_timeout": 10,
            "keepalive": 5,
            "accesslog": None,  # the app writes its own structured access log
            "errorlog": "-",
            "loglevel": "warning",
            "when_ready": when_ready,
            "post_request": _retire_if_stuck,
            # a worker forked without a network namespace of its own would serve with the network
            "post_fork": lambda _server, _worker: isolate_network() if kept is None else None,
            "worker_exit": lambda _server, _worker: close_all(),
        },
    ).run()


def _check_isolation_works() -> None:
    """Fail before serving, with the reason, if the kernel will not isolate the workers (it is tried
    in a throw-away child: this process must keep its network to listen)."""
    probe = subprocess.run(
        [sys.executable, "-c", "from dprk_kg.server.isolation import isolate_network; isolate_network()"],
        capture_output=True,
        text=True,
        check=False,
    )
    if probe.returncode != 0:
        raise ConfigError(probe.stderr.strip().splitlines()[-1] if probe.stderr.strip() else "isolation failed")
