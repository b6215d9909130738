"""Which band table applies: the most specific region's, in force on the date, else the built-in default."""

from __future__ import annotations

import datetime as dt

from anze.prevention.choices import AssessmentMethod
from anze.prevention.models import RiskBandTable
from anze.prevention.scoring import DEFAULT_LEC_BANDS, DEFAULT_LS_BANDS, BandTable

DEFAULTS = {AssessmentMethod.LEC: DEFAULT_LEC_BANDS, AssessmentMethod.LS: DEFAULT_LS_BANDS}


def band_table_for(region_path: str, method: str, on: dt.date) -> tuple[BandTable, RiskBandTable | None]:
    """The table for a region path (its own, an ancestor's, or the national default) effective on `on`."""
    rows = RiskBandTable.objects.filter(method=method, effective_from__lte=on).select_related("region")
    # The region's own table or an ancestor's; no region means every region (the national default).
    applicable = [row for row in rows if region_path.startswith(row.region.path if row.region_id else "")]
    if not applicable:
        return DEFAULTS[AssessmentMethod(method)], None
    # A more specific region wins; within one region the latest date wins (one table per region and date).
    best = max(applicable, key=lambda row: (len(row.region.path) if row.region_id else 0, row.effective_from))
    return best.table(), best
