"""``field__any_of=[ids]``: ``field = ANY(%s::bigint[])`` with the ids as one
array parameter.

Access scopes are lists of unit ids (a province is ~11,000 units). Django's
``__in`` would spell out one placeholder per id; one array keeps the SQL
short, and PostgreSQL hashes the array, so the planner can still walk the
name index of a list and test each row against the scope.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Field, ForeignObject, Lookup


class IdArray(Sequence[int]):
    """Ids with their array text made once: a scope is used by several queries
    of a page, and Django walks every element of a list value of a lookup
    (~3 ms per 10,000 ids and query); this is not a list, so it does not."""

    __slots__ = ("ids", "text")

    def __init__(self, ids: Iterable[int]) -> None:
        self.ids = tuple(int(value) for value in ids)
        self.text = "{" + ",".join(map(str, self.ids)) + "}"

    def __getitem__(self, index: Any) -> Any:
        return self.ids[index]

    def __len__(self) -> int:
        return len(self.ids)


class AnyOf(Lookup):
    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self) -> str:
        # The array's text form: psycopg would adapt a list of 11,000 ints one
        # by one for every query (~30 ms each); a string is passed as it is.
        ids = self.rhs if isinstance(self.rhs, IdArray) else IdArray(self.rhs)
        return ids.text

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s::bigint[])", [*lhs_params, self.rhs]


Field.register_lookup(AnyOf)
# Related fields keep their own lookups: ``current_cell_id__any_of`` needs this.
ForeignObject.register_lookup(AnyOf)
