"""Reads of people and memberships: derivations from events, list querysets
with everything a row shows joined or annotated (no per-row queries), the
person page."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from members.file_windows import Window, file_windows, holds, meets, meets_year
from members.models import (
    CellPeriod,
    Discipline,
    MemberEvent,
    MemberEventKind,
    Membership,
    MembershipStatus,
    Person,
    PositionHolding,
    Qualification,
    QualificationStatus,
)
from organizations.access import AnyUser, reach_province
from organizations.models import Unit

LEAVING_KINDS = {
    MemberEventKind.RESIGNATION: MembershipStatus.RESIGNED,
    MemberEventKind.STRUCK_OFF: MembershipStatus.STRUCK_OFF,
    MemberEventKind.EXPULSION: MembershipStatus.EXPELLED,
    MemberEventKind.DEATH: MembershipStatus.DECEASED,
}


def membership_status_on(
    membership: Membership,
    day: datetime.date,
    events: Iterable[MemberEvent] | None = None,
) -> str | None:
    """The status on ``day`` derived from the events alone; None before admission.

    Admission makes a probationary member, recognition a full one; exemption
    holds until it ends; leaving (resignation, struck off, expulsion, death)
    is final.
    """
    if events is None:
        events = membership.events.filter(date__lte=day).order_by("date", "id")
    status: str | None = None
    full = False
    for event in sorted(events, key=lambda e: (e.date, e.pk or 0)):
        if event.date > day:
            break
        if event.kind == MemberEventKind.ADMISSION:
            status = MembershipStatus.PROBATIONARY
        elif event.kind == MemberEventKind.FULL_MEMBER:
            full = True
            if status != MembershipStatus.EXEMPTED:
                status = MembershipStatus.FULL
        elif event.kind == MemberEventKind.EXEMPTION:
            status = MembershipStatus.EXEMPTED
        elif event.kind == MemberEventKind.EXEMPTION_END:
            status = MembershipStatus.FULL if full else MembershipStatus.PROBATIONARY
        elif event.kind in LEAVING_KINDS:
            return LEAVING_KINDS[MemberEventKind(event.kind)]
    return status


def membership_cell_on(membership: Membership, day: datetime.date) -> Unit | None:
    """The official cell on ``day`` (a transfer never moves earlier days)."""
    period = (
        membership.cell_periods.filter(is_temporary=False, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day))
        .select_related("cell")
        .first()
    )
    return period.cell if period else None


def membership_current_cell(membership: Membership) -> Unit | None:
    """Today's official cell; for a member who left, the last one."""
    period = (
        membership.cell_periods.filter(is_temporary=False)
        .select_related("cell")
        .order_by("-valid_from")
        .first()
    )
    return period.cell if period else None


def highest_qualifications(
    qualifications: Iterable[Qualification],
) -> dict[str, Qualification]:
    """The highest completed qualification per dimension: the greatest rank,
    then the latest year, then the last recorded, as the lists have it
    (members/highest_levels.py)."""
    best: dict[str, Qualification] = {}

    def key(q: Qualification) -> tuple[int, int, int]:
        return (q.rank, q.year or 0, q.pk or 0)

    for q in qualifications:
        if q.status != QualificationStatus.COMPLETED:
            continue
        current = best.get(q.dimension)
        if current is None or key(q) > key(current):
            best[q.dimension] = q
    return best


# What a row shows of the person's qualifications, from their row of
# highest levels (members/highest_levels.py); a person without
# qualifications has none (NULL, not studying).
LEVEL_COLUMNS = {
    "professional_level": F("person__highest_levels__professional"),
    "political_level": F("person__highest_levels__political"),
    "studying": Coalesce(F("person__highest_levels__studying"), False),
}


def _in_reach_province(queryset: QuerySet, user: AnyUser, unit: str) -> QuerySet:
    """The rows of a user whose whole reach lies in one province, read through
    that province's copy on the row and its index first; the scope filter of
    ``visible_to`` stays, so nothing outside the reach is added. The row's
    ``unit`` has the same province (the copy is its unit's): said too, so
    the list in the units' order can read the province's units in name
    order (``unit_province_sort_name_idx``)."""
    province = reach_province(user)
    if province is None:
        return queryset
    return queryset.filter(province_id=province, **{f"{unit}__province_id": province})


def member_list(*, user: AnyUser) -> QuerySet[Membership]:
    """Memberships the user sees, with the person, the cell and the highest
    professional and political levels in the same query, by name."""
    # Every membership has a cell (admitted into one; one who left keeps the
    # last), and other users' scope reads it already. Saying so makes the
    # join inner, so the list in the cells' order can be read from the cells'
    # name index, cell by cell, instead of sorting the whole country.
    memberships = Membership.objects.visible_to(user).filter(current_cell__isnull=False)
    return (
        _in_reach_province(memberships, user, "current_cell")
        .select_related("person", "current_cell")
        .annotate(**LEVEL_COLUMNS)
        .order_by("person__sort_name", "id")
    )


def open_holdings_on(day: datetime.date) -> Q:
    return Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gt=day))


def cadre_list(*, user: AnyUser) -> QuerySet[PositionHolding]:
    """Today's position holdings the user sees, one row per holding."""
    today = timezone.localdate()
    is_member = Exists(
        Membership.objects.filter(person=OuterRef("person_id"), ended_on__isnull=True)
    )
    holdings = PositionHolding.objects.visible_to(user).filter(open_holdings_on(today))
    return (
        _in_reach_province(holdings, user, "unit")
        .select_related("person", "unit", "position")
        .annotate(**LEVEL_COLUMNS, is_member=is_member)
        .order_by("person__sort_name", "position__order", "id")
    )


@dataclass
class PersonFile:
    """What the person page shows, read in a fixed number of queries."""

    person: Person
    memberships: list[Membership]
    qualifications: list[Qualification]
    highest: dict[str, Qualification]
    holdings: list[PositionHolding]
    disciplines: list[Discipline]
    classifications: list[object]
    current_membership: Membership | None
    # The periods of the file shown, when not the whole (file_windows).
    windows: list[Window] | None = None


# Readers of the person's yearly classifications, for the person page. They
# are kept by assessments/, a layer above, which registers its reader in
# AssessmentsConfig.ready: members/ imports nothing of it.
CLASSIFICATION_READERS: list[Callable[[Person], list[object]]] = []


def person_file(person: Person, user: AnyUser | None = None) -> PersonFile:
    """The person's file as ``user`` may see it: whole for whoever keeps the
    person today, else the records dated while the person was in the
    user's subtree (members/file_windows.py, issue #16)."""
    memberships = list(
        person.memberships.select_related("current_cell")
        .prefetch_related(
            Prefetch(
                "cell_periods",
                queryset=CellPeriod.objects.select_related("cell").order_by(
                    "valid_from", "id"
                ),
            ),
            Prefetch(
                "events",
                queryset=MemberEvent.objects.select_related(
                    "from_cell", "to_cell"
                ).order_by("date", "id"),
            ),
        )
        .order_by("admitted_on")
    )
    qualifications = list(person.qualifications.order_by("dimension", "-rank"))
    holdings = list(
        person.holdings.select_related("unit", "position").order_by("-valid_from", "id")
    )
    disciplines = list(person.disciplines.select_related("unit").order_by("-date"))
    classifications = [row for read in CLASSIFICATION_READERS for row in read(person)]
    for m in memberships:
        m.periods_shown = list(m.cell_periods.all())
        m.events_shown = list(m.events.all())
    current = next((m for m in memberships if m.ended_on is None), None)
    windows = None
    if user is not None:
        stays = [
            (p.cell_id, p.valid_from, p.valid_to)
            for m in memberships
            for p in m.periods_shown
        ] + [(h.unit_id, h.valid_from, h.valid_to) for h in holdings]
        windows = file_windows(user, stays, person.registered_unit_id)
    if windows is not None:
        memberships = _memberships_within(memberships, windows)
        # Where the person stands now is not the past the user saw.
        current = None
        qualifications = _qualifications_within(qualifications, windows)
        holdings = [h for h in holdings if meets(windows, h.valid_from, h.valid_to)]
        disciplines = [d for d in disciplines if holds(windows, d.date)]
        classifications = [
            c
            for c in classifications
            if meets_year(windows, c.year)  # type: ignore[attr-defined]
        ]
    return PersonFile(
        person=person,
        memberships=memberships,
        qualifications=qualifications,
        highest=highest_qualifications(qualifications),
        holdings=holdings,
        disciplines=disciplines,
        classifications=classifications,
        current_membership=current,
        windows=windows,
    )


def _memberships_within(
    memberships: list[Membership], windows: list[Window]
) -> list[Membership]:
    """The memberships with a period in the windows, each with those
    periods and the events of those days (the day a window ends too: the
    transfer or leaving that ended it)."""
    shown = []
    for m in memberships:
        m.periods_shown = [
            p for p in m.periods_shown if meets(windows, p.valid_from, p.valid_to)
        ]
        m.events_shown = [
            e for e in m.events_shown if holds(windows, e.date, last_day=True)
        ]
        if m.periods_shown:
            shown.append(m)
    return shown


def _qualifications_within(
    qualifications: list[Qualification], windows: list[Window]
) -> list[Qualification]:
    """What the person had completed by the end of the last window (a
    qualification without a year, undated, too); a course under way only
    inside a window reaching today."""
    today = timezone.localdate()
    ends = [end or today for _start, end in windows]
    known_until = max(ends).year if ends else 0
    return [
        q
        for q in qualifications
        if (q.status == QualificationStatus.STUDYING and holds(windows, today))
        or (
            q.status != QualificationStatus.STUDYING
            and (q.year is None or q.year <= known_until)
        )
    ]


def person_current_membership(person: Person) -> Membership | None:
    return person.memberships.filter(ended_on__isnull=True).first()


def writable_cells(user: AnyUser, day: datetime.date) -> QuerySet[Unit]:
    from organizations.models import CELL_LIKE_LEVELS

    return (
        Unit.objects.writable_by(user)
        .open_on(day)
        .filter(level__in=CELL_LIKE_LEVELS)
        .order_by("sort_name", "id")
    )


def visible_cells(user: AnyUser, day: datetime.date) -> QuerySet[Unit]:
    from organizations.models import CELL_LIKE_LEVELS

    return (
        Unit.objects.visible_on(user, day)
        .open_on(day)
        .filter(level__in=CELL_LIKE_LEVELS)
        .order_by("sort_name", "id")
    )
