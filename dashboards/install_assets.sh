#!/usr/bin/env bash
# Install Solara's front-end bundles into its proxy cache, from the npm registry, so the
# dashboard renders with no internet at run time. Run once after `uv sync` (the test command
# and `corridors dashboard` tell you when it is missing). The work is done by
# dashboards/install_assets.py (the same as `python -m dashboards.install_assets`, which is what
# an installed package runs); this wrapper only picks the repository's Python.
#   usage: bash dashboards/install_assets.sh [PYTHON]
set -euo pipefail
python="${1:-.venv/bin/python}"
exec "$python" -m dashboards.install_assets
