"""Which configuration a run folder's runs belong to (``DIR/config.json``).

``corridors calibrate`` and ``corridors emulate`` resume in the same folder: finished model
runs, evaluations and stages are kept and not run again. They are kept by point, seed or
stage name, not by the model they ran, so a rerun after the calibration file changed (a
``[fixed]`` value, a range, a target file, the scale) would mix results of two models
without a word. Each command records the file's data (``CalibrationConfig.raw``, with any
command-line scale) in ``config.json`` when it starts, and :func:`check_same_configuration`
refuses a folder whose recorded configuration differs in anything but what the command
allows to change on a resume (``ignore``: a budget that may grow, such as the MSM's
evaluations or ABC's generations, or a section the command does not read).
"""

from __future__ import annotations

import json
from pathlib import Path

from corridors.atomic import write_text_atomic
from scenarios.errors import ScenarioError

__all__ = ["FOLDER_CONFIG", "check_same_configuration", "differing_keys", "record_configuration"]

FOLDER_CONFIG = "config.json"
"""The file in a run folder that records the configuration of its runs."""


def _flat(raw: dict) -> dict[str, object]:
    """One level of dotted keys (``msm.max_evaluations``), values as JSON gives them back."""
    plain = json.loads(json.dumps(raw, default=str))
    out: dict[str, object] = {}
    for key, value in plain.items():
        if isinstance(value, dict):
            out.update({f"{key}.{k}": v for k, v in value.items()})
        else:
            out[key] = value
    return out


def differing_keys(kept: dict, now: dict, ignore: frozenset[str] = frozenset()) -> list[str]:
    """The dotted keys whose values differ between two configurations' data, leaving out
    ``ignore`` (a dotted key, or a section name for all its keys)."""
    a, b = _flat(kept), _flat(now)

    def ignored(key: str) -> bool:
        return key in ignore or key.split(".")[0] in ignore

    return sorted(k for k in set(a) | set(b) if not ignored(k) and a.get(k) != b.get(k))


def check_same_configuration(
    path: Path,
    now: dict,
    source_file: str,
    ignore: frozenset[str] = frozenset(),
    entry: str | None = None,
) -> bool:
    """Refuse (ScenarioError naming the file and the differing keys) a recorded
    configuration that differs from ``now``; True if ``path`` recorded one (the same), False
    if it holds none. ``entry``: the key under which ``path`` keeps it (a ``summary.json``'s
    ``config``), else the whole file."""
    path = Path(path)
    if not path.exists():
        return False
    kept = json.loads(path.read_text())
    if entry is not None:
        kept = kept.get(entry)
    if not isinstance(kept, dict):
        return False
    differ = differing_keys(kept, now, ignore)
    if differ:
        raise ScenarioError(
            str(path),
            "config",
            ", ".join(differ),
            f"the runs of {source_file} as given (these keys differ from the ones this "
            "folder's runs were made with); use another --out",
        )
    return True


def record_configuration(folder: Path, now: dict) -> None:
    """Write ``now`` as the folder's :data:`FOLDER_CONFIG` (atomically)."""
    write_text_atomic(Path(folder) / FOLDER_CONFIG, json.dumps(now, indent=1, default=str))
