"""Which band table applies: the most specific region's, in force on the date, else the built-in default."""

from __future__ import annotations

import datetime as dt

from anze.prevention.choices import AssessmentMethod
from anze.prevention.models import RiskBandTable
from anze.prevention.scoring import DEFAULT_LEC_BANDS, DEFAULT_LS_BANDS, BandTable

DEFAULTS = {AssessmentMethod.LEC: DEFAULT_LEC_BANDS, AssessmentMethod.LS: DEFAULT_LS_BANDS}


def band_table_for(region_path: str, method: str, on: dt.date) -> tuple[BandTable, RiskBandTable | None]:
    """The table for a region path (its own, an ancestor's, or the national default) effective on `on`."""
    candidates = (
        RiskBandTable.objects.filter(method=method, effective_from__lte=on)
        .select_related("region")
        .order_by("-effective_from", "-id")
    )
    best: RiskBandTable | None = None
    best_depth = -1
    for row in candidates:
        path = row.region.path if row.region_id else ""
        if not region_path.startswith(path):
            continue
        depth = len(path)
        if depth > best_depth:  # a more specific region wins; within one region the latest date wins
            best, best_depth = row, depth
    if best is None:
        return DEFAULTS[AssessmentMethod(method)], None
    return best.table(), best
