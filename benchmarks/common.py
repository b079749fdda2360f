"""What the benchmarks share: the machine they ran on, generated corpora cached in a work folder, and
commands echoed as they run."""

from __future__ import annotations

import os
import platform
import socket
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def run(command: list[str], **kwargs: object) -> None:
    print("$", " ".join(command), flush=True)
    subprocess.run(command, check=True, **kwargs)  # type: ignore[call-overload]


def free_port() -> int:
    """A port of 127.0.0.1 nobody listens on, for a server a benchmark starts."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def corpus(work: Path, triples: int, seed: int = 0) -> Path:
    """The generated corpus of about ``triples`` quads (made once, then reused)."""
    out = work / f"corpus-{triples}" if seed == 0 else work / f"corpus-{triples}-seed{seed}"
    if not (out / "entities.yaml").exists():
        command = [sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--out", str(out)]
        run([*command, "--triples", str(triples), "--seed", str(seed), "--force"])
    return out


def machine() -> dict[str, str]:
    memory = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory_gib": f"{int(memory) / 2**20:.1f}",
        "python": platform.python_version(),
        "pyoxigraph": version("pyoxigraph"),
        "kernel": platform.release(),
    }
