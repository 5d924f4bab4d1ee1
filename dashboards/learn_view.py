"""The Learn view: what the model is, how it works, what to notice, things to try, drawn
from ODD.md (its reading guide for students and its process overview)."""

from __future__ import annotations

import re
from pathlib import Path

import solara

__all__ = ["LearnView", "learn_text"]

# the repository's ODD.md, or the copy packed into the wheel beside this module
ODD = next((p for p in (Path(__file__).resolve().parent.parent / "ODD.md",
                        Path(__file__).resolve().parent / "ODD.md") if p.is_file()),
           Path(__file__).resolve().parent.parent / "ODD.md")
SECTIONS = ("Reading guide for students", "Process overview and scheduling")


def _section(text: str, title: str) -> str:
    """The Markdown section whose heading contains ``title`` (up to the next heading of the
    same or a higher level)."""
    match = re.search(rf"^(#+)\s+[^\n]*{re.escape(title)}[^\n]*$", text, flags=re.M | re.I)
    if not match:
        return ""
    level = len(match.group(1))
    rest = text[match.end():]
    end = re.search(rf"^#{{1,{level}}}\s", rest, flags=re.M)
    return match.group(0) + (rest[: end.start()] if end else rest)


def learn_text() -> str:
    text = ODD.read_text(encoding="utf-8") if ODD.exists() else ""
    parts = [_section(text, title) for title in SECTIONS]
    body = "\n\n".join(p for p in parts if p)
    return body or "The model documentation (ODD.md) is missing from this installation."


@solara.component
def LearnView():
    text = solara.use_memo(learn_text, dependencies=[])
    with solara.Column(style={"max-width": "60em"}):
        solara.Markdown(text)
        solara.Markdown("The full description of the model, in the ODD protocol, is "
                        "`ODD.md` in the project folder.")
