"""Markdown tables of the declarations, for ODD.md and ``corridors levers``."""

from __future__ import annotations

from scenarios.declarations import Declaration
from scenarios.levers import POLICY_GROUPS
from scenarios.registry import SECTIONS

__all__ = ["lever_table"]


def lever_table(section: str = "levers") -> str:
    decls: list[Declaration] = list(SECTIONS[section])
    if section == "levers":
        order = {g: i for i, g in enumerate(POLICY_GROUPS)}
        decls = sorted(decls, key=lambda d: order.get(d.group, len(order)))
        head = (
            "| group | lever | per | unit | default | range | what it does | stands for |\n"
            "|---|---|---|---|---|---|---|---|"
        )
        rows = [
            f"| {d.group} | `{d.name}` | {d.scope} | {d.unit} | {d.default_text()} | "
            f"{_range(d)} | {d.description} | {d.source_policy} |"
            for d in decls
        ]
    else:
        head = "| name | per | unit | default | range | meaning |\n|---|---|---|---|---|---|"
        rows = [
            f"| `{d.name}` | {d.scope} | {d.unit} | {d.default_text()} | {_range(d)} | "
            f"{d.description} |"
            for d in decls
        ]
    return "\n".join([head, *rows])


def _range(d) -> str:
    if d.kind in ("bool", "months"):
        return "on/off" if d.kind == "bool" else "YYYY-MM list"
    from scenarios.declarations import _fmt

    return f"{_fmt(d.minimum)} - {_fmt(d.maximum)}"


MARKERS = {
    "levers": "lever-table",
    "drivers": "drivers-table",
    "parameters": "parameters-table",
    "settings": "settings-table",
}


def render_document(text: str) -> str:
    """Replace every generated table in a Markdown document (between
    ``<!-- NAME:start -->`` and ``<!-- NAME:end -->``) with the current declarations."""
    from scenarios.generated_text import replace_between_markers

    for section, marker in MARKERS.items():
        text = replace_between_markers(text, marker, lever_table(section))
    return text


if __name__ == "__main__":  # python -m corridors.lever_table ODD.md  (rewrites the tables)
    import sys
    from pathlib import Path

    for name in sys.argv[1:]:
        path = Path(name)
        path.write_text(render_document(path.read_text(encoding="utf-8")), encoding="utf-8")
