"""Load bench: the production setup under many users (issue 16).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pq_bench_province \\
        .venv/bin/python bench/load.py [--users 50] [--minutes 5] [--workers 4]

On a benchmark database (``generate_synthetic --scale province``), it starts
what docs/deploy.md installs — gunicorn with ``deploy/gunicorn.conf.py``
(DEBUG off, hashed and compressed static files from a fresh
``collectstatic``) and the background worker — then ``locust`` (pip install
-e '.[bench]') runs ``--users`` board officers of the first synthetic
province for ``--minutes`` on bench/locustfile.py's mix: home, the tree and a
branch of it, a unit page, the member list with and without a search, a
person page, a review entry page, a report page. Each user logs in through
the form, then clicks every 1–5 s.

It prints, per page and in all: requests, failures, median, p95, p99 and
throughput, the load average during the run, and any 5xx the access log
holds; the figures go to bench/RESULTS.md by hand. Exit status 1 on any
failure.

Others reuse it: ``--extra 'weight|name|path'`` (repeatable) adds pages to
the mix (i15's report pages), ``--report PATH`` replaces the report pages,
``--users``/``--minutes`` scale it, ``--province CODE`` picks the officers'
province (default: the first synthetic one). ``--central CODE`` with
``--central-report PATH`` (repeatable) makes ``--central-users`` of the
``--users`` officers of unit CODE (the national set's root, BENCH-VN) who
open only those pages: a country's report under the province officers' mix.
Only for benchmark databases: it creates the bench users
``bench_load_officer`` and ``bench_load_central``.

The bench plays the TLS proxy: it sends ``X-Forwarded-Proto: https`` and, so
that a client on plain HTTP keeps its cookies, sets SESSION_COOKIE_SECURE and
CSRF_COOKIE_SECURE off; every other setting is production's.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partyquality.settings")

USERNAME = "bench_load_officer"
CENTRAL_USERNAME = "bench_load_central"
# Common words of synthetic names: a secretary types a family name and a
# middle name, or a given name (bench/member_list.py measures each alone).
WORDS = [
    "nguyen",
    "tran van",
    "le thi",
    "pham",
    "hoang van",
    "nguyen thi lan",
    "minh",
    "huong",
]


def samples(password: str, reports: list[str], args: argparse.Namespace) -> dict:
    """Users and records of the province (the first synthetic one unless
    ``--province``) for the mix; the central officer if ``--central``."""
    import django

    django.setup()
    from django.contrib.auth.models import User

    from members.models import Membership
    from organizations.models import Assignment, Level, Role, Unit

    provinces = Unit.objects.filter(level=Level.PROVINCE, closed_on=None)
    if args.province:
        provinces = provinces.filter(code=args.province)
    province = provinces.filter(code__startswith="SYN").order_by("id").first()
    if province is None:
        sys.exit(
            "No synthetic data: run manage.py generate_synthetic --scale province first."
        )

    def officer(username: str, unit: Unit) -> None:
        user, _ = User.objects.get_or_create(username=username)
        user.set_password(password)
        user.save()
        # Only this unit: a run with another --province must not keep the
        # reach of the one before.
        Assignment.objects.filter(user=user).exclude(unit=unit).delete()
        Assignment.objects.get_or_create(
            user=user,
            unit=unit,
            role=Role.OFFICER,
            defaults={"valid_from": "2000-01-01"},
        )

    officer(USERNAME, province)
    central = None
    if args.central:
        officer(CENTRAL_USERNAME, Unit.objects.get(code=args.central, closed_on=None))
        central = {
            "username": CENTRAL_USERNAME,
            "users": args.central_users,
            "reports": args.central_report,
        }
    # "SYN1-P1-": on the national set "SYN1-P1" also starts SYN1-P10…P19.
    under = Unit.objects.filter(code__startswith=f"{province.code}-")
    superiors = list(
        under.filter(level=Level.SUPERIOR)
        .order_by("?")
        .values_list("id", flat=True)[:50]
    )
    grassroots = list(
        under.filter(level__in=[Level.GRASSROOTS_COMMITTEE, Level.GRASSROOTS_CELL])
        .order_by("?")
        .values_list("id", flat=True)[:300]
    )
    cells = list(
        under.filter(level=Level.CELL).order_by("?").values_list("id", flat=True)[:300]
    )
    persons = list(
        Membership.objects.filter(current_cell__in=cells[:200])
        .order_by("?")
        .values_list("person_id", flat=True)[:500]
    )
    if not reports:
        # A board officer's report: one level above grassroots, this year's
        # and last year's quality; the province's whole is a background file.
        reports = [
            f"/bao-cao/organization_quality/?unit={unit}&year=2025&compare=2024"
            for unit in superiors[:10]
        ] + [
            f"/bao-cao/member_quality/?unit={unit}&year=2025" for unit in superiors[:10]
        ]
    return {
        "username": USERNAME,
        "password": password,
        "province": province.name,
        "superiors": superiors,
        "units": grassroots + cells,
        "persons": persons,
        "words": [w.replace(" ", "+") for w in WORDS],
        "reviews": [[unit, 2025] for unit in grassroots[:100]],
        "reports": reports,
        "central": central,
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(port: int, seconds: float = 120) -> None:
    import urllib.request

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(
                f"http://127.0.0.1:{port}/healthz/", timeout=5
            ) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(1)
    sys.exit("the site did not become healthy (see the logs in the work directory)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--spawn-rate", type=float, default=5)
    parser.add_argument(
        "--report", action="append", default=[], help="report page path"
    )
    parser.add_argument(
        "--extra",
        action="append",
        default=[],
        help="weight|name|path, added to the mix",
    )
    parser.add_argument("--province", help="the officers' province (code)")
    parser.add_argument("--central", help="unit code of the central officers")
    parser.add_argument(
        "--central-report",
        action="append",
        default=[],
        help="page path the central officers open",
    )
    parser.add_argument("--central-users", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    args = parser.parse_args()
    if args.central and not args.central_report:
        sys.exit("--central needs at least one --central-report.")
    if not os.environ.get("DATABASE_URL"):
        sys.exit("Set DATABASE_URL to the benchmark database.")
    locust = Path(sys.executable).parent / "locust"
    if not locust.exists():
        sys.exit("locust is missing: .venv/bin/pip install -e '.[bench]'")

    work = Path(tempfile.mkdtemp(prefix="pq-load-"))
    password = secrets.token_urlsafe(16)
    data = samples(password, args.report, args)
    (work / "samples.json").write_text(json.dumps(data))
    port = free_port()
    site = "partyquality.example.vn"
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": f"{site},127.0.0.1",
        "CSRF_TRUSTED_ORIGINS": f"https://{site}",
        "BEHIND_TLS_PROXY": "true",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "CONN_MAX_AGE": "60",
        "MEDIA_ROOT": str(work / "media"),
        "STATIC_ROOT": str(work / "static"),
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "WARNING",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(args.workers),
        "PQ_LOAD_SAMPLES": str(work / "samples.json"),
        "PQ_LOAD_SITE": site,
        "PQ_LOAD_EXTRA": json.dumps(
            [[int(w), n, p] for w, n, p in (e.split("|", 2) for e in args.extra)]
        ),
    }
    print(f"collectstatic into {work / 'static'} …", flush=True)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    logs = {
        name: (work / f"{name}.log").open("wb") for name in ("web", "worker", "locust")
    }
    services = [
        subprocess.Popen(  # noqa: S603
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "-c",
                "deploy/gunicorn.conf.py",
                "partyquality.wsgi",
            ],
            cwd=ROOT,
            env=env,
            stdout=logs["web"],
            stderr=subprocess.STDOUT,
            start_new_session=True,
        ),
        subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-reload"],
            cwd=ROOT,
            env=env,
            stdout=logs["worker"],
            stderr=subprocess.STDOUT,
            start_new_session=True,
        ),
    ]
    loads: list[float] = []
    try:
        wait_healthy(port)
        print(
            f"{args.users} users of {data['province']} for {args.minutes:g} min on "
            f"gunicorn ({args.workers} workers) + the worker, port {port}; "
            f"load average before: {os.getloadavg()[0]:.2f}",
            flush=True,
        )
        done = threading.Event()

        def sample_load() -> None:
            while not done.wait(10):
                loads.append(os.getloadavg()[0])

        sampler = threading.Thread(target=sample_load, daemon=True)
        sampler.start()
        started = time.monotonic()
        result = subprocess.run(  # noqa: S603
            [
                str(locust),
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "--users",
                str(args.users),
                "--spawn-rate",
                str(args.spawn_rate),
                "--run-time",
                f"{int(args.minutes * 60)}s",
                "--host",
                f"http://127.0.0.1:{port}",
                "--csv",
                str(work / "stats"),
                "--only-summary",
                "--stop-timeout",
                "30",
            ],
            cwd=ROOT,
            env=env,
            stdout=logs["locust"],
            stderr=subprocess.STDOUT,
        )
        elapsed = time.monotonic() - started
        done.set()
    finally:
        for service in services:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(service.pid, signal.SIGTERM)
        for service in services:
            try:
                service.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(service.pid, signal.SIGKILL)
        for log in logs.values():
            log.close()

    failures = report(work, loads, elapsed)
    errors_5xx = [
        line
        for line in (work / "web.log").read_text(errors="replace").splitlines()
        if '"status": 5' in line
    ]
    print(f"5xx lines in the access log: {len(errors_5xx)}")
    for line in errors_5xx[:10]:
        print("  ", line)
    print(f"work directory: {work}" if args.keep else "")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    if failures or errors_5xx or result.returncode not in (0, 1):
        sys.exit(1)


def report(work: Path, loads: list[float], elapsed: float) -> int:
    """Print the table; return the number of failed requests."""
    rows = list(csv.DictReader((work / "stats_stats.csv").open()))
    print()
    print(
        "| page | requests | failures | median ms | p95 ms | p99 ms | max ms | req/s |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    failures = 0
    for row in sorted(rows, key=lambda r: (r["Name"] == "Aggregated", r["Name"])):
        name = "**all**" if row["Name"] == "Aggregated" else row["Name"]
        if row["Name"] == "Aggregated":
            failures = int(row["Failure Count"])
        print(
            f"| {name} | {int(row['Request Count']):,} | {row['Failure Count']} | "
            f"{row['50%']} | {row['95%']} | {row['99%']} | {float(row['Max Response Time']):.0f} | "
            f"{float(row['Requests/s']):.1f} |"
        )
    if loads:
        print(
            f"\nload average (1 min) during the run: median {statistics.median(loads):.2f}, "
            f"max {max(loads):.2f} ({len(loads)} samples); {os.cpu_count()} CPUs; "
            f"run {elapsed:.0f} s"
        )
    failures_file = work / "stats_failures.csv"
    if failures_file.exists():
        for row in csv.DictReader(failures_file.open()):
            print(f"failure: {row}")
    return failures


if __name__ == "__main__":
    main()
