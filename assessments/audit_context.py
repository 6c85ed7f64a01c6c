"""The context recorded on every audit event when it is written (issue 18,
"the audit log at province scale"): the unit the row belonged to, the person
it is about and the user who wrote it, as three columns of the event row.

Why on the row: the log's filters (a unit's subtree, a person, an author, a
kind, a range of dates) and its scope (the units the reader reached on the
day of the event, docs/access.md) then each read one index of one column,
newest first. Before, the author lay in pghistory's context table and a
person's or a member's unit behind a join over the province's memberships:
the author filter took 2.4–3 s on the synthetic province
(bench/RESULTS.md, "Audit log at a province's size").

The columns are written by the same statement-level trigger that writes the
event (django-pghistory's, extended below): one ``INSERT … SELECT`` per
statement, with each row's unit and person read where they are at that
moment. A person written before any membership, post or registered unit (the
first statement of an import) has no unit yet: its events are scoped by the
person instead (assessments.audit.scope).
"""

from __future__ import annotations

import django
import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from pghistory import config
from pghistory import trigger as pgh_trigger

from assessments.models import MemberClassification, UnitClassification
from assessments.yearly_record_models import (
    CellMeeting,
    ConfidenceVote,
    CriteriaCheck,
    CriteriaResult,
)
from members.models import CellPeriod, MemberEvent, Membership, Person, PositionHolding
from organizations.models import Unit

# The SQL below is made of our own tables' and columns' names, never of input
# (hence the noqa: S608).

# The user id in the request's or command's context (HistoryMiddleware,
# ``pghistory.context(user=…)``); anything not a number (a shell) is no user.
_METADATA = "NULLIF(CURRENT_SETTING('pghistory.context_metadata', TRUE), '')::jsonb"
AUTHOR_SQL = (
    f"(SELECT CASE WHEN a.u ~ '^[0-9]+$' THEN a.u::integer END "  # noqa: S608
    f"FROM (SELECT ({_METADATA}) ->> 'user' AS u) AS a)"
)


def _membership(column: str, of: str) -> str:
    table = Membership._meta.db_table
    return f"(SELECT m.{column} FROM {table} m WHERE m.id = {of})"  # noqa: S608


def _person_unit(r: str) -> str:
    """Where a person's file is kept at the moment: the latest membership's
    cell, else the latest post's unit, else the registered unit."""
    memberships = Membership._meta.db_table
    holdings = PositionHolding._meta.db_table
    return (
        f"COALESCE((SELECT m.current_cell_id FROM {memberships} m "  # noqa: S608
        f"WHERE m.person_id = {r}.id AND m.current_cell_id IS NOT NULL "
        f"ORDER BY m.ended_on IS NULL DESC, m.admitted_on DESC, m.id DESC LIMIT 1), "
        f"(SELECT h.unit_id FROM {holdings} h WHERE h.person_id = {r}.id "
        f"ORDER BY h.valid_to IS NULL DESC, h.valid_from DESC, h.id DESC LIMIT 1), "
        f"{r}.registered_unit_id)"
    )


def _check_unit(r: str) -> str:
    return (
        f"(SELECT c.unit_id FROM {CriteriaResult._meta.db_table} c "  # noqa: S608
        f"WHERE c.id = {r}.criteriaresult_id)"
    )


# For each tracked table, its row's unit and person as SQL of the row ``r``
# (the trigger's new or old row, or the event row itself in the migration
# that filled the events written before: both hold the tracked columns).
CONTEXT_SQL = {
    Person: (_person_unit, lambda r: f"{r}.id"),
    Membership: (
        lambda r: f"{r}.current_cell_id",
        lambda r: f"{r}.person_id",
    ),
    CellPeriod: (
        lambda r: f"{r}.cell_id",
        lambda r: _membership("person_id", f"{r}.membership_id"),
    ),
    # A member's event (admission, transfer, leaving) belongs to the cell the
    # member is in when it is written, as the membership's own events do.
    MemberEvent: (
        lambda r: (
            f"COALESCE({_membership('current_cell_id', f'{r}.membership_id')}, "
            f"{r}.to_cell_id, {r}.from_cell_id)"
        ),
        lambda r: _membership("person_id", f"{r}.membership_id"),
    ),
    MemberClassification: (lambda r: f"{r}.cell_id", lambda r: f"{r}.person_id"),
    UnitClassification: (lambda r: f"{r}.unit_id", lambda r: "NULL"),
    Unit: (lambda r: f"{r}.id", lambda r: "NULL"),
    PositionHolding: (lambda r: f"{r}.unit_id", lambda r: f"{r}.person_id"),
    ConfidenceVote: (lambda r: f"{r}.unit_id", lambda r: f"{r}.person_id"),
    CellMeeting: (lambda r: f"{r}.cell_id", lambda r: "NULL"),
    CriteriaResult: (lambda r: f"{r}.unit_id", lambda r: "NULL"),
    CriteriaCheck: (_check_unit, lambda r: "NULL"),
}


def about_person(tracked: type[models.Model]) -> bool:
    return CONTEXT_SQL[tracked][1]("r") != "NULL"


def context_fields() -> dict[str, models.Field]:
    """The three columns, each indexed with the time (audit_models). Keys
    without a constraint: the unit, person or user may be deleted, the event
    stays; the unit's key lets the scope read its province (audit.scope)."""

    def key(to: str | type[models.Model]) -> models.ForeignKey:
        return models.ForeignKey(
            to,
            on_delete=models.DO_NOTHING,
            db_constraint=False,
            db_index=False,
            null=True,
            editable=False,
            related_name="+",
        )

    return {
        "pgh_unit": key(Unit),
        "pgh_person": key(Person),
        "pgh_author": key(settings.AUTH_USER_MODEL),
    }


class ContextEvent(pgh_trigger.Event):
    """pghistory's statement-level event trigger, also writing the context
    columns. The rest is pghistory's own ``get_func`` for our configuration
    (statement level, context by foreign key), which it does not let a
    subclass extend."""

    def get_func(self, model):  # type: ignore[no-untyped-def]
        if self.level != pgtrigger.Statement:  # the only level written below
            raise ValueError("ContextEvent writes statement-level triggers only")
        event_model = self.event_model
        tracked = event_model.pgh_tracked_model
        tracked_names = {f.name for f in tracked._meta.fields}
        alias = self.row.replace("NEW", "new_values").replace("OLD", "old_values")
        fields = {
            f.column: f'{alias}."{f.column}"'
            for f in event_model._meta.fields
            if not isinstance(f, models.AutoField)
            and not (django.VERSION[0] >= 5 and isinstance(f, models.GeneratedField))
            and f.name in tracked_names
            and f.concrete
        }
        fields["pgh_created_at"] = config.created_at_function()
        fields["pgh_label"] = f"'{self.label}'"
        fields["pgh_obj_id"] = f'{alias}."{tracked._meta.pk.column}"'
        fields["pgh_context_id"] = "_pgh_attached_context.value"
        unit_sql, person_sql = CONTEXT_SQL[tracked]
        fields["pgh_unit_id"] = unit_sql(alias)
        fields["pgh_person_id"] = person_sql(alias)
        fields["pgh_author_id"] = AUTHOR_SQL
        cols = ", ".join(f'"{col}"' for col in sorted(fields))
        vals = ", ".join(fields[col] for col in sorted(fields))
        sql = (
            "WITH _pgh_attached_context AS (SELECT _pgh_attach_context() AS value) "  # noqa: S608
            f'INSERT INTO "{event_model._meta.db_table}" ({cols}) '
            f"SELECT {vals} FROM (SELECT {alias}.* FROM {{cond_{alias}}}) AS {alias}, "
            "_pgh_attached_context; RETURN NULL;"
        )
        return pgtrigger.Func(sql)


class _WithContext:
    def add_event_trigger(self, event_model):  # type: ignore[no-untyped-def]
        pgtrigger.register(
            ContextEvent(
                event_model=event_model,
                label=self.label,  # type: ignore[attr-defined]
                name=self.trigger_name,  # type: ignore[attr-defined]
                row=self.row,  # type: ignore[attr-defined]
                operation=self.operation,  # type: ignore[attr-defined]
                condition=self.condition,  # type: ignore[attr-defined]
                level=self.level,  # type: ignore[attr-defined]
            )
        )(event_model.pgh_tracked_model)


class InsertEvent(_WithContext, pghistory.InsertEvent):
    pass


class UpdateEvent(_WithContext, pghistory.UpdateEvent):
    pass


class DeleteEvent(_WithContext, pghistory.DeleteEvent):
    pass


def backfill_sql(event_model: type[models.Model]) -> str:
    """One statement filling the context of the events written before the
    columns existed: the unit and person as they are now (the event row holds
    the tracked columns), the author from the event's context row."""
    tracked = event_model.pgh_tracked_model  # type: ignore[attr-defined]
    unit_sql, person_sql = CONTEXT_SQL[tracked]
    table = event_model._meta.db_table
    return (
        f"UPDATE {table} AS e SET pgh_unit_id = {unit_sql('e')}, "  # noqa: S608
        f"pgh_person_id = {person_sql('e')}, "
        "pgh_author_id = (SELECT CASE WHEN ctx.metadata ->> 'user' ~ '^[0-9]+$' "
        "THEN (ctx.metadata ->> 'user')::integer END "
        "FROM pghistory_context ctx WHERE ctx.id = e.pgh_context_id)"
    )
