"""Benchmark: the member list (two filters and a name search) and a person page.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pq_bench \\
        python bench/member_list.py [--runs 7] [--query "status=full&gender=F&q=nguyen van" ...]

Runs in-process through Django's test client (no network), so the time is
server time: the view, its queries and the template (``--sweep``: the
once-slow searches and filters, the slowest listed last, and the officer of
the last province too). Three users are measured: the secretary of one
commune-level committee, an officer assigned to one synthetic province
(province scale: ~200,000 members in reach) and an administrator, who sees
every synthetic province (national scale once ``generate_synthetic --scale
national`` has run). ``--count`` also measures each list's count fragment.
Prints the median of several runs, the number of queries of each page and
the load average of the machine when it was measured,
for each ``--query`` (by default: two filters; two filters and a full name;
two filters and the two commonest words of women's names; two filters and a
common given name alone).
The URL names and filter parameters are those of the members app
(``members:member_list``, ``members:person_detail``); pass others with
``--list-url``/``--person-url``/``--query`` if they differ.
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


DEFAULT_QUERIES = [
    "status=full&gender=F",
    "status=full&gender=F&q=nguyen thi huong",
    "status=full&gender=F&q=nguyen thi",
    "status=full&gender=F&q=huong",
]

# ``--sweep``: the searches and filters that were once slow (bench/RESULTS.md),
# one to three words in every sort, rare and absent combinations, the person's
# and the qualifications' filters. The slowest are listed last.
SWEEP_QUERIES = [
    "",
    "q=nguyen",
    "q=nguyen thi huong",
    "q=huong",
    "q=h'mai",
    "q=nguyen le",
    "o=-name",
    "o=dob",
    "o=-dob",
    "o=admitted",
    "o=-admitted",
    "o=status",
    "o=cell",
    "o=-cell",
    "o=-name&q=nguyen",
    "o=-name&q=tran van",
    "o=dob&q=nguyen",
    "o=dob&q=nguyen le",
    "o=admitted&q=thi",
    "o=cell&q=nguyen",
    "o=cell&q=nguyen le",
    "o=status&q=nguyen van an",
    "o=status&q=le thi hoa",
    "status=active&political=pol_advanced&q=thi",
    "gender=F&age=lt30",
    "age=30_39&professional=university",
    "general=primary",
    "general=lower_secondary",
    "general=primary&gender=F",
    "professional=college",
    "professional=intermediate",
    "general=primary&professional=university",
    "general=upper_secondary&professional=university",
    "political=pol_advanced",
    "professional=master",
    "studying=yes",
    "years=lt5&ethnicity=minority",
    "status=probationary&o=-dob",
    "q=tran van nam&o=-admitted",
    "q=van&o=-dob",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--query", action="append", dest="queries")
    parser.add_argument(
        "--sweep", action="store_true", help="the once-slow queries, slowest last"
    )
    parser.add_argument("--count", action="store_true", help="the count fragments too")
    parser.add_argument("--list-url", default="members:member_list")
    parser.add_argument("--person-url", default="members:person_detail")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        sys.exit("Set DATABASE_URL to the benchmark database (e.g. pq_bench).")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import NoReverseMatch, reverse

    from members.models import Membership
    from organizations.models import Assignment, Level, Role, Unit

    settings.ALLOWED_HOSTS = ["*"]
    try:
        list_url = reverse(args.list_url)
    except NoReverseMatch:
        sys.exit(f"{args.list_url} is not in this checkout: nothing measured.")

    province = (
        Unit.objects.filter(code__startswith="SYN", level=Level.PROVINCE)
        .order_by("id")
        .first()
    )
    if province is None:
        sys.exit("No synthetic data: run manage.py generate_synthetic first.")

    def officer_of(unit: Unit, username: str) -> User:
        user, _ = User.objects.get_or_create(username=username)
        Assignment.objects.get_or_create(
            user=user,
            unit=unit,
            role=Role.OFFICER,
            defaults={"valid_from": "2000-01-01"},
        )
        return user

    officer = officer_of(province, "bench_province_officer")
    commune = (
        Unit.objects.filter(code__startswith="SYN", level=Level.SUPERIOR)
        .order_by("id")
        .first()
    )
    secretary, _ = User.objects.get_or_create(username="bench_commune_secretary")
    Assignment.objects.get_or_create(
        user=secretary,
        unit=commune,
        role=Role.SECRETARY,
        defaults={"valid_from": "2000-01-01"},
    )
    # The last province's people lie last on disk and in every index by
    # person: a plan that reads in that order, expecting a province's rows to
    # be spread along it, meets them last (``--sweep`` measures it too).
    last_province = (
        Unit.objects.filter(code__startswith="SYN", level=Level.PROVINCE)
        .order_by("-id")
        .first()
    )
    last_officer = officer_of(last_province, "bench_last_province_officer")
    admin, _ = User.objects.get_or_create(
        username="bench_admin", defaults={"is_superuser": True, "is_staff": True}
    )
    members = Membership.objects.count()
    provinces = Unit.objects.filter(
        code__startswith="SYN", level=Level.PROVINCE
    ).count()
    print(f"data: {members:,} memberships, {provinces} synthetic provinces")

    def measure(user: User, url: str) -> tuple[float, int, int]:
        client = Client()
        client.force_login(user)
        # secure: with DEBUG off (production settings) plain HTTP is redirected.
        client.get(url, secure=True)  # warm caches and the connection
        times, queries, status = [], 0, 0
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                response = client.get(url, secure=True)
                times.append((time.perf_counter() - started) * 1000)
            queries, status = len(ctx.captured_queries), response.status_code
        return statistics.median(times), queries, status

    measured: list[tuple[float, str]] = []
    queries_asked = args.queries or (SWEEP_QUERIES if args.sweep else DEFAULT_QUERIES)
    count_url = reverse("members:member_count") if args.count else None
    for query in queries_asked:
        users = [
            ("commune secretary", secretary),
            ("province officer", officer),
            ("administrator (all)", admin),
        ]
        if args.sweep:
            users.insert(2, ("last province's officer", last_officer))
        for label, user in users:
            for kind, base in [("member list", list_url), ("count", count_url)]:
                if base is None:
                    continue
                url = f"{base}?{query}"
                ms, queries, status = measure(user, url)
                load = os.getloadavg()[0]
                line = (
                    f"{kind} [{label}] {url}: {ms:.0f} ms median, "
                    f"{queries} queries, HTTP {status}, load {load:.1f}"
                )
                measured.append((ms, line))
                print(line, flush=True)
    if args.sweep:
        print("slowest:")
        for _ms, line in sorted(measured)[-8:]:
            print(f"  {line}")
    person = (
        Membership.objects.filter(current_cell__isnull=False)
        .order_by("id")
        .values_list("person_id", flat=True)
        .first()
    )
    try:
        person_url = reverse(args.person_url, kwargs={"pk": person})
    except NoReverseMatch:
        print(f"{args.person_url} is not in this checkout: person page not measured.")
        return
    ms, queries, status = measure(admin, person_url)
    print(
        f"person page {person_url}: {ms:.0f} ms median, {queries} queries, HTTP {status}"
    )


if __name__ == "__main__":
    main()
