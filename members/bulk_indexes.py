"""Drop the indexes of tables about to be bulk-loaded, and build them again.

Loading millions of rows into indexed tables costs far more than building
the indexes afterwards (``members.synthetic``). This module keeps the DDL
that rebuilds what it dropped, and runs it either on the caller's
connection (inside its transaction) or side by side on several connections
once the load is committed: the two GiST exclusion constraints of a national
load take about three minutes each and PostgreSQL 15 builds a GiST index on
one core, so on two connections they take the time of one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection

Progress = Callable[[str], None]


@dataclass(frozen=True)
class IndexDdl:
    """The statement that rebuilds one dropped index or constraint."""

    table: str
    name: str
    statement: str

    @property
    def takes_table(self) -> bool:
        """``ALTER TABLE … ADD CONSTRAINT`` locks the table against every other
        statement on it; ``CREATE INDEX`` only against such ALTERs."""
        return self.statement.startswith("ALTER TABLE")

    @property
    def effort(self) -> int:
        """How many times a btree of the same table this is about to cost
        (measured on the national set: GiST ~10×, GIN ~3×), to start the
        longest first."""
        if "USING gist" in self.statement:
            return 10
        if "USING gin" in self.statement:
            return 3
        return 1


def drop_indexes(cursor: Any, tables: list[str]) -> list[IndexDdl]:
    """Drop the secondary indexes and unique/exclusion constraints of
    ``tables`` (primary keys stay); return what rebuilds them."""
    rebuild: list[IndexDdl] = []
    for table in tables:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('u', 'x')",
            [table],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname "
            "AND c.conrelid = %s::regclass)",
            [table, table],
        )
        indexes = cursor.fetchall()
        for name, definition in constraints:
            cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
            rebuild.append(
                IndexDdl(
                    table,
                    name,
                    f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}',
                )
            )
        for name, definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
            rebuild.append(IndexDdl(table, name, definition))
    return rebuild


def rebuild_here(cursor: Any, ddl: list[IndexDdl], say: Progress) -> None:
    """Rebuild one after the other on ``cursor`` (inside its transaction)."""
    for number, item in enumerate(ddl, 1):
        cursor.execute(item.statement)
        say(f"rebuilt {number}/{len(ddl)}: {item.name}")


class RebuildFailed(Exception):
    """A statement failed; ``left`` is every statement not built."""

    def __init__(self, error: BaseException, left: list[IndexDdl]) -> None:
        super().__init__(str(error))
        self.error = error
        self.left = left


class SideBySide:
    """Rebuild on ``workers`` connections of their own, each statement in its
    own transaction (autocommit), the most costly first.

    A worker takes the first statement that would not wait for another one's
    lock on the same table (an ALTER TABLE locks its table, see
    ``IndexDdl.takes_table``), and else waits for one to finish. On the
    first failure no new statement starts; ``run`` raises ``RebuildFailed``
    with everything not built. ``cancel`` (another thread, or Ctrl-C in the
    caller) cancels the running statements.
    """

    def __init__(
        self, ddl: list[IndexDdl], *, workers: int, say: Progress, sizes: dict[str, int]
    ) -> None:
        self.pending = sorted(
            ddl, key=lambda d: d.effort * sizes.get(d.table, 0), reverse=True
        )
        self.total = len(ddl)
        self.workers = workers
        self.say = say
        self.running: list[IndexDdl] = []
        self.built: list[IndexDdl] = []
        self.errors: list[BaseException] = []
        self.connections: list[Any] = []
        self.changed = threading.Condition()

    def run(self) -> None:
        threads = [
            threading.Thread(target=self._work, args=(n,), daemon=True)
            for n in range(1, self.workers + 1)
        ]
        for thread in threads:
            thread.start()
        try:
            for thread in threads:
                while thread.is_alive():  # join() with a timeout lets Ctrl-C in
                    thread.join(0.5)
        except BaseException as interrupted:
            self.cancel(interrupted)
            for thread in threads:
                thread.join()
        if self.errors:
            left = [d for d in self._all() if d not in self.built]
            raise RebuildFailed(self.errors[0], left)

    def _all(self) -> list[IndexDdl]:
        return [*self.built, *self.running, *self.pending]

    def cancel(self, reason: BaseException) -> None:
        with self.changed:
            self.errors.append(reason)
            self.changed.notify_all()
            for raw in self.connections:
                raw.cancel()

    def _next(self) -> IndexDdl | None:
        """The next statement this worker may start, waiting while the only
        ones left would wait on a lock; None when there is nothing more."""
        with self.changed:
            while self.pending and not self.errors:
                for item in self.pending:
                    if not any(self._blocks(item, other) for other in self.running):
                        self.pending.remove(item)
                        self.running.append(item)
                        return item
                self.changed.wait()
            return None

    @staticmethod
    def _blocks(item: IndexDdl, other: IndexDdl) -> bool:
        return item.table == other.table and (item.takes_table or other.takes_table)

    def _work(self, number: int) -> None:
        try:
            connection.ensure_connection()
            with self.changed:
                self.connections.append(connection.connection)
            with connection.cursor() as cursor:
                cursor.execute("SET maintenance_work_mem = '512MB'")
                while (item := self._next()) is not None:
                    try:
                        cursor.execute(item.statement)
                    except BaseException as error:
                        with self.changed:
                            self.running.remove(item)
                            self.pending.insert(0, item)
                            self.errors.append(error)
                            self.changed.notify_all()
                        raise
                    with self.changed:
                        self.running.remove(item)
                        self.built.append(item)
                        self.changed.notify_all()
                        done = len(self.built)
                    self.say(
                        f"rebuilt {done}/{self.total} (connection {number}): {item.name}"
                    )
        except BaseException as error:  # recorded above or connecting failed
            with self.changed:
                if not self.errors:
                    self.errors.append(error)
                self.changed.notify_all()
        finally:
            connection.close()


def table_sizes(cursor: Any, tables: list[str]) -> dict[str, int]:
    """Bytes of each table (its heap), read right after a load."""
    cursor.execute(
        "SELECT relname, pg_relation_size(oid) FROM pg_class WHERE relname = ANY(%s)",
        [tables],
    )
    return dict(cursor.fetchall())
