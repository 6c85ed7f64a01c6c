"""The position catalogue as reference data (DOMAIN.md §4, Decree 33/2023).

The positions are rows (fixtures/positions.json, editable in the admin); the
codes are stable because reports and position standards refer to them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings

POSITIONS_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "positions.json"


def shipped_positions() -> list[tuple[str, str, str, str]]:
    """``(code, name, name_en, group)`` in catalogue order."""
    data = json.loads(POSITIONS_FIXTURE.read_text(encoding="utf-8"))
    return [tuple(row) for row in data["positions"]]  # type: ignore[misc]


def load_positions(position_model: Any) -> int:
    """Create or update the shipped positions; takes the model so migrations can call it."""
    rows = shipped_positions()
    for order, (code, name, name_en, group) in enumerate(rows, start=1):
        position_model.objects.update_or_create(
            code=code,
            defaults={"name": name, "name_en": name_en, "group": group, "order": order},
        )
    return len(rows)
