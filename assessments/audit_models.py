"""Event tables of the audit trail (issue #4 §3), one per tracked table.

Why database triggers (django-pghistory) and not ``save()`` hooks or signals:
imports, ``bulk_create``/``bulk_update``, ``QuerySet.update()``, the admin and
raw SQL all bypass ``save()``; a trigger on the table records every insert,
update and delete whatever wrote it, in the same transaction (a rolled-back
import leaves no events). The request's user and path (HistoryMiddleware) or
the management command (``pghistory.context(command=...)``) are attached to
each event as context.

All event models live here, in the assessments app, even for tables of
members/ and organizations/, so those apps' migrations never change; the
triggers themselves are installed after ``migrate`` (PGTRIGGER_MIGRATIONS =
False, PGTRIGGER_INSTALL_ON_MIGRATE = True in settings).
"""

from __future__ import annotations

import pghistory
from django.db import models

from assessments.audit_context import (
    DeleteEvent,
    InsertEvent,
    UpdateEvent,
    about_person,
    context_fields,
)
from assessments.models import MemberClassification, UnitClassification
from assessments.yearly_record_models import (
    CellMeeting,
    ConfidenceVote,
    CriteriaCheck,
    CriteriaResult,
)
from members.models import CellPeriod, MemberEvent, Membership, Person, PositionHolding
from organizations.models import Unit

__all__ = [
    "CellMeetingHistory",
    "CellPeriodHistory",
    "ConfidenceVoteHistory",
    "CriteriaCheckHistory",
    "CriteriaResultHistory",
    "MemberClassificationHistory",
    "MemberEventHistory",
    "MembershipHistory",
    "PersonHistory",
    "PositionHoldingHistory",
    "UnitClassificationHistory",
    "UnitHistory",
]


def _trackers() -> tuple[pghistory.RowEvent, ...]:
    # Statement-level triggers (transition tables): one INSERT ... SELECT per
    # statement instead of a plpgsql call per row. A 100,000-row COPY fired
    # the row trigger 100,000 times, and each call's _pgh_attach_context()
    # opens a subtransaction whose end scans the transaction's whole queue of
    # deferred foreign-key checks: quadratic, a quarter of an hour for an
    # import that takes under a minute without the trail (issue #3 §4).
    # Each also records the row's unit, person and author (audit_context).
    return (
        InsertEvent("insert", level=pghistory.Statement),
        UpdateEvent("update", level=pghistory.Statement),
        DeleteEvent("delete", level=pghistory.Statement),
    )


def _indexes(short: str, *, has_person: bool) -> list[models.Index]:
    columns = ["pgh_unit", "pgh_author"]
    if has_person:  # units, meetings and checklists are about no one
        columns.append("pgh_person")
    return [
        models.Index(fields=["pgh_created_at", "pgh_id"], name=f"{short}_ev_at"),
        *(
            models.Index(
                fields=[column, "pgh_created_at"],
                name=f"{short}_ev_{column.removeprefix('pgh_')}",
            )
            for column in columns
        ),
    ]


def _event_model(tracked, name: str, exclude: list[str] | None = None):  # type: ignore[no-untyped-def]
    short = name.lower().removesuffix("history")[:20]
    return pghistory.create_event_model(
        tracked,
        *_trackers(),
        exclude=exclude or [],
        # The audit log reads each table newest first, a page at a time
        # (partyquality.audit.audit_changes): an index in that order stops
        # after a page's rows instead of sorting a province's year of events
        # (bench/RESULTS.md, "Audit log at a province's size").
        # The filters by unit, person and author read their column's index
        # in the same order (audit_context).
        meta={"indexes": _indexes(short, has_person=about_person(tracked))},
        attrs=context_fields(),
        # The tracked row may be deleted: the event keeps its id, no constraint.
        obj_field=pghistory.ObjForeignKey(related_name="+", db_constraint=False),
        model_name=name,
        app_label="assessments",
        abstract=False,
    )


# Generated columns are computed by PostgreSQL and cannot be inserted.
UnitClassificationHistory = _event_model(
    UnitClassification, "UnitClassificationHistory"
)
MemberClassificationHistory = _event_model(
    MemberClassification, "MemberClassificationHistory"
)
PersonHistory = _event_model(
    Person, "PersonHistory", exclude=["search_name", "sort_name"]
)
# The province copied by a trigger for the lists (members.models.ProvinceCopy)
# is not a fact of the record: a move of the tree is not a member's event.
MembershipHistory = _event_model(Membership, "MembershipHistory", exclude=["province"])
CellPeriodHistory = _event_model(CellPeriod, "CellPeriodHistory")
MemberEventHistory = _event_model(MemberEvent, "MemberEventHistory")
UnitHistory = _event_model(
    Unit, "UnitHistory", exclude=["search_name", "sort_name", "province"]
)
PositionHoldingHistory = _event_model(
    PositionHolding,
    "PositionHoldingHistory",
    exclude=["province"],
)
# The related yearly records entered on their own pages (issue 18 item 8):
# who recorded a vote of confidence, a cell meeting's score or a checklist.
# A checklist's items ticked or unticked are rows of CriteriaCheck.
ConfidenceVoteHistory = _event_model(ConfidenceVote, "ConfidenceVoteHistory")
CellMeetingHistory = _event_model(CellMeeting, "CellMeetingHistory")
CriteriaResultHistory = _event_model(CriteriaResult, "CriteriaResultHistory")
CriteriaCheckHistory = _event_model(CriteriaCheck, "CriteriaCheckHistory")
