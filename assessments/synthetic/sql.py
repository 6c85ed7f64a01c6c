# from input; the random generator draws test data, not secrets.
"""Small helpers of the load: SQL literals, reserved ids, ``COPY``, and what a
run reports."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from members.models import (
    CellPeriod,
    MemberEvent,
    Membership,
    Person,
    PositionHolding,
    Qualification,
)


@dataclass
class Summary:
    run: int
    units: int = 0
    cells: int = 0
    members: int = 0
    seconds: float = 0.0


Progress = Callable[[str], None]


def _stderr(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def _sql_array(values: list[Any]) -> str:
    def lit(v: Any) -> str:
        if isinstance(v, str):
            return "'" + v.replace("'", "''") + "'"
        return str(v)

    return "ARRAY[" + ",".join(lit(v) for v in values) + "]"


def uniform_draw(seed: int, k: int) -> str:
    """SQL for a uniform draw in [0, 1) for member ``seq``, stream ``k``."""
    return f"((hashint8extended(seq, {seed * 64 + k}) & 1048575)::float8 / 1048576)"


def _reserve(cursor: Any, table: str, count: int) -> int:
    """Reserve ``count`` ids from the table's sequence; return the first."""
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    seq = cursor.fetchone()[0]
    cursor.execute("SELECT nextval(%s)", [seq])
    first = cursor.fetchone()[0]
    if count > 1:
        cursor.execute("SELECT setval(%s, %s)", [seq, first + count - 1])
    return first


def _copy(cursor: Any, table: str, columns: list[str], rows: Any) -> None:
    from psycopg import sql

    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    with cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


PEOPLE_TABLES = [
    Person._meta.db_table,
    Membership._meta.db_table,
    CellPeriod._meta.db_table,
    MemberEvent._meta.db_table,
    Qualification._meta.db_table,
    PositionHolding._meta.db_table,
    "assessments_memberclassification",
]


class LoadFailed(Exception):
    """The load could not be completed (its rows were deleted again)."""
