"""What each role does today, on the home page (partyquality.hub).

A secretary sees each year of their organization with its state, the
reason of a return and the days left before the campaign's deadline; an
officer what waits for them, who is overdue and how far each unit below has
come; a reader the latest approved reviews and the reports of their unit.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.http import HttpRequest
from django.utils import timezone

from assessments.models import OrganizationReview, ReviewCampaign, ReviewState
from assessments.progress import (
    NOT_STARTED,
    NOT_SUBMITTED,
    OVERDUE,
    STATE_LABELS,
    STATES,
    Progress,
    awaiting_count,
    board_state,
    nearest_campaigns,
    progress,
)
from assessments.reports.registry import REPORTS
from assessments.selectors import secretary_organizations
from organizations.access import (
    APPROVE_ROLES,
    assignment_rows,
    is_admin,
    scope_in_year,
)
from organizations.models import Role, Unit
from organizations.tree import ancestor_ids
from partyquality.hub import Section

# Years shown per organization on a secretary's home: the running cycle and
# the two before it are what a secretary acts on.
YEARS_SHOWN = 3


@dataclass
class YearStatus:
    year: int
    status: str
    review: OrganizationReview | None
    campaign: ReviewCampaign | None
    today: datetime.date

    @property
    def label(self) -> str:
        return str(STATE_LABELS[self.status])

    @property
    def deadline(self) -> datetime.date | None:
        return self.campaign.entry_deadline if self.campaign else None

    @property
    def days_left(self) -> int | None:
        return None if self.deadline is None else (self.deadline - self.today).days

    @property
    def days_late(self) -> int:
        return -self.days_left if self.days_left and self.days_left < 0 else 0

    @property
    def to_do(self) -> bool:
        """The secretary still has to enter or submit this year."""
        return self.status in (*NOT_SUBMITTED, OVERDUE)

    @property
    def return_reason(self) -> str:
        if self.review and self.review.state == ReviewState.RETURNED:
            return self.review.return_reason
        return ""


def _ancestors(units: list[Unit], day: datetime.date) -> dict[int, list[int]]:
    return {u.pk: ancestor_ids(u.pk, day) for u in units}


def secretary_years(
    organizations: list[Unit], today: datetime.date
) -> list[tuple[Unit, list[YearStatus]]]:
    """Each organization with its latest years, newest first."""
    ancestors = _ancestors(organizations, today)
    every = {uid for ids in ancestors.values() for uid in ids}
    campaigns = list(ReviewCampaign.objects.filter(unit_id__in=every))
    reviews = {
        (r.organization_id, r.year): r
        for r in OrganizationReview.objects.filter(organization__in=organizations)
    }
    result = []
    for org in organizations:
        nearest = nearest_campaigns(org, campaigns, ancestors[org.pk])
        years = set(nearest) | {y for (o, y) in reviews if o == org.pk}
        if not years:
            years = {today.year}
        statuses = []
        for year in sorted(years, reverse=True)[:YEARS_SHOWN]:
            review = reviews.get((org.pk, year))
            campaign = nearest.get(year)
            state = review.state if review else NOT_STARTED
            if campaign is not None:
                state = board_state(state, campaign.entry_deadline, today)
            statuses.append(YearStatus(year, state, review, campaign, today))
        result.append((org, statuses))
    return result


def secretary_section(request: HttpRequest) -> Section | None:
    organizations = [
        org
        for org in secretary_organizations(request.user)
        if any(
            role == Role.SECRETARY and unit == org.pk
            for role, unit, _l in assignment_rows(request.user)
        )
    ]
    if not organizations:
        return None
    today = timezone.localdate()
    return Section(
        "assessments/home_secretary.html",
        {"organizations": secretary_years(organizations, today), "today": today},
        order=10,
    )


@dataclass
class OfficerRoot:
    unit: Unit
    campaign: ReviewCampaign | None
    progress: Progress | None


def officer_roots(user, today: datetime.date) -> list[OfficerRoot]:  # type: ignore[no-untyped-def]
    """The officer's assigned units, each with the latest campaign opened on
    or above it and how far the organizations under it have come."""
    ids = sorted(
        {unit for role, unit, _l in assignment_rows(user) if role in APPROVE_ROLES}
    )
    units = list(Unit.objects.filter(pk__in=ids))
    ancestors = _ancestors(units, today)
    every = {uid for chain in ancestors.values() for uid in chain}
    campaigns = list(ReviewCampaign.objects.filter(unit_id__in=every))
    roots = []
    for unit in units:
        nearest = nearest_campaigns(unit, campaigns, ancestors[unit.pk])
        campaign = nearest[max(nearest)] if nearest else None
        built = None
        if campaign is not None:
            built = progress(
                roots=[unit],
                year=campaign.year,
                deadline=campaign.entry_deadline,
                user=user,
                today=today,
            )
        roots.append(OfficerRoot(unit, campaign, built))
    return roots


def officer_section(request: HttpRequest) -> Section | None:
    rows = assignment_rows(request.user)
    if not any(role in APPROVE_ROLES for role, _u, _l in rows):
        return None
    today = timezone.localdate()
    return Section(
        "assessments/home_officer.html",
        {
            "awaiting": awaiting_count(request.user),
            "roots": officer_roots(request.user, today),
            "today": today,
            "is_admin": is_admin(request.user),
            "states": STATES,
        },
        order=20,
    )


# Reviews a reader sees on the home page, newest approval first.
LATEST_APPROVED = 10


def latest_approved(user) -> list[OrganizationReview]:  # type: ignore[no-untyped-def]
    """A year approved is shown to those above its organization that year."""
    return list(
        OrganizationReview.objects.filter(
            scope_in_year(user, "organization_id", "year"),
            state=ReviewState.APPROVED,
        )
        .select_related("organization")
        .order_by("-updated_at", "-id")[:LATEST_APPROVED]
    )


def reader_section(request: HttpRequest) -> Section | None:
    rows = assignment_rows(request.user)
    units = [unit for role, unit, _l in rows if role == Role.READER]
    if not units:
        return None
    reviews = latest_approved(request.user)
    year = reviews[0].year if reviews else timezone.localdate().year - 1
    return Section(
        "assessments/home_reader.html",
        {
            "reviews": reviews,
            "units": list(Unit.objects.filter(pk__in=units)),
            "reports": [(slug, m.TITLE) for slug, m in REPORTS.items()],
            "year": year,
        },
        order=30,
    )
