"""A province-sized dataset for the report benchmarks, by bulk inserts.

Shaped after Nghệ An in 2025 (DOMAIN.md §6): 130 commune-level committees,
~1,400 grassroots organizations, ~10,000 cells, ~200,000 members with their
2024 and 2025 classifications, ~2,000 villages and ~2,900 commune cadres with
qualifications. Used when the shared synthetic generator is not available;
idempotent (does nothing when the province code exists).
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction

PROVINCE_CODE = "BENCH-NA"
COMMUNES = 130
GRASSROOTS_PER_COMMUNE = 11
CELLS_PER_GRASSROOTS = 7
MEMBERS_PER_CELL = 19
VILLAGES_PER_COMMUNE = 15
D = datetime.date
EPOCH = D(2000, 1, 1)
POSITIONS = [
    ("party_secretary", "elected"),
    ("party_deputy_secretary", "elected"),
    ("hdnd_chair", "elected"),
    ("hdnd_vice_chair", "elected"),
    ("ubnd_chair", "elected"),
    ("ubnd_vice_chair", "elected"),
    ("mttq_chair", "elected"),
    ("youth_secretary", "elected"),
    ("women_chair", "elected"),
    ("farmers_chair", "elected"),
    ("veterans_chair", "elected"),
    ("military_commander", "civil_servant"),
    ("office_statistics", "civil_servant"),
    ("land_construction", "civil_servant"),
    ("finance_accounting", "civil_servant"),
    ("justice_civil_status", "civil_servant"),
    ("culture_social", "civil_servant"),
]


def _bulk(model, rows, batch: int = 5000):  # type: ignore[no-untyped-def]
    return model.objects.bulk_create(rows, batch_size=batch)


@transaction.atomic
def ensure_province(seed: int = 7):  # type: ignore[no-untyped-def]
    from assessments.models import MemberClassification, UnitClassification
    from assessments.scales import scale_for
    from members import highest_levels
    from members.models import (
        CellPeriod,
        Membership,
        Person,
        Position,
        PositionHolding,
        Qualification,
    )
    from organizations.models import (
        ResidentialCoverage,
        ResidentialMemberCount,
        ResidentialUnit,
        Unit,
        UnitLink,
    )

    existing = Unit.objects.filter(code=PROVINCE_CODE).first()
    if existing:
        return existing
    rnd = random.Random(seed)
    province = Unit.objects.create(
        code=PROVINCE_CODE,
        name="Tỉnh Nghệ An (thử tải)",
        level="province",
        kind="province",
        opened_on=EPOCH,
    )
    communes = _bulk(
        Unit,
        [
            Unit(
                code=f"B-X{i:03d}",
                name=f"Đảng bộ xã Thử Tải {i:03d}",
                level="superior",
                kind="commune",
                opened_on=EPOCH,
                is_difficult_area=i % 4 == 0,
            )
            for i in range(COMMUNES)
        ],
    )
    _bulk(
        UnitLink,
        [UnitLink(child=c, parent=province, valid_from=EPOCH) for c in communes],
    )
    kinds = ["village", "school", "agency", "public_service", "nonstate_enterprise"]
    grassroots = _bulk(
        Unit,
        [
            Unit(
                code=f"{c.code}-G{j:02d}",
                name=f"Tổ chức cơ sở {c.code}-{j:02d}",
                level="grassroots_committee" if j < 3 else "grassroots_cell",
                kind=kinds[j % len(kinds)],
                opened_on=EPOCH,
            )
            for c in communes
            for j in range(GRASSROOTS_PER_COMMUNE)
        ],
    )
    _bulk(
        UnitLink,
        [
            UnitLink(
                child=g, parent=communes[i // GRASSROOTS_PER_COMMUNE], valid_from=EPOCH
            )
            for i, g in enumerate(grassroots)
        ],
    )
    committees = [g for g in grassroots if g.level == "grassroots_committee"]
    cells = _bulk(
        Unit,
        [
            Unit(
                code=f"{g.code}-C{k:02d}",
                name=f"Chi bộ thôn {g.code}-{k:02d}",
                level="cell",
                kind="village",
                opened_on=EPOCH,
            )
            for g in committees
            for k in range(CELLS_PER_GRASSROOTS * 3)
        ],
    )
    per = CELLS_PER_GRASSROOTS * 3
    _bulk(
        UnitLink,
        [
            UnitLink(child=c, parent=committees[i // per], valid_from=EPOCH)
            for i, c in enumerate(cells)
        ],
    )
    member_cells = cells + [g for g in grassroots if g.level == "grassroots_cell"]
    org_levels = {
        year: {lv.tier: lv for lv in scale_for("organization", year).levels.all()}
        for year in (2024, 2025)
    }
    member_levels = {
        year: {lv.tier: lv for lv in scale_for("member", year).levels.all()}
        for year in (2024, 2025)
    }

    def tier() -> int:
        x = rnd.random()
        return 1 if x < 0.2 else 2 if x < 0.85 else 3 if x < 0.99 else 4

    _bulk(
        UnitClassification,
        [
            UnitClassification(unit=u, year=y, level=org_levels[y][tier()])
            for u in grassroots + cells
            for y in (2024, 2025)
        ],
    )
    people, memberships, periods, classes = [], [], [], []
    for _cell in member_cells:
        for _ in range(MEMBERS_PER_CELL):
            people.append(
                Person(
                    full_name=f"Đảng viên {len(people):06d}",
                    gender="F" if rnd.random() < 0.35 else "M",
                    date_of_birth=D(rnd.randint(1945, 2004), rnd.randint(1, 12), 1),
                    ethnicity="01" if rnd.random() < 0.85 else "03",
                )
            )
    people = _bulk(Person, people)
    cursor = 0
    for cell in member_cells:
        for _ in range(MEMBERS_PER_CELL):  # same order as the people above
            person = people[cursor]
            cursor += 1
            admitted = D(rnd.randint(1970, 2025), rnd.randint(1, 12), 1)
            memberships.append(
                Membership(
                    person=person,
                    admitted_on=admitted,
                    status="full",
                    current_cell=cell,
                )
            )
    memberships = _bulk(Membership, memberships)
    for m in memberships:
        periods.append(
            CellPeriod(membership=m, cell=m.current_cell, valid_from=m.admitted_on)
        )
        for y in (2024, 2025):
            if m.admitted_on.year < y:
                classes.append(
                    MemberClassification(
                        person_id=m.person_id,
                        year=y,
                        cell=m.current_cell,
                        level=member_levels[y][tier()],
                    )
                )
    _bulk(CellPeriod, periods)
    _bulk(MemberClassification, classes)
    villages = _bulk(
        ResidentialUnit,
        [
            ResidentialUnit(
                code=f"{c.code}-T{v:02d}",
                name=f"Thôn {v + 1} {c.code}",
                kind="village",
                commune=c,
                opened_on=EPOCH,
            )
            for c in communes
            for v in range(VILLAGES_PER_COMMUNE)
        ],
    )
    _bulk(
        ResidentialCoverage,
        [
            ResidentialCoverage(
                residential_unit=village,
                covering_cell=None
                if rnd.random() < 0.03
                else cells[rnd.randrange(len(cells))],
                head_is_party_member=rnd.random() < 0.88,
                valid_from=EPOCH,
            )
            for village in villages
        ],
    )
    _bulk(
        ResidentialMemberCount,
        [
            ResidentialMemberCount(
                residential_unit=village,
                year=year,
                party_members=0 if rnd.random() < 0.02 else rnd.randint(5, 60),
            )
            for village in villages
            for year in (2024, 2025)
        ],
    )
    positions = {
        code: Position.objects.get_or_create(
            code=code, defaults={"name": code, "group": group}
        )[0]
        for code, group in POSITIONS
    }
    cadres = _bulk(
        Person,
        [
            Person(
                full_name=f"Cán bộ {c.code}-{p}",
                gender="M",
                date_of_birth=D(1980, 1, 1),
            )
            for c in communes
            for p in positions
        ],
    )
    holdings, quals = [], []
    i = 0
    for c in communes:
        for code in positions:
            person = cadres[i]
            i += 1
            holdings.append(
                PositionHolding(
                    person=person,
                    unit=c,
                    position=positions[code],
                    valid_from=D(2025, 7, 1) if rnd.random() < 0.1 else D(2021, 1, 1),
                    origin="rotated_down" if rnd.random() < 0.05 else "local",
                )
            )
            quals.append(
                Qualification(
                    person=person, dimension="general", level="upper_secondary", rank=3
                )
            )
            prof = rnd.choice(
                ["university", "university", "intermediate", "college", "master"]
            )
            quals.append(
                Qualification(
                    person=person,
                    dimension="professional",
                    level=prof,
                    rank={
                        "intermediate": 2,
                        "college": 3,
                        "university": 4,
                        "master": 5,
                    }[prof],
                )
            )
            if rnd.random() < 0.3:
                quals.append(
                    Qualification(
                        person=person,
                        dimension="professional",
                        level="doctor",
                        rank=6,
                        status="studying",
                        expected_year=2027,
                    )
                )
            if rnd.random() < 0.6:
                quals.append(
                    Qualification(
                        person=person,
                        dimension="political",
                        level="pol_intermediate",
                        rank=2,
                    )
                )
    _bulk(PositionHolding, holdings)
    _bulk(Qualification, quals)
    # Every writer of qualifications keeps the row of highest levels that
    # the lists' qualification filters read (members/highest_levels.py).
    highest_levels.refresh({q.person_id for q in quals})
    return province
