"""Querysets of units: as of a date, subtree, visible to a user."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


class UnitQuerySet(models.QuerySet):
    def open_on(self, day: datetime.date) -> UnitQuerySet:
        return self.filter(
            Q(closed_on__isnull=True) | Q(closed_on__gt=day), opened_on__lte=day
        )

    def subtree_of(
        self, root_ids: list[int] | int, *, on: datetime.date
    ) -> UnitQuerySet:
        from organizations.tree import subtree_ids_sql

        roots = [root_ids] if isinstance(root_ids, int) else list(root_ids)
        return self.filter(id__in=subtree_ids_sql(roots, on)).open_on(on)

    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> UnitQuerySet:
        from organizations.access import scope_filter

        return self.filter(scope_filter(user, "id"))

    def visible_now(self, user: AbstractBaseUser | AnonymousUser) -> UnitQuerySet:
        """The units the user reaches on today's tree (a closed one on its
        last day): today's pages — the unit list and its search, the unit
        pickers. A unit that moved away leaves its former parent's lists;
        ``visible_to`` still opens its past (issue #16)."""
        from organizations.access import scope_now

        return self.filter(scope_now(user, "id", write=False))

    def visible_on(
        self, user: AbstractBaseUser | AnonymousUser, day: datetime.date
    ) -> UnitQuerySet:
        """The units the user reaches on ``day``'s tree (a year's pages)."""
        from organizations.access import scope_on_day

        return self.filter(scope_on_day(user, "id", day))

    def writable_by(self, user: AbstractBaseUser | AnonymousUser) -> UnitQuerySet:
        """The units the user writes to: today's tree (issue #16) — reads
        (``visible_to``) reach everything ever under the user's units."""
        from organizations.access import scope_now

        return self.filter(scope_now(user, "id"))
