"""``python -m dashboards.install_assets`` (Solara's bundles for offline pages), offline: the
registry is replaced by tarballs built here, shaped like npm's (one top folder, ``package/``).
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
import tarfile
from pathlib import Path

import pytest

from dashboards.install_assets import (
    PACKAGES,
    AssetError,
    check_integrity,
    install,
    main,
    missing,
)

TWO = (("@scope/app", "1.0.0"), ("plain", "2.3.13-alpha.2"))


def tarball(files: dict[str, bytes], top: str = "package") -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(f"{top}/{name}" if top else name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


class Registry:
    """Tarballs by package, and a record of what was asked for."""

    def __init__(self, fail: str = "") -> None:
        self.asked: list[str] = []
        self.fail = fail

    def __call__(self, name: str, version: str) -> bytes:
        self.asked.append(f"{name}@{version}")
        if name == self.fail:
            raise AssetError(f"{name}@{version}: connection refused")
        return tarball({"package.json": b"{}", "dist/app.js": f"// {name} {version}".encode()})


def test_unpacks_each_package_into_its_folder_and_skips_complete_ones(tmp_path):
    registry = Registry()
    assert missing(tmp_path, TWO) == ["@scope/app@1.0.0", "plain@2.3.13-alpha.2"]
    assert install(tmp_path, registry, TWO, say=lambda _: None) == [
        "@scope/app@1.0.0",
        "plain@2.3.13-alpha.2",
    ]
    js = tmp_path / "@scope" / "app@1.0.0" / "dist" / "app.js"
    assert js.read_text() == "// @scope/app 1.0.0"  # package/ stripped
    assert (tmp_path / "plain@2.3.13-alpha.2" / ".complete").is_file()
    assert missing(tmp_path, TWO) == []
    assert install(tmp_path, registry, TWO, say=lambda _: None) == []
    assert len(registry.asked) == 2  # nothing fetched twice


def test_an_interrupted_install_leaves_no_package_half_there(tmp_path):
    """A failure on the second package: the first is complete, the second absent (not a
    half-unpacked folder the server would serve); a rerun fetches only the second."""
    with pytest.raises(AssetError, match=re.escape("plain@2.3.13-alpha.2: connection refused")):
        install(tmp_path, Registry(fail="plain"), TWO, say=lambda _: None)
    assert missing(tmp_path, TWO) == ["plain@2.3.13-alpha.2"]
    assert not (tmp_path / "plain@2.3.13-alpha.2").exists()
    # a stale .partial folder (killed while unpacking) is replaced
    (tmp_path / "plain@2.3.13-alpha.2.partial").mkdir()
    (tmp_path / "plain@2.3.13-alpha.2.partial" / "junk").write_text("x")
    again = Registry()
    install(tmp_path, again, TWO, say=lambda _: None)
    assert again.asked == ["plain@2.3.13-alpha.2"]
    assert not (tmp_path / "plain@2.3.13-alpha.2" / "junk").exists()
    assert not (tmp_path / "plain@2.3.13-alpha.2.partial").exists()


def test_a_tarball_reaching_outside_its_folder_is_refused(tmp_path):
    evil = tarball({"../../outside.txt": b"x"})

    with pytest.raises(AssetError, match=re.escape("evil@1.0.0: cannot unpack")):
        install(tmp_path / "cache", lambda n, v: evil, (("evil", "1.0.0"),), say=lambda _: None)
    assert not (tmp_path / "outside.txt").exists()
    assert missing(tmp_path / "cache", (("evil", "1.0.0"),)) == ["evil@1.0.0"]


def test_integrity_is_the_registrys_sha512():
    data = tarball({"a.js": b"1"})
    good = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    check_integrity("a@1", data, good)
    with pytest.raises(AssetError, match="a@1: the tarball's sha512 is"):
        check_integrity("a@1", data + b"tampered", good)
    with pytest.raises(AssetError, match="no sha512 integrity"):
        check_integrity("a@1", data, "sha1-abc")


def test_unreachable_registry_is_one_line_and_exit_1(tmp_path, capsys):
    # port 9 on this machine: nothing listens, the connection is refused at once
    code = main(["--cache", str(tmp_path), "--registry", "http://127.0.0.1:9"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("python -m dashboards.install_assets: http://127.0.0.1:9/")
    assert len(err.strip().splitlines()) == 1
    assert missing(tmp_path) == [f"{n}@{v}" for n, v in PACKAGES]


def test_the_shipped_list_names_exact_versions():
    """Solara asks for exact versions; a range would fetch a bundle the page does not load."""
    for name, version in PACKAGES:
        assert name and version[0].isdigit() and not set(version) & set("^~<>=* "), name
    assert len({name for name, _ in PACKAGES}) == len(PACKAGES)
    assert not any(Path(name).is_absolute() or ".." in name for name, _ in PACKAGES)


def test_a_cache_folder_that_cannot_be_written_is_one_line_and_exit_1(tmp_path, capsys):
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    code = main(["--cache", str(blocker / "cdn"), "--registry", "http://127.0.0.1:9"])
    err = capsys.readouterr().err
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert f"cannot write into {blocker / 'cdn'}" in err and "SOLARA_ASSETS_PROXY_CACHE_DIR" in err
