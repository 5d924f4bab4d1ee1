"""Bad scenario files fail cleanly: a message naming the file, the key, the value and what is
allowed; exit status 2 from the command line; nothing written."""

from __future__ import annotations

import pytest

from corridors.cli import main
from scenarios.errors import ScenarioError
from scenarios.scenario import load_scenario, scenario_from_dict

# (name, file text, key named in the message, value shown, words of what is allowed)
BAD_FILES = [
    ("unknown top-level key", 'nmae = "x"\n', "nmae", "'x'", "top-level keys"),
    ("unknown lever", "[levers]\nenforcement = 0.1\n", "levers.enforcement", "0.1", "one of:"),
    (
        "lever in the wrong section",
        "[levers]\nnest_scale = 0.5\n",
        "levers.nest_scale",
        "0.5",
        "belongs in [parameters]",
    ),
    (
        "unknown country",
        "[levers]\nborder_control = { XYZ = 0.5 }\n",
        "levers.border_control.XYZ",
        "0.5",
        "destination codes",
    ),
    (
        "origin used for destination lever",
        "[levers]\nenforcement_monthly_arrest_probability = { MMR = 0.01 }\n",
        "levers.enforcement_monthly_arrest_probability.MMR",
        "0.01",
        "destination codes",
    ),
    (
        "string for a number",
        '[levers]\nprotection_coverage = "high"\n',
        "levers.protection_coverage",
        "'high'",
        "a number from 0 to 1",
    ),
    (
        "bool for a number",
        "[levers]\nprotection_coverage = true\n",
        "levers.protection_coverage",
        "True",
        "a number from 0 to 1",
    ),
    (
        "fraction for a whole number",
        "[levers]\namnesty_length_months = 2.5\n",
        "levers.amnesty_length_months",
        "2.5",
        "a whole number",
    ),
    (
        "number for a switch",
        "[levers]\nadaptive_policy = 1\n",
        "levers.adaptive_policy",
        "1",
        "true or false",
    ),
    (
        "above the range",
        "[levers]\nenforcement_monthly_arrest_probability = 0.9\n",
        "levers.enforcement_monthly_arrest_probability",
        "0.9",
        "from 0 to 0.2",
    ),
    (
        "below the range",
        "[parameters]\nnest_scale = 0\n",
        "parameters.nest_scale",
        "0",
        "from 0.05 to 1",
    ),
    (
        "bad month",
        '[levers]\namnesty_start = { THA = ["2014-13"] }\n',
        "levers.amnesty_start.THA",
        "'2014-13'",
        "YYYY-MM",
    ),
    (
        "month after the horizon",
        '[drivers]\nborder_closure_start = ["2040-01"]\n',
        "drivers.border_closure_start",
        "'2040-01'",
        "2035-12",
    ),
    ("end after 2035", '[settings]\nend = "2036-01"\n', "settings.end", "'2036-01'", "2035-12"),
    (
        "people per agent zero",
        "[settings]\npeople_per_agent = 0\n",
        "settings.people_per_agent",
        "0",
        "from 1 to",
    ),
    (
        "unknown destination",
        '[world]\ndestinations = ["THA", "KOR"]\n',
        "world.destinations",
        "['THA', 'KOR']",
        "distinct codes",
    ),
    ("malformed TOML", "[levers\nborder_control = 0.1\n", "(syntax)", "", "valid TOML"),
]


@pytest.mark.parametrize(
    ("name", "text", "key", "value", "allowed"), BAD_FILES, ids=[b[0] for b in BAD_FILES]
)
def test_bad_file_error_names_file_key_value_and_allowed(tmp_path, name, text, key, value, allowed):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    err = info.value
    assert err.file == str(path)
    assert err.key == key
    message = str(err)
    assert str(path) in message and key in message and value in message
    assert allowed in message


@pytest.mark.parametrize(
    ("name", "text", "key", "value", "allowed"), BAD_FILES, ids=[b[0] for b in BAD_FILES]
)
def test_cli_exit_2_and_nothing_written(tmp_path, capsys, name, text, key, value, allowed):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "results"
    assert main(["run", str(path), "--out", str(out)]) == 2
    assert not out.exists()
    err = capsys.readouterr().err
    assert "error" in err and str(path) in err and key in err


def test_missing_file_and_non_utf8(tmp_path, capsys):
    out = tmp_path / "results"
    assert main(["run", str(tmp_path / "nope.toml"), "--out", str(out)]) == 2
    assert "nope.toml" in capsys.readouterr().err
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"\xff\xfe\x00bad")
    assert main(["run", str(binary), "--out", str(out)]) == 2
    assert "UTF-8" in capsys.readouterr().err
    assert not out.exists()


def test_bad_command_line_override_is_clean(tmp_path, capsys):
    out = tmp_path / "results"
    assert main(["run", "baseline", "--end", "2050-01", "--out", str(out)]) == 2
    assert "settings.end" in capsys.readouterr().err
    assert not out.exists()


def test_all_key_and_per_country_values_resolve():
    s = scenario_from_dict({"levers": {"border_control": {"all": 0.3, "MYS": 0.7}}})
    assert dict(s["border_control"]) == {"THA": 0.3, "MYS": 0.7, "SGP": 0.3}
    # keys of countries switched off are allowed and ignored
    s = scenario_from_dict({"levers": {"annual_regular_quota": {"JPN": 1000}}})
    assert "JPN" not in s["annual_regular_quota"]


def test_with_values_validates_like_a_file():
    base = load_scenario("baseline")
    with pytest.raises(ScenarioError, match="protection_coverage"):
        base.with_values(protection_coverage=2.0)
    with pytest.raises(ScenarioError, match="no_such_lever"):
        base.with_values(no_such_lever=1)
    assert base.with_values(protection_coverage=0.5)["protection_coverage"]["THA"] == 0.5
