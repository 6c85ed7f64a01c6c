"""The audit log at a province's size (issue #18 item 6, "Done when").

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pq_bench_x \\
        python bench/audit_log.py [--runs 5] [--days 60]

The synthetic load (manage.py generate_synthetic) runs with the triggers off,
so its tables have no events. This fills the trail once as a review cycle
would have: one insert event per person, per cell period and per member and
unit classification of the latest year, each with its own context (author
and page, as a row save gives), spread over the last ``--days`` days. Then
it asks the log's pages as the province's board officer through Django's
test client (server time, median of ``--runs``): the default page (last 30
days), a later page, by kind, by author, by unit (a commune) and by person;
then three of them as the commune's secretary. Each line says the load
average (``os.getloadavg``) when it was measured.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partyquality.settings")


def fill(days: int, author_id: int, other_id: int) -> None:
    """One insert event (and context) per row of the tracked tables below;
    one in a hundred written by ``author_id`` (the author filter then looks
    for a sparse author, as in a province), the others by ``other_id``."""
    from django.db import connection

    from assessments import audit_models
    from assessments.audit_context import backfill_sql
    from assessments.models import MemberClassification

    year = MemberClassification.objects.order_by("-year").values_list(
        "year", flat=True
    )[:1]
    latest = year[0] if year else 2025
    sources = [
        (audit_models.PersonHistory, ""),
        (audit_models.CellPeriodHistory, ""),
        (audit_models.MemberClassificationHistory, f"WHERE year = {latest}"),
        (audit_models.UnitClassificationHistory, f"WHERE year = {latest}"),
    ]
    for event_model, where in sources:
        if event_model.objects.exists():
            print(f"{event_model.__name__}: already filled")
            continue
        tracked = event_model.pgh_tracked_model
        columns = [
            f.column
            for f in event_model._meta.concrete_fields
            if not f.column.startswith("pgh_")
        ]
        listed = ", ".join(columns)
        tag = tracked._meta.model_name
        # Names of our own tables and columns, no input.
        sql = f"""
        WITH src AS (
            SELECT {listed}, now() - random() * interval '{int(days)} days' AS at
            FROM {tracked._meta.db_table} {where}
        ), ctx AS (
            INSERT INTO pghistory_context (id, created_at, updated_at, metadata)
            SELECT md5('{tag}' || id)::uuid, at, at,
                   jsonb_build_object(
                       'user', CASE WHEN mod(id, 100) = 0 THEN %s ELSE %s END,
                       'url', '/danh-gia/')
            FROM src
        )
        INSERT INTO {event_model._meta.db_table}
            (pgh_created_at, pgh_label, pgh_obj_id, pgh_context_id, {listed})
        SELECT at, 'insert', id, md5('{tag}' || id)::uuid, {listed} FROM src
        """  # noqa: S608
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, [author_id, other_id])
            rows = cursor.rowcount
            # The unit, person and author the trigger writes with each event
            # (the statement of the migration that filled the older ones).
            cursor.execute(backfill_sql(event_model))
            cursor.execute(f"ANALYZE {event_model._meta.db_table}")
        print(
            f"{event_model.__name__}: {rows:,} events "
            f"in {time.perf_counter() - started:.1f} s"
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE pghistory_context")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--days", type=int, default=60)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        sys.exit("Set DATABASE_URL to a synthetic benchmark database.")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from members.models import Membership
    from organizations.models import Assignment, Level, Role, Unit

    settings.ALLOWED_HOSTS = ["*"]
    province = (
        Unit.objects.filter(code__startswith="SYN", level=Level.PROVINCE)
        .order_by("id")
        .first()
    )
    if province is None:
        sys.exit("No synthetic data: run manage.py generate_synthetic first.")
    officer, _ = User.objects.get_or_create(username="bench_province_officer")
    Assignment.objects.get_or_create(
        user=officer,
        unit=province,
        role=Role.OFFICER,
        defaults={"valid_from": "2000-01-01"},
    )
    secretary, _ = User.objects.get_or_create(username="bench_commune_secretary")
    fill(args.days, secretary.pk, officer.pk)
    membership = Membership.objects.filter(current_cell__isnull=False).order_by("id")[
        5000
    ]
    commune = (
        Unit.objects.filter(province=province, level=Level.GRASSROOTS_COMMITTEE)
        .order_by("id")
        .first()
    )
    base = reverse("assessments:audit_list")
    Assignment.objects.get_or_create(
        user=secretary,
        unit=commune,
        role=Role.SECRETARY,
        defaults={"valid_from": "2000-01-01"},
    )
    urls = [
        ("last 30 days, page 1", base),
        ("last 30 days, page 5", f"{base}?page=5"),
        (
            "kind: member classification",
            f"{base}?kind=assessments.memberclassification",
        ),
        ("author", f"{base}?author={secretary.username}"),
        (f"unit: {commune.name} ({commune.level})", f"{base}?unit={commune.pk}"),
        ("person", f"{base}?person={membership.person_id}"),
    ]
    # The same pages as the commune's secretary, whose reach is one commune.
    as_secretary = [
        ("secretary: last 30 days, page 1", base),
        ("secretary: author (themself)", f"{base}?author={secretary.username}"),
        ("secretary: person", f"{base}?person={membership.person_id}"),
    ]
    client = Client()
    print(f"province {province.name}; officer {officer.username}")
    print(f"load average {os.getloadavg()[0]:.1f} at the start")
    for user, label, url in [
        *((officer, label, url) for label, url in urls),
        *((secretary, label, url) for label, url in as_secretary),
    ]:
        client.force_login(user)
        client.get(url, secure=True)  # warm caches and the connection
        times, queries = [], 0
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                response = client.get(url, secure=True)
                times.append((time.perf_counter() - started) * 1000)
            queries = len(ctx.captured_queries)
        shown = response.content.decode().count('class="when"')
        worst = max(times) if len(times) < 20 else statistics.quantiles(times, n=20)[-1]
        print(
            f"{label:40} {statistics.median(times):7.0f} ms (max/p95 {worst:6.0f})  "
            f"{queries:3d} queries  {shown:3d} entries  "
            f"(status {response.status_code}, load {os.getloadavg()[0]:.1f})"
        )


if __name__ == "__main__":
    main()
