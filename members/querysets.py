"""Scoped querysets for people and their records (see organizations/access.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Exists, OuterRef, Q

if TYPE_CHECKING:
    from organizations.access import AnyUser


def _reach(user: AnyUser, *, write: bool = False) -> Any:
    """The ids of the units in the user's reach (read once per request)."""
    from organizations.access import WRITE_ROLES, scope_unit_ids

    return scope_unit_ids(user, roles=WRITE_ROLES if write else None)


class PersonQuerySet(models.QuerySet):
    def visible_to(self, user: AnyUser, *, write: bool = False) -> PersonQuerySet:
        """People with a membership period, a position or their file in the
        user's subtree; history counts, so last year's cell still sees them."""
        from members.models import CellPeriod, PositionHolding
        from organizations.access import is_admin

        if is_admin(user):
            return self.all()
        if write:
            return self.writable_by(user)
        reach = _reach(user)
        periods = CellPeriod.objects.filter(
            cell_id__any_of=reach, membership__person=OuterRef("pk")
        )
        holdings = PositionHolding.objects.filter(
            unit_id__any_of=reach, person=OuterRef("pk")
        )
        return self.filter(
            Exists(periods) | Exists(holdings) | Q(registered_unit_id__any_of=reach)
        )

    def writable_by(self, user: AnyUser) -> PersonQuerySet:
        """People whose file the user keeps now: their membership's current
        cell, an open position, or (for neither) the registered unit."""
        from members.models import Membership, PositionHolding
        from organizations.access import is_admin

        if is_admin(user):
            return self.all()
        reach = _reach(user, write=True)
        memberships = Membership.objects.filter(
            current_cell_id__any_of=reach, person=OuterRef("pk")
        )
        holdings = PositionHolding.objects.filter(
            unit_id__any_of=reach, person=OuterRef("pk"), valid_to__isnull=True
        )
        any_membership = Membership.objects.filter(person=OuterRef("pk"))
        any_open_holding = PositionHolding.objects.filter(
            person=OuterRef("pk"), valid_to__isnull=True
        )
        file_only = (
            Q(registered_unit_id__any_of=reach)
            & ~Exists(any_membership)
            & ~Exists(any_open_holding)
        )
        return self.filter(Exists(memberships) | Exists(holdings) | file_only)


class MembershipQuerySet(models.QuerySet):
    def visible_to(self, user: AnyUser) -> MembershipQuerySet:
        from organizations.access import scope_filter, whole_province

        province = whole_province(user)
        if province is not None:
            # The same rows as the scope filter (access.whole_province), read
            # from the province's range of its index: PostgreSQL combined the
            # test of 12,000 cells with it into bitmaps of 150,000 rows each.
            return self.filter(province_id=province)
        return self.filter(scope_filter(user, "current_cell_id"))

    def writable_by(self, user: AnyUser) -> MembershipQuerySet:
        from organizations.access import scope_filter

        return self.filter(scope_filter(user, "current_cell_id", write=True))


class PositionHoldingQuerySet(models.QuerySet):
    def visible_to(self, user: AnyUser) -> PositionHoldingQuerySet:
        from organizations.access import scope_filter, whole_province

        province = whole_province(user)
        if province is not None:
            # The same rows as the scope filter (access.whole_province): the
            # holdings at units placed in the province, by their copy of it
            # (one range of an index, not a join of the country's holdings).
            return self.filter(province_id=province)
        return self.filter(scope_filter(user, "unit_id"))

    def writable_by(self, user: AnyUser) -> PositionHoldingQuerySet:
        from organizations.access import scope_filter

        return self.filter(scope_filter(user, "unit_id", write=True))
