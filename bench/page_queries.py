"""Where a page's time goes: each of its queries, slowest first.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pq_bench \\
        python bench/page_queries.py /members/cadres/?q=thi [--user bench_admin]
        [--runs 5] [--explain 2] [--profile]

Requests the page as one of the users ``bench/member_list.py`` creates
(``bench_province_officer`` by default, or ``bench_admin``) through Django's
test client, so the time is server time. Prints the median time of the page,
then the queries of its last run with their time (slowest first); with
``--explain N``, the plan of the N slowest (EXPLAIN ANALYZE, in a transaction
rolled back); with ``--profile``, the Python functions of one more run that
took the most time (cProfile, cumulative), to tell the template and the ORM
from the database.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partyquality.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--user", default="bench_province_officer")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--explain", type=int, default=0)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        sys.exit("Set DATABASE_URL to the benchmark database (e.g. pq_bench).")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.ALLOWED_HOSTS = ["*"]
    user = User.objects.filter(username=args.user).first()
    if user is None:
        sys.exit(f"No user {args.user}: run bench/member_list.py once first.")
    client = Client()
    client.force_login(user)
    client.get(args.url, secure=True)  # warm caches and the connection
    times = []
    for _ in range(args.runs):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(args.url, secure=True)
            times.append((time.perf_counter() - started) * 1000)
    queries = ctx.captured_queries
    in_db = sum(float(q["time"]) for q in queries) * 1000
    print(
        f"{args.url} as {args.user}: {statistics.median(times):.0f} ms median, "
        f"HTTP {response.status_code}, {len(queries)} queries, "
        f"{in_db:.0f} ms of them in the last run"
    )
    slowest = sorted(queries, key=lambda q: -float(q["time"]))
    for query in slowest:
        print(f"{float(query['time']) * 1000:8.1f} ms  {query['sql'][:300]}")
    for query in slowest[: args.explain]:
        print("\n" + "-" * 72 + "\n" + query["sql"] + "\n")
        # The settings the page had set for it (list_page_settings,
        # walking_in_order...), in the order it set them.
        before = queries[: queries.index(query)]
        settings_sql = [
            found
            for earlier in before
            for found in re.findall(r"SET LOCAL [^;]+|RESET \w+", earlier["sql"])
        ]
        statement = re.sub(r"^SELECT set_config\([^;]*;\s*", "", query["sql"])
        with transaction.atomic(), connection.cursor() as cursor:
            for setting in settings_sql:
                cursor.execute(setting)
            print("settings:", "; ".join(settings_sql))
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement)
            for (line,) in cursor.fetchall():
                print(line)
            transaction.set_rollback(True)
    if args.profile:
        profile = cProfile.Profile()
        profile.enable()
        client.get(args.url, secure=True)
        profile.disable()
        pstats.Stats(profile).sort_stats("cumulative").print_stats(30)


if __name__ == "__main__":
    main()
