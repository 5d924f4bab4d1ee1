"""The TOML reader refuses deep nesting before the parser recurses (scenarios/tomlfile.py).

Why: ``tomllib`` recurses once per level; near Python's recursion limit, audit hooks that
other libraries install (filelock's) fail as well and print to stderr, so the one-line
error of a hostile file must come before any recursion, not from catching RecursionError.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import pytest

from scenarios import tomlfile
from scenarios.errors import ScenarioError
from scenarios.tomlfile import MAX_DEPTH, bracket_depth, nesting_depth, parse_toml

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ("a = 1\n", 0),
        ("a = [1, [2, [3]]]\n", 3),
        ("[t]\nb = {c = {d = 1}}\n", 2),
        ("[[t]]\nx = 1\n", 2),
        ('a = "[[[[{{{{"\n', 0),
        ("a = '[[[[' # [[[[[\n", 0),
        ('a = """\n[[[[ \\""" ]\n"""\nb = [1]\n', 1),
        ("a = '''[[[[\n]]'''\nb = [[1]]\n", 2),
        ('a = """x""""\nb = [1]\n', 1),
        ('"k[" = [1]\n', 1),
        ('a = "esc \\" [[" \nb = [[[1]]]\n', 3),
    ],
)
def test_bracket_depth_ignores_strings_and_comments(text, depth):
    assert bracket_depth(text) == depth
    tomllib.loads(text)  # every case is valid TOML


def test_bracket_depth_never_exceeds_data_depth_in_shipped_files():
    files = [
        p
        for folder in ("scenarios", "calibration", "examples")
        for p in (ROOT / folder).rglob("*.toml")
    ]
    assert len(files) >= 10
    for p in files:
        text = p.read_text(encoding="utf-8")
        data = tomllib.loads(text)
        assert bracket_depth(text) <= max(nesting_depth(data), 1), p


@pytest.mark.parametrize(
    "text",
    [
        "a = " + "{b = " * 5000 + "1" + "}" * 5000 + "\n",
        "a = " + "[" * 5000 + "]" * 5000 + "\n",
        "a = " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "\n",
    ],
)
def test_deep_file_is_refused_without_parsing(monkeypatch, text):
    def parser_must_not_run(_text):
        raise AssertionError("tomllib.loads called on a file refused by its brackets")

    monkeypatch.setattr(tomlfile.tomllib, "loads", parser_must_not_run)
    with pytest.raises(ScenarioError) as err:
        parse_toml(text.encode(), "deep.toml")
    assert "(nesting)" in str(err.value) and "deep.toml" in str(err.value)


def test_no_code_runs_near_the_recursion_limit_while_refusing(tmp_path):
    """What failed in CI: a collection during the parser's deep recursion ran other code
    (filelock's audit hook) at the recursion limit, which printed to stderr. Here a gc
    callback probes for headroom on every collection; with the bracket pre-check the
    parser never goes deep, so no probe fails. A subprocess, to own gc's settings."""
    import subprocess

    code = (
        "import gc\n"
        "from scenarios.tomlfile import parse_toml\n"
        "from scenarios.errors import ScenarioError\n"
        "hits = []\n"
        "def deeper(n):\n"
        "    return n if n == 0 else deeper(n - 1)\n"
        "def probe(phase, info):\n"
        "    try:\n"
        "        deeper(30)\n"
        "    except RecursionError:\n"
        "        hits.append(phase)\n"
        "gc.callbacks.append(probe)\n"
        "gc.set_threshold(1)\n"
        "tables = 'a = ' + '{b = ' * 5000 + '1' + '}' * 5000\n"
        "arrays = 'a = ' + '[' * 5000 + ']' * 5000\n"
        "for text in (tables, arrays):\n"
        "    try:\n"
        "        parse_toml(text.encode(), 'deep.toml')\n"
        "    except ScenarioError as exc:\n"
        "        print(exc)\n"
        "print('near-limit', len(hits))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert done.stdout.count("(nesting)") == 2
    assert done.stdout.strip().endswith("near-limit 0"), done.stdout
