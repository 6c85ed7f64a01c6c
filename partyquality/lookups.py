"""``field__any_of=[ids]``: ``field = ANY(%s::bigint[])`` with the ids as one
array parameter.

Access scopes are lists of unit ids (a province is ~11,000 units). Django's
``__in`` would spell out one placeholder per id; one array keeps the SQL
short, and PostgreSQL hashes the array, so the planner can still walk the
name index of a list and test each row against the scope.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Field, ForeignObject, Lookup


class AnyOf(Lookup):
    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self) -> str:
        # The array's text form: psycopg would adapt a list of 11,000 ints one
        # by one for every query (~30 ms each); a string is passed as it is.
        return "{" + ",".join(str(int(value)) for value in self.rhs) + "}"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s::bigint[])", [*lhs_params, self.rhs]


Field.register_lookup(AnyOf)
# Related fields keep their own lookups: ``current_cell_id__any_of`` needs this.
ForeignObject.register_lookup(AnyOf)
