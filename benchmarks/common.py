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


PORTS = range(18100, 18200)  # the benchmarks' servers listen here (``--ports`` where a benchmark has it)


def free_port(ports: range = PORTS) -> int:
    """A port of 127.0.0.1 in ``ports`` that nobody listens on, for a server a benchmark starts: a known
    range, so a firewall rule or a look at ``ss -ltn`` tells the benchmark's servers from anything else."""
    for port in ports:
        with socket.socket() as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise SystemExit(f"no free port in {ports.start}-{ports.stop - 1}")


def port_range(text: str) -> range:
    """``18100-18199`` as a range, for a ``--ports`` option."""
    first, _, last = text.partition("-")
    return range(int(first), int(last or first) + 1)


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
