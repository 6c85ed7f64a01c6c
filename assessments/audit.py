"""The audit trail's event tables registered with its reader
(partyquality/audit.py): who sees which events, and how the ids they hold
read as names. Called from AssessmentsConfig.ready; this layer may import
every other, so the reader below imports none."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Model, Q

from assessments import audit_models
from assessments.models import CriteriaItem, CriteriaResult, CriteriaSet, ScaleLevel
from members.cadre_models import Position
from members.models import Membership, Person
from organizations.access import AnyUser, is_admin, scope_filter, scope_on
from organizations.models import Unit
from partyquality import audit

UNIT_COLUMNS = ("unit_id", "cell_id", "current_cell_id")


# The day an event was recorded: a unit's event belongs to the parent it had
# that day (issue #16, dated access).
RECORDED_ON = "pgh_created_at__date"


def scope(event_model: type[Model], user: AnyUser) -> Q:
    """Events of a model limited to the user's subtree, by the unit the row
    had and the tree of the day the event was recorded."""
    tracked = event_model.pgh_tracked_model  # type: ignore[attr-defined]
    if is_admin(user):
        return Q()
    if tracked is Person:
        return Q(pgh_obj_id__in=Person.objects.visible_to(user).values("pk"))
    if tracked is Unit:
        return scope_on(user, "pgh_obj_id", RECORDED_ON)
    columns = {f.attname for f in event_model._meta.concrete_fields}
    for name in UNIT_COLUMNS:
        if name in columns:
            return scope_on(user, name, RECORDED_ON)
    if "membership_id" in columns:
        return Q(membership_id__in=Membership.objects.visible_to(user).values("pk"))
    if "criteriaresult_id" in columns:
        results = CriteriaResult.objects.filter(scope_filter(user, "unit_id"))
        return Q(criteriaresult_id__in=results.values("pk"))
    return Q(pk__in=[])


def within(event_model: type[Model], unit_ids: Sequence[int]) -> Q:
    """Events of rows that sat under some units (the audit log's unit
    filter): by the unit the row had, as ``scope`` reads it."""
    tracked = event_model.pgh_tracked_model  # type: ignore[attr-defined]
    if tracked is Unit:
        return Q(pgh_obj_id__any_of=unit_ids)
    if tracked is Person:
        return Q(
            pgh_obj_id__in=Membership.objects.filter(
                current_cell_id__any_of=unit_ids
            ).values("person_id")
        )
    columns = {f.attname for f in event_model._meta.concrete_fields}
    for name in UNIT_COLUMNS:
        if name in columns:
            return Q(**{f"{name}__any_of": unit_ids})
    if "membership_id" in columns:
        return Q(
            membership_id__in=Membership.objects.filter(
                current_cell_id__any_of=unit_ids
            ).values("pk")
        )
    if "criteriaresult_id" in columns:
        results = CriteriaResult.objects.filter(unit_id__any_of=unit_ids)
        return Q(criteriaresult_id__in=results.values("pk"))
    return Q(pk__in=[])


def about(event_model: type[Model], person_id: int) -> Q | None:
    """Events about one person (the audit log's person filter); None for the
    tables that hold nothing about a person (units, cell meetings)."""
    tracked = event_model.pgh_tracked_model  # type: ignore[attr-defined]
    if tracked is Person:
        return Q(pgh_obj_id=person_id)
    columns = {f.attname for f in event_model._meta.concrete_fields}
    if "person_id" in columns:
        return Q(person_id=person_id)
    if "membership_id" in columns:
        return Q(
            membership_id__in=Membership.objects.filter(person_id=person_id).values(
                "pk"
            )
        )
    return None


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
