"""Demo reviews: 2024 approved for most organizations (one returned with a
reason, one not started); 2025 approved for all but five (two submitted,
three drafts), so that the reports show official figures and the "tạm tính"
view has drafts to add; 2026 opened with a few drafts. Every approval writes
the year's snapshot, as the board's approval does.

Works on whatever tree and people the earlier demo steps made: units are
always classified, members when there are any. Idempotent: an organization
whose review of a year exists is left alone.
"""

from __future__ import annotations

import datetime

import pghistory
from django.contrib.auth.models import User

from assessments import services, snapshot_writes
from assessments.models import (
    MemberClassification,
    OrganizationReview,
    ReviewCampaign,
    ReviewState,
)
from assessments.selectors import review_sheet
from organizations.models import GRASSROOTS_LEVELS, Level, Role, Unit

RETURN_REASON = "Nhận xét của chi bộ thôn còn sơ sài; đề nghị bổ sung và trình lại."


def _officer(root: Unit) -> User | None:
    """The demo's officer on the province, else any officer."""
    officers = User.objects.filter(assignments__role=Role.OFFICER).order_by("id")
    return officers.filter(assignments__unit=root).first() or officers.first()


def _classify(org: Unit, year: int, user: User | None, *, complete: bool) -> None:
    sheet = review_sheet(org, year)
    levels = {lv.code: lv for lv in sheet.org_levels}
    member_levels = {lv.code: lv for lv in sheet.member_levels}
    scored = bool(sheet.org_scale and sheet.org_scale.uses_score)
    cells = [r for r in sheet.unit_rows if not r.is_organization]
    if not complete and cells:
        cells = cells[: max(1, len(cells) // 2)]
    elif not complete:
        # A chi bộ cơ sở without cells: its own row is the draft's first entry.
        cells = [r for r in sheet.unit_rows if r.is_organization]
    for index, row in enumerate(cells):
        code = "excellent" if index % 4 == 0 else "good"
        services.unit_classification_set(
            user=user,
            unit=Unit.objects.get(pk=row.unit_id),
            year=year,
            level=levels[code],
            score=(95 if code == "excellent" else 82) if scored else None,
            conditions={"tasks_all_done": True, "tasks_exceeded": code == "excellent"},
            remarks="",
        )
    if not complete:
        return
    members = sheet.member_rows
    # In one statement, not one service call per member (about 1,500 calls
    # took minutes): the sheet gives each member's cell of the year, and the
    # entry rules hold by construction — one in seven "excellent" keeps
    # within 20 % of "good" (HD 21-HD/BTCTW), the disciplined "completed".
    # A member transferred during the year is classified by one organization.
    elsewhere = set(
        MemberClassification.objects.filter(
            year=year, person_id__in=[r.person_id for r in members]
        ).values_list("person_id", flat=True)
    )
    rows = []
    for index, row in enumerate(members):
        if row.moved_out or row.person_id in elsewhere:
            continue
        code = "excellent" if index % 7 == 3 else "good"
        if row.disciplined:
            code = "completed"
        rows.append(
            MemberClassification(
                person_id=row.person_id,
                cell_id=row.cell_id,
                year=year,
                level=member_levels[code],
                score=(92 if code == "excellent" else 80) if scored else None,
                conditions={
                    "tasks_all_done": True,
                    "tasks_exceeded": code == "excellent",
                },
                updated_by=user,
            )
        )
    MemberClassification.objects.bulk_create(rows)
    org_row = next(r for r in sheet.unit_rows if r.is_organization)
    services.unit_classification_set(
        user=user,
        unit=Unit.objects.get(pk=org_row.unit_id),
        year=year,
        level=levels["good"],
        score=85 if scored else None,
        conditions={"tasks_all_done": True, "tasks_exceeded": False},
    )


def _organizations(root: Unit, year: int) -> list[Unit]:
    day = min(datetime.date(year, 12, 31), datetime.date.today())  # noqa: DTZ011
    return list(
        Unit.objects.subtree_of(root.pk, on=day)
        .filter(level__in=GRASSROOTS_LEVELS)
        .order_by("code")
    )


def seed() -> None:
    root = (
        Unit.objects.filter(level=Level.PROVINCE, closed_on__isnull=True)
        .order_by("id")
        .first()
    )
    if root is None:
        return
    officer = _officer(root)
    with pghistory.context(command="seed_demo"):
        for year, entry, decision in (
            (2024, datetime.date(2025, 1, 15), datetime.date(2025, 2, 28)),
            (2025, datetime.date(2026, 1, 15), datetime.date(2026, 2, 28)),
            (2026, datetime.date(2027, 1, 15), datetime.date(2027, 2, 28)),
        ):
            ReviewCampaign.objects.get_or_create(
                unit=root,
                year=year,
                defaults={
                    "entry_deadline": entry,
                    "decision_deadline": decision,
                    "opened_by": officer,
                },
            )
        _seed_2024(root, officer)
        _seed_2025(root, officer)
        for org in _organizations(root, 2026)[:3]:
            if OrganizationReview.objects.filter(organization=org, year=2026).exists():
                continue
            _classify(org, 2026, officer, complete=False)


def _approve(review: OrganizationReview, officer: User | None) -> None:
    services._transition(review, ReviewState.APPROVED, user=officer)
    snapshot_writes.year_snapshot_write(
        organization_id=review.organization_id, year=review.year
    )


def _seed_2025(root: Unit, officer: User | None) -> None:
    """Three drafts, two submitted, the rest approved."""
    for index, org in enumerate(_organizations(root, 2025)):
        if OrganizationReview.objects.filter(organization=org, year=2025).exists():
            continue
        _classify(org, 2025, officer, complete=index >= 3)
        if index < 3:
            continue
        review = OrganizationReview.objects.get(organization=org, year=2025)
        services._transition(review, ReviewState.SUBMITTED, user=officer)
        if index >= 5:
            _approve(review, officer)


def _seed_2024(root: Unit, officer: User | None) -> None:
    orgs = _organizations(root, 2024)
    if not orgs:
        return
    # The last organization is left not started.
    for index, org in enumerate(orgs[:-1] if len(orgs) > 1 else orgs):
        if OrganizationReview.objects.filter(organization=org, year=2024).exists():
            continue
        _classify(org, 2024, officer, complete=True)
        review = OrganizationReview.objects.get(organization=org, year=2024)
        services._transition(review, ReviewState.SUBMITTED, user=officer)
        if index == 0 and len(orgs) > 2:
            services._transition(
                review, ReviewState.RETURNED, user=officer, reason=RETURN_REASON
            )
        else:
            _approve(review, officer)
