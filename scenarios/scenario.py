"""Scenario: world, levers, drivers, parameters and run settings of one run, validated and
frozen.

A scenario file is TOML::

    name = "crackdown"
    description = "Enforcement plus employer sanctions"
    [settings]
    seed = 7
    end = "2030-12"
    people_per_agent = 500
    [world]
    destinations = ["THA", "MYS", "SGP", "JPN"]
    origins = ["KHM", "LAO", "MMR", "VNM", "IDN", "ROW"]  # ROW (rest of the world): off by default
    [levers]
    enforcement_monthly_arrest_probability = { all = 0.004, MYS = 0.012 }
    recruitment_fee_cap_usd = 300
    [drivers]
    border_closure_start = { THA = ["2020-04"] }
    [parameters]
    nest_scale = 0.6

A scoped value is either one value for every country (or corridor) or a table keyed by country
code ("MYS") or corridor ("MMR-THA"), with ``all`` for the rest. Anything else is an error that
names the file, the key, the value and what is allowed.

Why not ``mesa.experimental.scenarios.Scenario``: Mesa's class is mutable and keeps a
class-level id counter (global state that leaks between batch runs and dashboard sessions);
ours is frozen and validated. It stays compatible in use: ``MigrationModel(scenario=...,
rng=...)``.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .calendar import FIRST_MONTH, LAST_MONTH, month_index, month_label
from .declarations import FROM_WORLD_DATA, Declaration
from .door_at_start import check_door_at_start
from .errors import HIDDEN, ScenarioError
from .extends import (
    FOLDER,
    PRESET_DIR,
    PRESETS,
    expand,
    is_preset_reference,
    preset_names,
    set_by_user,
)
from .registry import DECLARATIONS, SECTION_OF, SECTIONS
from .tomlfile import check_depth, parse_toml, read_toml_text
from .world import (
    World,
    available_destinations,
    available_origins,
    default_destinations,
    default_origins,
    load_world,
)

__all__ = [
    "PRESET_DIR",
    "Scenario",
    "load_scenario",
    "preset_names",
    "scenario_from_dict",
    "scenario_from_upload",
]

_TOP_KEYS = {"name", "description", "policy_source", "extends", "world", *SECTIONS}
_CORRIDOR_FIELD = {
    "regular_processing_months": "regular_processing_months",
    "regular_official_fee_usd": None,  # derived: (1 - agency share) x regular cost
    "remittance_cost_pct": "remittance_cost_pct",
}


@dataclass(frozen=True)
class Scenario:
    """A validated, resolved scenario. ``values[name]`` is a plain value for global
    declarations and a read-only mapping key -> value for scoped ones, with every key of the
    world filled in."""

    name: str
    description: str
    world: World
    values: MappingProxyType
    source_file: str = "<defaults>"
    policy_source: str = ""
    raw: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))

    # ---- access ------------------------------------------------------------------------
    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    @property
    def seed(self) -> int:
        """Seed of the run's random streams (same seed, same results)."""
        return int(self.values["seed"])

    @property
    def end(self) -> int:
        """Index of the last simulated month (0 = 2010-01)."""
        return int(self.values["end"])

    @property
    def n_months(self) -> int:
        """Number of simulated months, 2010-01 to the end month included."""
        return self.end + 1

    @property
    def people_per_agent(self) -> float:
        """People one worker agent stands for (the scale: coarser is faster, noisier)."""
        return float(self.values["people_per_agent"])

    # ---- derivation --------------------------------------------------------------------
    def with_values(self, **overrides: Any) -> Scenario:
        """A new scenario with some values replaced (validated like a file)."""
        data = self.to_dict(resolved=False)
        for name, value in overrides.items():
            if name not in DECLARATIONS:
                raise ScenarioError(
                    "<override>", name, value, "a declared lever, driver, parameter or setting"
                )
            if name == "end" and isinstance(value, int):
                value = month_label(value)
            data.setdefault(SECTION_OF[name], {})[name] = value
        return scenario_from_dict(data, source_file=f"{self.source_file} (+overrides)")

    def to_dict(self, resolved: bool = True) -> dict:
        """TOML-ready dict. ``resolved=True`` writes every value for every key; otherwise only
        what the scenario file set."""
        if not resolved:
            return json.loads(json.dumps(dict(self.raw)))
        out: dict[str, Any] = {"name": self.name, "description": self.description}
        if self.policy_source:
            out["policy_source"] = self.policy_source
        out["world"] = {"destinations": list(self.world.destinations)}
        if self.world.origins != default_origins():  # written only when not the default
            out["world"]["origins"] = list(self.world.origins)
        for section, decls in SECTIONS.items():
            out[section] = {d.name: _plain(d, self.values[d.name]) for d in decls}
        out["settings"]["end"] = month_label(self.end)
        return out

    def __reduce__(self):
        """Pickle as the resolved dict (read-only mappings do not pickle), so scenarios travel
        to worker processes and cluster nodes unchanged."""
        return (scenario_from_dict, (self.to_dict(resolved=True), self.source_file))

    def digest(self) -> str:
        """Stable hash of the resolved scenario (for manifests and caches)."""
        text = json.dumps(self.to_dict(resolved=True), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def _plain(decl: Declaration, value: Any) -> Any:
    if isinstance(value, MappingProxyType):
        return {k: _plain(decl, v) for k, v in value.items()}
    if decl.kind == "months":
        return [month_label(m) for m in value]
    return value


# ---- loading ----------------------------------------------------------------------------
def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file. A bare name (``"baseline"``: no folder, no
    ``.toml``) is a shipped preset; anything else is a path, so a file in the working folder
    never shadows a preset (write ``./crackdown`` for a file named ``crackdown``)."""
    text = str(path)
    if isinstance(path, str) and is_preset_reference(path):
        if path not in preset_names():
            raise ScenarioError(
                text,
                "(file)",
                text,
                f"a shipped preset name ({', '.join(preset_names())}) or a "
                "scenario file path (ending in .toml or with a folder, as in "
                "./name)",
            )
        p = PRESET_DIR / f"{path}.toml"
    else:
        p = Path(path)
    if not p.is_file():
        raise ScenarioError(
            text,
            "(file)",
            text,
            f"an existing TOML scenario file or a preset name ({', '.join(preset_names())})",
        )
    data = read_toml_text(p, str(p), "scenario")
    return scenario_from_dict(data, source_file=str(p), extends=FOLDER)


def scenario_from_upload(raw: bytes, filename: str = "<uploaded>") -> Scenario:
    """A scenario file uploaded through the dashboard: the bytes as received and the name the
    browser gave. Size, encoding, syntax and nesting are checked like a file; ``extends`` may
    name shipped presets only (an upload has no folder of its own on the server)."""
    name = Path(str(filename)).name or "<uploaded>"
    data = parse_toml(bytes(raw), name)
    return scenario_from_dict(data, source_file=name, extends=PRESETS)


def scenario_from_dict(data: dict, source_file: str = "<dict>", extends: str = PRESETS) -> Scenario:
    """Validate a scenario given as a dict (the parsed TOML).

    ``extends = "baseline"`` in the data starts from that scenario and overlays this one:
    tables merge key by key, other values replace. What it may name depends on ``extends``:
    ``"presets"`` (the default, for data without a folder: uploads, dicts) allows shipped
    presets only; ``"folder"`` (for a file read from disk, ``source_file`` being its path)
    also allows ``.toml`` files inside that file's folder tree (see :mod:`scenarios.extends`).
    """
    f = source_file
    if extends not in (PRESETS, FOLDER):
        raise ValueError(f"extends must be {PRESETS!r} or {FOLDER!r}, not {extends!r}")
    if not isinstance(data, dict):
        raise ScenarioError(f, "(top level)", HIDDEN, "a table")
    check_depth(data, f)
    own = data
    data, extended = expand(data, f, extends)
    if own.get("name") is None:  # a scenario that extends another is not named after it
        data.pop("name", None)
    try:
        return _validated(data, f)
    except ScenarioError as exc:
        if extended and not set_by_user(own, exc.key):
            # the value came from an extended file: name the key, never quote the value
            raise ScenarioError(
                f"{f} (a value from the file it extends)", exc.key, HIDDEN, exc.allowed
            ) from None
        raise


def _validated(data: dict, f: str) -> Scenario:
    for key in data:
        if key not in _TOP_KEYS:
            raise ScenarioError(f, key, data[key], f"one of the top-level keys {sorted(_TOP_KEYS)}")
    name = data.get("name", Path(f).stem if f.endswith(".toml") else "scenario")
    description = data.get("description", "")
    policy_source = data.get("policy_source", "")
    for key, val in (
        ("name", name),
        ("description", description),
        ("policy_source", policy_source),
    ):
        if not isinstance(val, str):
            raise ScenarioError(f, key, val, "a string")

    world = _world_from(f, data.get("world", {}))
    values: dict[str, Any] = {}
    for section, decls in SECTIONS.items():
        given = data.get(section, {})
        if not isinstance(given, dict):
            raise ScenarioError(f, section, given, "a table of values")
        names = {d.name for d in decls}
        for key in given:
            if key not in names:
                other = SECTION_OF.get(key)
                hint = (
                    f"'{key}' belongs in [{other}]"
                    if other
                    else f"one of: {', '.join(sorted(names))}"
                )
                raise ScenarioError(f, f"{section}.{key}", given[key], hint)
        for d in decls:
            values[d.name] = _resolve(
                f, section, d, given.get(d.name), world, has_value=d.name in given
            )
    _resolve_world_data_levers(values, world)
    check_door_at_start(values, world, f)
    return Scenario(
        name=name,
        description=description,
        world=world,
        values=MappingProxyType(values),
        source_file=f,
        policy_source=policy_source,
        raw=MappingProxyType(json.loads(json.dumps(data, default=str))),
    )


def _world_from(f: str, table: Any) -> World:
    if not isinstance(table, dict):
        raise ScenarioError(f, "world", table, "a table")
    for key in table:
        if key not in ("destinations", "origins"):
            raise ScenarioError(f, f"world.{key}", table[key], "only 'destinations' or 'origins'")
    dests = _codes(f, "destinations", table, default_destinations(), available_destinations())
    origins = _codes(f, "origins", table, default_origins(), available_origins())
    return load_world(dests, origins)


def _codes(
    f: str, key: str, table: dict, default: tuple[str, ...], allowed: tuple[str, ...]
) -> tuple[str, ...]:
    """The countries ``[world] <key>`` lists (default: those on by default), in the data's
    order."""
    codes = table.get(key, list(default))
    if (
        not isinstance(codes, list)
        or not codes
        or any(c not in allowed for c in codes)
        or len(set(codes)) != len(codes)
    ):
        raise ScenarioError(
            f,
            f"world.{key}",
            codes,
            f"a non-empty list of distinct codes from {list(allowed)}",
        )
    return tuple(c for c in allowed if c in codes)


FULL_WORLD = load_world(available_destinations(), available_origins())


def _keys_for(decl: Declaration, world: World) -> tuple[str, ...]:
    return {
        "origin": world.origins,
        "destination": world.destinations,
        "country": world.countries,
        "corridor": world.corridor_codes(),
        "global": (),
    }[decl.scope]


def _resolve(
    f: str, section: str, decl: Declaration, given: Any, world: World, has_value: bool
) -> Any:
    where = f"{section}.{decl.name}"
    if decl.name == "end":
        return _resolve_end(f, where, given, has_value)
    if decl.scope == "global":
        value = _check(f, where, decl, given) if has_value else decl.default
        return _months_tuple(value) if decl.kind == "months" else value
    keys = _keys_for(decl, world)
    if has_value and isinstance(given, dict):
        known = _keys_for(decl, FULL_WORLD)  # keys of countries switched off are ignored
        for k in given:
            if k != "all" and k not in known:
                raise ScenarioError(
                    f,
                    f"{where}.{k}",
                    given[k],
                    f"a key from {['all', *known]} ({decl.scope} codes)",
                )
        base = _check(f, f"{where}.all", decl, given["all"]) if "all" in given else decl.default
        per_key = {
            k: (_check(f, f"{where}.{k}", decl, given[k]) if k in given else base) for k in keys
        }
    else:
        base = _check(f, where, decl, given) if has_value else decl.default
        per_key = dict.fromkeys(keys, base)
    if decl.kind == "months":
        per_key = {k: _months_tuple(v) for k, v in per_key.items()}
    return MappingProxyType(per_key)


def _months_tuple(value: Any) -> tuple[Any, ...]:
    """Months as the model keeps them: a tuple (immutable and hashable, so a resolved
    scenario can be compared and cached), whatever sequence the file or default gave."""
    return tuple(value)


def _resolve_end(f: str, where: str, given: Any, has_value: bool) -> int:
    decl = DECLARATIONS["end"]
    if not has_value:
        assert isinstance(decl.default, int), decl.default  # declared as a month index
        return decl.default
    try:
        idx = month_index(given)
    except ValueError:
        raise ScenarioError(
            f, where, given, f'a month "YYYY-MM" from {FIRST_MONTH} to {LAST_MONTH}'
        ) from None
    if not 0 <= idx <= decl.bounds()[1]:
        raise ScenarioError(f, where, given, f"a month from {FIRST_MONTH} to {LAST_MONTH}")
    return idx


def _check_months(f: str, where: str, value: Any, allowed: str) -> tuple[int, ...]:
    """A list of "YYYY-MM" months inside the simulated span, as sorted month indices."""
    if not isinstance(value, list):
        raise ScenarioError(f, where, value, allowed)
    out = []
    for m in value:
        try:
            idx = month_index(m)
        except ValueError:
            raise ScenarioError(f, where, m, allowed) from None
        if not 0 <= idx <= DECLARATIONS["end"].bounds()[1]:
            raise ScenarioError(f, where, m, allowed)
        out.append(idx)
    return tuple(sorted(out))


def _check(f: str, where: str, decl: Declaration, value: Any) -> Any:
    """Type- and range-check one value; return it in the model's internal form."""
    allowed = decl.allowed()
    if decl.kind == "bool":
        if not isinstance(value, bool):
            raise ScenarioError(f, where, value, allowed)
        return value
    if decl.kind == "months":
        return _check_months(f, where, value, allowed)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ScenarioError(f, where, value, allowed)
    if decl.kind == "int" and not (isinstance(value, int) or float(value).is_integer()):
        raise ScenarioError(f, where, value, allowed)
    lo, hi = decl.bounds()
    if math.isnan(value) or not (lo <= value <= hi):
        raise ScenarioError(f, where, value, allowed)
    return int(value) if decl.kind == "int" else float(value)


def _resolve_world_data_levers(values: dict, world: World) -> None:
    """Fill corridor levers whose default is the world data's value."""
    agency_share = values["agency_service_fee_share"]
    for name, attr in _CORRIDOR_FIELD.items():
        current = dict(values[name])
        for c in world.corridors:
            if current[c.code] == FROM_WORLD_DATA:
                current[c.code] = (
                    float(getattr(c, attr))
                    if attr
                    else float(c.regular_cost_usd * (1.0 - agency_share))
                )
        values[name] = MappingProxyType(current)
