"""Posts for the demo's people: each commune-level unit's elected cadres and
civil servants, and each village cell's secretary and village head.

Split from ``members.demo`` (the people and their membership history); these
functions add ``PositionHolding`` rows to the same ``Builder``, which writes
everything in bulk at the end. Origins follow the ways commune cadres arrive
(rotation down or across, from the armed forces, young graduates; DOMAIN.md).
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from members.models import Origin, Person, Position, PositionGroup, PositionHolding
from organizations.models import CELL_LIKE_LEVELS, Kind, Unit
from organizations.tree import subtree_ids_sql

if TYPE_CHECKING:
    from members.demo import Builder

D = datetime.date
COMMUNE_KINDS = (Kind.COMMUNE, Kind.WARD, Kind.TOWNSHIP, Kind.SPECIAL_ZONE)
VILLAGE_KINDS = (Kind.VILLAGE, Kind.RESIDENTIAL_GROUP)
TERM_START = D(2021, 6, 1)  # commune People's Council term 2021–2026


def seed_cadres(builder: Builder, positions: dict[str, Position]) -> None:
    communes = Unit.objects.filter(kind__in=COMMUNE_KINDS).exclude(
        level__in=CELL_LIKE_LEVELS
    )
    used: set[int] = set()
    for index, commune in enumerate(communes.order_by("opened_on", "code")):
        start = max(commune.opened_on, TERM_START)
        if start >= builder.today or (commune.closed_on and commune.closed_on <= start):
            continue
        cell_ids = set(
            Unit.objects.filter(id__in=subtree_ids_sql([commune.pk], start))
            .filter(level__in=CELL_LIKE_LEVELS)
            .values_list("id", flat=True)
        )
        pool = [p for p in builder.members_in(cell_ids, start) if id(p) not in used]
        builder.rng.shuffle(pool)
        wanted = [
            p
            for p in positions.values()
            if p.group in (PositionGroup.ELECTED, PositionGroup.CIVIL_SERVANT)
        ]
        secretary: Person | None = None
        for position in wanted:
            if position.code == "hdnd_chair" and index % 2 == 0 and secretary:
                # The party secretary often chairs the People's Council too.
                hold(
                    builder,
                    secretary,
                    commune,
                    position,
                    start,
                    commune.closed_on,
                    Origin.LOCAL,
                    True,
                )
                continue
            if pool and (
                position.group == PositionGroup.ELECTED or builder.rng.random() < 0.7
            ):
                plan = pool.pop()
                used.add(id(plan))
                person = plan.person
            else:
                person = builder.person(
                    born_from=1970, born_to=1998, registered_unit=commune
                )
                builder.extra_people.append(person)
            builder.cadre_ids.add(id(person))
            origin = origin_of(position.code, index)
            hold(
                builder,
                person,
                commune,
                position,
                start,
                commune.closed_on,
                origin,
                False,
            )
            if position.code == "party_secretary":
                secretary = person
        for _n in range(2):
            person = builder.person(
                born_from=1965, born_to=2000, registered_unit=commune
            )
            builder.extra_people.append(person)
            hold(
                builder,
                person,
                commune,
                positions["part_time"],
                start,
                commune.closed_on,
                Origin.LOCAL,
                False,
            )


def origin_of(code: str, index: int) -> str:
    if code == "party_secretary" and index % 2 == 1:
        return Origin.ROTATED_DOWN
    if code == "party_deputy_secretary" and index % 3 == 0:
        return Origin.ARMED_FORCES
    if code == "ubnd_vice_chair" and index % 3 == 1:
        return Origin.ROTATED_HORIZONTAL
    if code in ("office_statistics", "justice_civil_status") and index % 4 == 2:
        return Origin.GRADUATES
    return Origin.LOCAL


def hold(
    builder: Builder,
    person: Person,
    unit: Unit,
    position: Position,
    start: datetime.date,
    end: datetime.date | None,
    origin: str,
    concurrent: bool,
) -> None:
    builder.holdings.append(
        PositionHolding(
            person=person,
            unit=unit,
            position=position,
            valid_from=start,
            valid_to=end,
            origin=origin,
            is_concurrent=concurrent,
        )
    )


def seed_village_posts(builder: Builder, positions: dict[str, Position]) -> None:
    cells = Unit.objects.filter(level__in=CELL_LIKE_LEVELS, kind__in=VILLAGE_KINDS)
    for cell in cells.order_by("opened_on", "code"):
        start = max(cell.opened_on, D(2022, 12, 1))
        if start >= builder.today or (cell.closed_on and cell.closed_on <= start):
            continue
        pool = builder.members_in({cell.pk}, start)
        builder.rng.shuffle(pool)
        if pool:
            hold(
                builder,
                pool[0].person,
                cell,
                positions["village_cell_secretary"],
                start,
                cell.closed_on,
                Origin.LOCAL,
                False,
            )
        # 80–95% of village heads are members (DOMAIN.md §6).
        if len(pool) > 1 and builder.rng.random() < 0.85:
            head = pool[1].person
        else:
            head = builder.person(born_from=1960, born_to=1990, registered_unit=cell)
            builder.extra_people.append(head)
        hold(
            builder,
            head,
            cell,
            positions["village_head"],
            start,
            cell.closed_on,
            Origin.LOCAL,
            False,
        )
