"""The Explore view's map: real country shapes, corridors drawn by this month's arrivals.

Why a shipped GeoJSON: the page must work with no internet, so no tile server; the shapes
are Natural Earth's (public domain), cut to the region by ``scripts/build_region_map.py``
into ``dashboards/data/region.geojson`` and registered with ECharts as the map "region".
Features are named by ISO alpha-3 code, the codes the model uses, so a click on a country
names the country the dashboard looks up.

Each corridor is drawn twice, regular and irregular, as arrows bowed to opposite sides so
they never lie on top of each other. An arrow's width is proportional to the people who
arrived through it this month, on a scale that only grows during a run (a month's arrows can
be compared with the previous month's); the legend in the corner states the scale. Country
labels sit beside their marker (never on it).
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from corridors.palette import CHANNEL_COLOURS

from .chart_toolbox import png_toolbox

__all__ = [
    "COUNTRY_NAMES",
    "MAP_NAME",
    "MapPick",
    "arrow_width_px",
    "map_option",
    "nice_scale",
    "parse_map_click",
    "people_text",
    "region_geojson",
    "region_geojson_text",
]

MAP_NAME = "region"
GEOJSON = Path(__file__).resolve().parent / "data" / "region.geojson"
CHANNELS = ("regular", "irregular")

# where each country's marker sits (lon, lat): its capital or main city of departure/arrival
MARKER = {
    "KHM": (104.92, 11.56),
    "LAO": (102.63, 17.97),
    "MMR": (96.16, 16.84),
    "VNM": (105.85, 21.03),
    "IDN": (106.85, -6.2),
    "THA": (100.5, 13.75),
    "MYS": (101.69, 3.14),
    "SGP": (103.82, 1.35),
    "JPN": (139.69, 35.69),
}
COUNTRY_NAMES = {
    "KHM": "Cambodia",
    "LAO": "Laos",
    "MMR": "Myanmar",
    "VNM": "Viet Nam",
    "IDN": "Indonesia",
    "THA": "Thailand",
    "MYS": "Malaysia",
    "SGP": "Singapore",
    "JPN": "Japan",
}
# the aggregated rest-of-world origin (Bangladesh, Nepal, India, the Philippines, ...) has no
# shape of its own: a symbolic marker at Dhaka, the capital of its largest origin in Malaysia
PLACES = {**MARKER, "ROW": (90.41, 23.81)}
PLACE_NAMES = {**COUNTRY_NAMES, "ROW": "Rest of the world"}
# which side of its marker a country's label goes (away from the arrows that meet there)
LABEL_SIDE = {
    "KHM": "bottom",
    "LAO": "top",
    "MMR": "left",
    "VNM": "right",
    "IDN": "bottom",
    "THA": "left",
    "MYS": "left",
    "SGP": "right",
    "JPN": "bottom",
    "ROW": "left",
}
MARKER_PX = 12
MAX_ARROW_PX = 14.0
MIN_ARROW_PX = 1.0
ARROW_SHORTEN_DEG = 0.7  # arrows stop short of the markers so their heads stay visible
CURVENESS = {"regular": 0.22, "irregular": -0.22}
LAND = "#f1efe9"
LAND_MODEL = "#e3e0d6"  # countries of the model's world
BORDER = "#a8a39a"


@functools.cache
def region_geojson_text() -> str:
    """The shipped country shapes as GeoJSON text (read once; read-only data shared by
    every session). Handed to the page as text, not as a dict: ECharts parses a text map
    itself, and Solara's renderer walks every list and dict of a component's arguments on
    each render (80,000 coordinates would cost 0.2 s a frame)."""
    return GEOJSON.read_text(encoding="utf-8")


def region_geojson() -> dict:
    """The shipped country shapes as a dict."""
    return json.loads(region_geojson_text())


def nice_scale(people: float) -> float:
    """The smallest 1, 2 or 5 times a power of ten that is at least ``people`` (>= 10)."""
    people = max(float(people), 10.0)
    power = 10.0 ** math.floor(math.log10(people))
    for step in (1.0, 2.0, 5.0, 10.0):
        if step * power >= people * (1 - 1e-12):
            return step * power
    return 10.0 * power


def arrow_width_px(people: float, scale_people: float) -> float:
    """Arrow width: proportional to people, ``MAX_ARROW_PX`` at the scale, at least 1 px."""
    if people <= 0:
        return 0.0
    return round(max(MIN_ARROW_PX, MAX_ARROW_PX * people / scale_people), 2)


def people_text(people: float) -> str:
    """A count as a short text: 1.23 M, 45.6 k, 780."""
    if people >= 1e6:
        return f"{people / 1e6:.2f} M"
    if people >= 1e4:
        return f"{people / 1e3:.0f} k"
    if people >= 1e3:
        return f"{people / 1e3:.1f} k"
    return f"{people:,.0f}"


def _shortened(a: tuple[float, float], b: tuple[float, float]) -> list[list[float]]:
    dx, dy = b[0] - a[0], b[1] - a[1]
    length = math.hypot(dx, dy) or 1.0
    cut = min(ARROW_SHORTEN_DEG, length / 4)
    ux, uy = dx / length * cut, dy / length * cut
    return [[round(a[0] + ux, 3), round(a[1] + uy, 3)], [round(b[0] - ux, 3), round(b[1] - uy, 3)]]


def map_bounds(codes: list[str]) -> list[list[float]]:
    """ECharts ``boundingCoords`` ([[west, north], [east, south]]) around the markers."""
    lons = [PLACES[c][0] for c in codes]
    lats = [PLACES[c][1] for c in codes]
    return [[min(lons) - 6.0, max(lats) + 6.0], [max(lons) + 6.0, min(lats) - 5.0]]


def _width_legend(scale_people: float) -> dict:
    """Three reference arrows with what they stand for, in the lower left corner."""
    children = [
        {
            "type": "rect",
            "shape": {"x": -6, "y": -22, "width": 208, "height": 92},
            "style": {"fill": "rgba(255,255,255,0.88)", "stroke": "#cccccc"},
        },
        {
            "type": "text",
            "x": 0,
            "y": -16,
            "style": {
                "text": "Arrivals this month (arrow width)",
                "fontSize": 11,
                "fill": "#333333",
            },
        },
    ]
    for i, share in enumerate((1.0, 0.5, 0.1)):
        people = scale_people * share
        y = 6 + 20 * i
        children.append(
            {
                "type": "line",
                "shape": {"x1": 0, "y1": y, "x2": 44, "y2": y},
                "style": {"stroke": "#555555", "lineWidth": arrow_width_px(people, scale_people)},
            }
        )
        children.append(
            {
                "type": "text",
                "x": 54,
                "y": y - 7,
                "style": {"text": f"{people:,.0f} people", "fontSize": 11, "fill": "#333333"},
            }
        )
    return {"type": "group", "left": 14, "bottom": 14, "children": children}


def map_option(
    *,
    world,
    arrivals: np.ndarray,
    stocks: np.ndarray,
    month: str,
    scale_people: float,
    file_name: str = "explore_map",
) -> dict:
    """The map's ECharts option.

    ``arrivals`` and ``stocks`` are [corridor, channel] in people (the last month simulated,
    in the order of ``world.corridors``); ``scale_people`` is the arrivals a full-width
    arrow stands for."""
    codes = [*world.origins, *world.destinations]
    dest_of = [c.destination for c in world.corridors]
    lines = {channel: [] for channel in CHANNELS}
    for i, corridor in enumerate(world.corridors):
        for k, channel in enumerate(CHANNELS):
            people = float(arrivals[i, k])
            if people <= 0:
                continue
            name = f"{corridor.origin} → {corridor.destination} {channel}"
            lines[channel].append(
                {
                    "name": name,
                    "corridor": corridor.code,
                    "channel": channel,
                    "value": round(people),
                    "coords": _shortened(PLACES[corridor.origin], PLACES[corridor.destination]),
                    "lineStyle": {"width": arrow_width_px(people, scale_people)},
                    "tooltip": {
                        "formatter": f"{PLACE_NAMES[corridor.origin]} to "
                        f"{PLACE_NAMES[corridor.destination]}, {channel}: "
                        f"{people:,.0f} people arrived in {month}"
                    },
                }
            )
    markers = []
    for code in codes:
        is_destination = code in world.destinations
        text = PLACE_NAMES[code]
        tip = text
        if is_destination:
            rows = [i for i, d in enumerate(dest_of) if d == code]
            regular, irregular = (float(stocks[rows, k].sum()) for k in range(2))
            text += f"\nregular {people_text(regular)}\nirregular {people_text(irregular)}"
            tip += (
                f": {regular:,.0f} regular and {irregular:,.0f} irregular migrant "
                f"workers at the end of {month}"
            )
        markers.append(
            {
                "name": code,
                "value": [*PLACES[code], 1],
                "symbol": "rect" if is_destination else "circle",
                "itemStyle": {"color": "#3a3a3a" if is_destination else "#7a7a7a"},
                "label": {
                    "show": True,
                    "position": LABEL_SIDE[code],
                    "distance": 7,
                    "formatter": text,
                },
                "tooltip": {"formatter": tip},
            }
        )
    series = [
        {
            "type": "lines",
            "name": channel,
            "coordinateSystem": "geo",
            "zlevel": 1,
            "symbol": ["none", "arrow"],
            "symbolSize": 9,
            "lineStyle": {
                "color": CHANNEL_COLOURS[channel],
                "opacity": 0.8,
                "curveness": CURVENESS[channel],
            },
            "itemStyle": {"color": CHANNEL_COLOURS[channel]},
            "emphasis": {"lineStyle": {"opacity": 1.0}},
            "data": lines[channel],
        }
        for channel in CHANNELS
    ]
    series.append(
        {
            "type": "scatter",
            "name": "countries",
            "coordinateSystem": "geo",
            "zlevel": 2,
            "symbolSize": MARKER_PX,
            "label": {
                "fontSize": 11,
                "color": "#222222",
                "backgroundColor": "rgba(255,255,255,0.8)",
                "padding": [1, 3],
                "borderRadius": 2,
                "lineHeight": 14,
            },
            "labelLayout": {"hideOverlap": False},
            "data": markers,
        }
    )
    return {
        "animation": False,
        "title": {
            "text": f"Arrivals in {month}, by corridor and channel",
            "left": 4,
            "top": 0,
            "textStyle": {"fontSize": 13, "fontWeight": "bold"},
        },
        "tooltip": {"trigger": "item"},
        "legend": {  # not clickable: each frame replaces the whole option
            "top": 24,
            "left": 4,
            "data": list(CHANNELS),
            "selectedMode": False,
            "textStyle": {"fontSize": 12},
        },
        "toolbox": png_toolbox(file_name),
        "geo": {
            "map": MAP_NAME,
            "roam": False,
            "boundingCoords": map_bounds(codes),
            "aspectScale": round(math.cos(math.radians(12.0)), 3),
            "top": 56,
            "bottom": 8,
            "left": 8,
            "right": 8,
            "itemStyle": {"areaColor": LAND, "borderColor": BORDER, "borderWidth": 0.8},
            "emphasis": {"itemStyle": {"areaColor": "#d6d2c4"}, "label": {"show": False}},
            "select": {"disabled": True},
            "tooltip": {"show": False},
            "regions": [{"name": c, "itemStyle": {"areaColor": LAND_MODEL}} for c in codes],
        },
        "graphic": [_width_legend(scale_people)],
        "series": series,
    }


@dataclass(frozen=True)
class MapPick:
    """What a click on the map (or a chart) asks the inspector for."""

    origin: str | None = None
    destination: str | None = None
    corridor: str | None = None
    channel: str | None = None

    def describe(self) -> str:
        if self.corridor:
            origin, destination = self.corridor.split("-")
            text = f"{PLACE_NAMES.get(origin, origin)} to "
            text += PLACE_NAMES.get(destination, destination)
            return text + (f", {self.channel}" if self.channel else "")
        if self.destination:
            return f"in {PLACE_NAMES.get(self.destination, self.destination)}"
        if self.origin:
            return f"from {PLACE_NAMES.get(self.origin, self.origin)}"
        return f"{self.channel}" if self.channel else "anyone"


def parse_map_click(event: dict, world) -> MapPick | None:
    """The pick a click event of the map stands for (``None``: nothing of the model there).

    A corridor arrow gives its corridor and channel; a country (its shape or its marker)
    gives the country as origin or destination."""
    if not isinstance(event, dict):
        return None
    data = event.get("data") if isinstance(event.get("data"), dict) else {}
    if event.get("seriesType") == "lines" and data.get("corridor"):
        channel = data.get("channel")
        return MapPick(
            corridor=str(data["corridor"]), channel=channel if channel in CHANNELS else None
        )
    name = event.get("name")
    if event.get("componentType") in ("geo", "series") and isinstance(name, str):
        if name in world.origins:
            return MapPick(origin=name)
        if name in world.destinations:
            return MapPick(destination=name)
    return None
