"""Issue 12, items 1, 7, 9 and 12 (months): what ``extends`` may reach, that errors never
quote a file the user did not write, that preset names and paths are never ambiguous, and that
deep nesting is a one-line error rather than a ``RecursionError``."""

from __future__ import annotations

import os

import pytest

from corridors.cli import main
from scenarios.calendar import parse_month
from scenarios.errors import ScenarioError
from scenarios.extends import MAX_EXTENDS
from scenarios.scenario import load_scenario, scenario_from_dict, scenario_from_upload

SECRET = "tok-3f9a1c77e2"


@pytest.fixture
def secret_file(tmp_path):
    """A file outside the scenario's folder holding a token."""
    outside = tmp_path / "outside"
    outside.mkdir()
    path = outside / "secret.toml"
    path.write_text(f'api_token = "{SECRET}"\n')
    return path


@pytest.fixture
def project(tmp_path):
    folder = tmp_path / "project"
    folder.mkdir()
    return folder


def _error(fn, *args, **kwargs) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        fn(*args, **kwargs)
    return info.value


# ---- item 1: where extends may reach ----------------------------------------------------
def test_absolute_path_is_refused_for_a_file_and_quotes_nothing_of_it(project, secret_file):
    scenario = project / "s.toml"
    scenario.write_text(f'extends = "{secret_file}"\n')
    err = _error(load_scenario, scenario)
    assert err.key == "extends" and SECRET not in str(err)
    assert "inside this scenario's folder" in str(err)


def test_dotdot_out_of_the_folder_is_refused(project, secret_file):
    scenario = project / "s.toml"
    scenario.write_text('extends = "../outside/secret.toml"\n')
    err = _error(load_scenario, scenario)
    assert err.key == "extends" and SECRET not in str(err)


def test_symlink_out_of_the_folder_is_refused(project, secret_file):
    (project / "link.toml").symlink_to(secret_file)
    scenario = project / "s.toml"
    scenario.write_text('extends = "link.toml"\n')
    err = _error(load_scenario, scenario)
    assert err.key == "extends" and SECRET not in str(err)


def test_outside_paths_that_exist_and_do_not_get_the_same_message(project, secret_file):
    """No oracle: an error does not tell whether a path outside the folder exists."""
    messages = []
    for target in (secret_file, secret_file.with_name("missing.toml")):
        scenario = project / "s.toml"
        scenario.write_text(f'extends = "{target}"\n')
        messages.append(str(_error(load_scenario, scenario)).replace(str(target), "X"))
    assert messages[0] == messages[1]


def test_a_file_inside_the_folder_tree_may_be_extended(project):
    (project / "sub").mkdir()
    (project / "sub" / "base.toml").write_text(
        'extends = "baseline"\n[levers]\nrecruitment_fee_cap_usd = 123\n'
    )
    scenario = project / "s.toml"
    scenario.write_text('extends = "sub/base.toml"\nname = "mine"\n')
    s = load_scenario(scenario)
    assert s.name == "mine" and s["recruitment_fee_cap_usd"]["KHM"] == 123


def test_an_extended_files_unknown_key_and_bad_value_are_not_quoted(project):
    (project / "base.toml").write_text(f'api_token = "{SECRET}"\n')
    scenario = project / "s.toml"
    scenario.write_text('extends = "base.toml"\n')
    err = _error(load_scenario, scenario)
    assert err.key == "api_token" and SECRET not in str(err)
    (project / "base.toml").write_text(f'[levers]\nborder_control = "{SECRET}"\n')
    err = _error(load_scenario, scenario)
    assert err.key == "levers.border_control" and SECRET not in str(err)
    # the user's own value is still quoted, as for any file
    scenario.write_text('extends = "baseline"\n[levers]\nborder_control = "high"\n')
    assert "'high'" in str(_error(load_scenario, scenario))


def test_uploads_and_dicts_may_extend_presets_only(project, secret_file, monkeypatch):
    monkeypatch.chdir(project)
    (project / "near.toml").write_text("[levers]\nrecruitment_fee_cap_usd = 1\n")
    for target in (str(secret_file), "../outside/secret.toml", "near.toml", "./near.toml"):
        for make in (
            lambda t: scenario_from_dict({"extends": t}, source_file="up.toml"),
            lambda t: scenario_from_upload(f'extends = "{t}"'.encode(), "up.toml"),
        ):
            err = _error(make, target)
            assert err.key == "extends" and "presets only" in str(err)
            assert SECRET not in str(err)
    s = scenario_from_upload(b'extends = "crackdown"\nname = "u"\n', "/etc/up.toml")
    assert s.name == "u" and s.source_file == "up.toml"


def test_a_cycle_and_a_chain_too_long_are_clean_errors(project):
    (project / "a.toml").write_text('extends = "b.toml"\n')
    (project / "b.toml").write_text('extends = "a.toml"\n')
    assert "does not extend itself" in str(_error(load_scenario, project / "a.toml"))
    for i in range(MAX_EXTENDS + 3):
        (project / f"c{i}.toml").write_text(f'extends = "c{i + 1}.toml"\n')
    (project / f"c{MAX_EXTENDS + 3}.toml").write_text("")
    assert f"at most {MAX_EXTENDS}" in str(_error(load_scenario, project / "c0.toml"))
    assert load_scenario(project / f"c{MAX_EXTENDS + 3 - MAX_EXTENDS + 1}.toml")


# ---- item 9: nesting --------------------------------------------------------------------
DEEP = {
    "arrays": "a = " + "[" * 5000 + "]" * 5000 + "\n",
    "inline tables": "a = " + "{b = " * 3000 + "1" + "}" * 3000 + "\n",
    "tables": "[" + ".".join(["t"] * 3000) + "]\nx = 1\n",
    "modest but too deep": "[levers]\nborder_control = " + "[" * 12 + "]" * 12 + "\n",
}


@pytest.mark.parametrize("case", list(DEEP), ids=list(DEEP))
def test_deep_nesting_exits_2_with_one_line(case, tmp_path, capsys):
    path = tmp_path / "deep.toml"
    path.write_text(DEEP[case])
    out = tmp_path / "out"
    assert main(["run", str(path), "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nested at most" in err and str(path) in err
    assert not out.exists()


def test_deep_dict_from_the_dashboard_is_refused():
    data: dict = {}
    node = data
    for _ in range(50):
        node["x"] = {}
        node = node["x"]
    assert _error(scenario_from_dict, data).key == "(nesting)"


# ---- item 7: a preset name is never a path ----------------------------------------------
def test_a_file_named_like_a_preset_does_not_shadow_it(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "crackdown").write_text('name = "impostor"\n')
    assert load_scenario("crackdown").name == "crackdown"
    assert load_scenario("./crackdown").name == "impostor"
    (tmp_path / "baseline").mkdir()  # what 'corridors run --out baseline' leaves behind
    assert main(["presets"]) == 0
    assert "baseline" in capsys.readouterr().out
    err = _error(load_scenario, "no_such_preset")
    assert "./name" in str(err)


# ---- item 12: months in ASCII only ------------------------------------------------------
@pytest.mark.parametrize("text", ["２０１４-１２", "2014-12\n", "٢٠١٤-١٢", " 2014-12", "2014-1"])
def test_months_are_ascii_digits_without_trailing_newline(text):
    with pytest.raises(ValueError):
        parse_month(text)
    err = _error(scenario_from_dict, {"settings": {"end": text}})
    assert err.key == "settings.end"


def test_a_symlinked_scenario_folder_inside_the_tree_is_fine(project):
    real = project / "real"
    real.mkdir()
    (real / "base.toml").write_text("[levers]\nrecruitment_fee_cap_usd = 7\n")
    os.symlink(real, project / "alias")
    (project / "s.toml").write_text('extends = "alias/base.toml"\n')
    assert load_scenario(project / "s.toml")["recruitment_fee_cap_usd"]["KHM"] == 7
