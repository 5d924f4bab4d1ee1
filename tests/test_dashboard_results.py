"""The Results view, rendered without a browser: confined to the server's results root
(issue 12, item 3), rounded numbers (issue 11, defect 9), the point-estimate note."""

from __future__ import annotations

import os
import re

import ipyvuetify as v
import pandas as pd
import pytest
import solara
from dashboard_widgets import page_text
from solara.components.datatable import DataTableWidget

from dashboards.results_root import ENV, OutsideRoot, batch_folder, batch_names
from dashboards.results_tables import readable_headline, readable_stock_change
from dashboards.results_view import POINT_ESTIMATE_NOTE, ResultsView

LONG_FLOAT = re.compile(r"\d\.\d{4,}|\d{7,}")


def _tiny_batch(folder):
    import tomli_w

    from corridors.batch import run_batch
    from corridors.batchspec import load_batch

    spec = folder.parent / f"{folder.name}.toml"
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
    run_batch(load_batch(spec), folder, serial=True, progress=False)
    spec.unlink()
    return folder


@pytest.fixture(scope="module")
def batch_template(tmp_path_factory):
    return _tiny_batch(tmp_path_factory.mktemp("template") / "tiny")


@pytest.fixture
def root(tmp_path, monkeypatch, batch_template):
    """A results root holding one batch ('tiny'), beside a batch outside it ('outside')."""
    import shutil

    root = tmp_path / "results"
    root.mkdir()
    shutil.copytree(batch_template, root / "tiny")
    shutil.copytree(batch_template, tmp_path / "outside")
    monkeypatch.setenv(ENV, str(root))
    return root


def _render():
    box, rc = solara.render(ResultsView(), handle_error=False)
    return box, rc


def _choose(rc, value):
    select = rc.find(v.Select).widget
    select.v_model = value  # what the browser sends: any string a hostile page likes


def test_offers_the_batch_folders_inside_the_root_and_builds_a_rounded_report(root):
    (root / "not-a-batch").mkdir()
    box, rc = _render()
    try:
        assert rc.find(v.Select).widget.items == ["tiny"]
        assert POINT_ESTIMATE_NOTE.split(",")[0] in page_text(box)
        _choose(rc, "tiny")
        assert "2 finished runs" in page_text(box)
        rc.find(v.Btn, children=["Build the comparison report"]).widget.click()
        assert (root / "tiny" / "compare" / "report.md").is_file()
        assert "Headline indicators" in page_text(box)
        shown = " ".join(str(item) for t in rc.find(DataTableWidget).widgets for item in t.items)
        assert "%" in shown and " M USD" in shown, shown
        assert not LONG_FLOAT.search(shown), shown
        images = rc.find(v.Img).widgets
        assert len(images) == 2 and all(i.alt for i in images)
    finally:
        rc.close()


@pytest.mark.parametrize(
    "typed", ["..", "../outside", "OUTSIDE", "/", "tiny/..", "link-out", "tiny/../../outside", ""]
)
def test_nothing_outside_the_root_is_read_or_written(root, typed):
    outside = root.parent / "outside"
    (root / "link-out").symlink_to(outside, target_is_directory=True)
    typed = str(outside) if typed == "OUTSIDE" else typed
    box, rc = _render()
    try:
        assert rc.find(v.Select).widget.items == ["tiny"]  # the link is not offered
        _choose(rc, typed)
        text = page_text(box)
        assert "finished runs" not in text
        assert rc.find(v.Btn, children=["Build the comparison report"]).widgets == []
        assert "is not one of the batch folders" in text or typed == ""
    finally:
        rc.close()
    assert not (outside / "compare").exists()


def test_a_batch_holding_a_link_out_of_the_root_is_not_opened(root):
    outside = root.parent / "outside"
    (root / "tiny" / "runs" / "stolen.json").symlink_to(outside / "batch.json")
    with pytest.raises(OutsideRoot, match="link to outside"):
        batch_folder(root, "tiny")
    box, rc = _render()
    try:
        _choose(rc, "tiny")
        assert "link to outside" in page_text(box)
        assert rc.find(v.Btn, children=["Build the comparison report"]).widgets == []
    finally:
        rc.close()


def test_batch_names_leave_out_links_files_and_folders_without_batch_json(tmp_path):
    root = tmp_path / "r"
    (root / "b1").mkdir(parents=True)
    (root / "b1" / "batch.json").write_text("{}")
    (root / "empty").mkdir()
    (root / "file").write_text("x")
    (root / "link").symlink_to(root / "b1", target_is_directory=True)
    fake = root / "fake"
    fake.mkdir()
    (fake / "batch.json").symlink_to(root / "b1" / "batch.json")
    assert batch_names(root) == ["b1"]
    assert batch_names(tmp_path / "missing") == []
    assert batch_folder(root, "b1") == root / "b1"
    for name in ("link", "fake", "..", str(root / "b1"), os.sep):
        with pytest.raises(OutsideRoot):
            batch_folder(root, name)


def test_readable_tables_round_and_name_things():
    headline = pd.DataFrame(
        {
            "label": ["baseline", "baseline", "crackdown", "crackdown"],
            "indicator": ["irregular_share_final_year", "recruitment_fees_paid_usd"] * 2,
            "mean": [0.3288888888, 170147129.2977, 0.251851851, 222656067.9197],
            "p05": [0.3, 160000000.0, 0.25, 220000000.0],
            "p95": [0.35, 180000000.0, 0.26, 230000000.0],
        }
    )
    table = readable_headline(headline)
    assert list(table.columns) == ["indicator", "baseline", "crackdown"]
    assert table.iloc[0].tolist() == [
        "Irregular share of the stock, final year",
        "32.9% (30.0% to 35.0%)",
        "25.2% (25.0% to 26.0%)",
    ]
    assert table.iloc[1]["baseline"] == "170 M USD (160 M USD to 180 M USD)"
    change = pd.DataFrame(
        {
            "label": ["crackdown"],
            "channel": ["irregular"],
            "mean": [-460000.0],
            "p05": [-460000.0],
            "p95": [-460000.0],
        }
    )
    assert readable_stock_change(change).iloc[0].tolist() == ["crackdown", "irregular", "-460 k"]
