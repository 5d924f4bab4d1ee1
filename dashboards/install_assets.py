"""Solara's front-end bundles, fetched once from the npm registry into Solara's proxy cache, so
that the dashboard renders with no internet when it runs.

    python -m dashboards.install_assets [--cache DIR] [--registry URL]

Solara's page loads these bundles from a public CDN unless they are in its proxy cache
(``solara.server.settings.assets.proxy_cache_dir``, ``<venv>/share/solara/cdn`` unless
``SOLARA_ASSETS_PROXY_CACHE_DIR`` says otherwise; one folder per ``name@version``). The
``solara-assets`` wheel stops at Solara 1.58, so they come from the npm registry: each package's
tarball, checked against the sha512 integrity the registry publishes for it, unpacked into
``name@version.partial`` and renamed into place only once complete (a ``.complete`` marker
inside). Packages already complete are skipped, so a rerun after an interrupted one fetches
only what is missing. Python's standard library does the fetching: no ``npm`` is needed.
``corridors dashboard`` refuses to start while any package is missing, naming this command.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import os
import shutil
import sys
import tarfile
import urllib.request
from collections.abc import Callable, Iterable
from pathlib import Path

__all__ = [
    "COMMAND",
    "PACKAGES",
    "AssetError",
    "cache_dir",
    "install",
    "main",
    "missing",
    "registry_download",
]

COMMAND = "python -m dashboards.install_assets"
"""What a user runs (with the dashboard's Python) to fetch the bundles."""

PACKAGES: tuple[tuple[str, str], ...] = (
    ("@widgetti/solara-vuetify-app", "10.1.1"),
    ("@widgetti/solara-vuetify3-app", "5.2.0"),
    ("requirejs", "2.3.6"),
    ("@widgetti/vue-grid-layout", "2.3.13-alpha.2"),
    ("font-awesome", "4.5.0"),
    ("mermaid", "10.8.0"),
    ("katex", "0.16.9"),
    ("echarts", "5.4.0"),  # solara.FigureEcharts loads this exact version
)
"""The npm packages (name, exact version) Solara's page asks for, at the versions Solara
1.64 pins."""

DEFAULT_REGISTRY = "https://registry.npmjs.org"
TIMEOUT_S = 120.0
MARKER = ".complete"

Download = Callable[[str, str], bytes]
"""(package name, version) -> the package's verified ``.tgz`` bytes."""


class AssetError(RuntimeError):
    """A package that could not be fetched or unpacked (the message names it and why)."""


def cache_dir() -> Path:
    """Solara's proxy cache folder for this Python (what the server will read)."""
    import solara.server.settings as solara_settings

    return Path(solara_settings.assets.proxy_cache_dir)


def _folder(cache: Path, name: str, version: str) -> Path:
    return cache / f"{name}@{version}"


def missing(cache: Path, packages: Iterable[tuple[str, str]] = PACKAGES) -> list[str]:
    """``name@version`` of every package not completely unpacked in ``cache``."""
    return [
        f"{name}@{version}"
        for name, version in packages
        if not (_folder(cache, name, version) / MARKER).is_file()
    ]


def _get(url: str) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_S) as response:
            return response.read()
    except OSError as e:
        raise AssetError(f"{url}: {e}") from e


def check_integrity(spec: str, data: bytes, integrity: str) -> None:
    """Raise unless ``data`` has the registry's ``sha512-<base64>`` digest."""
    algorithm, _, expected = integrity.partition("-")
    if algorithm != "sha512" or not expected:
        raise AssetError(f"{spec}: the registry gives no sha512 integrity ({integrity!r})")
    actual = base64.b64encode(hashlib.sha512(data).digest()).decode()
    if actual != expected:
        raise AssetError(f"{spec}: the tarball's sha512 is {actual}, the registry says {expected}")


def registry_download(registry: str = DEFAULT_REGISTRY) -> Download:
    """Fetch a package's tarball from an npm registry, checked against its published sha512."""
    base = registry.rstrip("/")

    def download(name: str, version: str) -> bytes:
        spec = f"{name}@{version}"
        try:
            dist = json.loads(_get(f"{base}/{name}/{version}"))["dist"]
            url, integrity = dist["tarball"], dist["integrity"]
        except (ValueError, KeyError, TypeError) as e:
            raise AssetError(f"{spec}: no tarball and integrity in {base}'s answer ({e})") from e
        data = _get(url)
        check_integrity(spec, data, integrity)
        return data

    return download


def _unpack(spec: str, tgz: bytes, target: Path) -> None:
    """Unpack an npm tarball's one top folder (``package/``) into ``target``; tarfile's
    ``data`` filter refuses absolute paths, ``..`` and links that leave the folder."""
    try:
        with tarfile.open(fileobj=io.BytesIO(tgz), mode="r:gz") as archive:
            members = []
            for member in archive.getmembers():
                _, _, rest = member.name.partition("/")
                if rest:
                    member.name = rest
                    members.append(member)
            archive.extractall(target, members=members, filter="data")
    except (tarfile.TarError, OSError) as e:
        raise AssetError(f"{spec}: cannot unpack its tarball into {target} ({e})") from e


def install(
    cache: Path,
    download: Download,
    packages: Iterable[tuple[str, str]] = PACKAGES,
    say: Callable[[str], object] = print,
) -> list[str]:
    """Fetch and unpack every package not yet complete in ``cache``; return the ``name@version``
    of those fetched. A package appears in its folder whole or not at all."""
    fetched = []
    cache.mkdir(parents=True, exist_ok=True)  # a folder that cannot be written fails before a fetch
    for name, version in packages:
        spec = f"{name}@{version}"
        target = _folder(cache, name, version)
        if (target / MARKER).is_file():
            continue
        say(f"solara assets: {spec}")
        tgz = download(name, version)
        partial = target.with_name(target.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        _unpack(spec, tgz, partial)
        (partial / MARKER).touch()
        shutil.rmtree(target, ignore_errors=True)
        partial.rename(target)
        fetched.append(spec)
    return fetched


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog=COMMAND,
        description="Fetch Solara's front-end bundles from the npm registry into Solara's "
        "proxy cache, so the dashboard renders offline.",
    )
    parser.add_argument(
        "--cache",
        type=Path,
        metavar="DIR",
        help="proxy cache folder (default: Solara's, <venv>/share/solara/cdn)",
    )
    parser.add_argument(
        "--registry",
        default=os.environ.get("NPM_CONFIG_REGISTRY") or DEFAULT_REGISTRY,
        metavar="URL",
        help=f"npm registry (default $NPM_CONFIG_REGISTRY or {DEFAULT_REGISTRY})",
    )
    args = parser.parse_args(argv)
    cache = args.cache if args.cache is not None else cache_dir()
    try:
        install(cache, registry_download(args.registry))
    except AssetError as e:
        print(f"{COMMAND}: {e}", file=sys.stderr)
        return 1
    except OSError as e:  # a cache folder this user cannot write (a system-wide Python)
        print(
            f"{COMMAND}: cannot write into {cache} ({e.strerror or e}): give a folder of yours "
            "with --cache DIR and serve with SOLARA_ASSETS_PROXY_CACHE_DIR=DIR",
            file=sys.stderr,
        )
        return 1
    print(f"solara assets ready in {cache}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
