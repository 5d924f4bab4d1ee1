#!/usr/bin/env bash
# Set up everything the tests need and run them (the README's test command; CI runs it too).
#   - the locked Python 3.12 environment (uv, from PyPI)
#   - Solara's front-end assets (npm registry) for the dashboard's browser tests
#   - Chromium from Debian's packages, when missing and we are root (else browser tests skip)
# Formatting, lint and the type check run first. Extra arguments go to pytest, e.g.
# `bash scripts/test.sh -m "not e2e"`.
set -euo pipefail
cd "$(dirname "$0")/.."
export UV_PYTHON_DOWNLOADS=never SOLARA_TELEMETRY_MIXPANEL_ENABLE=False MPLBACKEND=Agg
python3 -m pip install --quiet --disable-pip-version-check uv
python3 -m uv sync --locked
bash dashboards/install_assets.sh .venv/bin/python
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Chromium from Debian's packages"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  else
    echo "Chromium is not installed: the dashboard's browser tests will be skipped"
  fi
fi
# the code's habits, enforced before the tests: formatting, lint (incl. docstrings and
# complexity on the model code), and the type check of the core (see CONTRIBUTING.md)
python3 -m uv run --locked ruff format --check --quiet .
python3 -m uv run --locked ruff check --quiet .
python3 -m uv run --locked mypy
exec python3 -m uv run --locked pytest "$@"
