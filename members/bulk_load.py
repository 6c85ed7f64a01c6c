"""Bulk loading: statements side by side on several connections, and the
indexes dropped before a load and built again after it.

Loading millions of rows into indexed tables costs far more than building
the indexes afterwards (``assessments.synthetic``). ``drop_indexes`` keeps the
DDL that rebuilds what it dropped. Statements run either on the caller's
connection (inside its transaction) or, once what they need is committed,
side by side on connections of their own (``SideBySide``): PostgreSQL 15
runs an ``INSERT … SELECT`` or builds a GiST index on one core, so on this
2-core machine two of them take the time of one (the two GiST exclusion
constraints of a national load take about three minutes each).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from django.db import connection

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Statement:
    """One statement of a bulk load or of the rebuild after it.

    ``cost``: how long it takes compared with the others, to start the
    longest first (any unit; only the order matters).
    """

    table: str
    name: str
    statement: str
    cost: float = 1.0

    @property
    def takes_table(self) -> bool:
        """``ALTER TABLE … ADD CONSTRAINT`` locks the table against every other
        statement on it; ``CREATE INDEX`` and ``INSERT`` only against such
        ALTERs."""
        return self.statement.startswith("ALTER TABLE")

    @property
    def effort(self) -> int:
        """How many times a btree of the same table an index costs (measured
        on the national set: GiST ~10×, GIN ~3×)."""
        if "USING gist" in self.statement:
            return 10
        if "USING gin" in self.statement:
            return 3
        return 1


def weighed(ddl: list[Statement], sizes: dict[str, int]) -> list[Statement]:
    """The rebuild statements with their cost: their table's size × effort."""
    return [replace(d, cost=d.effort * sizes.get(d.table, 0)) for d in ddl]


def drop_indexes(cursor: Any, tables: list[str]) -> list[Statement]:
    """Drop the secondary indexes and unique/exclusion constraints of
    ``tables`` (primary keys stay); return what rebuilds them."""
    rebuild: list[Statement] = []
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
                Statement(
                    table,
                    name,
                    f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}',
                )
            )
        for name, definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
            rebuild.append(Statement(table, name, definition))
    return rebuild


def _done(verb: str, done: int, total: int, item: Statement, rows: int) -> str:
    counted = f": {rows} rows" if rows >= 0 else ""
    return f"{verb} {done}/{total} {item.name}{counted}"


def run_here(
    cursor: Any, statements: list[Statement], *, verb: str, say: Progress
) -> None:
    """Run one after the other on ``cursor`` (inside its transaction)."""
    for number, item in enumerate(statements, 1):
        cursor.execute(item.statement)
        say(_done(verb, number, len(statements), item, cursor.rowcount))


class RunFailed(Exception):
    """A statement failed; ``left`` is every statement not run."""

    def __init__(self, error: BaseException, left: list[Statement]) -> None:
        super().__init__(str(error))
        self.error = error
        self.left = left


class SideBySide:
    """Run ``statements`` on ``workers`` connections of their own, each in its
    own transaction (autocommit), the most costly first, after the ``setup``
    of each connection (``SET …``).

    A worker takes the first statement that would not wait for another one's
    lock on the same table (an ALTER TABLE locks its table, see
    ``Statement.takes_table``), and else waits for one to finish. On the
    first failure no new statement starts; ``run`` raises ``RunFailed``
    with everything not run. ``cancel`` (another thread, or Ctrl-C in the
    caller) cancels the running statements.
    """

    def __init__(
        self,
        statements: list[Statement],
        *,
        workers: int,
        verb: str,
        say: Progress,
        setup: tuple[str, ...] = (),
    ) -> None:
        self.pending = sorted(statements, key=lambda s: s.cost, reverse=True)
        self.total = len(statements)
        self.workers = workers
        self.verb = verb
        self.say = say
        self.setup = setup
        self.running: list[Statement] = []
        self.done: list[Statement] = []
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
            left = [d for d in self._all() if d not in self.done]
            raise RunFailed(self.errors[0], left)

    def _all(self) -> list[Statement]:
        return [*self.done, *self.running, *self.pending]

    def cancel(self, reason: BaseException) -> None:
        with self.changed:
            self.errors.append(reason)
            self.changed.notify_all()
            for raw in self.connections:
                raw.cancel()

    def _next(self) -> Statement | None:
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
    def _blocks(item: Statement, other: Statement) -> bool:
        return item.table == other.table and (item.takes_table or other.takes_table)

    def _work(self, number: int) -> None:
        try:
            connection.ensure_connection()
            with self.changed:
                self.connections.append(connection.connection)
            with connection.cursor() as cursor:
                for statement in self.setup:
                    cursor.execute(statement)
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
                        self.done.append(item)
                        self.changed.notify_all()
                        done = len(self.done)
                    message = _done(self.verb, done, self.total, item, cursor.rowcount)
                    self.say(f"{message} (connection {number})")
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
