"""Scoped querysets for people and their records (see organizations/access.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Exists, OuterRef
from django.utils import timezone

if TYPE_CHECKING:
    from organizations.access import AnyUser


class PersonQuerySet(models.QuerySet):
    def visible_to(self, user: AnyUser, *, write: bool = False) -> PersonQuerySet:
        """People with a membership period, a position or their file in the
        user's subtree; history counts, so last year's cell still sees them
        — for the time it was theirs: a period or a post at a unit that moved
        counts for the parent whose it was during that period (issue #16)."""
        from members.models import CellPeriod, PositionHolding
        from organizations.access import is_admin, scope_during, scope_on_day

        if is_admin(user):
            return self.all()
        if write:
            return self.writable_by(user)
        periods = CellPeriod.objects.filter(
            scope_during(user, "cell_id", "valid_from", "valid_to"),
            membership__person=OuterRef("pk"),
        )
        holdings = PositionHolding.objects.filter(
            scope_during(user, "unit_id", "valid_from", "valid_to"),
            person=OuterRef("pk"),
        )
        registered = scope_on_day(user, "registered_unit_id", timezone.localdate())
        return self.filter(Exists(periods) | Exists(holdings) | registered)

    def writable_by(self, user: AnyUser) -> PersonQuerySet:
        """People whose file the user keeps now: their membership's current
        cell, an open position, or (for neither) the registered unit — by
        today's tree (a member who left, by the tree of their last day)."""
        from members.models import Membership, PositionHolding
        from organizations.access import is_admin, scope_last_day, scope_on_day

        if is_admin(user):
            return self.all()
        memberships = Membership.objects.filter(
            scope_last_day(user, "current_cell_id", "ended_on", write=True),
            person=OuterRef("pk"),
        )
        holdings = PositionHolding.objects.filter(
            scope_last_day(user, "unit_id", "valid_to", write=True),
            person=OuterRef("pk"),
            valid_to__isnull=True,
        )
        any_membership = Membership.objects.filter(person=OuterRef("pk"))
        any_open_holding = PositionHolding.objects.filter(
            person=OuterRef("pk"), valid_to__isnull=True
        )
        file_only = (
            scope_on_day(user, "registered_unit_id", timezone.localdate(), write=True)
            & ~Exists(any_membership)
            & ~Exists(any_open_holding)
        )
        return self.filter(Exists(memberships) | Exists(holdings) | file_only)


# Memberships and posts held are listed where they stand today, or stood on
# their last day (access.scope_last_day): a unit that moved away leaves its
# current members to its new parent. The scope of a user whose reach is one
# whole province is read through the rows' copy of the province: one range
# of an index, where PostgreSQL combined the test of 12,000 cells with it
# into bitmaps of 150,000 rows each (access.whole_province).


class MembershipQuerySet(models.QuerySet):
    def visible_to(self, user: AnyUser) -> MembershipQuerySet:
        from organizations.access import scope_last_day

        return self.filter(
            scope_last_day(
                user, "current_cell_id", "ended_on", province_field="province_id"
            )
        )

    def writable_by(self, user: AnyUser) -> MembershipQuerySet:
        from organizations.access import scope_last_day

        return self.filter(
            scope_last_day(user, "current_cell_id", "ended_on", write=True)
        )


class PositionHoldingQuerySet(models.QuerySet):
    def visible_to(self, user: AnyUser) -> PositionHoldingQuerySet:
        from organizations.access import scope_last_day

        return self.filter(
            scope_last_day(user, "unit_id", "valid_to", province_field="province_id")
        )

    def writable_by(self, user: AnyUser) -> PositionHoldingQuerySet:
        from organizations.access import scope_last_day

        return self.filter(scope_last_day(user, "unit_id", "valid_to", write=True))
