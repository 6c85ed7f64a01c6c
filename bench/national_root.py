"""Put one root unit, BENCH-VN, above the top units of a bench database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pq_bench_national \\
        .venv/bin/python bench/national_root.py
    .venv/bin/python manage.py rebuild_snapshots --year 2024   # then 2025

The synthetic national set (``generate_synthetic --scale national``) has 34
provinces and nothing above them, so the whole country is not one report.
This adds the unit and one dated link per top unit (from the day it opened
to the day it closed), so that the country is BENCH-VN's subtree. Bench
databases only: the real tree has no unit above the provinces. Snapshot
paths start at the top of the year's tree, so rebuild the snapshots after
it (the script says which years). Running it again changes nothing.
"""

from __future__ import annotations

import datetime
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partyquality.settings")

import django

django.setup()

from django.db import transaction  # noqa: E402

from assessments.snapshot_rebuild import years_with_approvals  # noqa: E402
from organizations.models import Kind, Level, Unit, UnitLink  # noqa: E402

CODE = "BENCH-VN"


def main() -> None:
    if Unit.objects.filter(code=CODE).exists():
        print(f"{CODE} exists already; nothing to do")
        return
    with transaction.atomic():
        # The units that were never anyone's child: the provinces.
        tops = list(
            Unit.objects.exclude(parent_links__isnull=False).order_by("opened_on", "id")
        )
        if not tops:
            sys.exit("no top units: is this a synthetic set?")
        root = Unit.objects.create(
            code=CODE,
            name="Toàn quốc (bench)",
            level=Level.PROVINCE,
            kind=Kind.BLOC,
            opened_on=min(
                (u.opened_on for u in tops), default=datetime.date(2000, 1, 1)
            ),
        )
        UnitLink.objects.bulk_create(
            UnitLink(
                parent=root,
                child=unit,
                valid_from=unit.opened_on,
                valid_to=unit.closed_on,
            )
            for unit in tops
        )
    print(f"{CODE} (id {root.pk}) above {len(tops)} units")
    years = " ".join(str(y) for y in years_with_approvals())
    print(f"now rebuild the snapshots of: {years or 'no approved year'}")


if __name__ == "__main__":
    main()
