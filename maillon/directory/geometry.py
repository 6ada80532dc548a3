"""Distances and boxes on the sphere, and "is this point in France?" from the official geography.

Distances are computed in Python (haversine) over a bounding-box-prefiltered queryset, which
works the same on SQLite and PostgreSQL.
"""

import math
from dataclasses import dataclass

from django.db.models import Max, Min

EARTH_RADIUS_KM = 6371.0088
# A point further than this from every département's box of communes is "outside France".
FRANCE_MARGIN_DEGREES = 0.3


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True)
class Box:
    south: float
    west: float
    north: float
    east: float

    @classmethod
    def around(cls, lat: float, lon: float, radius_km: float) -> "Box":
        """The smallest latitude/longitude box holding the circle (never crossing a pole)."""
        dlat = math.degrees(radius_km / EARTH_RADIUS_KM)
        cos_lat = max(math.cos(math.radians(lat)), 0.01)
        dlon = min(180.0, dlat / cos_lat)
        return cls(max(-90.0, lat - dlat), lon - dlon, min(90.0, lat + dlat), lon + dlon)

    def contains(self, lat: float, lon: float) -> bool:
        return self.south <= lat <= self.north and self.west <= lon <= self.east

    def lookups(self, prefix: str = "") -> dict[str, float]:
        return {
            f"{prefix}latitude__gte": self.south,
            f"{prefix}latitude__lte": self.north,
            f"{prefix}longitude__gte": self.west,
            f"{prefix}longitude__lte": self.east,
        }


_boxes: list[tuple[Box, ...]] = []


def department_boxes() -> tuple[Box, ...]:
    """One box per département, from its communes' coordinates (read once per process, once
    the geography is loaded)."""
    if _boxes:
        return _boxes[0]
    from maillon.geo.models import Commune

    rows = (
        Commune.objects.filter(latitude__isnull=False, longitude__isnull=False)
        .values("department_id")
        .annotate(s=Min("latitude"), n=Max("latitude"), w=Min("longitude"), e=Max("longitude"))
    )
    margin = FRANCE_MARGIN_DEGREES
    boxes = tuple(
        Box(r["s"] - margin, r["w"] - margin, r["n"] + margin, r["e"] + margin) for r in rows
    )
    if boxes:
        _boxes.append(boxes)
    return boxes


def in_france(lat: float, lon: float) -> bool:
    """True when the point lies near a French commune (mainland, Corsica or overseas)."""
    boxes = department_boxes()
    if not boxes:  # no geography loaded: do not refuse anybody
        return True
    return any(box.contains(lat, lon) for box in boxes)
