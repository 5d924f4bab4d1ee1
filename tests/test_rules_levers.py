"""The typed lever arrays (``simulation.policy.LeverArrays``) match the declarations exactly.

Adding a lever, driver or parameter to ``scenarios/`` without a field of the same name and
type in ``LeverArrays`` (or the reverse) fails here, and so does reading a declared value in
the model code any other way than through ``model.lv``.
"""

from __future__ import annotations

import dataclasses
import re
import typing
from pathlib import Path

import numpy as np
import pytest

from scenarios.registry import SECTIONS
from scenarios.scenario import load_scenario
from simulation import policy
from simulation.policy import LEVER_SECTIONS, LeverArrays, declared_lever_names, lever_arrays

ROOT = Path(__file__).resolve().parents[1]


def expected_type(decl) -> str:
    """The field annotation a declaration must have."""
    if decl.kind == "months":
        # a global list of months (``ssw_start``) is one tuple of month indices
        return "tuple[int, ...]" if decl.scope == "global" else "tuple[tuple[int, ...], ...]"
    if decl.scope == "global":
        return {"float": "float", "int": "int", "bool": "bool"}[decl.kind]
    return {"float": "FloatArray", "int": "IntArray", "bool": "BoolArray"}[decl.kind]


def test_one_field_per_declaration_in_declaration_order():
    names = [f.name for f in dataclasses.fields(LeverArrays)]
    assert names == declared_lever_names()


def test_field_types_follow_kind_and_scope():
    annotations = {f.name: f.type for f in dataclasses.fields(LeverArrays)}
    for section in LEVER_SECTIONS:
        for decl in SECTIONS[section]:
            assert annotations[decl.name] == expected_type(decl), decl.name


def test_annotations_resolve():
    hints = typing.get_type_hints(LeverArrays, vars(policy))
    assert set(hints) == set(declared_lever_names())


def test_run_settings_are_not_fields():
    names = {f.name for f in dataclasses.fields(LeverArrays)}
    assert not names & {d.name for d in SECTIONS["settings"]}


def test_values_in_world_order_frozen_and_read_only():
    scenario = load_scenario("amnesty_windows")
    lv = lever_arrays(scenario)
    w = scenario.world
    length = {
        "origin": len(w.origins),
        "destination": len(w.destinations),
        "corridor": len(w.corridors),
        "country": len(w.countries),
    }
    for section in LEVER_SECTIONS:
        for decl in SECTIONS[section]:
            value = getattr(lv, decl.name)
            if decl.scope == "global":
                assert value == scenario.values[decl.name]
                continue
            keys = {
                "origin": w.origins,
                "destination": w.destinations,
                "corridor": w.corridor_codes(),
                "country": w.countries,
            }[decl.scope]
            assert len(value) == length[decl.scope], decl.name
            for i, key in enumerate(keys):
                want = scenario.values[decl.name][key]
                got = value[i]
                assert (tuple(got) if decl.kind == "months" else got) == want, (decl.name, key)
            if decl.kind != "months":
                assert not value.flags.writeable, decl.name
                assert (
                    value.dtype
                    == {"float": np.float64, "int": np.int64, "bool": np.bool_}[decl.kind]
                )
    with pytest.raises(dataclasses.FrozenInstanceError):
        lv.contract_months = 1  # type: ignore[misc]
    with pytest.raises(ValueError):
        lv.border_control[0] = 1.0


def test_model_code_reads_declared_values_only_through_lever_arrays():
    """No ``scenario.values[...]`` (nor ``.values["..."]``) in ``simulation/`` or ``agents/``
    outside the one place that builds the lever arrays."""
    pattern = re.compile(r"\.values\[|\bvalues\s*=\s*.*scenario\.values|scenario\.values")
    allowed = {"simulation/policy.py", "simulation/metrics.py", "simulation/measures.py"}
    offenders = []
    for folder in ("simulation", "agents"):
        for path in sorted((ROOT / folder).glob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if rel in allowed:
                continue
            for n, line in enumerate(path.read_text().splitlines(), start=1):
                if pattern.search(line):
                    offenders.append(f"{rel}:{n}: {line.strip()}")
    assert offenders == []
