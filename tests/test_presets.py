"""The shipped presets load, say what policy they stand for, and differ from the baseline in
the levers they name."""

from __future__ import annotations

import pytest

from scenarios.levers import LEVERS, POLICY_GROUPS
from scenarios.scenario import load_scenario, preset_names, scenario_from_dict

PRESETS = preset_names()


def _changed_levers(name: str) -> set[str]:
    base, s = load_scenario("baseline"), load_scenario(name)
    changed = set()
    for lever in LEVERS:
        a, b = base[lever.name], s[lever.name]
        if hasattr(a, "items"):
            if any(a.get(k) != b[k] for k in b):
                changed.add(lever.name)
        elif a != b:
            changed.add(lever.name)
    return changed


def test_the_library_is_complete():
    assert set(PRESETS) >= {
        "baseline",
        "streamlined_mou",
        "zero_recruitment_fees",
        "crackdown",
        "amnesty_windows",
        "remittance_harmonisation",
        "protection_package",
        "anti_trafficking",
        "deployment_ban",
        "asean_japan_hrd",
        "people_centred",
    }


@pytest.mark.parametrize("name", PRESETS)
def test_preset_loads_with_description_and_source(name):
    s = load_scenario(name)
    assert s.name == name
    assert len(s.description) > 40 and len(s.policy_source) > 20


@pytest.mark.parametrize("name", [p for p in PRESETS if p != "baseline"])
def test_preset_changes_some_lever(name):
    assert _changed_levers(name)


def test_people_centred_covers_every_row_of_the_policy_matrix():
    by_name = {lever.name: lever for lever in LEVERS}
    groups = {by_name[n].group for n in _changed_levers("people_centred")}
    table_1_rows = set(POLICY_GROUPS[:6])  # HRD, recruitment, pre-deployment, protection,
    assert table_1_rows <= groups  # remittances, return


def test_extends_merges_per_country_tables_over_one_value():
    s = scenario_from_dict(
        {"extends": "baseline", "levers": {"anti_trafficking_enforcement": {"MYS": 0.9}}}
    )
    assert dict(s["anti_trafficking_enforcement"]) == {"THA": 0.05, "MYS": 0.9, "SGP": 0.05}
    assert s.name == "scenario"  # not named after the scenario it extends
    base = load_scenario("baseline")
    assert s["amnesty_start"] == base["amnesty_start"]


def test_extends_unknown_base_is_an_error():
    from scenarios.errors import ScenarioError

    with pytest.raises(ScenarioError, match="extends"):
        scenario_from_dict({"extends": "no_such_preset"})
