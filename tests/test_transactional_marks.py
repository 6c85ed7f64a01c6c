"""Every transactional test restores the serialized test database after it.

A test marked ``django_db(transaction=True)`` alone ends with a flush, and
the flush's post_migrate makes the content types again under other ids. The
next test that asks for ``serialized_rollback`` then fails at setup on
"(pghistory, events) already exists" — sixteen browser, worker and backup
tests did so in CI after one such mark (tests/e2e/test_form_alignment.py)."""

from __future__ import annotations

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parent
MARK = re.compile(r"django_db\(([^)]*)\)")


def test_every_transactional_mark_asks_for_serialized_rollback() -> None:
    lacking = [
        f"{path.relative_to(TESTS)}: {match.group(0)}"
        for path in sorted(TESTS.rglob("*.py"))
        if path.name != Path(__file__).name
        for match in MARK.finditer(path.read_text(encoding="utf-8"))
        if "transaction=True" in match.group(1)
        and "serialized_rollback=True" not in match.group(1)
    ]
    assert lacking == []
