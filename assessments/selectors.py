"""Reads of the yearly review: an organization's year as one sheet, the
completion board of a campaign, what a user can do."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from assessments.models import (
    ClassificationRule,
    MemberClassification,
    OrganizationReview,
    ReviewCampaign,
    Scale,
    ScaleLevel,
    ScaleSubject,
    UnitClassification,
)
from assessments.scales import scale_for
from members.models import (
    CellPeriod,
    Discipline,
    Membership,
    Person,
    PositionHolding,
)
from organizations.access import (
    APPROVE_ROLES,
    AnyUser,
    active_assignments,
    is_admin,
    reaches_on,
    root_unit_ids,
    scope_in_year,
    scope_on_day,
)
from organizations.models import GRASSROOTS_LEVELS, Level, Role, Unit
from organizations.tree import SUBTREES_ON_DAYS_SQL, ancestor_ids
from partyquality.collation import person_sort_key
from partyquality.lookups import IdArray


def year_span(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def day_in_year(unit: Unit, year: int) -> datetime.date:
    """The last day of ``year`` on which ``unit`` existed (its tree that year)."""
    day = datetime.date(year, 12, 31)
    if unit.closed_on is not None and unit.closed_on <= day:
        day = unit.closed_on - datetime.timedelta(days=1)
    return day


def grassroots_of(unit: Unit, year: int) -> Unit | None:
    """The grassroots organization a unit (cell or itself) belonged to in ``year``."""
    if unit.level in GRASSROOTS_LEVELS:
        return unit
    ids = ancestor_ids(unit.pk, day_in_year(unit, year))
    for ancestor in Unit.objects.filter(id__in=ids, level__in=GRASSROOTS_LEVELS):
        return ancestor
    return None


def approvable_units(user: AnyUser, day: datetime.date | None = None) -> QuerySet[Unit]:
    """Units whose reviews ``user`` may approve, return and reopen: those
    under an officer's (or administrator's) assignment in the tree of ``day``
    (today) — a unit moved away is no longer theirs to open campaigns for
    (dated access, issue #16); each decision is checked on its year's tree
    (``can_approve_unit``)."""
    if is_admin(user):
        return Unit.objects.all()
    day = day or timezone.localdate()
    return Unit.objects.filter(scope_on_day(user, "id", day, roles=APPROVE_ROLES))


def can_approve_unit(user: AnyUser, unit: Unit, year: int) -> bool:
    """Whether ``user`` decides ``unit``'s ``year``: an officer's (or
    administrator's) assignment reaches it in the tree of that year
    (``day_in_year``), so a commune moved away is decided by its former
    board for the years before the move, by the new one after (issue #16)."""
    return reaches_on(user, unit.pk, day_in_year(unit, year), roles=APPROVE_ROLES)


@dataclass
class Row:
    key: str  # "unit-<id>" / "person-<id>"
    name: str
    code: str = ""  # a cell's or the organization's code (imports find rows by it)
    unit_id: int | None = None
    person_id: int | None = None
    cell_id: int | None = None
    cell_name: str = ""
    card_number: str = ""
    note: str = ""
    is_organization: bool = False
    disciplined: bool = False
    # Transferred to another organization during the year: that organization
    # classifies the member; the row is shown here for information only.
    moved_out: bool = False
    classification: UnitClassification | MemberClassification | None = None
    suggested: ScaleLevel | None = None
    # Messages of the rules this row breaks, shown beside it (views).
    problems: list[str] = field(default_factory=list)
    # A cell's scored meetings of the year (assessments.yearly.MeetingYear).
    meetings: object = None
    # A unit's model-criteria checklists (assessments.yearly.CriteriaYear).
    checklists: list = field(default_factory=list)
    # A member's votes of confidence flagged by QĐ 96-QĐ/TW (ConfidenceVote).
    flagged_votes: list = field(default_factory=list)


@dataclass
class ReviewSheet:
    organization: Unit
    year: int
    org_scale: Scale | None
    member_scale: Scale | None
    org_levels: list[ScaleLevel]
    member_levels: list[ScaleLevel]
    org_rules: list[ClassificationRule]
    member_rules: list[ClassificationRule]
    unit_rows: list[Row]
    member_rows: list[Row]
    review: OrganizationReview | None
    campaign: ReviewCampaign | None
    disciplined_by_unit: dict[int, list[str]] = field(default_factory=dict)

    @property
    def state(self) -> str:
        return self.review.state if self.review else ""

    @property
    def is_open(self) -> bool:
        return self.review is None or self.review.is_open

    @property
    def rows(self) -> list[Row]:
        return [*self.unit_rows, *self.member_rows]

    def member_level(self, code: str) -> ScaleLevel | None:
        return next((lv for lv in self.member_levels if lv.code == code), None)

    def disciplined_under(self, unit_id: int | None) -> list[str]:
        if unit_id is None:
            return []
        if unit_id == self.organization.pk:
            names: list[str] = []
            for values in self.disciplined_by_unit.values():
                names.extend(v for v in values if v not in names)
            return names
        return self.disciplined_by_unit.get(unit_id, [])

    def missing(self) -> list[str]:
        """Names of the cells and members not classified yet, in page order."""
        return [
            row.name
            for row in self.rows
            if row.classification is None and not row.moved_out
        ]

    def row(self, key: str) -> Row | None:
        return next((r for r in self.rows if r.key == key), None)


def _cells_of(organizations: list[Unit], year: int) -> dict[int, list[Unit]]:
    """Each organization's cells on the last day of the year it existed."""
    cells: dict[int, list[Unit]] = {o.pk: [] for o in organizations}
    if not organizations:
        return cells
    params = [
        [o.pk for o in organizations],
        [day_in_year(o, year) for o in organizations],
        Level.CELL,
    ]
    for unit in Unit.objects.raw(SUBTREES_ON_DAYS_SQL, params):
        cells[unit.sheet_root].append(unit)
    return cells


def review_sheet(organization: Unit, year: int) -> ReviewSheet:
    """Everything the entry page, the rule checks and submission need, in a
    fixed number of queries whatever the size of the organization."""
    sheet = review_sheets([organization], year)[organization.pk]
    sheet.campaign = campaign_for(organization, year)
    return sheet


class Period(NamedTuple):
    """A member's official cell period, as a sheet reads it."""

    person_id: int
    cell_id: int
    valid_from: datetime.date
    valid_to: datetime.date | None
    name: str
    card_number: str | None
    ended_on: datetime.date | None
    status: str
    cell_name: str
    cell_sort_name: str


# Period's columns, from the period (names as ``values_list`` reads them).
PERIOD_COLUMNS = (
    "membership__person_id",
    "cell_id",
    "valid_from",
    "valid_to",
    "membership__person__full_name",
    "membership__card_number",
    "membership__ended_on",
    "membership__status",
    "cell__name",
    "cell__sort_name",
)


STATUS_LABELS = dict(Membership._meta.get_field("status").flatchoices)


def review_sheets(
    organizations: list[Unit], year: int, *, in_page_order: bool = True
) -> dict[int, ReviewSheet]:
    """The sheets of many organizations' year, by organization id, in the same
    fixed number of queries as one (the board's import checks a province's
    ~1,500 at once, issue #19 §3). Without their campaigns (``review_sheet``);
    ``in_page_order`` False leaves the members in no order (an import finds
    them by card number: sorting 200,000 Vietnamese names costs seconds)."""
    start, end = year_span(year)
    cells_of = _cells_of(organizations, year)
    units_of = {o.pk: [c.pk for c in cells_of[o.pk]] + [o.pk] for o in organizations}
    orgs_of_unit: dict[int, list[int]] = defaultdict(list)
    for org_id, ids in units_of.items():
        for uid in ids:
            orgs_of_unit[uid].append(org_id)
    # As arrays made once: Django walks each element of a list given to a
    # lookup, ~5 s for a province's 200,000 members over these queries.
    all_units = IdArray(orgs_of_unit)
    org_scale = scale_for(ScaleSubject.ORGANIZATION, year)
    member_scale = scale_for(ScaleSubject.MEMBER, year)
    scales = [s for s in (org_scale, member_scale) if s is not None]
    levels = list(ScaleLevel.objects.filter(scale__in=scales).order_by("order"))
    rules = list(ClassificationRule.objects.filter(scale__in=scales, is_active=True))
    org_levels = [lv for lv in levels if org_scale and lv.scale_id == org_scale.pk]
    member_levels = [
        lv for lv in levels if member_scale and lv.scale_id == member_scale.pk
    ]

    # Every member who was in the organization that year, from the dated
    # cell history, including those who left during it (latest period wins).
    periods = (
        CellPeriod.objects.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gt=start),
            cell_id__any_of=all_units,
            is_temporary=False,
            valid_from__lte=end,
        )
        .filter(
            Q(membership__ended_on__isnull=True) | Q(membership__ended_on__gte=start)
        )
        .order_by("valid_from")
        .values_list(*PERIOD_COLUMNS)
    )
    # Plain rows, not models: a province's year is ~200,000 periods.
    latest: dict[int, dict[int, Period]] = {o.pk: {} for o in organizations}
    for values in periods:
        period = Period(*values)
        for org_id in orgs_of_unit[period.cell_id]:
            latest[org_id][period.person_id] = period
    person_ids = IdArray({p for people in latest.values() for p in people})

    # Members whose next official cell that year lies outside the organization.
    moves = list(
        CellPeriod.objects.filter(
            membership__person_id__any_of=person_ids,
            is_temporary=False,
            valid_from__gte=start,
            valid_from__lte=end,
        ).values_list("membership__person_id", "cell_id", "valid_from")
    )
    moves_of: dict[int, list[tuple[int, datetime.date]]] = defaultdict(list)
    for person_id, cell_id, valid_from in moves:
        moves_of[person_id].append((cell_id, valid_from))
    moved_out: dict[int, set[int]] = defaultdict(set)
    for org_id, people in latest.items():
        inside = set(units_of[org_id])
        for person_id, period in people.items():
            if any(
                cell_id not in inside and valid_from >= period.valid_from
                for cell_id, valid_from in moves_of.get(person_id, ())
            ):
                moved_out[org_id].add(person_id)
    unit_cls = {
        c.unit_id: c
        for c in UnitClassification.objects.filter(
            unit_id__any_of=all_units, year=year
        ).select_related("level")
    }
    member_cls = {
        c.person_id: c
        for c in MemberClassification.objects.filter(
            person_id__any_of=person_ids, year=year
        ).select_related("level")
    }
    disciplines = list(
        Discipline.objects.filter(date__gte=start, date__lte=end)
        .filter(
            Q(subject_is_unit=True, unit_id__any_of=all_units)
            | Q(subject_is_unit=False, person_id__any_of=person_ids)
        )
        .select_related("person", "unit")
    )
    disciplined_people = {d.person_id for d in disciplines if d.person_id}
    # Each organization reads its own, in the order read (its messages' order).
    discipline_of_unit: dict[int, list[int]] = defaultdict(list)
    discipline_of_person: dict[int, list[int]] = defaultdict(list)
    for i, d in enumerate(disciplines):
        if d.subject_is_unit:
            discipline_of_unit[d.unit_id].append(i)
        else:
            discipline_of_person[d.person_id].append(i)
    # Leading members: those holding a position at the organization or a
    # cell during the year (QĐ 366: "no disciplined … leading member").
    leaders = defaultdict(set)
    for holding in PositionHolding.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=start),
        unit_id__any_of=all_units,
        valid_from__lte=end,
        person_id__in=disciplined_people,
    ).values("unit_id", "person_id"):
        leaders[holding["person_id"]].add(holding["unit_id"])
    reviews = {
        r.organization_id: r
        for r in OrganizationReview.objects.filter(
            organization_id__any_of=list(units_of), year=year
        )
    }

    def suggested(c, scale):  # type: ignore[no-untyped-def]
        from assessments.rules import suggest_level

        if c is None or scale is None or c.score is None:
            return None
        lv = [x for x in levels if x.scale_id == scale.pk]
        return suggest_level(scale, c.score, c.conditions or None, levels=lv)

    sheets = {}
    for organization in organizations:
        org_id = organization.pk
        inside = set(units_of[org_id])
        people = latest[org_id]
        disciplined_by_unit: dict[int, list[str]] = defaultdict(list)
        mine = sorted(
            {i for uid in inside for i in discipline_of_unit.get(uid, ())}
            | {i for pid in people for i in discipline_of_person.get(pid, ())}
        )
        for d in (disciplines[i] for i in mine):
            if d.subject_is_unit:
                if d.unit_id in inside:
                    disciplined_by_unit[d.unit_id].append(d.unit.name)
            elif d.person_id in people:
                for uid in leaders.get(d.person_id, ()):
                    if uid in inside:
                        disciplined_by_unit[uid].append(d.person.full_name)
        unit_rows = [
            Row(
                key=f"unit-{u.pk}",
                name=u.name,
                code=u.code,
                unit_id=u.pk,
                is_organization=u.pk == org_id,
                classification=unit_cls.get(u.pk),
                suggested=suggested(unit_cls.get(u.pk), org_scale),
            )
            for u in [*cells_of[org_id], organization]
        ]
        member_rows = []
        listed = people.items()
        if in_page_order:
            listed = sorted(
                listed,
                key=lambda kv: (kv[1].cell_sort_name, person_sort_key(kv[1].name)),
            )
        for person_id, period in listed:
            note = ""
            if period.ended_on and period.ended_on <= end:
                status = STATUS_LABELS.get(period.status, period.status)
                note = f"{status} {period.ended_on:%d/%m/%Y}"
            elif period.valid_to and period.valid_to <= end:
                note = f"Chuyển đi {period.valid_to:%d/%m/%Y}"
            c = member_cls.get(person_id)
            member_rows.append(
                Row(
                    key=f"person-{person_id}",
                    name=period.name,
                    person_id=person_id,
                    cell_id=period.cell_id,
                    cell_name=period.cell_name,
                    card_number=period.card_number or "",
                    note=note,
                    disciplined=person_id in disciplined_people,
                    moved_out=person_id in moved_out[org_id],
                    classification=c,
                    suggested=suggested(c, member_scale),
                )
            )
        sheets[org_id] = ReviewSheet(
            organization=organization,
            year=year,
            org_scale=org_scale,
            member_scale=member_scale,
            org_levels=org_levels,
            member_levels=member_levels,
            org_rules=[r for r in rules if org_scale and r.scale_id == org_scale.pk],
            member_rules=[
                r for r in rules if member_scale and r.scale_id == member_scale.pk
            ],
            unit_rows=unit_rows,
            member_rows=member_rows,
            review=reviews.get(org_id),
            campaign=None,
            disciplined_by_unit=dict(disciplined_by_unit),
        )
    return sheets


def campaign_for(organization: Unit, year: int) -> ReviewCampaign | None:
    """The nearest campaign of ``year`` opened above (or on) the organization."""
    ids = ancestor_ids(organization.pk, day_in_year(organization, year))
    campaigns = {
        c.unit_id: c for c in ReviewCampaign.objects.filter(unit_id__in=ids, year=year)
    }
    for uid in reversed(ids):
        if uid in campaigns:
            return campaigns[uid]
    return None


# The units above the user's own ones in the tree of each campaign year (its
# last day): a commune moved in July is under its new board's campaign of
# that year, under its former board's of the years before. One walk for all
# the years at once, not one per campaign row.
ABOVE_IN_YEAR_SQL = """
(assessments_reviewcampaign.unit_id, assessments_reviewcampaign.year) IN (
    WITH RECURSIVE up(id, day, year) AS (
        SELECT root, make_date(years.year, 12, 31), years.year
        FROM unnest(%s::bigint[]) AS root
        CROSS JOIN (SELECT DISTINCT year FROM assessments_reviewcampaign) years
      UNION
        SELECT l.parent_id, up.day, up.year FROM organizations_unitlink l
        JOIN up ON l.child_id = up.id
        WHERE l.valid_from <= up.day AND (l.valid_to IS NULL OR l.valid_to > up.day)
    )
    SELECT id, year FROM up
)
"""


def campaigns_for(user: AnyUser) -> QuerySet[ReviewCampaign]:
    """Campaigns opened in the user's subtree, and those opened above it:
    every unit beneath a board sees its campaigns and deadlines, read-only.
    Both as the tree stood in the campaign's year (dated access, issue #16)."""
    roots = root_unit_ids(user)
    above = RawSQL(  # noqa: S611 -- constant SQL, the roots are a parameter
        ABOVE_IN_YEAR_SQL, (roots,), output_field=BooleanField()
    )
    return (
        ReviewCampaign.objects.filter(scope_in_year(user, "unit_id", "year") | Q(above))
        .select_related("unit")
        .order_by("-year", "unit__sort_name")
    )


def secretary_organizations(user: AnyUser) -> list[Unit]:
    """Grassroots organizations a secretary enters for (their assignments)."""
    unit_ids = (
        active_assignments(user)
        .filter(role__in=(Role.SECRETARY, Role.ADMIN))
        .values_list("unit_id", flat=True)
    )
    return list(
        Unit.objects.filter(id__in=unit_ids, level__in=GRASSROOTS_LEVELS).order_by(
            "sort_name", "id"
        )
    )


def reviews_of(organizations: list[Unit]) -> dict[tuple[int, int], OrganizationReview]:
    return {
        (r.organization_id, r.year): r
        for r in OrganizationReview.objects.filter(organization__in=organizations)
    }


def person_classifications(person: Person) -> list[MemberClassification]:
    """The person's yearly classifications, newest first (the person page,
    through members.selectors.CLASSIFICATION_READERS)."""
    return list(
        MemberClassification.objects.filter(person=person)
        .select_related("cell", "level")
        .order_by("-year")
    )
