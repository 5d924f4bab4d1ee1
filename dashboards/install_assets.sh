#!/usr/bin/env bash
# Install Solara's front-end bundles into its proxy cache, from the npm registry, so the
# dashboard renders with no internet at run time. Run once after `uv sync` (the test command
# and `corridors dashboard` tell you when it is missing).
#   usage: bash dashboards/install_assets.sh [PYTHON]
set -euo pipefail
python="${1:-.venv/bin/python}"
cache=$("$python" -c "import solara.server.settings as s; print(s.assets.proxy_cache_dir)")
packages=(
  "@widgetti/solara-vuetify-app@10.1.1"
  "@widgetti/solara-vuetify3-app@5.2.0"
  "requirejs@2.3.6"
  "@widgetti/vue-grid-layout@2.3.13-alpha.2"
  "font-awesome@4.5.0"
  "mermaid@10.8.0"
  "katex@0.16.9"
  "echarts@5.4.0"   # solara.FigureEcharts loads this exact version
)
mkdir -p "$cache"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for spec in "${packages[@]}"; do
  target="$cache/$spec"
  if [ -f "$target/.complete" ]; then
    continue
  fi
  echo "solara assets: $spec"
  tarball=$(cd "$work" && npm pack --silent "$spec" | tail -n 1)
  rm -rf "$target.partial" && mkdir -p "$target.partial"
  tar -xzf "$work/$tarball" -C "$target.partial" --strip-components=1
  touch "$target.partial/.complete"
  rm -rf "$target" && mkdir -p "$(dirname "$target")" && mv "$target.partial" "$target"
done
echo "solara assets ready in $cache"
