"""Invented people for the demo province built by ``organizations.demo``.

Works on whatever tree exists: every cell open today gets 8–20 members whose
history follows the cell's lineage (a cell reorganized on 1 July 2025 hands
its members over by an official transfer, so 2024 stays with the old cell);
some members are admitted in 2024 and 2026, some transfer between cells in
2024, a few leave, a few are exempted or disciplined. Every commune-level unit
(open or closed) gets its elected cadres and civil servants with dated
holdings and origins (rotations included); village cells get a village head
and a cell secretary. All names are invented.

Deterministic (``random.Random(SEED)``), idempotent (nothing happens when
people exist) and bulk-loaded, so it runs in seconds. The cached membership
status is computed by ``membership_status_on`` from the same events that are
written, so cache and derivation agree.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from django.db import connection
from django.utils import timezone

from members import highest_levels
from members.demo_posts import seed_cadres, seed_village_posts
from members.models import (
    CellPeriod,
    Discipline,
    DisciplineForm,
    Gender,
    MemberEvent,
    MemberEventKind,
    Membership,
    MembershipStatus,
    Person,
    Position,
    PositionHolding,
    Qualification,
    QualificationStatus,
)
from members.positions import load_positions
from members.qualifications import LEVEL_RANK
from members.selectors import membership_status_on
from members.services import probation_ends
from organizations.models import CELL_LIKE_LEVELS, Unit, UnitEvent

SEED = 2026
D = datetime.date

FAMILY = [
    ("Nguyễn", 30), ("Trần", 11), ("Lê", 10), ("Phạm", 7), ("Hoàng", 5),
    ("Phan", 5), ("Võ", 4), ("Đặng", 3), ("Bùi", 3), ("Đỗ", 3), ("Hồ", 3),
    ("Ngô", 2), ("Dương", 2), ("Lý", 1), ("Đinh", 2), ("Thái", 1), ("Cao", 1),
]  # fmt: skip
MIDDLE_M = ["Văn", "Đức", "Minh", "Hữu", "Quang", "Xuân", "Đình", "Công", "Văn", "Bá"]
MIDDLE_F = ["Thị", "Thị", "Thu", "Ngọc", "Thanh", "Minh", "Hồng", "Thị Kim", "Diệu"]
GIVEN_M = [
    "An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hùng", "Khánh", "Long", "Nam",
    "Phong", "Quân", "Sơn", "Thắng", "Tuấn", "Việt", "Hoàng", "Trung", "Hiếu",
    "Lâm", "Tâm", "Toàn", "Vinh", "Kiên", "Lực", "Thành", "Tú", "Hưng",
]  # fmt: skip
GIVEN_F = [
    "Anh", "Chi", "Dung", "Hà", "Hằng", "Hoa", "Hương", "Lan", "Linh", "Mai",
    "Nga", "Nhung", "Oanh", "Phương", "Quỳnh", "Thảo", "Trang", "Vân", "Yến",
    "Hạnh", "Loan", "Thủy", "Hiền", "Huyền",
]  # fmt: skip
# Kinh most; Thái, Mường, Thổ, Khơ-mú and HMông live in western Nghệ An.
ETHNICITY_WEIGHTS = [("01", 88), ("03", 5), ("06", 2), ("24", 2), ("29", 2), ("08", 1)]
EARLIEST_ADMISSION = D(1975, 1, 1)


@dataclass
class Segment:
    cell: Unit
    start: datetime.date
    end: datetime.date | None
    decision: str = ""
    # Entered by the tree's reorganization rather than by a member's transfer.
    reorganized: bool = False


@dataclass
class Plan:
    """One invented member before it is written."""

    person: Person
    admitted_on: datetime.date
    segments: list[Segment]
    events: list[MemberEvent] = field(default_factory=list)
    full_member_on: datetime.date | None = None
    ended_on: datetime.date | None = None
    card_number: str = ""


class Builder:
    def __init__(self) -> None:
        self.rng = random.Random(SEED)  # noqa: S311 - invented demo data, not secrets
        self.today = timezone.localdate()
        self.sequence = 0
        self.plans: list[Plan] = []
        self.extra_people: list[Person] = []
        self.qualifications: list[Qualification] = []
        self.holdings: list[PositionHolding] = []
        self.disciplines: list[Discipline] = []
        self.lineage = self._predecessors()
        # Python ids of the Person objects chosen as commune cadres.
        self.cadre_ids: set[int] = set()

    # names and identities -----------------------------------------------

    def name(self, gender: str) -> str:
        families = [f for f, _w in FAMILY]
        family = self.rng.choices(families, [w for _f, w in FAMILY])[0]
        if gender == Gender.MALE:
            return f"{family} {self.rng.choice(MIDDLE_M)} {self.rng.choice(GIVEN_M)}"
        return f"{family} {self.rng.choice(MIDDLE_F)} {self.rng.choice(GIVEN_F)}"

    def person(self, *, born_from: int, born_to: int, **extra: object) -> Person:
        self.sequence += 1
        gender = Gender.FEMALE if self.rng.random() < 0.38 else Gender.MALE
        born = D(born_from, 1, 1) + datetime.timedelta(
            days=self.rng.randrange((D(born_to, 12, 31) - D(born_from, 1, 1)).days)
        )
        ethnicity = self.rng.choices(
            [e for e, _w in ETHNICITY_WEIGHTS], [w for _e, w in ETHNICITY_WEIGHTS]
        )[0]
        national_id = None
        if self.rng.random() < 0.7:
            # Căn cước: province 040 (Nghệ An), sex/century digit, year, serial.
            century = (0 if born.year < 2000 else 2) + (gender == Gender.FEMALE)
            national_id = f"040{century}{born.year % 100:02d}{self.sequence:06d}"
        return Person(
            full_name=self.name(gender),
            gender=gender,
            date_of_birth=born,
            ethnicity=ethnicity,
            religion="Công giáo" if self.rng.random() < 0.04 else "",
            national_id=national_id,
            **extra,
        )

    def day_between(self, start: datetime.date, end: datetime.date) -> datetime.date:
        if end <= start:
            return start
        return start + datetime.timedelta(days=self.rng.randrange((end - start).days))

    # the tree's lineage ---------------------------------------------------

    def _predecessors(self) -> dict[int, tuple[Unit, UnitEvent]]:
        """For each cell-like unit, the cell it continues (reorganized, merged)."""
        result: dict[int, tuple[Unit, UnitEvent]] = {}
        events = UnitEvent.objects.prefetch_related("predecessors", "successors")
        for event in events.order_by("date", "id"):
            cells_before = [
                u for u in event.predecessors.all() if u.level in CELL_LIKE_LEVELS
            ]
            for successor in event.successors.all():
                if successor.level not in CELL_LIKE_LEVELS:
                    continue
                before = [u for u in cells_before if u.pk != successor.pk]
                if before and successor.pk not in result:
                    result[successor.pk] = (before[0], event)
        return result

    def chain(self, cell: Unit) -> list[Segment]:
        """The cell and its predecessors as dated segments, oldest first."""
        segments = [Segment(cell, cell.opened_on, None)]
        seen = {cell.pk}
        while segments[0].cell.pk in self.lineage:
            before, event = self.lineage[segments[0].cell.pk]
            if before.pk in seen:
                break
            seen.add(before.pk)
            segments[0].decision = event.decision_number
            segments[0].reorganized = True
            segments.insert(0, Segment(before, before.opened_on, event.date))
        return segments

    @staticmethod
    def slice(
        chain: list[Segment], start: datetime.date, end: datetime.date | None
    ) -> list[Segment]:
        """The part of a lineage between ``start`` and ``end``."""
        result = []
        for seg in chain:
            seg_end = seg.end
            if seg_end is not None and seg_end <= start:
                continue
            if end is not None and seg.start >= end:
                break
            result.append(
                Segment(
                    seg.cell,
                    max(seg.start, start),
                    min(seg_end, end) if seg_end and end else (seg_end or end),
                    seg.decision,
                    seg.reorganized,
                )
            )
        return result

    # members --------------------------------------------------------------

    def members_of(self, cell: Unit, index: int, others: list[Unit]) -> None:
        chain = self.chain(cell)
        first_open = chain[0].start
        count = self.rng.randint(8, 20)
        for n in range(count):
            # The year's new members are young; the others join at 18–50.
            recent = (n == 0 and index % 4 == 0) or (n == 1 and index % 5 == 0)
            person = self.person(
                born_from=1988 if recent else 1945, born_to=2004 if recent else 2000
            )
            born = person.date_of_birth.year
            earliest = max(first_open, D(born + 18, 12, 31), EARLIEST_ADMISSION)
            latest = min(self.today - datetime.timedelta(days=1), D(born + 50, 12, 31))
            if n == 0 and recent:
                admitted = self.day_between(D(2024, 1, 1), D(2024, 12, 31))
            elif n == 1 and recent:
                admitted = self.day_between(D(2026, 1, 1), self.today)
            else:
                admitted = self.day_between(earliest, latest)
            if not earliest <= admitted < self.today:
                continue
            self.plans.append(self.plan(person, admitted, chain, n, index, others))

    def plan(
        self,
        person: Person,
        admitted: datetime.date,
        chain: list[Segment],
        n: int,
        index: int,
        others: list[Unit],
    ) -> Plan:
        rng = self.rng
        self.sequence += 1
        plan = Plan(
            person=person,
            admitted_on=admitted,
            segments=self.slice(chain, admitted, None),
            card_number=f"40.{self.sequence:06d}",
        )
        full_on = probation_ends(admitted)
        if rng.random() < 0.2:
            full_on += datetime.timedelta(days=rng.randint(1, 40))
        if full_on < self.today:
            plan.full_member_on = full_on
        # One member in every fourth cell moved to another cell in 2024.
        if n == 2 and index % 4 == 1 and admitted < D(2024, 1, 1):
            self.transfer_2024(plan, others)
        # A few left: resigned, struck off or died (one in every fifth cell).
        if n == 3 and index % 5 == 2:
            last_start = max(s.start for s in plan.segments)
            start = max(
                last_start, plan.full_member_on or admitted
            ) + datetime.timedelta(days=30)
            day = self.day_between(max(start, D(2023, 1, 1)), D(2025, 12, 31))
            if start <= day < self.today:
                plan.ended_on = day
                plan.segments = self.slice(plan.segments, admitted, day)
        self.write_events(plan, index)
        return plan

    def transfer_2024(self, plan: Plan, others: list[Unit]) -> None:
        day = self.day_between(D(2024, 2, 1), D(2024, 11, 30))
        own = {seg.cell.pk for seg in plan.segments}
        for other in self.rng.sample(others, min(len(others), 8)):
            target = self.slice(self.chain(other), day, None)
            # The other cell must exist on that day and not be the member's own.
            if not target or target[0].start != day or target[0].cell.pk in own:
                continue
            before = self.slice(plan.segments, plan.admitted_on, day)
            if not before:
                continue
            target[0].decision = f"{self.rng.randint(10, 99)}-QĐ/ĐU"
            target[0].reorganized = False
            plan.segments = before + target
            return

    def write_events(self, plan: Plan, index: int) -> None:
        first = plan.segments[0]
        events = [
            MemberEvent(
                kind=MemberEventKind.ADMISSION,
                date=plan.admitted_on,
                decision_number=f"{self.rng.randint(1, 199)}-QĐ/ĐU",
                to_cell=first.cell,
            )
        ]
        timeline: list[MemberEvent] = []
        if plan.full_member_on:
            timeline.append(
                MemberEvent(
                    kind=MemberEventKind.FULL_MEMBER,
                    date=plan.full_member_on,
                    decision_number=f"{self.rng.randint(1, 199)}-QĐ/ĐU",
                )
            )
        for before, after in zip(plan.segments, plan.segments[1:], strict=False):
            timeline.append(
                MemberEvent(
                    kind=MemberEventKind.TRANSFER_OFFICIAL,
                    date=after.start,
                    decision_number=after.decision,
                    from_cell=before.cell,
                    to_cell=after.cell,
                    note="Chuyển theo sắp xếp tổ chức đảng."
                    if after.reorganized
                    else "",
                )
            )
        age = self.today.year - plan.person.date_of_birth.year
        if (
            plan.ended_on is None
            and plan.full_member_on
            and age >= 75
            and self.rng.random() < 0.4
        ):
            start = max(plan.full_member_on, plan.segments[-1].start)
            day = self.day_between(max(start, D(2022, 1, 1)), self.today)
            if start <= day < self.today:
                timeline.append(
                    MemberEvent(
                        kind=MemberEventKind.EXEMPTION,
                        date=day,
                        decision_number=f"{self.rng.randint(1, 99)}-QĐ/CB",
                        note="Tuổi cao, sức yếu.",
                    )
                )
        if plan.ended_on:
            kind = self.rng.choice(
                [
                    MemberEventKind.RESIGNATION,
                    MemberEventKind.STRUCK_OFF,
                    MemberEventKind.DEATH,
                ]
            )
            timeline.append(
                MemberEvent(
                    kind=kind,
                    date=plan.ended_on,
                    decision_number=""
                    if kind == MemberEventKind.DEATH
                    else f"{self.rng.randint(1, 99)}-QĐ/ĐU",
                )
            )
        timeline.sort(key=lambda e: e.date)
        plan.events = events + timeline

    # qualifications -------------------------------------------------------

    def qualify(self, person: Person, *, cadre: bool = False) -> None:
        rng = self.rng
        add = self.qualifications.append

        def q(dimension: str, level: str, **kw: object) -> None:
            add(
                Qualification(
                    person=person,
                    dimension=dimension,
                    level=level,
                    rank=LEVEL_RANK[level],
                    **kw,
                )
            )

        born = person.date_of_birth.year
        general = (
            "upper_secondary"
            if cadre or born > 1965 or rng.random() < 0.5
            else "lower_secondary"
        )
        q("general", general)
        options = [
            ("none", 20),
            ("intermediate", 25),
            ("college", 10),
            ("university", 35),
            ("master", 3),
        ]
        if cadre:
            options = [("intermediate", 15), ("university", 75), ("master", 10)]
        professional = rng.choices([o for o, _w in options], [w for _o, w in options])[
            0
        ]
        if professional != "none":
            q(
                "professional",
                professional,
                field=rng.choice(
                    [
                        "Luật",
                        "Kinh tế",
                        "Quản lý đất đai",
                        "Sư phạm",
                        "Nông nghiệp",
                        "Kế toán",
                    ]
                ),
                year=min(self.today.year, born + rng.randint(21, 30)),
            )
        if professional in ("intermediate", "college") and rng.random() < 0.25:
            q(
                "professional",
                "university",
                status=QualificationStatus.STUDYING,
                expected_year=self.today.year + rng.randint(0, 2),
            )
        political = rng.choices(
            ["", "pol_elementary", "pol_intermediate", "pol_advanced"],
            [5, 40, 45, 10] if cadre else [45, 40, 12, 3],
        )[0]
        if political:
            q(
                "political",
                political,
                year=min(self.today.year, born + rng.randint(25, 40)),
            )
        if cadre and political in ("", "pol_elementary") and rng.random() < 0.6:
            q(
                "political",
                "pol_intermediate",
                status=QualificationStatus.STUDYING,
                expected_year=self.today.year + 1,
            )
        if cadre and rng.random() < 0.6:
            q("state_management", "sm_officer")
        if rng.random() < (0.8 if cadre else 0.3):
            q("it", "it_basic")
        if rng.random() < (0.5 if cadre else 0.1):
            q("foreign_language", rng.choice(["fl_basic", "fl_intermediate"]))

    # cadres ---------------------------------------------------------------

    def members_in(self, cell_ids: set[int], day: datetime.date) -> list[Plan]:
        """Full members active on ``day`` in those cells who never leave."""
        found = []
        for plan in self.plans:
            if plan.ended_on is not None or plan.full_member_on is None:
                continue
            if plan.full_member_on > day:
                continue
            for seg in plan.segments:
                if (
                    seg.cell.pk in cell_ids
                    and seg.start <= day
                    and (seg.end is None or seg.end > day)
                ):
                    found.append(plan)
                    break
        return found

    def discipline(self) -> None:
        candidates = [
            p
            for p in self.plans
            if p.ended_on is None
            and p.full_member_on
            and p.full_member_on < D(2024, 1, 1)
        ]
        for plan in candidates[7::41]:
            day = self.day_between(D(2024, 3, 1), D(2025, 10, 31))
            cell = next(
                s.cell
                for s in plan.segments
                if s.start <= day and (s.end is None or s.end > day)
            )
            self.disciplines.append(
                Discipline(
                    person=plan.person,
                    unit=cell,
                    form=self.rng.choice(
                        [DisciplineForm.REPRIMAND, DisciplineForm.WARNING]
                    ),
                    date=day,
                    deciding_body="Ban Thường vụ Đảng ủy",
                    decision_number=f"{self.rng.randint(100, 300)}-QĐ/ĐU",
                    reason="Vi phạm quy định về những điều đảng viên không được làm.",
                )
            )

    # writing --------------------------------------------------------------

    def write(self) -> None:
        people = [p.person for p in self.plans] + self.extra_people
        Person.objects.bulk_create(people, batch_size=2000)
        for holding in self.holdings:
            holding.person_id = holding.person.pk
        for q in self.qualifications:
            q.person_id = q.person.pk
        for d in self.disciplines:
            if d.person is not None:
                d.person_id = d.person.pk
        memberships = []
        for plan in self.plans:
            status = membership_status_on(None, self.today, plan.events)  # type: ignore[arg-type]
            memberships.append(
                Membership(
                    person=plan.person,
                    card_number=plan.card_number,
                    admitted_on=plan.admitted_on,
                    full_member_on=plan.full_member_on,
                    ended_on=plan.ended_on,
                    status=status or MembershipStatus.PROBATIONARY,
                    current_cell=plan.segments[-1].cell,
                )
            )
        Membership.objects.bulk_create(memberships, batch_size=2000)
        periods, events = [], []
        for plan, membership in zip(self.plans, memberships, strict=True):
            for seg in plan.segments:
                periods.append(
                    CellPeriod(
                        membership=membership,
                        cell=seg.cell,
                        valid_from=seg.start,
                        valid_to=seg.end,
                    )
                )
            for event in plan.events:
                event.membership = membership
                events.append(event)
        CellPeriod.objects.bulk_create(periods, batch_size=5000)
        MemberEvent.objects.bulk_create(events, batch_size=5000)
        Qualification.objects.bulk_create(self.qualifications, batch_size=5000)
        highest_levels.refresh(q.person_id for q in self.qualifications)
        PositionHolding.objects.bulk_create(self.holdings, batch_size=2000)
        Discipline.objects.bulk_create(self.disciplines, batch_size=2000)


def seed() -> None:
    if Person.objects.exists():
        return
    if not Position.objects.exists():
        load_positions(Position)
    positions = {p.code: p for p in Position.objects.all()}
    builder = Builder()
    today = builder.today
    cells = list(
        Unit.objects.open_on(today).filter(level__in=CELL_LIKE_LEVELS).order_by("code")
    )
    for index, cell in enumerate(cells):
        others = [c for c in cells if c.pk != cell.pk]
        builder.members_of(cell, index, others)
    seed_cadres(builder, positions)
    seed_village_posts(builder, positions)
    for person in [plan.person for plan in builder.plans] + builder.extra_people:
        builder.qualify(person, cadre=id(person) in builder.cadre_ids)
    builder.discipline()
    # A cell warned in 2024 (organizations: reprimand, warning, dissolution).
    if cells:
        warned = cells[len(cells) // 3]
        if warned.opened_on <= D(2024, 5, 1):
            builder.disciplines.append(
                Discipline(
                    unit=warned,
                    subject_is_unit=True,
                    form=DisciplineForm.WARNING,
                    date=D(2024, 5, 20),
                    deciding_body="Ban Thường vụ Đảng ủy",
                    decision_number="45-QĐ/ĐU",
                    reason="Không duy trì sinh hoạt chi bộ định kỳ.",
                )
            )
    builder.write()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE members_person, members_membership, members_cellperiod")
