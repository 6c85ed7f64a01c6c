"""Scoped querysets for people and their records (see partyquality/access.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Exists, OuterRef

if TYPE_CHECKING:
    from partyquality.access import AnyUser


class PersonQuerySet(models.QuerySet):
    def visible_to(self, user: AnyUser, *, write: bool = False) -> PersonQuerySet:
        """People with a membership period or a position in the user's subtree."""
        from members.models import CellPeriod, PositionHolding
        from partyquality.access import is_admin, scope_filter

        if is_admin(user):
            return self.all()
        periods = CellPeriod.objects.filter(
            scope_filter(user, "cell_id", write=write),
            membership__person=OuterRef("pk"),
        )
        holdings = PositionHolding.objects.filter(
            scope_filter(user, "unit_id", write=write), person=OuterRef("pk")
        )
        return self.filter(Exists(periods) | Exists(holdings))

    def writable_by(self, user: AnyUser) -> PersonQuerySet:
        return self.visible_to(user, write=True)


class MembershipQuerySet(models.QuerySet):
    def visible_to(self, user: AnyUser) -> MembershipQuerySet:
        from partyquality.access import scope_filter

        return self.filter(scope_filter(user, "current_cell_id"))

    def writable_by(self, user: AnyUser) -> MembershipQuerySet:
        from partyquality.access import scope_filter

        return self.filter(scope_filter(user, "current_cell_id", write=True))


class PositionHoldingQuerySet(models.QuerySet):
    def visible_to(self, user: AnyUser) -> PositionHoldingQuerySet:
        from partyquality.access import scope_filter

        return self.filter(scope_filter(user, "unit_id"))

    def writable_by(self, user: AnyUser) -> PositionHoldingQuerySet:
        from partyquality.access import scope_filter

        return self.filter(scope_filter(user, "unit_id", write=True))
