"""A small static map as inline SVG: a commune within its department.

No JavaScript and no tiles: a few kilobytes of our own outlines, readable on
any phone. Coordinates are projected with an equirectangular projection
scaled by the cosine of the mean latitude, which is faithful at this scale.
"""

import json
import math

WIDTH = 320


def _rings(geometry):
    if geometry["type"] == "Polygon":
        return geometry["coordinates"]
    if geometry["type"] == "MultiPolygon":
        return [ring for polygon in geometry["coordinates"] for ring in polygon]
    return []


def _load(outline):
    try:
        return _rings(json.loads(outline)) if outline else []
    except (ValueError, KeyError, TypeError):
        return []


def commune_map(*, department_outline, commune_outline, latitude, longitude):
    """Return the viewBox, the two paths and the marker position, or None."""
    frame = _load(department_outline) or _load(commune_outline)
    if not frame:
        return None
    lons = [point[0] for ring in frame for point in ring]
    lats = [point[1] for ring in frame for point in ring]
    west, east, south, north = min(lons), max(lons), min(lats), max(lats)
    scale_x = math.cos(math.radians((south + north) / 2))
    span_x = max((east - west) * scale_x, 1e-6)
    span_y = max(north - south, 1e-6)
    height = max(120, min(400, round(WIDTH * span_y / span_x)))
    factor = min(WIDTH / span_x, height / span_y) * 0.96
    offset_x = (WIDTH - span_x * factor) / 2
    offset_y = (height - span_y * factor) / 2

    def project(lon, lat):
        return (
            round(offset_x + (lon - west) * scale_x * factor, 1),
            round(offset_y + (north - lat) * factor, 1),
        )

    def path(rings):
        parts = []
        for ring in rings:
            points = [project(lon, lat) for lon, lat in ring]
            parts.append("M" + "L".join(f"{x:g} {y:g}" for x, y in points) + "Z")
        return "".join(parts)

    marker = project(longitude, latitude) if latitude is not None and longitude is not None else None
    return {
        "width": WIDTH,
        "height": height,
        "department_path": path(_load(department_outline)),
        "commune_path": path(_load(commune_outline)),
        "marker": marker,
    }
