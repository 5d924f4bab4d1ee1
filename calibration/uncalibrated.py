"""A calibration's scenario without any calibration in it: for an out-of-sample hindcast.

The baseline extends ``data/calibrated/calibrated_parameters.toml``, the shipped calibration,
which was fitted to every target, the hindcast's test figures included. A training fit that
started from those values (or ran its candidates on a scenario that keeps them for the names
it does not fit) would carry the test period into the training. :func:`uncalibrated_scenario`
reads the calibration file's scenario again and follows its ``extends`` chain as the loader
does, leaving out every layer that is a calibration's output (a file named
``calibrated_parameters.toml``, the name ``corridors calibrate`` writes and ``--install``
ships): each value the calibration set falls back to what the scenario's own files say, else
to the declared default. The calibration file's ``end`` and ``people_per_agent`` apply as
they do in :func:`calibration.config.load_config`.

The chain was already checked (reach, length, loops) when the calibration file was loaded;
here it is only followed again.
"""

from __future__ import annotations

from pathlib import Path

from scenarios.errors import ScenarioError
from scenarios.extends import FOLDER, PRESET_DIR, is_preset_reference, merge
from scenarios.scenario import Scenario, scenario_from_dict
from scenarios.tomlfile import read_toml_text

from .config import CalibrationConfig

__all__ = ["CALIBRATION_LAYER", "calibration_layers", "uncalibrated_scenario"]

CALIBRATION_LAYER = "calibrated_parameters.toml"
"""The file name of a calibration's scenario fragment (written by ``corridors calibrate``)."""


def _scenario_file(config: CalibrationConfig) -> Path:
    ref = config.raw.get("scenario", "baseline")
    if is_preset_reference(ref):
        return PRESET_DIR / f"{ref}.toml"
    return Path(config.source_file).parent / ref


def _layers(path: Path) -> list[tuple[Path, dict]]:
    """The scenario file and every file it extends, the file itself first."""
    layers: list[tuple[Path, dict]] = []
    current: Path | None = path
    while current is not None:
        data = read_toml_text(current, str(current), "scenario")
        layers.append((current.resolve(), data))
        ref = data.get("extends")
        if ref is None:
            current = None
        elif is_preset_reference(ref):
            current = PRESET_DIR / f"{ref}.toml"
        else:
            current = current.parent / ref
    return layers


def calibration_layers(config: CalibrationConfig) -> list[Path]:
    """The calibration files the configuration's scenario extends (left out of the
    uncalibrated scenario)."""
    return [p for p, _ in _layers(_scenario_file(config)) if p.name == CALIBRATION_LAYER]


def uncalibrated_scenario(config: CalibrationConfig) -> Scenario:
    """The configuration's scenario with every calibration layer left out, at the
    configuration's end and scale."""
    path = _scenario_file(config)
    layers = _layers(path)
    kept = [data for p, data in layers if p.name != CALIBRATION_LAYER]
    if not kept:
        raise ScenarioError(
            config.source_file,
            "scenario",
            config.raw.get("scenario", "baseline"),
            f"a scenario that is not itself a calibration's {CALIBRATION_LAYER}",
        )
    merged = {k: v for k, v in kept[-1].items() if k != "extends"}
    for data in reversed(kept[:-1]):
        merged = merge(merged, {k: v for k, v in data.items() if k != "extends"})
    if layers[0][1].get("name") is None:  # as the loader names a scenario that extends another
        merged.pop("name", None)
    scenario = scenario_from_dict(merged, source_file=str(path), extends=FOLDER)
    return scenario.with_values(
        end=config.scenario.to_dict()["settings"]["end"],
        people_per_agent=config.scenario.people_per_agent,
        seed=config.scenario.seed,
    )
