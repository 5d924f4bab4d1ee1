"""``Metrics.to_frame`` builds its text columns as categoricals from integer codes (issue 16):
the same table, to the dtype of its categories, as building a string per row and converting
with ``astype("category")``, written out here, for every kind of selection."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from agents.status import Status
from scenarios.calendar import INITIAL_LABEL, month_label
from scenarios.scenario import load_scenario
from simulation.measures import (
    CHANNEL_NAMES,
    FLOW_MEASURES,
    MEASURE_UNITS,
    STATUS_MEASURES,
    STOCK_MEASURES,
)
from simulation.model import MigrationModel


def by_strings(metrics, measures=None, include_status=True) -> pd.DataFrame:
    """The table built the old way, a string per row and then ``astype("category")``, with one
    rule made explicit: every text column's categories are strings (``str``), which the old
    code did not give an empty selection (its ``measure`` and ``unit`` categories were
    float64 there)."""
    slots, w = metrics.months_recorded + 1, metrics.world
    every = FLOW_MEASURES + STOCK_MEASURES
    measures = every if measures is None else tuple(m for m in every if m in measures)
    labels = [INITIAL_LABEL] + [month_label(m) for m in range(slots - 1)]
    data = metrics.corridor_data[:slots][:, :, [every.index(m) for m in measures]]
    n_cells, n_meas = data.shape[1], data.shape[2]
    part = pd.DataFrame(
        {
            "month": np.repeat(labels, n_cells * n_meas),
            "origin": np.tile(
                np.repeat(np.repeat([c.origin for c in w.corridors], 2), n_meas), slots
            ),
            "destination": np.tile(
                np.repeat(np.repeat([c.destination for c in w.corridors], 2), n_meas), slots
            ),
            "channel": np.tile(np.repeat(np.tile(CHANNEL_NAMES, len(w.corridors)), n_meas), slots),
            "measure": np.tile(np.array(measures, dtype=object), slots * n_cells),
            "value": data.reshape(-1),
        }
    )
    part = part[~((part["month"] == INITIAL_LABEL) & part["measure"].isin(FLOW_MEASURES))]
    if include_status:
        n_status = metrics.n_origins * len(Status)
        status = pd.DataFrame(
            {
                "month": np.repeat(labels, n_status),
                "origin": np.tile(np.repeat(list(w.origins), len(Status)), slots),
                "destination": "",
                "channel": "",
                "measure": np.tile(STATUS_MEASURES, slots * metrics.n_origins),
                "value": metrics.status_data[:slots].reshape(-1),
            }
        )
        part = pd.concat([part, status], ignore_index=True)
    out = part.reset_index(drop=True)
    out["unit"] = out["measure"].map(MEASURE_UNITS).fillna("people").astype(str)
    for col in ("month", "origin", "destination", "channel", "measure", "unit"):
        out[col] = out[col].astype(str).astype("category")
    return out


@pytest.fixture(scope="module", params=["baseline", "baseline_dynamics"])
def metrics(request):
    scenario = load_scenario(request.param).with_values(people_per_agent=5000, end="2010-06")
    model = MigrationModel(scenario)
    model.run()
    return model.metrics


@pytest.mark.parametrize("include_status", [True, False])
@pytest.mark.parametrize(
    "measures",
    [None, ("stock", "arrivals"), ("stock",), ("departures", "returns"), (), ("no_such",)],
)
def test_the_table_is_the_one_strings_give(metrics, measures, include_status):
    built = metrics.to_frame(measures=measures, include_status=include_status)
    pd.testing.assert_frame_equal(built, by_strings(metrics, measures, include_status))


@pytest.mark.parametrize("layout", ["str", "category", "int values", "missing values"])
def test_a_runs_indicator_sums_are_the_string_filtered_ones(layout):
    """The headline's per-run sums (``_RunYears``) read factorised columns: each must be the
    sum a string filter over the table gives, bit for bit, for every measure and channel
    asked (one absent from the table included: zero), with text columns as strings or
    categoricals, integer values, and missing values and channels (skipped, as pandas'
    sum skips them)."""
    from simulation.metrics import _RunYears

    rng = np.random.default_rng(4)
    n = 400
    run = pd.DataFrame(
        {
            "measure": rng.choice(["stock", "arrivals", "deportations"], n),
            "channel": rng.choice(["regular", "irregular"], n),
            "year": rng.integers(2010, 2016, n),
            "value": rng.random(n) * 1e6,
        }
    ).astype({"measure": "str", "channel": "str"})
    if layout == "category":
        run = run.astype({"measure": "category", "channel": "category"})
    elif layout == "int values":
        run["value"] = (run["value"] // 1).astype(np.int64)
    elif layout == "missing values":
        run.loc[::7, "value"] = np.nan
        run.loc[::11, "channel"] = None
    years = _RunYears(run, 2015)
    for measure in ("stock", "arrivals", "deportations", "registrations"):
        for channel in (None, "regular", "irregular", "neither"):
            rows = run[run["measure"] == measure]
            rows = rows if channel is None else rows[rows["channel"] == channel]
            assert years.total(measure, channel) == rows["value"].sum()
            assert years.final(measure, channel) == rows.loc[rows["year"] == 2015, "value"].sum()
