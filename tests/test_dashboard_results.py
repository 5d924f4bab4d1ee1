"""The Results view, rendered without a browser."""

from __future__ import annotations

import ipyvuetify as v
import solara
from dashboard_widgets import page_text

from dashboards.results_view import ResultsView
from scenarios.drivers import DRIVERS
from scenarios.levers import LEVERS

PANEL_DECLS = (*LEVERS, *DRIVERS)
SMALL = {"end": "2011-12", "people_per_agent": 5000.0}
ENFORCEMENT = "enforcement_monthly_arrest_probability"


# ---- results view -------------------------------------------------------------------------
def test_building_the_comparison_report_shows_it(tmp_path):
    import tomli_w

    from corridors.batch import run_batch
    from corridors.batchspec import load_batch

    spec = tmp_path / "tiny.toml"
    spec.write_text(
        tomli_w.dumps(
            {
                "name": "tiny",
                "scenarios": ["baseline", "crackdown"],
                "replicates": 1,
                "root_seed": 3,
                "settings": {"end": "2011-12", "people_per_agent": 10000},
            }
        )
    )
    run_batch(load_batch(spec), tmp_path / "tiny", serial=True, progress=False)
    box, rc = solara.render(ResultsView(), handle_error=False)
    try:
        field = rc.find(v.TextField).widget
        field.v_model = str(tmp_path / "tiny")
        field.fire_event("keyup.enter", None)
        assert "2 finished runs" in page_text(box)
        rc.find(v.Btn, children=["Build the comparison report"]).widget.click()
        assert (tmp_path / "tiny" / "compare" / "report.md").is_file()
        assert "Headline indicators" in page_text(box)
    finally:
        rc.close()
