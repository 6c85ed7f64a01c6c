"""How big each scale is, and how a big load is run."""

from __future__ import annotations

import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class ScaleSize:
    provinces: int
    superiors: int  # commune-level committees per province
    grassroots: int  # per superior (mean)
    cells: float  # per grassroots committee (mean)
    members: float  # per cell (mean)
    cadre_share: float


SCALES = {
    "tiny": ScaleSize(1, 2, 3, 3, 8, 0.1),
    "district": ScaleSize(1, 10, 11, 7, 20, 0.02),
    "province": ScaleSize(1, 130, 11, 8.3, 20, 0.02),
    "national": ScaleSize(34, 130, 12, 6.9, 16.1, 0.02),
}

# Share of grassroots organizations that are "chi bộ cơ sở" (no cells below).
GRASSROOTS_CELL_SHARE = 0.15
OPENED = datetime.date(1990, 1, 1)
BIG_LOAD = 50_000
# Connections loading and indexing a big load side by side: one per core here.
CONNECTIONS = 2
# Each connection rebuilding indexes sorts in memory up to this much.
REBUILD_SETUP = ("SET maintenance_work_mem = '512MB'",)
