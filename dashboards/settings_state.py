"""What the lever panel edits: a preset plus the user's overrides, and its TOML round trip.

Controls are generated from the declarations (never a second list of defaults): a lever's
starting value is whatever the chosen preset resolves it to.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from typing import Any

import tomli_w

from scenarios.errors import ScenarioError
from scenarios.levers import LEVERS, POLICY_GROUPS
from scenarios.registry import DECLARATIONS, SECTION_OF
from scenarios.scenario import Scenario, load_scenario, preset_names, scenario_from_dict

__all__ = ["PanelSettings", "grouped_levers", "settings_from_toml"]

DRIVER_GROUP = "drivers"


@dataclass(frozen=True)
class PanelSettings:
    """A preset and the values the user changed (name -> value or {key: value})."""

    preset: str = "baseline"
    overrides: dict = field(default_factory=dict)
    end: str = "2019-12"
    people_per_agent: float = 500.0
    uploaded: dict | None = None  # a scenario loaded from a file, used instead of the preset

    def base(self) -> Scenario:
        if self.uploaded is not None:
            return scenario_from_dict(self.uploaded, source_file="<uploaded>")
        return load_scenario(self.preset)

    def scenario(self) -> Scenario:
        """The scenario these settings describe (validated)."""
        values = {"end": self.end, "people_per_agent": self.people_per_agent}
        base = self.base()
        for name, value in self.overrides.items():
            if isinstance(value, dict):
                merged = dict(base[name])
                merged.update(value)
                value = {k: _plain(name, v) for k, v in merged.items()}
            values[name] = _plain(name, value)
        return base.with_values(**values)

    def with_override(self, name: str, value: Any, key: str | None = None) -> PanelSettings:
        overrides = dict(self.overrides)
        if key is None:
            overrides[name] = value
        else:
            current = overrides.get(name)
            if isinstance(current, dict):
                table = dict(current)
            elif current is not None:  # one value for every country set before
                table = dict.fromkeys(self.base()[name], current)
            else:
                table = {}
            table[key] = value
            overrides[name] = table
        return PanelSettings(self.preset, overrides, self.end, self.people_per_agent,
                             self.uploaded)

    def with_preset(self, preset: str) -> PanelSettings:
        return PanelSettings(preset, {}, self.end, self.people_per_agent, None)

    def reset(self) -> PanelSettings:
        """Drop the user's changes: back to the preset, or to the uploaded scenario."""
        return PanelSettings(self.preset, {}, self.end, self.people_per_agent, self.uploaded)

    def to_toml(self) -> str:
        """The current settings as a scenario file (everything resolved)."""
        data = self.scenario().to_dict(resolved=True)
        data["name"] = f"{data['name']}_custom" if self.overrides else data["name"]
        return tomli_w.dumps(data)


def _plain(name: str, value: Any) -> Any:
    decl = DECLARATIONS[name]
    if decl.kind == "months" and isinstance(value, tuple | list):
        from scenarios.calendar import month_label

        return [v if isinstance(v, str) else month_label(v) for v in value]
    return value


def settings_from_toml(data: bytes, filename: str = "<uploaded>") -> PanelSettings:
    """Panel settings from an uploaded scenario file (validated like any scenario file)."""
    try:
        parsed = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ScenarioError(filename, "(syntax)", str(exc), "a UTF-8 TOML scenario file") \
            from exc
    scenario = scenario_from_dict(parsed, source_file=filename)
    end = scenario.to_dict()["settings"]["end"]
    return PanelSettings(preset=scenario.name, overrides={}, end=end,
                         people_per_agent=scenario.people_per_agent, uploaded=parsed)


def grouped_levers() -> list[tuple[str, list]]:
    """Levers by row of the source's policy matrix (plus enforcement and regional rows),
    then the exogenous drivers."""
    groups = [(g, [d for d in LEVERS if d.group == g]) for g in POLICY_GROUPS]
    drivers = [d for d in DECLARATIONS.values() if SECTION_OF[d.name] == "drivers"]
    return [(g, ds) for g, ds in groups if ds] + [(DRIVER_GROUP, drivers)]


def presets() -> list[str]:
    return preset_names()
