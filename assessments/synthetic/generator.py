# ruff: noqa: S608, S311 — SQL is built from our own constants and numbers, never
# from input; the random generator draws test data, not secrets.
"""The generator: runs the drawings (tree.py, people.py, classifications.py)
in one transaction or, for a big load, side by side on two connections, and
undoes a failed load."""

from __future__ import annotations

import datetime
import random
import time
from typing import NoReturn

from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.utils import timezone

from assessments.synthetic.classifications import ClassificationDrawing
from assessments.synthetic.people import PeopleDrawing
from assessments.synthetic.sizes import (
    BIG_LOAD,
    CONNECTIONS,
    REBUILD_SETUP,
    SCALES,
)
from assessments.synthetic.sql import (
    PEOPLE_TABLES,
    LoadFailed,
    Progress,
    Summary,
    _stderr,
)
from assessments.synthetic.tree import TreeDrawing
from members import highest_levels
from members.bulk_load import (
    RunFailed,
    SideBySide,
    Statement,
    drop_indexes,
    run_here,
    table_sizes,
    weighed,
)
from members.models import (
    CellPeriod,
    HighestLevels,
    MemberEvent,
    Membership,
    Person,
    PositionHolding,
    Qualification,
)
from organizations.models import Unit, UnitLink


class Generator(TreeDrawing, PeopleDrawing, ClassificationDrawing):
    def __init__(
        self,
        *,
        scale: str,
        seed: int,
        progress: Progress = _stderr,
        today: datetime.date | None = None,
        rebuild_indexes: bool | None = None,
    ) -> None:
        self.rebuild_indexes = rebuild_indexes
        self.size = SCALES[scale]
        self.seed = seed
        self.random = random.Random(seed)
        self.progress = progress
        self.today = today or timezone.localdate()
        self.started = time.perf_counter()

    def say(self, message: str) -> None:
        self.progress(f"[{time.perf_counter() - self.started:7.1f}s] {message}")

    def run(self) -> Summary:
        # Outside a transaction (the command) a big load is committed in
        # steps so that other connections see it: the tree and the drawn
        # members, then the people tables loaded side by side on two
        # connections, then their indexes rebuilt side by side; a failure
        # after the first commit deletes what was loaded (``_undo``). Inside
        # a transaction (a test) everything happens in it, one by one.
        may_commit = not connection.in_atomic_block
        with transaction.atomic(), connection.cursor() as cursor:
            summary = Summary(run=self._run_number())
            cells = self._tree(cursor, summary)
            big = (
                summary.members >= BIG_LOAD
                if self.rebuild_indexes is None
                else self.rebuild_indexes
            )
            side_by_side = big and may_commit
            rebuild: list[Statement] = []
            if big:
                cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
                cursor.execute("SET LOCAL session_replication_role = replica")
                rebuild = drop_indexes(cursor, PEOPLE_TABLES)
                self.say(f"dropped {len(rebuild)} indexes/constraints for the load")
            load = self._members(cursor, summary, cells, shared=side_by_side)
            load += self._classifications(cursor)
            if not side_by_side:
                run_here(cursor, load, verb="loaded", say=self.say)
                cursor.execute("DROP TABLE IF EXISTS syn_cell, syn_m")
                cursor.execute("SET LOCAL session_replication_role = origin")
                run_here(cursor, rebuild, verb="rebuilt", say=self.say)
                self._highest_levels(cursor, summary)
        if side_by_side:
            self.say("tree and drawn members committed")
            self._load_side_by_side(load, rebuild, summary)
            try:
                with transaction.atomic(), connection.cursor() as cursor:
                    self._highest_levels(cursor, summary)
            except BaseException as error:
                self._give_up(error, [], summary)
        with connection.cursor() as cursor:
            others = [Unit, UnitLink, HighestLevels]
            for table in [*PEOPLE_TABLES, *(m._meta.db_table for m in others)]:
                cursor.execute(f'ANALYZE "{table}"')
            self.say("analyzed")
            if side_by_side:
                # VACUUM (outside a transaction) marks the loaded pages
                # all-visible, so the member list can walk the covering name
                # index without reading the table; autovacuum would get there
                # later on its own. The highest levels too: the lists'
                # level filters read their indexes.
                tables = (Person, Membership, HighestLevels)
                for table in (model._meta.db_table for model in tables):
                    cursor.execute(f'VACUUM "{table}"')
                self.say("vacuumed persons, memberships and highest levels")
        summary.seconds = time.perf_counter() - self.started
        return summary

    def _load_side_by_side(
        self, load: list[Statement], rebuild: list[Statement], summary: Summary
    ) -> None:
        """Load on two connections, then rebuild on two. If either fails (a
        unique key the load repeats, a full disk, Ctrl-C), delete what the
        load wrote, rebuild for the rows that were there before, and raise."""
        # Foreign keys and the copies' triggers off, as for the serial load.
        replica = ("SET session_replication_role = replica",)
        try:
            self._side_by_side(load, verb="loaded", setup=replica)
        except RunFailed as failed:
            self._give_up(failed.error, rebuild, summary)
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE syn_cell, syn_m")
            sizes = table_sizes(cursor, PEOPLE_TABLES)
        self.say("load committed")
        try:
            self._side_by_side(
                weighed(rebuild, sizes), verb="rebuilt", setup=REBUILD_SETUP
            )
        except RunFailed as failed:
            self._give_up(failed.error, failed.left, summary)

    def _highest_levels(self, cursor: CursorWrapper, summary: Summary) -> None:
        """The loaded people's highest levels, from their qualifications, as
        the qualification services keep them (members/highest_levels.py)."""
        last = self.person0 + summary.members - 1
        cursor.execute(
            highest_levels.fill_sql(
                f"WHERE person_id BETWEEN {self.person0} AND {last}"
            )
        )
        self.say(f"highest levels: {cursor.rowcount}")

    def _give_up(
        self, error: BaseException, left: list[Statement], summary: Summary
    ) -> NoReturn:
        """Delete what the load wrote, run the rebuild statements ``left``,
        and raise (Ctrl-C as itself, anything else as ``LoadFailed``)."""
        self.say(f"the load failed: {error}")
        self.say(f"undoing the load of SYN{summary.run}")
        try:
            self._undo(summary)
            self.say("load undone; rebuilding the indexes")
            with connection.cursor() as cursor:
                sizes = table_sizes(cursor, PEOPLE_TABLES)
            self._side_by_side(
                weighed(left, sizes), verb="rebuilt", setup=REBUILD_SETUP
            )
        except BaseException as undo_error:
            left = undo_error.left if isinstance(undo_error, RunFailed) else left
            statements = "\n".join(item.statement + ";" for item in left)
            raise LoadFailed(
                f"Không dựng lại được chỉ mục ({undo_error}); cơ sở dữ liệu còn thiếu, "
                f"hãy chạy:\n{statements}"
            ) from undo_error
        if not isinstance(error, Exception):
            raise error  # Ctrl-C: stop, now that the database is whole again
        raise LoadFailed(
            f"Không nạp được dữ liệu tổng hợp ({error}); "
            f"đã xóa dữ liệu SYN{summary.run} vừa nạp."
        ) from error

    def _side_by_side(
        self, statements: list[Statement], *, verb: str, setup: tuple[str, ...]
    ) -> None:
        SideBySide(
            statements,
            workers=CONNECTIONS,
            verb=verb,
            say=self.say,
            setup=setup,
        ).run()

    def _undo(self, summary: Summary) -> None:
        """Delete every row the load wrote, by the id ranges it reserved
        (the people tables have no index but their primary key yet: each is
        read once)."""
        persons = (self.person0, self.person0 + summary.members - 1)
        memberships = (self.member0, self.member0 + summary.members - 1)
        units = (self.unit0, self.unit0 + summary.units - 1)
        with transaction.atomic(), connection.cursor() as cursor:
            # Foreign keys unchecked: every row pointing at these is deleted too.
            cursor.execute("SET LOCAL session_replication_role = replica")
            for table, column, (low, high) in [
                ("assessments_memberclassification", "person_id", persons),
                (PositionHolding._meta.db_table, "person_id", persons),
                (Qualification._meta.db_table, "person_id", persons),
                (HighestLevels._meta.db_table, "person_id", persons),
                (MemberEvent._meta.db_table, "membership_id", memberships),
                (CellPeriod._meta.db_table, "membership_id", memberships),
                (Membership._meta.db_table, "id", memberships),
                (Person._meta.db_table, "id", persons),
                ("assessments_unitclassification", "unit_id", units),
                ("assessments_organizationreview", "organization_id", units),
                ("assessments_unityearsnapshot", "unit_id", units),
                ("assessments_postgroupyearsnapshot", "unit_id", units),
                ("assessments_standardgapyearsnapshot", "unit_id", units),
                (UnitLink._meta.db_table, "child_id", units),
                (Unit._meta.db_table, "id", units),
            ]:
                cursor.execute(
                    f'DELETE FROM "{table}" WHERE "{column}" BETWEEN %s AND %s',
                    [low, high],
                )
            cursor.execute("DROP TABLE IF EXISTS syn_cell, syn_m")
            # The replica role kept the tree's statement triggers quiet too
            # (organizations/0004): kept reaches must not outlive the units.
            cursor.execute(
                "UPDATE organizations_tree_version "
                "SET version = nextval('organizations_tree_version_seq')"
            )

    def _run_number(self) -> int:
        """The next free ``SYN<n>-`` prefix, so codes never meet existing open units."""
        n = 1
        while Unit.objects.filter(code__startswith=f"SYN{n}-").exists():
            n += 1
        return n
