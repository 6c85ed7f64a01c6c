"""The five report pages as an officer gets them: HTML bytes and server time.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pq_bench_national \\
        .venv/bin/python bench/report_pages.py --officer BENCH-VN \\
        --unit BENCH-VN --unit SYN1-P7 [--year 2025] [--runs 3] [--code DIR]
        [--search "xa hoa"]

Requests each report page of each ``--unit`` through Django's test client
(server time: the view, the template, the middleware), as an officer
assigned to ``--officer``, and prints per page the median time, the size of
the HTML, the ``<option>``s and links of the unit picker, and the number of
queries; with ``--search``, the time of the picker's search. ``--code DIR`` runs another checkout's code (the "before" of a
change) against the same database.

Nothing is written: the officer and their assignment are made inside a
transaction rolled back at the end, the session is a signed cookie and the
last login is not recorded — the national set stays read-only.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

SLUGS = [
    "organization_quality",
    "member_quality",
    "coverage",
    "cadre_standardization",
    "trends",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--officer", required=True, help="unit code of the officer")
    parser.add_argument("--unit", action="append", required=True, help="report root")
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--search", action="append", default=[], help="words for the picker's search"
    )
    parser.add_argument("--code", default=str(Path(__file__).resolve().parent.parent))
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        sys.exit("Set DATABASE_URL to the benchmark database.")
    sys.path.insert(0, args.code)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partyquality.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import User, update_last_login
    from django.contrib.auth.signals import user_logged_in
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from organizations.models import Assignment, Role, Unit

    settings.ALLOWED_HOSTS = ["*"]
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    user_logged_in.disconnect(update_last_login)
    # The checkout's commit, to print beside the figures; git from PATH.
    commit = subprocess.run(  # noqa: S603
        ["git", "-C", args.code, "rev-parse", "--short", "HEAD"],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    print(f"code {args.code} at {commit}; load average {os.getloadavg()}")
    with transaction.atomic():
        officer_unit = Unit.objects.get(code=args.officer, closed_on=None)
        user = User.objects.create(username="bench_report_pages_officer")
        Assignment.objects.create(
            user=user, unit=officer_unit, role=Role.OFFICER, valid_from="2000-01-01"
        )
        client = Client()
        client.force_login(user)
        print(
            "| unit | report | median ms | runs ms | KB | <option> | picker links "
            "| queries |\n|---|---|---:|---|---:|---:|---:|---:|"
        )
        for code in args.unit:
            unit = Unit.objects.get(code=code, closed_on=None)
            for slug in SLUGS:
                url = f"/bao-cao/{slug}/?unit={unit.pk}&year={args.year}"
                client.get(url, secure=True)  # warm the reach and the connection
                times = []
                for _ in range(args.runs):
                    with CaptureQueriesContext(connection) as ctx:
                        started = time.perf_counter()
                        response = client.get(url, secure=True)
                        times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (url, response.status_code)
                html = response.content.decode()
                picker = re.search(
                    r'<section class="unit-picker".*?</section>', html, re.S
                )
                picker_links = picker[0].count("<a ") if picker else 0
                print(
                    f"| {code} | {slug} | {statistics.median(times):,.0f} "
                    f"| {', '.join(f'{t:,.0f}' for t in times)} "
                    f"| {len(response.content) / 1024:,.0f} | {html.count('<option')} "
                    f"| {picker_links} | {len(ctx.captured_queries)} |"
                )
        for words in args.search:
            url = f"/bao-cao/don-vi/?q={words}&year={args.year}&report=coverage"
            client.get(url, secure=True, headers={"hx-request": "true"})
            times = []
            for _ in range(args.runs):
                with CaptureQueriesContext(connection) as ctx:
                    started = time.perf_counter()
                    response = client.get(
                        url, secure=True, headers={"hx-request": "true"}
                    )
                    times.append((time.perf_counter() - started) * 1000)
            print(
                f"| search {words!r} | {response.status_code} "
                f"| {statistics.median(times):,.0f} ms "
                f"| {response.content.decode().count('<a ')} matches "
                f"| {len(ctx.captured_queries)} queries |"
            )
        transaction.set_rollback(True)
    print(f"load average {os.getloadavg()}")


if __name__ == "__main__":
    main()
