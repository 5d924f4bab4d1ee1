"""The Learn view: what the model is, how it works, what to notice, things to try, drawn
from ODD.md (its reading guide for students and its process overview)."""

from __future__ import annotations

import re
from pathlib import Path

import solara

__all__ = ["LearnView", "learn_text", "referenced_sections"]

# the repository's ODD.md, or the copy packed into the wheel beside this module
ODD = next(
    (
        p
        for p in (
            Path(__file__).resolve().parent.parent / "ODD.md",
            Path(__file__).resolve().parent / "ODD.md",
        )
        if p.is_file()
    ),
    Path(__file__).resolve().parent.parent / "ODD.md",
)
SECTIONS = ("Reading guide for students", "Process overview and scheduling")


def _section(text: str, title: str) -> str:
    """The Markdown section whose heading contains ``title`` (up to the next heading of the
    same or a higher level)."""
    match = re.search(rf"^(#+)\s+[^\n]*{re.escape(title)}[^\n]*$", text, flags=re.M | re.I)
    if not match:
        return ""
    level = len(match.group(1))
    rest = text[match.end() :]
    end = re.search(rf"^#{{1,{level}}}\s", rest, flags=re.M)
    return match.group(0) + (rest[: end.start()] if end else rest)


def learn_text() -> str:
    text = ODD.read_text(encoding="utf-8") if ODD.exists() else ""
    parts = [_section(text, title) for title in SECTIONS]
    body = "\n\n".join(p for p in parts if p)
    return body or "The model documentation (ODD.md) is missing from this installation."


def referenced_sections(shown: str) -> list[tuple[str, str]]:
    """The numbered ODD sections that ``shown`` refers to ("section 14") as (heading,
    Markdown body), so the view can show them too instead of pointing at a file."""
    text = ODD.read_text(encoding="utf-8") if ODD.exists() else ""
    found = []
    for number in dict.fromkeys(re.findall(r"\bsections? (\d+)\b", shown, flags=re.I)):
        section = _section(text, f"{number}. ")
        if section and section not in shown:
            heading, _, body = section.partition("\n")
            found.append((heading.lstrip("#").strip(), body))
    return found


@solara.component
def LearnView():
    text = solara.use_memo(learn_text, dependencies=[])
    referenced = solara.use_memo(lambda: referenced_sections(text), dependencies=[text])
    with solara.Column(style={"max-width": "60em"}):
        solara.Markdown(text)
        for heading, body in referenced:
            with solara.Details(summary=f"Section {heading}"):
                solara.Markdown(body)
        solara.Markdown(
            "The full description of the model, in the ODD protocol, is "
            "`ODD.md` in the project folder."
        )
