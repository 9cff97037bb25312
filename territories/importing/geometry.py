"""Geometry: each commune's point and outline, and simplified department and region outlines.

The files give polygons and town hall points as WKB hex; what is stored is
GeoJSON text and rounded coordinates, all computed here, in memory, with
shapely, before anything is written.
"""

from collections import defaultdict

import shapely
from django.utils.translation import gettext as _

from .errors import TerritoriesImportError

# Tolerance of the simplified outlines (degrees) and their coordinate grid.
OUTLINE_TOLERANCE = 0.01
OUTLINE_GRID = 0.001
COMMUNE_GRID = 0.0001


def add_geometry(data, progress):
    """Points, commune outlines and simplified department and region outlines, added
    to the fields of data's communes, departments and regions.

    An unreadable geometry raises TerritoriesImportError; a missing one leaves an
    empty outline (and, for a commune, its town hall as its point).
    """
    codes = list(data.geometries)
    polygons, town_halls = _read_commune_shapes(data, codes)
    by_department = _place_communes(data, codes, polygons, town_halls, progress)
    departments = _union_departments(by_department, progress)
    _outline_departments(data, departments)
    _outline_regions(data, departments)


def _read_commune_shapes(data, codes):
    """Each commune's polygon (the union of its delegated communes' when it has none)
    and town hall point, in the order of codes; None where missing."""
    try:
        polygons = shapely.from_wkb([data.geometries[code] for code in codes], on_invalid="ignore")
        town_halls = shapely.from_wkb(
            [data.communes[code]["town_hall_point"] for code in codes], on_invalid="ignore"
        )
        for i, code in enumerate(codes):
            if polygons[i] is None and code in data.child_geometries:
                polygons[i] = shapely.union_all(
                    shapely.from_wkb(data.child_geometries[code], on_invalid="ignore")
                )
    except (shapely.errors.ShapelyError, ValueError) as error:
        raise TerritoriesImportError(_("Unreadable geometry: %(error)s.") % {"error": error}) from error
    return polygons, town_halls


def _place_communes(data, codes, polygons, town_halls, progress):
    """Each commune's point (on its polygon, else its town hall) and outline; return
    {department code: polygons of its communes}, arrondissements left out since they
    overlap their city."""
    inside = shapely.point_on_surface(polygons)
    outlines = shapely.to_geojson(shapely.set_precision(polygons, COMMUNE_GRID))
    by_department = defaultdict(list)
    for i, code in enumerate(progress(codes, desc="points", unit=" communes")):
        commune = data.communes[code]
        has_polygon = polygons[i] is not None and not shapely.is_empty(polygons[i])
        point = inside[i] if has_polygon else town_halls[i]
        commune["latitude"] = round(shapely.get_y(point), 5) if point is not None else None
        commune["longitude"] = round(shapely.get_x(point), 5) if point is not None else None
        commune["outline"] = outlines[i] or ""
        if commune["kind"] == "COM" and polygons[i] is not None:
            by_department[commune["department"]].append(polygons[i])
    return by_department


def _union_departments(by_department, progress):
    """{department code: union of its communes' polygons}, in the order of the codes."""
    return {
        code: shapely.union_all(by_department[code])
        for code in progress(sorted(by_department), desc="contours", unit=" départements")
    }


def _simplified(geometry):
    return shapely.set_precision(shapely.simplify(geometry, OUTLINE_TOLERANCE), OUTLINE_GRID)


def _outline_departments(data, departments):
    """Each department's simplified outline and bounding box; empty without communes."""
    for code, fields in data.departments.items():
        geometry = departments.get(code)
        if geometry is None:
            fields["outline"], fields["bbox"] = "", ""
            continue
        fields["outline"] = shapely.to_geojson(_simplified(geometry))
        fields["bbox"] = ",".join(f"{value:.3f}" for value in shapely.bounds(geometry))


def _outline_regions(data, departments):
    """Each region's simplified outline: the union of its departments'; empty without any."""
    by_region = defaultdict(list)
    for code, geometry in departments.items():
        by_region[data.departments[code]["region"]].append(geometry)
    for code, fields in data.regions.items():
        parts = by_region.get(code)
        fields["outline"] = shapely.to_geojson(_simplified(shapely.union_all(parts))) if parts else ""
