"""Classification scales: which one applies to a year, loading the reference data.

The scales themselves are rows (fixtures/scales.json, editable in the admin);
this module only finds the one in force and loads the shipped reference.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings

SCALES_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "scales.json"


def scale_for(subject: str, year: int):  # type: ignore[no-untyped-def]
    """The scale in force for ``subject`` in ``year``, or None."""
    from assessments.models import Scale

    return (
        Scale.objects.filter(subject=subject, valid_from_year__lte=year)
        .exclude(valid_to_year__lt=year)
        .order_by("-valid_from_year")
        .first()
    )


def load_scales(
    scale_model: Any, level_model: Any, *, codes: tuple[str, ...] | None = None
) -> int:
    """Create or update the shipped scales (those of ``codes`` only, if given:
    a later migration adds its scales without undoing an administrator's
    edits of the others); takes models so migrations can call it."""
    data = json.loads(SCALES_FIXTURE.read_text(encoding="utf-8"))
    entries = [e for e in data["scales"] if codes is None or e["code"] in codes]
    for entry in entries:
        scale, _ = scale_model.objects.update_or_create(
            code=entry["code"],
            defaults={
                "subject": entry["subject"],
                "name": entry["name"],
                "regulation": entry["regulation"],
                "valid_from_year": entry["from"],
                "valid_to_year": entry["to"],
                "uses_score": entry["uses_score"],
            },
        )
        for order, row in enumerate(entry["levels"], start=1):
            code, label, label_en, short, tier = row[:5]
            level_model.objects.update_or_create(
                scale=scale,
                code=code,
                defaults={
                    "label": label,
                    "label_en": label_en,
                    "short_label": short,
                    "order": order,
                    "tier": tier,
                    "min_score": row[5] if len(row) > 5 else None,
                },
            )
    return len(entries)
