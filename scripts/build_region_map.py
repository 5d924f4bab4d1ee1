"""Regenerate ``dashboards/data/region.geojson``: the country shapes of the Explore map.

    .venv/bin/python scripts/build_region_map.py            # fetches world-atlas with npm
    .venv/bin/python scripts/build_region_map.py --package DIR_OR_TGZ   # an unpacked copy

Why a script and a committed file: the dashboard must draw real country shapes with no
internet at run time. The shapes are Natural Earth's 1:50m admin-0 countries (public
domain) as redistributed in the npm package ``world-atlas@2.0.2`` (TopoJSON, ISC licence).
This script runs ``npm pack`` once, decodes the TopoJSON of the countries the model uses
and a few neighbours for context, clips them to the region, simplifies each ring
(Douglas-Peucker, ``TOLERANCE_DEG``: 3 km, under half a pixel of the dashboard's map, where
a pixel is about 0.08 degree) and rounds coordinates to 0.01 degree, and writes a small
GeoJSON whose features are named by ISO 3166-1 alpha-3 code (the codes the model uses), so a
click on a country tells the dashboard which country it was. Fewer points also make every
frame of the map cheaper to draw in the browser.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "world-atlas@2.0.2"
SOURCE_FILE = "countries-50m.json"
OUT = Path(__file__).resolve().parent.parent / "dashboards" / "data" / "region.geojson"

# ISO 3166-1 numeric (world-atlas feature id) -> (alpha-3, English name)
COUNTRIES = {
    # the model's origins and destinations
    "116": ("KHM", "Cambodia"),
    "418": ("LAO", "Laos"),
    "104": ("MMR", "Myanmar"),
    "704": ("VNM", "Viet Nam"),
    "360": ("IDN", "Indonesia"),
    "764": ("THA", "Thailand"),
    "458": ("MYS", "Malaysia"),
    "702": ("SGP", "Singapore"),
    "392": ("JPN", "Japan"),
    # neighbours, drawn for context only
    "156": ("CHN", "China"),
    "356": ("IND", "India"),
    "050": ("BGD", "Bangladesh"),
    "064": ("BTN", "Bhutan"),
    "524": ("NPL", "Nepal"),
    "608": ("PHL", "Philippines"),
    "096": ("BRN", "Brunei"),
    "626": ("TLS", "Timor-Leste"),
    "598": ("PNG", "Papua New Guinea"),
    "158": ("TWN", "Taiwan"),
    "410": ("KOR", "South Korea"),
    "408": ("PRK", "North Korea"),
}
# west, south, east, north (degrees): the region from the Bay of Bengal to Japan
CLIP_BOX = (86.0, -12.0, 147.0, 46.0)
DECIMALS = 2
TOLERANCE_DEG = 0.03


def fetch_package(workdir: Path) -> Path:
    """``npm pack`` the package into ``workdir`` and return the unpacked folder."""
    result = subprocess.run(
        ["npm", "pack", "--silent", PACKAGE],
        cwd=workdir,
        check=True,
        capture_output=True,
        text=True,
    )
    return unpack(workdir / result.stdout.strip().splitlines()[-1], workdir)


def unpack(tarball: Path, workdir: Path) -> Path:
    with tarfile.open(tarball) as tar:
        tar.extractall(workdir, filter="data")
    return workdir / "package"


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Absolute (lon, lat) points of every arc of a quantized, delta-encoded topology."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring_points(ring: list[int], arcs: list[list[tuple[float, float]]]) -> list:
    """A ring from its arc indices (``~i`` is arc ``i`` reversed); shared end points once."""
    points: list[tuple[float, float]] = []
    for index in ring:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def clip_ring(points: list, box: tuple[float, float, float, float]) -> list:
    """Sutherland-Hodgman clip of a closed ring against a rectangle (convex, so exact)."""
    west, south, east, north = box
    edges = (
        (lambda p: p[0] >= west, lambda a, b: _at_x(a, b, west)),
        (lambda p: p[0] <= east, lambda a, b: _at_x(a, b, east)),
        (lambda p: p[1] >= south, lambda a, b: _at_y(a, b, south)),
        (lambda p: p[1] <= north, lambda a, b: _at_y(a, b, north)),
    )
    out = points
    for inside, cross in edges:
        if not out:
            break
        previous, clipped = out[-1], []
        for point in out:
            if inside(point):
                if not inside(previous):
                    clipped.append(cross(previous, point))
                clipped.append(point)
            elif inside(previous):
                clipped.append(cross(previous, point))
            previous = point
        out = clipped
    return out


def _at_x(a, b, x):
    t = (x - a[0]) / (b[0] - a[0])
    return (x, a[1] + t * (b[1] - a[1]))


def _at_y(a, b, y):
    t = (y - a[1]) / (b[1] - a[1])
    return (a[0] + t * (b[0] - a[0]), y)


def simplify(points: list, tolerance: float) -> list:
    """Douglas-Peucker: drop points closer than ``tolerance`` to the line through their
    kept neighbours (iterative, so long coastlines do not exhaust the recursion limit)."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x0, y0), (x1, y1) = points[first], points[last]
        dx, dy = x1 - x0, y1 - y0
        norm = (dx * dx + dy * dy) ** 0.5
        far, far_at = 0.0, -1
        for i in range(first + 1, last):
            px, py = points[i]
            if norm == 0.0:
                d = ((px - x0) ** 2 + (py - y0) ** 2) ** 0.5
            else:
                d = abs(dy * px - dx * py + x1 * y0 - y1 * x0) / norm
            if d > far:
                far, far_at = d, i
        if far > tolerance:
            keep[far_at] = True
            stack.extend(((first, far_at), (far_at, last)))
    return [p for p, k in zip(points, keep, strict=True) if k]


def tidy_ring(points: list) -> list[list[float]] | None:
    """Simplified, rounded, without repeated points, closed; ``None`` if nothing of it is
    left (an islet smaller than the tolerance)."""
    if len(points) > 3:
        # split a closed ring in two halves so its end points are not the only anchors
        half = len(points) // 2
        points = simplify(points[: half + 1], TOLERANCE_DEG)[:-1] + simplify(
            points[half:], TOLERANCE_DEG
        )
    rounded: list[list[float]] = []
    for x, y in points:
        p = [round(x, DECIMALS), round(y, DECIMALS)]
        if not rounded or p != rounded[-1]:
            rounded.append(p)
    if len(rounded) > 1 and rounded[0] == rounded[-1]:
        rounded.pop()
    if len(rounded) < 3:
        return None
    return [*rounded, rounded[0]]


def polygons_of(geometry: dict, arcs) -> list[list[list[list[float]]]]:
    """The geometry's polygons (outer ring first, then holes), clipped and tidied."""
    parts = [geometry["arcs"]] if geometry["type"] == "Polygon" else geometry["arcs"]
    polygons = []
    for polygon in parts:
        rings = [tidy_ring(clip_ring(ring_points(r, arcs), CLIP_BOX)) for r in polygon]
        if rings and rings[0] is not None:
            polygons.append([r for r in rings if r is not None])
    return polygons


def region_geojson(topology: dict) -> dict:
    """A FeatureCollection of the listed countries, named by alpha-3 code."""
    arcs = decode_arcs(topology)
    features = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        if geometry.get("id") not in COUNTRIES or geometry["type"] not in (
            "Polygon",
            "MultiPolygon",
        ):
            continue
        code, title = COUNTRIES[geometry["id"]]
        polygons = polygons_of(geometry, arcs)
        if not polygons:
            continue
        features.append(
            {
                "type": "Feature",
                "properties": {"name": code, "title": title},
                "geometry": {"type": "MultiPolygon", "coordinates": polygons},
            }
        )
    features.sort(key=lambda f: f["properties"]["name"])
    return {
        "type": "FeatureCollection",
        "source": f"Natural Earth 1:50m admin-0 countries (public domain), from npm {PACKAGE}",
        "features": features,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--package",
        type=Path,
        help="an unpacked world-atlas folder or its .tgz (default: npm pack)",
    )
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if args.package is None:
            folder = fetch_package(work)
        elif args.package.is_file():
            folder = unpack(args.package, work)
        else:
            folder = args.package
        topology = json.loads((folder / SOURCE_FILE).read_text(encoding="utf-8"))
    data = region_geojson(topology)
    missing = {c for c, _ in COUNTRIES.values()} - {
        f["properties"]["name"] for f in data["features"]
    }
    if missing:
        raise SystemExit(f"no shapes for {sorted(missing)} in {PACKAGE}/{SOURCE_FILE}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{args.out}: {len(data['features'])} countries, {args.out.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
