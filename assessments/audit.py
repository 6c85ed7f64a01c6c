"""The audit trail's event tables registered with its reader
(partyquality/audit.py): who sees which events, and how the ids they hold
read as names. Called from AssessmentsConfig.ready; this layer may import
every other, so the reader below imports none."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, Q

from assessments import audit_models
from assessments.audit_context import about_person
from assessments.models import CriteriaItem, CriteriaResult, CriteriaSet, ScaleLevel
from members.cadre_models import Position
from members.models import MemberEvent, Membership, Person
from organizations.access import AnyUser, Reach, is_admin, scope_on, under_on
from organizations.models import Unit
from partyquality import audit

UNIT_COLUMNS = ("unit_id", "cell_id", "current_cell_id")


# The day an event was recorded: a unit's event belongs to the parent it had
# that day (issue #16, dated access).
RECORDED_ON = "pgh_created_at__date"


# The records whose unit may be unknown when an event is written: a person
# before their membership, a membership without a current cell.
UNIT_MAY_BE_UNKNOWN = (Person, Membership, MemberEvent)

# Each event row carries the unit its record belonged to, the person it is
# about and its author, written with it (assessments/audit_context.py): the
# scope and the filters below read those columns, each by its index.


def scope(event_model: type[Model], user: AnyUser) -> Q:
    """Events limited to the user's subtree: by the unit the record had when
    the event was written and the tree of that day (an officer of a whole
    province by the unit's province, as the lists are: the array of its
    11,700 units took ~30 ms to plan in each of the log's queries). A person
    written before any membership, post or registered unit (an import's
    first statement) has no unit on that event: it is shown to whoever sees
    one of the person's memberships."""
    if is_admin(user):
        return Q()
    dated = scope_on(
        user, "pgh_unit_id", RECORDED_ON, province_field="pgh_unit__province"
    )
    if event_model.pgh_tracked_model not in UNIT_MAY_BE_UNKNOWN:  # type: ignore[attr-defined]
        return dated
    members = Membership.objects.visible_to(user).values("person_id")
    return dated | Q(pgh_unit__isnull=True, pgh_person_id__in=members)


def within(event_model: type[Model], under: Reach) -> Q:
    """Events of records that sat under some units when written, by the tree
    of that day (the audit log's unit filter, ``access.units_reach``)."""
    return under_on(under, "pgh_unit_id", RECORDED_ON)


def about(event_model: type[Model], person_id: int) -> Q | None:
    """Events about one person (the audit log's person filter); None for the
    tables that hold nothing about a person (units, cell meetings)."""
    if not about_person(event_model.pgh_tracked_model):  # type: ignore[attr-defined]
        return None
    return Q(pgh_person_id=person_id)


def _unit_names(ids: set[Any]) -> dict[Any, str]:
    return dict(Unit.objects.filter(pk__in=ids).values_list("pk", "name"))


def _person_names(ids: set[Any]) -> dict[Any, str]:
    return dict(Person.objects.filter(pk__in=ids).values_list("pk", "full_name"))


def _member_names(ids: set[Any]) -> dict[Any, str]:
    return dict(
        Membership.objects.filter(pk__in=ids).values_list("pk", "person__full_name")
    )


def _level_labels(ids: set[Any]) -> dict[Any, str]:
    return {lv.pk: lv.label for lv in ScaleLevel.objects.filter(pk__in=ids)}


def _criteria_set_names(ids: set[Any]) -> dict[Any, str]:
    return dict(CriteriaSet.objects.filter(pk__in=ids).values_list("pk", "name"))


def _result_names(ids: set[Any]) -> dict[Any, str]:
    rows = CriteriaResult.objects.filter(pk__in=ids).values_list(
        "pk", "criteria_set__name", "unit__name", "year"
    )
    return {pk: f"{name} — {unit} {year}" for pk, name, unit, year in rows}


def _item_texts(ids: set[Any]) -> dict[Any, str]:
    return dict(CriteriaItem.objects.filter(pk__in=ids).values_list("pk", "text"))


def _position_names(ids: set[Any]) -> dict[Any, str]:
    return dict(Position.objects.filter(pk__in=ids).values_list("pk", "name"))


def register_event_models() -> None:
    for name in audit_models.__all__:
        audit.register(
            getattr(audit_models, name), scope=scope, within=within, about=about
        )
    audit.register_labels([*UNIT_COLUMNS, "from_cell_id", "to_cell_id"], _unit_names)
    audit.register_labels(["membership_id"], _member_names)
    audit.register_labels(["person_id"], _person_names)
    audit.register_labels(["level_id"], _level_labels)
    audit.register_labels(["criteria_set_id"], _criteria_set_names)
    audit.register_labels(["position_id"], _position_names)
    audit.register_labels(["criteriaresult_id"], _result_names)
    audit.register_labels(["criteriaitem_id"], _item_texts)
