"""What the lever panel edits: a preset plus the user's overrides, and its TOML round trip.

Controls are generated from the declarations (never a second list of defaults): a lever's
starting value is whatever the chosen preset resolves it to.
"""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from dataclasses import dataclass, field
from typing import Any

import tomli_w

from scenarios.errors import ScenarioError
from scenarios.levers import LEVERS, POLICY_GROUPS
from scenarios.registry import DECLARATIONS, SECTION_OF
from scenarios.scenario import (
    Scenario,
    load_scenario,
    preset_names,
    scenario_from_dict,
    scenario_from_upload,
)
from scenarios.tomlfile import parse_toml

__all__ = [
    "END_CHOICES",
    "NOT_IN_PANEL",
    "SCALE_CHOICES",
    "PanelSettings",
    "grouped_levers",
    "load_upload",
    "settings_from_query",
    "settings_from_toml",
]

DRIVER_GROUP = "drivers"
NOT_IN_PANEL = frozenset({"initial_forced_returns_per_month"})
"""Drivers the panel does not offer: the revolving door at the start is an initial condition
that a corridor's initial irregular stock bounds (most of its declared range is refused on
small corridors, with an error), set from a count in scenario files and calibration
configurations (ODD 5 item 2b), not a condition a policymaker moves."""
END_CHOICES = [f"{y}-12" for y in range(2011, 2036)]
SCALE_CHOICES = [250.0, 500.0, 1000.0, 2000.0, 5000.0]
"""People per agent the dashboard offers. 250 is the finest: one session's runs then stay
within about a second a simulated year on two cores and a few hundred MB (finer scales are
for ``corridors run`` and batches, where the user chooses the machine)."""
FINEST_SCALE = SCALE_CHOICES[0]
MAX_QUERY_CHARS = 6000
"""Longest settings link; an uploaded scenario too large for it is left out of the link."""
MAX_LINK_BYTES = 1 << 20
"""Most a settings link may unpack to."""


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
        return PanelSettings(self.preset, overrides, self.end, self.people_per_agent, self.uploaded)

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

    def to_query(self) -> str:
        """These settings as a compact URL-safe token (for the page's address), so a reload
        or a shared link opens the same levers. Empty for the defaults."""
        if self == PanelSettings():
            return ""
        state: dict[str, Any] = {
            "p": self.preset,
            "e": self.end,
            "s": self.people_per_agent,
            "o": self.overrides,
        }
        if self.uploaded is not None:
            state["u"] = self.uploaded
        token = _encode(state)
        if len(token) > MAX_QUERY_CHARS and self.uploaded is not None:
            del state["u"]  # too long for a link: the link keeps the levers only
            state["p"] = "baseline"
            token = _encode(state)
        return token


def _plain(name: str, value: Any) -> Any:
    decl = DECLARATIONS[name]
    if decl.kind == "months" and isinstance(value, tuple | list):
        from scenarios.calendar import month_label

        return [v if isinstance(v, str) else month_label(v) for v in value]
    return value


def _encode(state: dict) -> str:
    raw = json.dumps(state, separators=(",", ":"), sort_keys=True).encode("utf-8")
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode("ascii").rstrip("=")


def _check_upload(parsed: Any, filename: str) -> None:
    """An uploaded scenario may extend a shipped preset only: a file path would let a page
    reach files on the server. The value is the user's own, so it may be quoted."""
    if not isinstance(parsed, dict) or "extends" not in parsed:
        return
    base = parsed["extends"]
    if not isinstance(base, str) or base not in preset_names():
        raise ScenarioError(
            filename,
            "extends",
            base if isinstance(base, str) else "(not a name)",
            "the name of a shipped preset: " + ", ".join(preset_names()),
        )


def _bounded(settings: PanelSettings) -> tuple[PanelSettings, list[str]]:
    """Settings within what one dashboard session may ask for, and what was changed."""
    notes = []
    if settings.people_per_agent < FINEST_SCALE:
        notes.append(
            f"people per agent {settings.people_per_agent:g} is finer than the "
            f"dashboard runs; set to {FINEST_SCALE:g} (use 'corridors run' for finer "
            "scales)"
        )
        settings = PanelSettings(
            settings.preset, settings.overrides, settings.end, FINEST_SCALE, settings.uploaded
        )
    return settings, notes


def load_upload(data: bytes, filename: str = "<uploaded>") -> tuple[PanelSettings, list[str]]:
    """Panel settings from an uploaded scenario file (validated like any scenario file, may
    extend presets only), and notes on what had to change to fit the dashboard's bounds."""
    parsed = parse_toml(bytes(data), filename)  # size, encoding, syntax and nesting
    _check_upload(parsed, filename)
    scenario = scenario_from_upload(data, filename)  # extends shipped presets only
    end = scenario.to_dict()["settings"]["end"]
    return _bounded(
        PanelSettings(
            preset=scenario.name,
            overrides={},
            end=end,
            people_per_agent=scenario.people_per_agent,
            uploaded=parsed,
        )
    )


def settings_from_toml(data: bytes, filename: str = "<uploaded>") -> PanelSettings:
    """Panel settings from an uploaded scenario file (see :func:`load_upload`)."""
    return load_upload(data, filename)[0]


def settings_from_query(token: str) -> PanelSettings:
    """Settings from the page address's token (see :meth:`PanelSettings.to_query`), checked
    like an upload: a link is input from anyone."""
    where = "the page address"
    if len(token) > MAX_QUERY_CHARS:
        raise ScenarioError(
            where,
            "s",
            f"({len(token)} characters)",
            f"a settings link of at most {MAX_QUERY_CHARS} characters",
        )
    try:
        packed = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        raw = zlib.decompressobj().decompress(packed, MAX_LINK_BYTES)  # bounded: no zip bomb
        state = json.loads(raw)
    except (binascii.Error, ValueError, zlib.error, RecursionError) as exc:
        raise ScenarioError(
            where, "s", "(unreadable)", "a settings link made by this dashboard"
        ) from exc
    if not isinstance(state, dict) or not isinstance(state.get("o", {}), dict):
        raise ScenarioError(where, "s", "(unreadable)", "a settings link made by this dashboard")
    preset, uploaded = state.get("p", "baseline"), state.get("u")
    if uploaded is None and preset not in preset_names():
        raise ScenarioError(where, "preset", str(preset)[:40], "a shipped preset")
    _check_upload(uploaded, where)
    end, scale = state.get("e", "2019-12"), state.get("s", 500.0)
    if end not in END_CHOICES or scale not in SCALE_CHOICES:
        raise ScenarioError(
            where,
            "end or scale",
            f"{str(end)[:10]}, {str(scale)[:10]}",
            f"an end in {END_CHOICES[0]}..{END_CHOICES[-1]} and a scale in {SCALE_CHOICES}",
        )
    settings = PanelSettings(
        preset=preset,
        overrides=state.get("o", {}),
        end=end,
        people_per_agent=float(scale),
        uploaded=uploaded,
    )
    unknown = [k for k in settings.overrides if k not in DECLARATIONS]
    if unknown:
        raise ScenarioError(where, "lever", str(unknown[0])[:60], "a declared lever or driver")
    settings.scenario()  # validates every value (raises ScenarioError)
    return settings


def grouped_levers() -> list[tuple[str, list]]:
    """Levers by row of the source's policy matrix (plus enforcement and regional rows),
    then the exogenous drivers."""
    groups = [(g, [d for d in LEVERS if d.group == g]) for g in POLICY_GROUPS]
    drivers = [
        d
        for d in DECLARATIONS.values()
        if SECTION_OF[d.name] == "drivers" and d.name not in NOT_IN_PANEL
    ]
    return [(g, ds) for g, ds in groups if ds] + [(DRIVER_GROUP, drivers)]


def presets() -> list[str]:
    return preset_names()
