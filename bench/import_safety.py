"""Benchmark: peak memory and time of reading hostile and large workbooks (issue #16).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pq_i16imp \\
        python bench/import_safety.py [--rows 200000] [--runs 3]

Each case runs in a process of its own, so the peak resident memory (RSS) of
the parent — the web or task worker that reads the file — is that case's
own (``ru_maxrss``); the child's comes from ``wait4`` on it
(``spreadsheets.last_child``). The cases:

- the zip bomb of the issue's size (3.8 MB that unpack to ~1.5 GB of sheet
  XML), refused by the checks before parsing;
- the same bomb as if its zip lied about its sizes (those checks turned
  off): the child meets its memory limit (``IMPORT_PARSE_MEMORY_MB``);
- the far cell (XFD1048576) without a <dimension>: calamine asks the child's
  allocator for 512 GiB and aborts;
- a 200,000-row member file read through the reader, and for comparison by
  calamine in the process itself (what every import did before);
- the dry run of that file with every row in error (its cells are unknown
  here), its outcome and error workbook written as the worker does; then
  one page of its review read back, as a web worker does per request.

Needs a migrated database (any: no cell of the file exists in it).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partyquality.settings")
WORKDIR = ROOT / "var" / "bench" / "import_safety"
MB = 1024 * 1024


def _setup() -> None:
    if not os.environ.get("DATABASE_URL"):
        sys.exit("Set DATABASE_URL to a migrated database (e.g. pq_i16imp).")
    import django

    django.setup()


def make_files(rows: int) -> dict[str, Path]:
    from tests.imports import bad_files

    WORKDIR.mkdir(parents=True, exist_ok=True)
    files = {
        "bomb": WORKDIR / "bomb.xlsx",
        "far": WORKDIR / "far-undeclared.xlsx",
        "big": WORKDIR / f"members-{rows}.xlsx",
    }
    if not files["bomb"].exists():
        # 15 million rows of ~100 bytes: the 1.5 GB of sheet XML.
        files["bomb"].write_bytes(bad_files.zip_bomb(15_000_000))
    files["far"].write_bytes(bad_files.far_cell_undeclared())
    if not files["big"].exists():
        from bench.import_members import write_file

        write_file(files["big"], _member_rows(rows))
    return files


def _member_rows(count: int) -> list[list[object]]:
    """Member rows in the template's columns, into cells that do not exist."""
    import datetime
    import random

    rnd = random.Random(1)
    rows = []
    for i in range(count):
        born = datetime.date(1945, 1, 1) + datetime.timedelta(
            days=rnd.randint(0, 20000)
        )
        admitted = born + datetime.timedelta(days=365 * 18 + rnd.randint(30, 5000))
        rows.append(
            [
                f"Nguyễn Văn An {i}",
                "Nam" if i % 3 else "Nữ",
                born,
                "Kinh",
                "Không",
                "Nghệ An",
                f"9{i:011d}",
                f"90.{i:06d}",
                min(admitted, datetime.date(2024, 6, 1)),
                None,
                f"BENCH-{i % 5000}",
            ]
        )
    return rows


def case(name: str, path: Path) -> dict[str, object]:
    """One case, in this (fresh) process."""
    _setup()
    from partyquality import spreadsheets

    figures: dict[str, object] = {}
    started = time.perf_counter()
    if name in ("bomb", "bomb past the checks", "far cell", "read"):
        limits = spreadsheets.Limits.from_settings()
        if name == "bomb past the checks":
            limits = spreadsheets.Limits.from_settings(
                ratio=10**6, uncompressed_bytes=10**12, rows=10**8, cells=10**10
            )
        try:
            figures["rows"] = sum(
                1 for _ in spreadsheets.read_rows(path, limits=limits)
            )
            figures["outcome"] = "read"
        except spreadsheets.SpreadsheetError as exc:
            figures["outcome"] = exc.message[:90]
        figures["child_peak_mb"] = spreadsheets.last_child.peak_rss_bytes / MB
        figures["child_exit"] = spreadsheets.last_child.status
    elif name == "read in process":
        from python_calamine import CalamineWorkbook

        with path.open("rb") as file:
            sheet = CalamineWorkbook.from_filelike(file).get_sheet_by_index(0)
            figures["rows"] = sum(1 for _ in sheet.iter_rows())
    elif name == "dry run kept":
        from partyquality import import_uploads, importing

        result = importing.import_file("members", path, commit=False)
        checked = time.perf_counter()
        stored = import_uploads.StoredUpload("bench", path, "members", path.name)
        stored.keep_dry_run(result)
        figures["check_s"] = checked - started
        figures["keep_s"] = time.perf_counter() - checked
        figures["errors"] = result.counts["error"]
    elif name == "review page":
        from partyquality import dry_runs

        kept = dry_runs.read(path)
        assert kept is not None, "run the 'dry run kept' case first"
        rows = kept.rows[kept.total // 2 : kept.total // 2 + dry_runs.PAGE_ROWS]
        figures["rows"] = len(rows)
    figures["seconds"] = time.perf_counter() - started
    figures["parent_peak_mb"] = (
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    )
    return figures


def spawn(name: str, path: Path) -> dict[str, object]:
    out = subprocess.run(  # noqa: S603 - our own script, our own arguments
        [sys.executable, __file__, "--case", name, str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--case", nargs=2, metavar=("NAME", "FILE"))
    args = parser.parse_args()
    if args.case:
        print(json.dumps(case(args.case[0], Path(args.case[1]))))
        return
    _setup()
    files = make_files(args.rows)
    for name, path in files.items():
        print(f"file {name}: {path.stat().st_size / MB:.1f} MB")
    kept = files["big"].with_name("kept.xlsx")
    kept.write_bytes(files["big"].read_bytes())
    plan = [
        ("bomb", files["bomb"]),
        ("bomb past the checks", files["bomb"]),
        ("far cell", files["far"]),
        ("read", files["big"]),
        ("read in process", files["big"]),
        ("dry run kept", kept),
        ("review page", kept),
    ]
    print(f"load average before: {os.getloadavg()}")
    for name, path in plan:
        runs = [spawn(name, path) for _ in range(args.runs)]
        seconds = statistics.median(float(r["seconds"]) for r in runs)  # type: ignore[arg-type]
        last = runs[-1]
        extra = {
            k: (round(v, 1) if isinstance(v, float) else v)
            for k, v in last.items()
            if k not in ("seconds", "parent_peak_mb")
        }
        print(
            f"{name}: median {seconds:.2f} s of {args.runs} "
            f"({', '.join(f'{float(r["seconds"]):.2f}' for r in runs)}), "  # type: ignore[arg-type]
            f"parent peak {max(float(r['parent_peak_mb']) for r in runs):.0f} MB, "  # type: ignore[arg-type]
            f"{extra}"
        )
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
