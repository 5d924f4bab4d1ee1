"""The flow data of issue 14 (``scenarios/data/flows.csv``, ``other_origins.csv``): they load,
every row is sourced and quoted, the held-out rules hold, and no held-out kind has become a
calibration target.

Held-out figures (registrants and amnesty counts, Malaysia's irregular population, any
corridor to Japan after 2016, return waves) are what issue 15's out-of-sample check compares
the model with: a model tuned to them would pass that check by construction.
"""

from __future__ import annotations

import csv
import math
import re
import shutil
from pathlib import Path

import pytest

from scenarios.errors import ScenarioError
from scenarios.flows import (
    HELD_OUT_KINDS,
    LAST_CALIBRATION_YEAR,
    ORIGINS,
    USES,
    OtherOriginStock,
    held_out_reason,
    held_out_targets,
    load_flows,
    load_other_origins,
    parse_period,
    row_residual,
    row_stock,
)

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "scenarios" / "data"
TARGETS = ROOT / "calibration" / "targets.csv"
FILES = ("flows.csv", "other_origins.csv")


def _rows(name: str, data: Path = DATA) -> list[dict[str, str]]:
    with (data / name).open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_files_load():
    flows = load_flows()
    others = load_other_origins()
    assert len(flows) == len(_rows("flows.csv")) > 100
    assert len(others) == len(_rows("other_origins.csv")) > 20
    assert {f.use for f in flows} == set(USES)
    assert {f.origin for f in flows} <= ORIGINS


@pytest.mark.parametrize("name", FILES)
def test_every_row_sourced_and_quoted(name):
    for i, r in enumerate(_rows(name), start=2):
        for column in ("source_title", "source_url", "quote", "what_exactly", "unit", "use"):
            assert r[column].strip(), f"{name} row {i}: empty {column}"
        assert r["source_url"].startswith(("http://", "https://")), f"{name} row {i}"
        # the quote holds the number (in the source's own notation: 87.598, 2万6828, 1.23 million)
        assert any(c.isdigit() for c in r["quote"]), f"{name} row {i}: quote without a number"


def _digits_of(quote: str) -> list[str]:
    """The quote's digits with separators dropped (87.598, 4, 100, 19・9990 and tables
    flattened to one run), and its Japanese 万 counts expanded (2万6828 -> 26828)."""
    flat = re.sub(r"[,.\s・]", "", quote)
    expanded = [
        str(int(high) * 10_000 + int(low or 0)) for high, low in re.findall(r"(\d+)万(\d*)", flat)
    ]
    return [flat, *expanded]


def _stated(value: float, quote: str, what_exactly: str = "") -> bool:
    if any(str(round(value)) in digits for digits in _digits_of(quote)):
        return True
    if any(f"{value / scale:g} {word}" in quote for scale, word in _SCALES):
        return True
    return _stated_sum(value, quote, what_exactly)


def _stated_sum(value: float, quote: str, what_exactly: str) -> bool:
    """A figure a row adds up from the quote's (Japan's notified workers without students:
    the statuses other than 資格外活動): ``what_exactly`` says "the sum of A + B + ...", every
    addend is stated in the quote and they add up to the value."""
    match = re.search(r"the sum of ([\d,]+(?: \+ [\d,]+)+)", what_exactly)
    if match is None:
        return False
    addends = [float(a.replace(",", "")) for a in match.group(1).split(" + ")]
    return sum(addends) == value and all(a in _figures_of(quote) for a in addends)


def _figures_of(quote: str) -> set[float]:
    """Every whole figure the quote states (7万2740 -> 72740, 12,437 -> 12437, 3 -> 3), each
    on its own: an addend must be one of them, not a run of digits inside another."""
    out = {float(int(h) * 10_000 + int(low or 0)) for h, low in re.findall(r"(\d+)万(\d*)", quote)}
    plain = re.sub(r"\d+万\d*", " ", quote)
    out |= {float(x.replace(",", "")) for x in re.findall(r"\d{1,3}(?:,\d{3})+|\d+", plain)}
    return out


def test_a_sum_is_stated_only_when_every_addend_is_quoted_and_they_add_up():
    quote = "技能実習:7万2740人、◇専門的・技術的分野:1万2437人"
    assert _stated(85177, quote, "the sum of 72,740 + 12,437")
    assert not _stated(85178, quote, "the sum of 72,740 + 12,437")  # does not add up
    assert not _stated(85177, quote, "72,740 and 12,437")  # no sum said
    assert not _stated(85178, quote, "the sum of 72,740 + 12,438")  # an addend not quoted
    assert not _stated(72742, quote, "the sum of 72,740 + 2")  # "2" only inside 7万2740


_SCALES = ((1e3, "thousand"), (1e6, "million"))


@pytest.mark.parametrize("name", FILES)
def test_every_quote_states_its_figure(name):
    """A typo in a value or a quote from the wrong line shows up here. Remittances are the
    exception: the World Bank's cell is in millions of USD, the value in USD."""
    for i, r in enumerate(_rows(name), start=2):
        if r["unit"] == "USD":
            continue
        for column in ("value", "low", "high"):
            if r[column]:
                stated = _stated(float(r[column]), r["quote"], r["what_exactly"])
                assert stated, f"{name} row {i} {column}"


@pytest.mark.parametrize("name", FILES)
def test_every_figure_after_2016_is_held_out(name):
    for i, r in enumerate(_rows(name), start=2):
        _, end = parse_period(name, i, r["period"])
        if end[0] > LAST_CALIBRATION_YEAR:
            assert r["use"] == "held_out", f"{name} row {i} ({r['period']}) is {r['use']}"


def test_held_out_kinds_are_held_out_and_present():
    flows = load_flows()
    for f in flows:
        if f.kind in HELD_OUT_KINDS:
            assert f.use == "held_out", f
        if f.destination == "JPN" and f.end[0] > LAST_CALIBRATION_YEAR:
            assert f.use == "held_out", f
    # issue 15 needs each held-out kind of issue 14 to check against
    kinds = {f.kind for f in flows if f.use == "held_out"}
    assert {"registrants", "irregular_estimate", "return_wave"} <= kinds
    assert any(f.destination == "JPN" and f.end[0] > LAST_CALIBRATION_YEAR for f in flows)


def test_bands_are_ordered():
    for f in load_flows():
        if f.is_band:
            assert 0 < f.low <= f.high
        else:
            assert f.value > 0 and math.isnan(f.low) and math.isnan(f.high)


def test_no_held_out_kind_is_a_calibration_target():
    assert held_out_targets(TARGETS) == []


TARGET_COLUMNS = (
    "target_id,observable,destination,origin,channel,start,end,value,low,high,weight,source"
)
HELD_OUT_TARGET_ROWS = {
    "registrants": "reg_MYS_2011,registrants,MYS,IDN,,2011-07,2011-08,551268,,,1,6P",
    "amnesty": "amnesty_MYS_2011,amnesty_returns_per_month,MYS,ALL,,2011-08,2011-10,,,,1,6P",
    "legalised": "legal_MYS_2011,legalised,MYS,ALL,,2011-08,2011-10,27514,,,1,6P",
    "malaysia_irregular": "irr_MYS,irregular_stock,MYS,ALL,,2017-06,2017-06,,1230000,1460000,1,WB",
    "malaysia_regular_share": "share_MYS_2017,regular_share,MYS,ALL,,2017-06,2017-06,,0.5,0.6,1,WB",
    "malaysia_irregular_channel": "irr_IDN,census_stock,MYS,IDN,irregular,2015-06,2015-06,9,,,1,x",
    "japan_2018": "stock_VNM_JPN_2018,census_stock,JPN,VNM,,2018-06,2018-06,300000,,,1,MOJ",
    "japan_flow_2017": "dep_VNM_JPN,arrivals_per_month,JPN,VNM,,2017-01,2017-12,4542,,,1,DOLAB",
    "named_wave": "exodus_KHM_THA,return_wave,THA,KHM,,2014-06,2014-06,225000,,,1,Xinhua",
    "returns_in_wave": "ret_CLM_THA_2014,returns_per_month,THA,CLM,,2014-05,2014-07,,,,1,press",
    "covid_returns": "ret_MMR_THA_2020,returns_per_month,THA,MMR,,2020-04,2020-06,,,,1,IOM",
}


@pytest.mark.parametrize("case", sorted(HELD_OUT_TARGET_ROWS))
def test_guard_fails_when_a_held_out_kind_is_added(tmp_path, case):
    copy = tmp_path / "targets.csv"
    shutil.copyfile(TARGETS, copy)
    with copy.open("a", encoding="utf-8") as fh:
        fh.write(HELD_OUT_TARGET_ROWS[case] + "\n")
    found = held_out_targets(copy)
    assert len(found) == 1 and found[0].startswith(HELD_OUT_TARGET_ROWS[case].split(",")[0])


@pytest.mark.parametrize(
    "row",
    [
        # routine flows and levels stay allowed
        ("returns_per_month", "THA", "KHM", "2015-01", "2015-12"),
        ("census_stock", "JPN", "VNM", "2015-06", "2015-06"),
        ("irregular_stock", "THA", "CLM", "2011-05", "2011-05"),
        ("deportations_per_month", "MYS", "ALL", "2017-01", "2017-08"),
        ("documented_stock", "MYS", "IDN", "2016-01", "2016-01"),
        ("recruitment_cost_usd", "THA", "MMR", "2019-01", "2020-12"),
    ],
)
def test_guard_lets_other_targets_through(row):
    assert held_out_reason(*row) is None


def test_guard_lets_irregular_flows_elsewhere_through():
    # an irregular-channel flow is not a population estimate; Thailand is not Malaysia
    assert (
        held_out_reason(
            "arrivals_per_month", "MYS", "IDN", "2015-01", "2015-12", channel="irregular"
        )
        is None
    )
    assert (
        held_out_reason("census_stock", "THA", "MMR", "2015-06", "2015-06", channel="irregular")
        is None
    )


def test_targets_file_has_the_columns_the_guard_reads():
    with TARGETS.open(newline="", encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    assert set(TARGET_COLUMNS.split(",")) <= set(header)


def _broken(tmp_path: Path, name: str, column: str, value: str, row: int = 0) -> Path:
    return _edited(tmp_path, name, lambda rows: rows[row].update({column: value}))


def _edited(tmp_path: Path, name: str, edit) -> Path:
    """A copy of the data folder with ``edit`` applied to the rows of ``name``."""
    data = tmp_path / "data"
    data.mkdir()
    for f in FILES:
        shutil.copyfile(DATA / f, data / f)
    rows = _rows(name, data)
    edit(rows)
    with (data / name).open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return data


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("quote", "", "quote"),
        ("source_url", " ", "source_url"),
        ("use", "target", "use"),
        ("origin", "PHL", "origin"),
        ("destination", "KOR", "destination"),
        ("value", "-5", "value"),
        ("value", "0", "value"),
        ("period", "2014-13", "period"),
        ("period", "2018", "held_out"),
        ("kind", "registrants", "held_out"),
        ("measure", "partial", "partial count"),
        ("counted_at", "Poipet", "counted_at"),
    ],
)
def test_bad_flow_rows_are_refused(tmp_path, column, value, message):
    # row 0 is a calibration row of 2014 (Viet Nam to Japan)
    data = _broken(tmp_path, "flows.csv", column, value)
    with pytest.raises(ScenarioError, match=message):
        load_flows(data)


def _swap_first_band(rows: list[dict[str, str]]) -> None:
    r = next(r for r in rows if r["low"])
    r["low"], r["high"] = r["high"], r["low"]


def test_band_must_be_ordered(tmp_path):
    data = _edited(tmp_path, "flows.csv", _swap_first_band)
    with pytest.raises(ScenarioError, match="at most high"):
        load_flows(data)


def test_bad_other_origin_row_is_refused(tmp_path):
    data = _broken(tmp_path, "other_origins.csv", "channel", "smuggled")
    with pytest.raises(ScenarioError, match="channel"):
        load_other_origins(data)


def _stock(
    detail: str, value: float, *, in_sum: bool = True, month: int = 1, url: str = "u"
) -> OtherOriginStock:
    return OtherOriginStock(
        origin="ROW",
        origin_detail=detail,
        destination="MYS",
        start=(2016, month),
        end=(2016, month),
        value=value,
        channel="regular",
        in_row_sum=in_sum,
        what_exactly="",
        source_title="",
        source_url=url,
        quote="",
        use="calibration",
    )


def test_row_stock_adds_one_sources_named_nationalities_and_leaves_catch_alls_out():
    stocks = [
        _stock("Nepal", 100.0),
        _stock("Bangladesh", 50.0),
        _stock("others (unnamed)", 70.0, in_sum=False),
        _stock("Nepal", 999.0, url="v"),  # another source of the same date: never mixed in
        _stock("Nepal", 80.0, month=9),
    ]
    assert row_stock("MYS", stocks) == {
        ((2016, 1), "regular", "u"): 150.0,
        ((2016, 1), "regular", "v"): 999.0,
        ((2016, 9), "regular", "u"): 80.0,
    }
    assert row_stock("THA", stocks) == {}


def test_shipped_row_stocks_are_lower_bounds_of_the_sources_totals():
    # Malaysia, 31 Jan 2016: 2.08 million valid work passes (Bernama) or 1.8 million foreign
    # workers (written reply), of whom Indonesia and Myanmar (modelled) 0.9 to 0.96 million
    jan_2016 = [v for k, v in row_stock("MYS").items() if k[:2] == ((2016, 1), "regular")]
    assert len(jan_2016) == 2
    assert all(v < 2_080_000 - 760_733 - 139_821 for v in jan_2016)
    # Japan, end-Oct 2016: 1,083,769 foreign workers in all, of whom 172,018 Vietnamese
    oct_2016 = [v for k, v in row_stock("JPN").items() if k[0] == (2016, 10)]
    assert oct_2016 and max(oct_2016) < 1_083_769 - 172_018


def test_in_row_sum_only_for_rest_of_world_rows(tmp_path):
    rows = _rows("other_origins.csv")
    i = next(i for i, r in enumerate(rows) if r["origin"] == "TOTAL")
    data = _broken(tmp_path, "other_origins.csv", "in_row_sum", "yes", row=i)
    with pytest.raises(ScenarioError, match="in_row_sum"):
        load_other_origins(data)


def test_undesa_rows_match_the_world_datas_2010_stocks():
    """The UN DESA 2019 rows here are the revision corridors.csv starts from: the same
    table, so the rest-of-world residual and the modelled corridors add up to one total."""
    undesa = {
        (s.origin, s.destination): s.value
        for s in load_other_origins()
        if s.channel == "foreign_born" and s.start == (2010, 7)
    }
    checked = 0
    for r in _rows("corridors.csv"):
        if r["initial_stock_source"].startswith("UN DESA International Migrant Stock 2019 (2010)"):
            assert undesa[(r["origin"], r["destination"])] == float(r["initial_stock_2010"])
            checked += 1
    assert checked >= 8


def test_row_residual_is_the_total_less_the_modelled_origins():
    residual = row_residual("MYS")
    assert set(residual) == {(2010, 7), (2015, 7), (2019, 7)}
    # Malaysia mid-2010: 2,417,395 in all less Indonesia, Myanmar, Viet Nam, Cambodia
    assert residual[(2010, 7)] == 2_417_395 - 960_819 - 226_432 - 78_326 - 12_679
    # the named rest-of-world nationalities are a part of the residual, never more
    named = {k[0]: v for k, v in row_stock("MYS").items() if k[1] == "foreign_born"}
    assert all(0 < named[start] <= residual[start] for start in residual)


def test_calibrate_refuses_a_held_out_target_before_any_run(tmp_path, capsys):
    """The guard holds where it matters: ``corridors calibrate`` (and so ``validate``) exits
    2 naming the target, and writes nothing."""
    from corridors.cli import main

    targets = tmp_path / "targets.csv"
    shutil.copyfile(TARGETS, targets)
    with targets.open("a", encoding="utf-8") as fh:
        fh.write(HELD_OUT_TARGET_ROWS["japan_2018"] + "\n")
    config = (ROOT / "calibration" / "default.toml").read_text(encoding="utf-8")
    config = config.replace('targets = "targets.csv"', f'targets = "{targets}"')
    assert str(targets) in config
    (tmp_path / "cal.toml").write_text(config, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["calibrate", str(tmp_path / "cal.toml"), "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "stock_VNM_JPN_2018" in err and "out-of-sample" in err
    assert not out.exists()
