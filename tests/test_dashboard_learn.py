"""The Learn view shows every section of ODD.md that its text refers to (issue 11, defect 9:
it pointed at sections it did not show)."""

from __future__ import annotations

import re

import ipyvuetify as v
import solara
from dashboard_widgets import page_text

from dashboards.learn_view import LearnView, learn_text, referenced_sections


def test_every_section_the_text_refers_to_is_shown():
    text = learn_text()
    numbers = set(re.findall(r"\bsections? (\d+)\b", text, flags=re.I))
    shown = {heading.split(".")[0] for heading, _ in referenced_sections(text)}
    assert numbers <= shown | set(re.findall(r"^#+\s+(\d+)\.", text, flags=re.M))
    box, rc = solara.render(LearnView(), handle_error=False)
    try:
        panels = rc.find(v.ExpansionPanelHeader).widgets
        titles = " ".join(str(c) for p in panels for c in p.children)
        for number in numbers:
            assert f"Section {number}." in titles, titles
        assert "Reading guide" in page_text(box)
    finally:
        rc.close()
