"""Distances without a map service: the great-circle distance, times a road factor (pure, no Django)."""

from __future__ import annotations

import math
from decimal import Decimal

EARTH_RADIUS_KM = 6371.0088  # the mean radius (IUGG)


def straight_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle (haversine) distance in kilometres between two points given in degrees."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def road_km(
    lat1: float | Decimal,
    lon1: float | Decimal,
    lat2: float | Decimal,
    lon2: float | Decimal,
    factor: float | Decimal,
) -> Decimal:
    """The estimated road distance: straight line × `factor` (≥ 1), to 0.1 km."""
    if Decimal(str(factor)) < 1:
        raise ValueError("a road factor is at least 1")
    km = straight_km(float(lat1), float(lon1), float(lat2), float(lon2)) * float(factor)
    return Decimal(str(round(km, 1)))
