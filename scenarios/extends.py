"""Where ``extends`` may reach, and the merge of a scenario over the one it extends.

``extends`` names a shipped preset (a bare name: no path separator, no ``.toml`` suffix) or,
for a scenario read from a file, a ``.toml`` file inside that file's folder tree. It never
reaches an absolute path, a path out of the folder through ``..`` or a symbolic link, nor,
for a scenario that arrives without a folder (a dashboard upload, a dict), any file at all:
those may extend presets only. The checks run before the file system is asked whether a
path exists, so an error never tells whether a file outside exists.

Values read from an extended file are not the user's words: an error about them names the
file and the key, never the value (see :data:`scenarios.errors.HIDDEN`).
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import HIDDEN, ScenarioError
from .tomlfile import read_toml_text

__all__ = [
    "FOLDER",
    "MAX_EXTENDS",
    "PRESETS",
    "PRESET_DIR",
    "expand",
    "is_preset_reference",
    "preset_names",
]

PRESET_DIR = Path(__file__).parent
PRESETS = "presets"
"""Reach of a scenario without a folder: shipped presets only."""
FOLDER = "folder"
"""Reach of a scenario file: presets and ``.toml`` files inside its folder tree."""
_SHIPPED = "shipped"
"""Reach of a shipped preset: presets and the project's own ``scenarios/`` and
``calibration/`` files (the baseline extends the installed calibration)."""
_SHIPPED_ROOTS = (PRESET_DIR.resolve(), PRESET_DIR.resolve().parent / "calibration")
MAX_EXTENDS = 8
"""Longest chain of ``extends`` followed (the shipped presets use one)."""


def preset_names() -> list[str]:
    """The shipped presets, by name (the TOML files beside this module)."""
    return sorted(p.stem for p in PRESET_DIR.glob("*.toml"))


def is_preset_reference(text: str) -> bool:
    """A bare name (``crackdown``) means a preset; a path needs a ``.toml`` suffix or a
    folder (``./crackdown``), so a file in the working folder never shadows a preset."""
    separators = {"/", os.sep, os.altsep or "/"}
    return not any(s in text for s in separators) and not text.endswith(".toml")


def _allowed(reach: str) -> str:
    presets = f"a shipped preset name ({', '.join(preset_names())})"
    if reach == PRESETS:
        return f"{presets}; a scenario without a folder (an upload) may extend presets only"
    return (
        f"{presets} or a .toml file inside this scenario's folder (a relative path; "
        "no absolute path, no '..' or link out of the folder)"
    )


def _locate(
    value: object, f: str, reach: str, roots: tuple[Path, ...], quote: bool
) -> tuple[Path, bool]:
    """The file ``extends = value`` in file ``f`` names, and whether it is a preset."""
    shown = value if quote else HIDDEN
    where = f if quote else f"{f} (a file extended)"
    if not isinstance(value, str) or not value or "\0" in value:
        raise ScenarioError(where, "extends", shown, _allowed(reach))
    if is_preset_reference(value):
        if value not in preset_names():
            raise ScenarioError(where, "extends", shown, _allowed(reach))
        return PRESET_DIR / f"{value}.toml", True
    relative = Path(value)
    if (
        reach == PRESETS
        or not roots
        or relative.is_absolute()
        or relative.drive
        or not value.endswith(".toml")
    ):
        raise ScenarioError(where, "extends", shown, _allowed(reach))
    try:
        real = (Path(f).parent / relative).resolve()
    except (OSError, RuntimeError):  # a symlink loop
        raise ScenarioError(where, "extends", shown, _allowed(reach)) from None
    if not any(real.is_relative_to(root) for root in roots):
        raise ScenarioError(where, "extends", shown, _allowed(reach))
    if not real.is_file():
        raise ScenarioError(
            where, "extends", shown, "an existing .toml file inside this scenario's folder"
        )
    return real, False


def expand(data: dict, f: str, reach: str) -> tuple[dict, bool]:
    """Follow ``extends`` from ``data`` (read from ``f``): the merged dict without it, and
    whether anything was extended. Iterative, with a limit on the chain's length."""
    if "extends" not in data:
        return data, False
    roots: tuple[Path, ...] = ()
    if reach == FOLDER:
        roots = (Path(f).resolve().parent,)
        if roots[0] == PRESET_DIR.resolve():
            reach, roots = _SHIPPED, _SHIPPED_ROOTS
    layers = [data]
    seen = {Path(f).resolve()} if reach == FOLDER else set()
    current, current_file, current_reach, quote = data, f, reach, True
    while "extends" in current:
        if len(layers) > MAX_EXTENDS:
            raise ScenarioError(
                f,
                "extends",
                HIDDEN,
                f"a chain of at most {MAX_EXTENDS} scenarios extending one another",
            )
        path, is_preset = _locate(current["extends"], current_file, current_reach, roots, quote)
        if path.resolve() in seen:
            raise ScenarioError(
                f, "extends", HIDDEN, "a chain of scenarios that does not extend itself"
            )
        seen.add(path.resolve())
        # a preset is read as shipped; a file of the user's folder is the user's own
        quote_base = False
        base = read_toml_text(
            path, str(path) if is_preset else f"{f} (a file extended)", "scenario", quote=quote_base
        )
        layers.append(base)
        current, current_file, quote = base, str(path), quote_base
        if is_preset:
            current_reach, roots = _SHIPPED, _SHIPPED_ROOTS
    merged = _without_extends(layers[-1])
    for layer in reversed(layers[:-1]):
        merged = merge(merged, _without_extends(layer))
    return merged, True


def _without_extends(layer: dict) -> dict:
    return {k: v for k, v in layer.items() if k != "extends"}


def merge(base: dict, over: dict) -> dict:
    """``over`` on top of ``base``: tables merge key by key, other values replace; a
    per-country table over one value keeps that value for the other countries."""
    from .registry import DECLARATIONS

    out = dict(base)
    for key, value in over.items():
        old = out.get(key)
        if isinstance(old, dict) and isinstance(value, dict):
            out[key] = merge(old, value)
        elif (
            isinstance(value, dict)
            and old is not None
            and not isinstance(old, dict)
            and "all" not in value
            and key in DECLARATIONS
        ):
            out[key] = {"all": old, **value}  # a per-country table on top of one value
        else:
            out[key] = value
    return out


def set_by_user(data: dict, key: str) -> bool:
    """Whether the dotted ``key`` of an error (``levers.border_control.MYS``) names a value
    the user's own file set (as opposed to one from an extended file)."""
    node: object = data
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True
