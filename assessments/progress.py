"""Where the year's reviews stand under a unit: every grassroots organization
with its state, grouped by the unit directly below, and what waits for an
officer. Each figure is one query, scoped like every page.

DOMAIN.md §8: the supervising level chases completion commune by commune
before a deadline, so the board groups by the level directly below the
viewer, as DHIS2's reporting-rate summary does.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.models import (
    OrganizationReview,
    ReviewCampaign,
    ReviewState,
    ReviewTransition,
)
from organizations.access import (
    APPROVE_ROLES,
    AnyUser,
    scope_in_year,
    scope_reach,
)
from organizations.models import GRASSROOTS_LEVELS, Unit
from organizations.tree import ancestor_ids
from partyquality.lookups import IdArray

NOT_STARTED = "not_started"
OVERDUE = "overdue"
# Board states in the order a year moves through them; overdue is a state of
# the board (past the entry deadline and not submitted), not of the review.
STATES = [
    (NOT_STARTED, _("Chưa bắt đầu")),
    (ReviewState.DRAFT.value, _("Đang nhập")),
    (ReviewState.RETURNED.value, _("Bị trả lại")),
    (OVERDUE, _("Quá hạn")),
    (ReviewState.SUBMITTED.value, _("Đã trình")),
    (ReviewState.APPROVED.value, _("Đã duyệt")),
]
STATE_LABELS = dict(STATES)
NOT_SUBMITTED = (NOT_STARTED, ReviewState.DRAFT.value, ReviewState.RETURNED.value)


def board_state(
    state: str | None, deadline: datetime.date, today: datetime.date
) -> str:
    status = state or NOT_STARTED
    if status in NOT_SUBMITTED and today > deadline:
        return OVERDUE
    return status


# The grassroots organizations under the roots on a day, each with the child
# of a root it lies under (a grassroots root is its own group), its name key
# and its review of the year. One recursive walk of the links (indexed on
# parent and dates) and one join; the scope is one array (partyquality.lookups).
PROGRESS_SQL = """
WITH RECURSIVE sub(id, grp) AS (
    SELECT r, r FROM unnest(%(grassroots_roots)s::bigint[]) AS r
  UNION ALL
    SELECT l.child_id, l.child_id FROM organizations_unitlink l
    WHERE l.parent_id = ANY(%(roots)s::bigint[])
      AND l.valid_from <= %(day)s AND (l.valid_to IS NULL OR l.valid_to > %(day)s)
  UNION
    SELECT l.child_id, sub.grp FROM organizations_unitlink l JOIN sub ON l.parent_id = sub.id
    WHERE l.valid_from <= %(day)s AND (l.valid_to IS NULL OR l.valid_to > %(day)s)
)
SELECT sub.grp, u.id, u.name, r.id, r.state, r.return_reason
FROM sub
JOIN organizations_unit u ON u.id = sub.id
LEFT JOIN assessments_organizationreview r
  ON r.organization_id = u.id AND r.year = %(year)s
WHERE u.level IN ('grassroots_committee', 'grassroots_cell')
  AND u.opened_on <= %(day)s AND (u.closed_on IS NULL OR u.closed_on > %(day)s)
  AND (%(everything)s OR u.id = ANY(%(reach)s::bigint[]))
ORDER BY u.sort_name, u.id
"""


@dataclass
class OrgProgress:
    organization_id: int
    name: str
    group_id: int
    status: str
    review_id: int | None
    return_reason: str

    @property
    def status_label(self) -> str:
        return str(STATE_LABELS[self.status])


@dataclass
class GroupProgress:
    unit: Unit
    counts: dict[str, int] = field(default_factory=dict)
    total: int = 0

    @property
    def done(self) -> int:
        return self.counts.get(ReviewState.APPROVED.value, 0)

    @property
    def rate(self) -> float | None:
        """Share approved, in percent (None for a group without organizations)."""
        return None if not self.total else 100 * self.done / self.total

    @property
    def submitted_or_done(self) -> int:
        return self.done + self.counts.get(ReviewState.SUBMITTED.value, 0)


@dataclass
class Progress:
    year: int
    deadline: datetime.date
    rows: list[OrgProgress]
    groups: list[GroupProgress]
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def grouped(self) -> bool:
        """Some unit below holds several organizations: a commune-level
        committee's organizations sit directly below it, one per group."""
        return any(g.unit.level not in GRASSROOTS_LEVELS for g in self.groups)

    @property
    def done(self) -> int:
        return self.counts.get(ReviewState.APPROVED.value, 0)

    @property
    def rate(self) -> float | None:
        return None if not self.rows else 100 * self.done / len(self.rows)

    @property
    def overdue(self) -> list[OrgProgress]:
        return [r for r in self.rows if r.status == OVERDUE]


def progress(
    *,
    roots: list[Unit],
    year: int,
    deadline: datetime.date,
    user: AnyUser,
    today: datetime.date | None = None,
) -> Progress:
    """The organizations under ``roots`` that ``user`` sees, grouped by the
    units directly below the roots, on the tree of the end of ``year``: a
    unit that moved counts for the parent it had then (issue #16)."""
    today = today or timezone.localdate()
    day = datetime.date(year, 12, 31)
    dated = scope_reach(user)
    everything = dated is None
    reach = "{}"
    if dated is not None:
        ids = IdArray([*dated.whole, *dated.on(day)]) if dated.spans else dated.ids
        reach = ids.text
    grassroots = [u.pk for u in roots if u.level in GRASSROOTS_LEVELS]
    others = [u.pk for u in roots if u.level not in GRASSROOTS_LEVELS]
    with connection.cursor() as cursor:
        cursor.execute(
            PROGRESS_SQL,
            {
                "grassroots_roots": grassroots,
                "roots": others,
                "day": day,
                "year": year,
                "everything": everything,
                "reach": reach,
            },
        )
        raw = cursor.fetchall()
    rows = [
        OrgProgress(
            organization_id=org_id,
            name=name,
            group_id=grp,
            status=board_state(state, deadline, today),
            review_id=review_id,
            return_reason=reason or "",
        )
        for grp, org_id, name, review_id, state, reason in raw
    ]
    group_units = Unit.objects.in_bulk({r.group_id for r in rows})
    groups: dict[int, GroupProgress] = {}
    counts = dict.fromkeys(STATE_LABELS, 0)
    for row in rows:
        group = groups.setdefault(
            row.group_id, GroupProgress(group_units[row.group_id])
        )
        group.counts[row.status] = group.counts.get(row.status, 0) + 1
        group.total += 1
        counts[row.status] += 1
    ordered = sorted(groups.values(), key=lambda g: (g.unit.sort_name, g.unit.pk))
    return Progress(year, deadline, rows, ordered, counts)


# --- What waits for an officer --------------------------------------------


def approval_scope(user: AnyUser) -> Q:
    """The reviews ``user`` decides (officers and administrators): of the
    organizations under them in the tree of the review's year (issue #16)."""
    return scope_in_year(user, "organization_id", "year", roles=APPROVE_ROLES)


def awaiting_approval(user: AnyUser) -> QuerySet[OrganizationReview]:
    """Submitted reviews in the officer's subtree, the longest waiting first."""
    submitted_at = (
        ReviewTransition.objects.filter(
            review=OuterRef("pk"), to_state=ReviewState.SUBMITTED
        )
        .values("review")
        .annotate(at=Max("at"))
        .values("at")
    )
    return (
        OrganizationReview.objects.filter(
            approval_scope(user), state=ReviewState.SUBMITTED
        )
        .annotate(submitted_at=Subquery(submitted_at))
        .select_related("organization")
        .order_by("submitted_at", "id")
    )


def awaiting_count(user: AnyUser) -> int:
    return OrganizationReview.objects.filter(
        approval_scope(user), state=ReviewState.SUBMITTED
    ).count()


# --- Campaigns that concern a user ----------------------------------------


def campaigns_above(units: list[Unit]) -> QuerySet[ReviewCampaign]:
    """Campaigns opened on or above the units (today's tree): every unit
    beneath a board sees its campaigns and deadlines, read-only."""
    today = timezone.localdate()
    ids: set[int] = set()
    for unit in units:
        ids.update(ancestor_ids(unit.pk, today))
    return ReviewCampaign.objects.filter(unit_id__in=ids)


def nearest_campaigns(
    unit: Unit, campaigns: list[ReviewCampaign], ancestors: list[int]
) -> dict[int, ReviewCampaign]:
    """For each year, the campaign opened nearest above (or on) ``unit``:
    ``ancestors`` from the root down to the unit."""
    depth = {uid: n for n, uid in enumerate(ancestors)}
    by_year: dict[int, ReviewCampaign] = {}
    for campaign in campaigns:
        if campaign.unit_id not in depth:
            continue
        kept = by_year.get(campaign.year)
        if kept is None or depth[campaign.unit_id] > depth[kept.unit_id]:
            by_year[campaign.year] = campaign
    return by_year
