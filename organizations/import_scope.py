"""Which units an import may write to (``partyquality/importing.py``)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from organizations.access import scope_filter
from organizations.models import Unit
from organizations.tree import subtree_ids_sql


class Scope:
    """Which units the importing user may write to; None = the operator (CLI).

    ``within``: the unit (or its id) under which the file is imported, if any.
    """

    def __init__(
        self, user: Any | None, within: Unit | int | None, today: datetime.date
    ) -> None:
        self.user = user
        self.within = within
        self.within_id: int | None = getattr(within, "pk", within)  # type: ignore[assignment]
        self.today = today

    def writable(self, unit_ids: Iterable[int]) -> set[int]:
        ids = list(unit_ids)
        if not ids:
            return set()
        qs = Unit.objects.filter(pk__in=ids)
        if self.user is not None:
            qs = qs.filter(scope_filter(self.user, "id", write=True))
        if self.within is not None:
            qs = qs.filter(pk__in=subtree_ids_sql([self.within_id], self.today))
        return set(qs.values_list("pk", flat=True))
