"""The installable package (issue 17, item 5): the wheel, installed into a fresh virtual
environment outside the repository, runs from any folder with its own data.

The wheel is built from this tree with hatchling (no build isolation: offline) and installed
with ``pip install --no-deps`` into a new venv in a temporary folder. To stay fast and offline
the venv borrows this environment's dependencies through a ``.pth`` line pointing at its
``site-packages`` (a path line only: the editable install's own ``.pth`` there, which would
put the repository on the path, is not processed). Every command runs with the temporary
folder as its working directory and no ``PYTHONPATH``, and the test asserts that the modules
imported come from the venv, so nothing of the repository's sources can stand in for the
installed copy: world data, presets, calibration files, ODD.md and the dashboard's files must
all be in the wheel.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import sysconfig
import time
import tomllib
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from corridors.manifest import code_version
from dashboards.install_assets import PACKAGES, cache_dir, missing

ROOT = Path(__file__).resolve().parents[1]
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
PACKAGES_OF_THE_WHEEL = (
    "corridors",
    "scenarios",
    "simulation",
    "agents",
    "calibration",
    "dashboards",
)
# PEP 517 build from this tree, as pip does it, with the hatchling of this environment
BUILD_WHEEL = "import sys, hatchling.build as b; print(b.build_wheel(sys.argv[1]))"
SMALL_RUN = ["--end", "2011-06", "--people-per-agent", "20000", "--quiet"]


@dataclass(frozen=True)
class Installed:
    venv: Path
    site: Path
    work: Path
    env: dict[str, str]

    def run(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            list(args),
            cwd=self.work,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def corridors(self, *args: str) -> subprocess.CompletedProcess[str]:
        return self.run(str(self.venv / "bin" / "corridors"), *args)


def _clean_env(venv: Path) -> dict[str, str]:
    """This process's environment without anything that points Python at the repository."""
    drop = {"PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV", "PYTHONSAFEPATH"}
    env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("CORRIDORS_")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(venv)
    env["PYTHONNOUSERSITE"] = "1"
    env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"
    return env


def _check(proc: subprocess.CompletedProcess[str], what: str) -> str:
    assert proc.returncode == 0, f"{what} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    base = tmp_path_factory.mktemp("package")
    assert not base.resolve().is_relative_to(ROOT)
    dist, venv, work = base / "dist", base / "venv", base / "work"
    work.mkdir()
    env = _clean_env(venv)
    build = subprocess.run(
        [sys.executable, "-c", BUILD_WHEEL, str(dist)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    wheel = dist / _check(build, "building the wheel").strip().splitlines()[-1]
    assert wheel.name == f"corridors-{VERSION}-py3-none-any.whl"
    _check(
        subprocess.run(
            [sys.executable, "-m", "venv", str(venv)],
            cwd=base,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
        ),
        "creating the venv",
    )
    site = (
        venv / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"
    )
    assert site.is_dir()
    (site / "_borrowed_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    # and the data files the dependencies install beside site-packages (the widget libraries'
    # Jupyter configuration, which Solara reads to serve its page), linked read-only
    for data in ("etc/jupyter", "share/jupyter"):
        if (Path(sys.prefix) / data).is_dir():
            (venv / data).parent.mkdir(parents=True, exist_ok=True)
            (venv / data).symlink_to(Path(sys.prefix) / data, target_is_directory=True)
    installed = Installed(venv, site, work, env)
    _check(
        installed.run(
            str(venv / "bin" / "python"),
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--no-index",
            "--disable-pip-version-check",
            "--quiet",
            str(wheel),
        ),
        "pip install of the wheel",
    )
    return installed


# run in the venv: where every package and data file the commands need is found
PROBE = """
import json, sys
from importlib import metadata
from pathlib import Path
import agents, calibration, corridors, dashboards, scenarios, simulation
from calibration.config import load_config
from calibration.targets import DEFAULT_TARGETS
from dashboards import app, learn_view, region_map
from scenarios.extends import PRESET_DIR, preset_names
from scenarios.posterior import SHIPPED_CALIBRATION
from scenarios.world import DATA_DIR
config = load_config(Path(calibration.__file__).with_name("default.toml"))
print(json.dumps({
    "modules": {m.__name__: m.__file__ for m in (agents, calibration, corridors, dashboards,
                                                  scenarios, simulation)},
    "version": metadata.version("corridors"),
    "files": [str(p) for p in (PRESET_DIR / "baseline.toml", DATA_DIR / "corridors.csv",
              SHIPPED_CALIBRATION / "posterior_draws.csv", DEFAULT_TARGETS, learn_view.ODD,
              region_map.GEOJSON, app.STYLE)],
    "presets": preset_names(),
    "targets": len(config.targets),
    "odd_text": len(learn_view.learn_text()),
}))
"""


def test_installed_copy_runs_from_the_venv_with_its_data(installed):
    out = json.loads(
        _check(installed.run(str(installed.venv / "bin" / "python"), "-c", PROBE), "probe")
    )
    for name in PACKAGES_OF_THE_WHEEL:
        assert Path(out["modules"][name]).is_relative_to(installed.site), out["modules"][name]
    assert out["version"] == VERSION
    for path in map(Path, out["files"]):
        assert path.is_relative_to(installed.site) and path.is_file(), path
    shipped = sorted(p.stem for p in (ROOT / "scenarios").glob("*.toml"))
    assert out["presets"] == shipped
    assert out["targets"] > 0 and out["odd_text"] > 1000


def test_presets_and_levers_list_from_any_folder(installed):
    presets = _check(installed.corridors("presets"), "corridors presets")
    assert {line.split()[0] for line in presets.splitlines() if line.strip()} >= {
        "baseline",
        "crackdown",
    }
    levers = _check(installed.corridors("levers"), "corridors levers")
    assert "`predeparture_training_coverage`" in levers


def test_run_writes_into_the_working_folder_with_the_version(installed):
    out = installed.work / "results" / "baseline"
    _check(installed.corridors("run", "baseline", "--out", "results/baseline", *SMALL_RUN), "run")
    assert {"results.parquet", "results.csv", "manifest.json", "scenario.toml"} <= {
        p.name for p in out.iterdir()
    }
    manifest = json.loads((out / "manifest.json").read_text())
    # an installed copy: the version, no git commit (site-packages is no checkout)
    assert manifest["code"] == {"version": VERSION}
    assert manifest["packages"]["corridors"] == VERSION
    table = pd.read_parquet(out / "results.parquet")
    assert table["month"].astype(str).max() == "2011-06" and table["value"].sum() > 0
    # nothing written beside the installed code
    assert not [p for p in installed.venv.rglob("*") if p.name in {"manifest.json", "results"}]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, response.read()


def test_dashboard_without_assets_names_the_command(installed, tmp_path):
    env = {**installed.env, "SOLARA_ASSETS_PROXY_CACHE_DIR": str(tmp_path / "empty")}
    proc = subprocess.run(
        [str(installed.venv / "bin" / "corridors"), "dashboard", "--port", str(_free_port())],
        cwd=installed.work,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert f"{installed.venv / 'bin' / 'python'} -m dashboards.install_assets" in proc.stderr
    assert f"{len(PACKAGES)} of {len(PACKAGES)} bundles missing" in proc.stderr
    # and the command it names is in the installed package
    named = installed.run(
        str(installed.venv / "bin" / "python"), "-m", "dashboards.install_assets", "--help"
    )
    assert "npm registry" in _check(named, "python -m dashboards.install_assets --help")


@pytest.mark.skipif(
    bool(missing(cache_dir())),
    reason="Solara's assets are not installed here (python -m dashboards.install_assets)",
)
def test_dashboard_serves_its_page_offline_from_any_folder(installed):
    """The installed server with this environment's asset cache (read only): the page and a
    bundle come from this machine, and batch results are looked for in the working folder."""
    port = _free_port()
    env = {**installed.env, "SOLARA_ASSETS_PROXY_CACHE_DIR": str(cache_dir())}
    log = installed.work / "dashboard.log"
    with open(log, "wb") as sink:
        proc = subprocess.Popen(
            [str(installed.venv / "bin" / "corridors"), "dashboard", "--port", str(port)],
            cwd=installed.work,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert proc.poll() is None, log.read_text(errors="replace")[-3000:]
            try:
                if _get(url + "readyz")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, log.read_text(errors="replace")[-3000:]
            time.sleep(0.3)
        status, page = _get(url)
        assert status == 200 and b"solara-vuetify-app@10.1.1" in page
        status, bundle = _get(
            url + "_solara/cdn/@widgetti/solara-vuetify-app@10.1.1/dist/solara-vuetify-app8.min.js"
        )
        assert status == 200 and len(bundle) > 100_000
        text = log.read_text(errors="replace")
        assert f"batch results from {installed.work.resolve() / 'results'}" in text
        assert "Could not load URL" not in text  # nothing asked of the CDN
    finally:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(proc.pid, sig)
                proc.wait(timeout=10)
                break
            except ProcessLookupError:
                break
            except subprocess.TimeoutExpired:
                continue


def _git(folder: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=folder,
        check=True,
        capture_output=True,
        timeout=30,
    )


def test_code_version_records_a_commit_only_for_a_checkouts_top(tmp_path):
    """A copy of the code at the top of a git checkout records its commit; one in a folder
    below it (a venv inside some other project's repository) records the version only."""
    repo = tmp_path / "repo"
    (repo / "lib" / "site-packages").mkdir(parents=True)
    (repo / "a.txt").write_text("a\n")
    _git(repo, "init", "-q")
    _git(repo, "add", "a.txt")
    _git(repo, "commit", "-q", "-m", "a")
    top = code_version(repo)
    assert len(str(top["git_commit"])) == 40 and top["uncommitted_changes"] is False
    (repo / "a.txt").write_text("b\n")
    assert code_version(repo)["uncommitted_changes"] is True
    below = code_version(repo / "lib" / "site-packages")
    assert set(below) == {"version"}
    assert code_version(tmp_path)["version"] == top["version"]
    assert "git_commit" not in code_version(tmp_path)


def test_citation_and_changelog_carry_pyprojects_version():
    """One version: pyproject's, repeated in CITATION.cff and as the changelog's newest release."""
    citation = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert re.search(r"^cff-version: 1\.2\.0$", citation, flags=re.M)
    assert re.search(rf'^version: "{re.escape(VERSION)}"$', citation, flags=re.M)
    released = re.search(r'^date-released: "(\d{4}-\d{2}-\d{2})"$', citation, flags=re.M)
    assert released, "CITATION.cff: date-released as a quoted YYYY-MM-DD"
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    releases = re.findall(r"^## \[([^\]]+)\](?: - (\S+))?$", changelog, flags=re.M)
    assert releases[0] == ("Unreleased", "")
    assert releases[1] == (VERSION, released.group(1))
