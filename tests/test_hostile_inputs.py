"""Issue 12, the hostile-input suite: malformed scenario, batch, sensitivity, calibration and
observation files, generated and hand-written (nesting depth, Unicode, huge files, path
tricks, type confusion). Every case ends in exit 0 or 2, never a traceback, and never writes
into ``--out`` on exit 2.

The command line runs in this process (``corridors.cli.main``) to keep the suite fast; a few
cases run the installed console script, where a traceback would show as exit 1. Every case is
built to be invalid, so none starts a simulation; a case that did would still pass if it
exited 0, it would only be slow.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import tomli_w

from calibration.targets import COLUMNS, DEFAULT_TARGETS
from corridors.cli import main
from scenarios.registry import DECLARATIONS, SECTION_OF

RUN_FAST = ["--end", "2010-01", "--people-per-agent", "100000", "--quiet"]
LONG = "x" * 2_000_000


# ---- the cases: (id, command, file name, content as text / bytes / a function of the folder)
Content = str | bytes | Callable[[Path], str | bytes]
CASES: list[tuple[str, str, str, Content]] = []


def case(ident: str, command: str, content: Content, name: str = "input.toml") -> None:
    CASES.append((ident, command, name, content))


def toml(data: dict) -> str:
    return tomli_w.dumps(data)


# -- scenarios: one wrong-typed value for every declaration (generated) -----------------------
def _wrong_value(decl, i: int):
    if decl.kind == "bool":
        return [1, "true", [True]][i % 3]
    if decl.kind == "months":
        return [["2014-13"], "2014-01", [2014], ["２０１４-０１"], ["2014-01\n"]][i % 5]
    choices = [
        "x",
        True,
        [1, 2],
        {"ZZZ": 1},
        math.nan,
        math.inf,
        -math.inf,
        decl.maximum * 10 + 1 if math.isfinite(decl.maximum) else "y",
    ]
    if decl.scope == "global":
        choices[3] = {"all": 1}
    return choices[i % len(choices)]


for _i, (_name, _decl) in enumerate(sorted(DECLARATIONS.items())):
    _value = _wrong_value(_decl, _i)
    if _name == "end":
        _value = ["2035-13", "2036-01", "٢٠١٤-١٢", 5, "2014-1"][_i % 5]
    case(f"scenario type {_name}", "run", toml({SECTION_OF[_name]: {_name: _value}}))

# -- scenarios: structure ------------------------------------------------------------------
for _ident, _text in {
    "top level key typo": 'nmae = "x"\n',
    "name a number": "name = 5\n",
    "description a table": "[description]\nx = 1\n",
    "levers an array": "levers = [1, 2]\n",
    "levers a string": 'levers = "all"\n',
    "world a string": 'world = "THA"\n',
    "world unknown key": "[world]\norigins = []\n",
    "destinations empty": "[world]\ndestinations = []\n",
    "destinations repeated": '[world]\ndestinations = ["THA", "THA"]\n',
    "destinations lowercase": '[world]\ndestinations = ["tha"]\n',
    "destinations unicode lookalike": '[world]\ndestinations = ["ТНА"]\n',
    "destinations a table": "[world.destinations]\nTHA = true\n",
    "lever in two sections": "[levers]\nnest_scale = 0.5\n",
    "scoped unknown country": "[levers]\nborder_control = { ZZ = 0.5 }\n",
    "scoped key unicode": '[levers]\nborder_control = { "ＴＨＡ" = 0.5 }\n',
    "scoped all a string": '[levers]\nborder_control = { all = "max" }\n',
    "array of tables": "[[levers]]\nborder_control = 0.5\n",
    "section as array of tables": "[[settings]]\nseed = 1\n",
    "seed negative": "[settings]\nseed = -1\n",
    "seed float": "[settings]\nseed = 1.5\n",
    "seed huge": "[settings]\nseed = 9223372036854775807\npeople_per_agent = 0.5\n",
    "people per agent string": '[settings]\npeople_per_agent = "1e3"\n',
    "people per agent below 1": "[settings]\npeople_per_agent = 0.5\n",
    "end a datetime": "[settings]\nend = 2014-12-01\n",
    "end a local time": "[settings]\nend = 07:32:00\n",
    "end with time": '[settings]\nend = "2014-12T00"\n',
    "month datetime in list": "[drivers]\nborder_closure_start = [2020-04-01]\n",
    "unicode key in levers": '[levers]\n"border_contröl" = 0.5\n',
    "zero-width key": '[levers]\n"border\u200bcontrol" = 0.5\n',
    "right-to-left name and bad lever": 'name = "\u202egnp.exe"\n[levers]\nx = 1\n',
    "emoji section": '["🚀"]\nx = 1\n',
}.items():
    case(f"scenario {_ident}", "run", _text)

# -- scenarios: syntax and encoding ---------------------------------------------------------
for _ident, _raw in {
    "unclosed table": b"[levers\n",
    "unclosed string": b'name = "x\n',
    "unclosed array": b"[levers]\nborder_control = [0.1,\n",
    "duplicate key": b"name = 'a'\nname = 'b'\n",
    "duplicate table": b"[levers]\n[levers]\n",
    "bare value": b"0.5\n",
    "missing value": b"name =\n",
    "bad escape": b'name = "\\q"\n',
    "control character": b'name = "a\x01b"\n',
    "nul byte": b"name = 'a'\x00\n",
    "utf-16 with bom": "name = 'a'\n".encode("utf-16"),
    "utf-8 bom": b"\xef\xbb\xbfname = 'a'\n[levers]\nbad = 1\n",
    "latin-1": "name = 'caf\xe9'\n".encode("latin-1"),
    "lone surrogate bytes": b"name = '\xed\xa0\x80'\n",
    "overlong utf-8": b"name = '\xc0\xaf'\n",
    "binary noise": bytes(range(256)) * 4,
    "empty key": b'"" = 1\n',
    "integer overflow": b"[settings]\nseed = 99999999999999999999\n",
    "leading zero": b"[settings]\nseed = 01\n",
    "inline table reopened": b"levers = { border_control = 0.1 }\n[levers]\nx = 1\n",
    "huge file": b"# " + LONG.encode() + b"\n",
    "huge key": ('"' + "k" * 900_000 + '" = 1\n').encode(),
    "many unknown keys": "".join(f"k{i} = {i}\n" for i in range(50_000)).encode(),
    "crlf and bad lever": b"[levers]\r\nno_such = 1\r\n",
    "only a bom": b"\xef\xbb\xbf",
    "form feed": b"\x0c[levers]\nx=1\n",
}.items():
    case(f"scenario syntax {_ident}", "run", _raw)

# -- scenarios: nesting depth -----------------------------------------------------------------
for _depth in (9, 50, 1_000, 100_000):
    case(
        f"scenario nested arrays {_depth}",
        "run",
        "[levers]\nborder_control = " + "[" * _depth + "]" * _depth + "\n",
    )
for _depth in (9, 200, 5_000):
    case(
        f"scenario nested inline tables {_depth}",
        "run",
        "a = " + "{b = " * _depth + "1" + "}" * _depth + "\n",
    )
    case(f"scenario dotted table {_depth}", "run", "[" + ".".join(["t"] * _depth) + "]\nx = 1\n")
    case(
        f"scenario arrays of tables {_depth}",
        "run",
        "\n".join("[[" + ".".join(["a"] * (k + 1)) + "]]" for k in range(min(_depth, 300))) + "\n",
    )
    case(
        f"scenario nested in a lever table {_depth}",
        "run",
        "[levers.border_control]\nTHA = " + "[" * _depth + "]" * _depth + "\n",
    )


# -- scenarios: path tricks in extends ------------------------------------------------------
def _symlink_out(folder: Path) -> str:
    outside = folder.parent / "outside.toml"
    outside.write_text('token = "s3cret"\n')
    (folder / "link.toml").symlink_to(outside)
    return 'extends = "link.toml"\n'


def _symlink_dir_out(folder: Path) -> str:
    (folder / "up").symlink_to(folder.parent)
    (folder.parent / "x.toml").write_text('token = "s3cret"\n')
    return 'extends = "up/x.toml"\n'


def _fifo(folder: Path) -> str:
    os.mkfifo(folder / "pipe.toml")
    return 'extends = "pipe.toml"\n'


def _symlink_to_dev_zero(folder: Path) -> str:
    (folder / "zero.toml").symlink_to("/dev/zero")
    return 'extends = "zero.toml"\n'


def _symlink_loop(folder: Path) -> str:
    (folder / "a.toml").symlink_to(folder / "b.toml")
    (folder / "b.toml").symlink_to(folder / "a.toml")
    return 'extends = "a.toml"\n'


def _self(folder: Path) -> str:
    return 'extends = "input.toml"\n'


def _dir(folder: Path) -> str:
    (folder / "d.toml").mkdir()
    return 'extends = "d.toml"\n'


def _bad_base(folder: Path) -> str:
    (folder / "base.toml").write_text("[levers]\nborder_control = " + "[" * 5000 + "\n")
    return 'extends = "base.toml"\n'


def _base_not_utf8(folder: Path) -> str:
    (folder / "base.toml").write_bytes(b"\xff\xfe token")
    return 'extends = "base.toml"\n'


def _base_huge(folder: Path) -> str:
    (folder / "base.toml").write_text("# " + LONG)
    return 'extends = "base.toml"\n'


def _base_extends_out(folder: Path) -> str:
    (folder / "base.toml").write_text('extends = "/etc/passwd"\n')
    return 'extends = "base.toml"\n'


for _ident, _content in {
    "absolute": 'extends = "/etc/passwd"\n',
    "absolute toml": 'extends = "/etc/secret.toml"\n',
    "dotdot": 'extends = "../../../../etc/passwd.toml"\n',
    "dotdot inside then out": 'extends = "sub/../../x.toml"\n',
    "double slash": 'extends = "//etc/x.toml"\n',
    "home": 'extends = "~/.config/x.toml"\n',
    "proc": 'extends = "/proc/self/environ"\n',
    "dev zero": 'extends = "/dev/zero"\n',
    "url encoded": 'extends = "%2e%2e/%2e%2e/x.toml"\n',
    "windows path": 'extends = "C:\\\\Windows\\\\win.ini"\n',
    "nul in name": 'extends = "baseline\\u0000.toml"\n',
    "empty": 'extends = ""\n',
    "dot": 'extends = "."\n',
    "dotdot bare": 'extends = ".."\n',
    "only suffix": 'extends = ".toml"\n',
    "a number": "extends = 5\n",
    "a list": 'extends = ["baseline"]\n',
    "a table": "[extends]\nname = 'baseline'\n",
    "preset with suffix missing": 'extends = "baseline.toml"\n',
    "preset lookalike": 'extends = "basel\u0131ne"\n',
    "preset with newline": 'extends = "baseline\\n"\n',
    "missing file inside": 'extends = "nope.toml"\n',
    "symlink out": _symlink_out,
    "symlinked folder out": _symlink_dir_out,
    "fifo": _fifo,
    "symlink to dev zero": _symlink_to_dev_zero,
    "symlink loop": _symlink_loop,
    "itself": _self,
    "a directory": _dir,
    "base nested too deep": _bad_base,
    "base not utf-8": _base_not_utf8,
    "base huge": _base_huge,
    "base extends absolute": _base_extends_out,
}.items():
    case(f"extends {_ident}", "run", _content)

# -- batch files -------------------------------------------------------------------------
BATCH = {
    "scenarios": ["baseline"],
    "replicates": 1,
    "settings": {"end": "2010-02", "people_per_agent": 50000},
}
for _ident, _change in {
    "scenarios a string": {"scenarios": "baseline"},
    "scenarios empty": {"scenarios": []},
    "scenarios numbers": {"scenarios": [1, 2]},
    "scenarios nested": {"scenarios": [["baseline"]]},
    "scenarios absolute non toml": {"scenarios": ["/etc/passwd"]},
    "scenarios directory": {"scenarios": ["/tmp"]},
    "scenarios dev null": {"scenarios": ["/dev/null"]},
    "scenarios empty name": {"scenarios": [""]},
    "scenarios unicode preset": {"scenarios": ["ｂａｓｅｌｉｎｅ"]},
    "replicates string": {"replicates": "3"},
    "replicates float": {"replicates": 2.5},
    "replicates bool": {"replicates": True},
    "replicates huge": {"replicates": 10**15},
    "replicates negative": {"replicates": -3},
    "root seed string": {"root_seed": "abc"},
    "root seed float": {"root_seed": 1.5},
    "root seed negative": {"root_seed": -1},
    "name number": {"name": 5},
    "description list": {"description": ["a"]},
    "settings list": {"settings": [1]},
    "settings seed": {"settings": {"seed": 3}},
    "settings unicode month": {"settings": {"end": "２０１０-０２"}},
    "settings month newline": {"settings": {"end": "2010-02\n"}},
    "uncertainty string": {"parameter_uncertainty": "true"},
    "sweep a list": {"sweep": [1]},
    "sweep values a list": {"sweep": {"values": [1]}},
    "sweep values empty": {"sweep": {"values": {}}},
    "sweep value not a list": {"sweep": {"values": {"nest_scale": 0.5}}},
    "sweep value strings": {"sweep": {"values": {"nest_scale": ["0.5"]}}},
    "sweep value nan": {"sweep": {"values": {"nest_scale": [math.nan]}}},
    "sweep value inf": {"sweep": {"values": {"nest_scale": [math.inf]}}},
    "sweep bool lever": {"sweep": {"values": {"adaptive_policy": [True]}}},
    "sweep months lever": {"sweep": {"values": {"amnesty_start": [1]}}},
    "sweep dotted unknown key": {"sweep": {"values": {"nest_scale.THA": [0.5]}}},
    "sweep double dot": {"sweep": {"values": {"border_control.THA.x": [0.5]}}},
    "sweep overlap": {"sweep": {"values": {"border_control": [0.1], "border_control.THA": [0.2]}}},
    "sweep exploding grid": {
        "sweep": {"values": {"nest_scale": [0.5] * 1000, "border_control": [0.1] * 1000}}
    },
    "sweep method number": {"sweep": {"method": 1, "values": {"nest_scale": [0.5]}}},
    "sweep samples under grid": {"sweep": {"samples": 3, "values": {"nest_scale": [0.5]}}},
    "sweep ranges under grid": {"sweep": {"ranges": {"nest_scale": [0.1, 0.5]}}},
    "sobol samples zero": {
        "sweep": {"method": "sobol", "samples": 0, "ranges": {"nest_scale": [0.1, 0.5]}}
    },
    "sobol samples huge": {
        "sweep": {"method": "sobol", "samples": 2**40, "ranges": {"nest_scale": [0.1, 0.5]}}
    },
    "lhs seed string": {
        "sweep": {"method": "latin_hypercube", "seed": "x", "ranges": {"nest_scale": [0.1, 0.5]}}
    },
    "lhs range strings": {
        "sweep": {"method": "latin_hypercube", "ranges": {"nest_scale": ["a", "b"]}}
    },
    "lhs range three": {
        "sweep": {"method": "latin_hypercube", "ranges": {"nest_scale": [0.1, 0.2, 0.3]}}
    },
    "lhs range equal": {
        "sweep": {"method": "latin_hypercube", "ranges": {"nest_scale": [0.2, 0.2]}}
    },
    "lhs range nan": {
        "sweep": {"method": "latin_hypercube", "ranges": {"nest_scale": [math.nan, 0.5]}}
    },
    "lhs exploding": {
        "sweep": {
            "method": "latin_hypercube",
            "samples": 100_000,
            "ranges": {"nest_scale": [0.1, 0.5]},
        },
        "replicates": 10,
    },
    "exploding replicates and scenarios": {
        "scenarios": ["baseline", "crackdown"],
        "replicates": 10_000,
    },
}.items():
    case(f"batch {_ident}", "batch", toml({**BATCH, **_change}))
for _ident, _text in {
    "syntax": "scenarios = [\n",
    "nested": "scenarios = " + "[" * 10_000 + "]" * 10_000 + "\n",
    "huge": "# " + LONG,
    "not utf-8": b"\xff\xfe\x00",
    "unknown key": 'scenarios = ["baseline"]\nreplicats = 2\n',
    "scenario extends out": lambda d: (
        (d / "s.toml").write_text('extends = "../../x.toml"\n'),
        'scenarios = ["s.toml"]\n',
    )[1],
}.items():
    case(f"batch {_ident}", "batch", _text)

# -- sensitivity files -----------------------------------------------------------------
SENS = {
    "scenario": "baseline",
    "method": "morris",
    "samples": 2,
    "settings": {"end": "2010-12", "people_per_agent": 50000},
    "ranges": {"nest_scale": [0.3, 0.9], "border_control": [0.0, 0.5]},
    "output": {"indicator": "irregular_share"},
}
for _ident, _change in {
    "method unknown": {"method": "fast"},
    "method number": {"method": 3},
    "samples one": {"samples": 1},
    "samples string": {"samples": "8"},
    "sobol samples not power of two": {"method": "sobol", "samples": 6},
    "replicates zero": {"replicates": 0},
    "root seed string": {"root_seed": "abc"},
    "root seed negative": {"root_seed": -1},
    "scenario number": {"scenario": 5},
    "scenario missing": {"scenario": "nope.toml"},
    "scenario absolute": {"scenario": "/etc/passwd"},
    "settings number": {"settings": 5},
    "settings seed": {"settings": {"seed": 1}},
    "settings lever": {"settings": {"border_control": 0.3}},
    "ranges one": {"ranges": {"nest_scale": [0.3, 0.9]}},
    "ranges list": {"ranges": [[0.3, 0.9]]},
    "ranges overlap": {"ranges": {"border_control": [0.0, 0.5], "border_control.THA": [0.0, 0.2]}},
    "ranges unknown": {"ranges": {"nest_scale": [0.3, 0.9], "happiness": [0, 1]}},
    "ranges reversed": {"ranges": {"nest_scale": [0.9, 0.3], "border_control": [0, 0.5]}},
    "output string": {"output": "irregular_share"},
    "output empty": {"output": {}},
    "output indicator unknown": {"output": {"indicator": "gdp"}},
    "output channel unknown": {"output": {"indicator": "arrivals", "channel": "sea"}},
    "output channel with share": {"output": {"indicator": "irregular_share", "channel": "regular"}},
    "output destination unknown": {"output": {"indicator": "arrivals", "destination": "JPN"}},
    "output year string": {"output": {"indicator": "arrivals", "year": "2010"}},
    "output year late": {"output": {"indicator": "arrivals", "year": 2031}},
    "output extra key": {"output": {"indicator": "arrivals", "measure": "stock"}},
    "exploding": {"samples": 10_000, "replicates": 50},
    "name number": {"name": 5},
    "unknown top key": {"sampels": 4},
}.items():
    case(f"sensitivity {_ident}", "sensitivity", toml({**SENS, **_change}))

# -- calibration files -----------------------------------------------------------------
CAL = {
    "targets": str(DEFAULT_TARGETS),
    "end": "2024-12",
    "people_per_agent": 50000,
    "parameters": {"nest_scale": [0.3, 0.9]},
}
for _ident, _change in {
    "targets number": {"targets": 5},
    "targets missing": {"targets": "nope.csv"},
    "targets a folder": {"targets": "/tmp"},
    "targets dev null": {"targets": "/dev/null"},
    "scenario number": {"scenario": 5},
    "scenario extends out": {"scenario": "/etc/passwd"},
    "end before targets": {"end": "2011-12"},
    "end unicode": {"end": "２０２４-１２"},
    "people per agent zero": {"people_per_agent": 0},
    "parameters empty": {"parameters": {}},
    "parameters list": {"parameters": [1]},
    "parameter unknown": {"parameters": {"happiness": [0, 1]}},
    "parameter overlap": {
        "parameters": {"border_control": [0, 0.5], "border_control.THA": [0, 0.2]}
    },
    "parameter range strings": {"parameters": {"nest_scale": ["a", "b"]}},
    "observation unknown country": {"parameters": {"census_coverage.KOR": [0.5, 1.5]}},
    "seeds zero": {"seeds": 0},
    "root seed negative": {"root_seed": -5},
    "msm list": {"msm": [1]},
    "msm unknown key": {"msm": {"max_evals": 5}},
    "abc population string": {"abc": {"population_size": "100"}},
    "abc draws zero": {"abc": {"posterior_draws": 0}},
    "name number": {"name": 5},
}.items():
    case(f"calibration {_ident}", "calibrate", toml({**CAL, **_change}))

# -- observation (targets) CSV files for 'check' ------------------------------------------
HEADER = ",".join(COLUMNS)
ROW = "t1,census_stock,THA,ALL,,2015-12,2015-12,100,,,1,UN DESA"


def csv_rows(*rows: str) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


for _ident, _content in {
    "empty": "",
    "header only": HEADER + "\n",
    "missing column": HEADER.replace(",source", "") + "\n" + ROW.rsplit(",", 1)[0] + "\n",
    "not utf-8": (HEADER + "\n").encode() + b"t1,\xff\xfe\n",
    "utf-16": csv_rows(ROW).encode("utf-16"),
    "nul byte": csv_rows(ROW).replace("census_stock", "census\x00stock").encode(),
    "short row": csv_rows("t1,census_stock,THA"),
    "long row": csv_rows(ROW + ",extra,fields"),
    "field too large": csv_rows(ROW.replace("UN DESA", "x" * 200_000)),
    "unclosed quote": csv_rows('t1,"census_stock,THA,ALL,,2015-12,2015-12,100,,,1,src'),
    "unknown observable": csv_rows(ROW.replace("census_stock", "happiness")),
    "unknown destination": csv_rows(ROW.replace(",THA,", ",KOR,")),
    "unknown origin": csv_rows(ROW.replace(",ALL,", ",XYZ,")),
    "bad channel": csv_rows(ROW.replace("ALL,,", "ALL,air,")),
    "unicode month": csv_rows(ROW.replace("2015-12,2015-12", "２０１５-１２,２０１５-１２")),
    "month with newline": csv_rows(ROW.replace("2015-12,2015-12", '"2015-12\n",2015-12')),
    "start after end": csv_rows(ROW.replace("2015-12,2015-12", "2016-12,2015-12")),
    "after the horizon": csv_rows(ROW.replace("2015-12,2015-12", "2036-01,2036-01")),
    "negative value": csv_rows(ROW.replace(",100,", ",-100,")),
    "nan value": csv_rows(ROW.replace(",100,", ",nan,")),
    "inf value": csv_rows(ROW.replace(",100,", ",inf,")),
    "value and band": csv_rows(ROW.replace(",100,,,", ",100,1,2,")),
    "band reversed": csv_rows(ROW.replace(",100,,,", ",,5,1,")),
    "weight text": csv_rows(ROW.replace(",1,UN", ",heavy,UN")),
    "no source": csv_rows(ROW.replace("UN DESA", " ")),
    "duplicate id": csv_rows(ROW, ROW),
    "empty id": csv_rows(ROW.replace("t1,", ",", 1)),
    "huge file": "# " + LONG,
    "binary": bytes(range(256)) * 100,
}.items():
    case(f"observations {_ident}", "check", _content, name="observations.csv")


IDS = [c[0] for c in CASES]
assert len(IDS) == len(set(IDS)), "two cases share an id"


def materialise(folder: Path, name: str, content: Content) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    if callable(content):
        content = content(folder)
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", errors="surrogatepass")
    return path


def argv_for(command: str, path: Path, out: Path) -> list[str]:
    if command == "run":
        return ["run", str(path), "--out", str(out), *RUN_FAST]
    if command == "check":
        return [
            "check",
            "baseline",
            "--observations",
            str(path),
            "--replicates",
            "1",
            "--out",
            str(out),
        ]
    return [command, str(path), "--out", str(out), "--quiet"]


def test_the_suite_is_large_enough():
    kinds = {c[1] for c in CASES}
    assert len(CASES) >= 150 and kinds == {"run", "batch", "sensitivity", "calibrate", "check"}


@pytest.mark.parametrize(("ident", "command", "name", "content"), CASES, ids=IDS)
def test_hostile_input_exits_0_or_2_cleanly(tmp_path, capsys, ident, command, name, content):
    path = materialise(tmp_path / "case", name, content)
    out = tmp_path / "out"
    code = main(argv_for(command, path, out))
    err = capsys.readouterr().err
    assert code in (0, 2), err
    assert "Traceback" not in err
    if code == 2:
        assert not out.exists(), "written into --out on exit 2"
        assert err.startswith("corridors: error: ") and err.count("\n") == 1, err
        assert len(err) < 3_000, "the message quotes too much"
        assert "s3cret" not in err


# ---- a few through the console script: no traceback reaches the terminal ---------------
SUBPROCESS = [
    "scenario nested arrays 100000",
    "extends absolute",
    "batch nested",
    "observations not utf-8",
    "sensitivity exploding",
]


def corridors_command() -> list[str]:
    script = Path(sys.executable).with_name("corridors")
    return [str(script)] if script.exists() else [sys.executable, "-m", "corridors.cli"]


@pytest.mark.parametrize("ident", SUBPROCESS)
def test_console_script_exit_2_without_traceback(tmp_path, ident):
    _, command, name, content = CASES[IDS.index(ident)]
    path = materialise(tmp_path / "case", name, content)
    out = tmp_path / "out"
    proc = subprocess.run(
        [*corridors_command(), *argv_for(command, path, out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and proc.stderr.count("\n") == 1
    assert not out.exists()
