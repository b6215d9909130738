"""Numbers of the emergency app that a deployment may change in its settings (anze/settings.py reads the
environment); each incident keeps the road factor it was handled with."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings


def road_factor() -> Decimal:
    """Road distance ≈ straight line × this (道路曲折系数; 1.2–1.4 is the usual range [未核])."""
    return Decimal(str(getattr(settings, "ANZE_EMERGENCY_ROAD_FACTOR", "1.3")))


def batch_expiry_days() -> int:
    """Alert on a batch this many days before it expires."""
    return int(getattr(settings, "ANZE_EMERGENCY_BATCH_EXPIRY_DAYS", 30))


def certificate_expiry_days() -> int:
    """Alert on a team member's certificate this many days before it expires."""
    return int(getattr(settings, "ANZE_EMERGENCY_CERTIFICATE_EXPIRY_DAYS", 60))


def agreement_expiry_days() -> int:
    """Alert on a rescue agreement this many days before it ends."""
    return int(getattr(settings, "ANZE_EMERGENCY_AGREEMENT_EXPIRY_DAYS", 30))
