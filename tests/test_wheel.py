"""The installed package is complete: a wheel built from the checkout, installed into a fresh virtual
environment, builds the graph and serves it from an unrelated folder, with no clone in sight."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
import requests

from tests.conftest import ROOT
from tests.server.conftest import free_port

pytestmark = pytest.mark.slow


def _run(command: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=600, **kwargs)  # type: ignore[call-overload]
    assert result.returncode == 0, f"{command} failed:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    # sdist first, then the wheel from the unpacked sdist (build's default): nothing left in the
    # checkout's build/ folder can slip into the wheel
    result = _run([sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)])
    for noise in ("Warning:", "DeprecationWarning", "BuildBackendWarning"):
        assert noise not in result.stdout + result.stderr, result.stdout + result.stderr
    (built,) = out.glob("dprk_kg-*.whl")
    return built


def test_the_wheel_carries_the_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in (
        "dprk_kg/ontology/dprk-kg.ttl",
        "dprk_kg/ontology/mappings.sssom.tsv",  # the build's Wikidata links come from it
        "dprk_kg/shapes/dprk-kg-shapes.ttl",
        "dprk_kg/queries/01-new-factories-north-hamgyong.rq",
        "dprk_kg/queries/integrity/quote-not-at-offsets.rq",
        "dprk_kg/seeds/entities.yaml",
        "dprk_kg/seeds/000_1f7871d4d3f091d3.txt",
        "dprk_kg/server/templates/query.html",
        "dprk_kg/server/static/vendor/yasgui/yasgui.min.js",
        "dprk_kg/server/static/vendor/noto_sans_kr/noto-sans-kr-korean-400-normal.woff2",
        "dprk_kg/server/static/vendor/noto_sans_kr/OFL.txt",
        "dprk_kg/server/templates/entity_index.html",
        "dprk_kg/loaders/__init__.py",
        "dprk_kg/py.typed",
    ):
        assert expected in names, expected
    packaged = {Path(name).parent.as_posix() for name in names if name.endswith(".py")}
    for folder, package in (("dprk_kg", "dprk_kg"), ("loaders", "dprk_kg/loaders"), ("server", "dprk_kg/server")):
        for module in (ROOT / folder).rglob("*.py"):
            relative = module.parent.relative_to(ROOT / folder).as_posix()
            assert (package if relative == "." else f"{package}/{relative}") in packaged, module
    assert any(name.endswith("licenses/LICENSE") for name in names)


def test_installed_anywhere_it_builds_and_serves(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", str(venv)])
    installed = _run([str(venv / "bin" / "pip"), "install", "--quiet", str(wheel)])
    assert "Warning" not in installed.stderr.replace("WARNING: Location", ""), installed.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DPRK_KG_", "PYTHON", "VIRTUAL_ENV"))} | {
        "XDG_DATA_HOME": str(tmp_path / "data")
    }
    command = str(venv / "bin" / "dprk-kg")
    build = _run([command, "build", "--quiet"], cwd=elsewhere, env=environment)
    assert "2 documents" in build.stdout
    assert (tmp_path / "data" / "dprk-kg" / "store").is_dir()
    port = free_port()
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(
        [command, "serve", "--port", str(port), "--workers", "1"],
        cwd=elsewhere,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        else:
            pytest.fail((tmp_path / "serve.log").read_text())
        answer = requests.get(
            f"{url}/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?c a dkg:County }"}, timeout=30
        )
        assert answer.status_code == 200 and int(answer.json()["results"]["bindings"][0]["n"]["value"]) >= 3
        page = requests.get(f"{url}/", headers={"Accept": "text/html"}, timeout=30)
        assert page.status_code == 200 and "/static/vendor/yasgui/yasgui.min.js" in page.text
        editor = requests.get(f"{url}/static/vendor/yasgui/yasgui.min.js", timeout=30)
        assert editor.status_code == 200 and len(editor.content) > 100_000
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
