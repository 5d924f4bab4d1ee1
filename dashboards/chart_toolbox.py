"""The corner button every ECharts chart of the dashboard carries: save the chart as PNG.

ECharts draws the image in the browser from the chart itself, so it works offline and shows
exactly what is on screen; one definition keeps every chart's button alike."""

from __future__ import annotations

__all__ = ["png_toolbox"]


def png_toolbox(file_name: str) -> dict:
    """ECharts ``toolbox`` option: a "PNG" button saving ``file_name``.png at twice the
    screen's resolution on white."""
    return {
        "right": 4,
        "top": 0,
        "itemSize": 14,
        "feature": {
            "saveAsImage": {
                "title": "PNG",
                "name": file_name,
                "pixelRatio": 2,
                "backgroundColor": "#ffffff",
            }
        },
    }
