"""Which units an import may write to (``partyquality/importing.py``)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from organizations.access import WRITE_ROLES, Reach, scope_reach
from organizations.models import Unit
from organizations.tree import subtree_ids_sql

# A unit and the day a row is about: None for "now" (today, or the unit's
# last day if it closed).
UnitDay = tuple[int, datetime.date | None]


class Scope:
    """Which units the importing user may write to; None = the operator (CLI).

    ``within``: the unit (or its id) under which the file is imported, if any.

    An import writes today, so a unit is the user's if their assignments
    reach it today — a closed one on its last day — as the tree stands then
    (issue #16, dated access): a unit moved away from them, or one that will
    come under them only later, is out of reach like any other.
    """

    def __init__(
        self, user: Any | None, within: Unit | int | None, today: datetime.date
    ) -> None:
        self.user = user
        self.within = within
        self.within_id: int | None = getattr(within, "pk", within)  # type: ignore[assignment]
        self.today = today
        self._reach: Reach | None = None

    def reach(self) -> Reach | None:
        """The user's writing reach, with its dates; None: everything."""
        if self.user is None:
            return None
        if self._reach is None:
            self._reach = scope_reach(self.user, roles=WRITE_ROLES)
        return self._reach

    def writable(self, unit_ids: Iterable[int]) -> set[int]:
        """The units among ``unit_ids`` this import may write to now."""
        return {unit for unit, _day in self.writable_on((u, None) for u in unit_ids)}

    def writable_on(self, pairs: Iterable[UnitDay]) -> set[UnitDay]:
        """The (unit, day) among ``pairs`` whose unit the user reached on
        that day (None: now) and that lies under ``within`` today."""
        pairs = set(pairs)
        if not pairs:
            return set()
        qs = Unit.objects.filter(pk__in={unit for unit, _day in pairs})
        if self.within is not None:
            qs = qs.filter(pk__in=subtree_ids_sql([self.within_id], self.today))
        found = set(qs.values_list("pk", flat=True))
        reach = self.reach()  # None: the operator or an administrator
        return {
            (unit, day)
            for unit, day in pairs
            if unit in found
            and (
                reach is None
                or (
                    reach.now(unit, self.today)
                    if day is None
                    else reach.holds(unit, day)
                )
            )
        }
