"""Writes of the yearly review. Every write of a classification goes through
``review_assert_open``: an approved (locked) or submitted year cannot change,
whatever the path (page, htmx row, import, admin)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from assessments.models import (
    MemberClassification,
    OrganizationReview,
    ReviewCampaign,
    ReviewState,
    ReviewTransition,
    ScaleLevel,
    ScaleSubject,
    UnitClassification,
)
from assessments.rules import check_sheet
from assessments.scales import scale_for
from assessments.selectors import can_approve_unit, grassroots_of, review_sheet
from assessments.snapshot_writes import year_snapshot_remove, year_snapshot_write
from members.models import Person
from organizations.models import Unit

REVIEW_LOCKED = "Năm {year} của {organization} đã được duyệt và khóa; không thể sửa."
REVIEW_SUBMITTED = (
    "Năm {year} của {organization} đã trình cấp trên; chờ duyệt hoặc trả lại."
)
NOT_IN_ORGANIZATION = "Đơn vị này không thuộc một tổ chức cơ sở đảng trong năm {year}."
LEVEL_NOT_IN_SCALE = "Mức xếp loại không thuộc thang của năm {year}."
NO_SCALE = "Chưa có thang xếp loại cho năm {year}."
CELLS_FIRST = (
    "Xếp loại các chi bộ trực thuộc trước khi xếp loại {organization} "
    "(QĐ 124-QĐ/TW): còn {count} chi bộ chưa xếp loại."
)
SCORE_RANGE = "Điểm phải từ 0 đến 100."
SCORE_NOT_USED = "Thang của năm {year} không chấm điểm."
INCOMPLETE = "Chưa xếp loại: {names}."
WRONG_STATE = "Hồ sơ đang ở trạng thái “{state}”, không thể {action}."
REASON_REQUIRED = "Cần ghi lý do."
NOT_APPROVER = "Chỉ cán bộ cấp trên được duyệt, trả lại hoặc mở lại."
CLASSIFIED_ELSEWHERE = (
    "{name} đã được {organization} xếp loại năm {year} (nơi sinh hoạt mới)."
)
DEADLINES_ORDER = "Hạn quyết định phải sau hạn nhập."


def review_assert_open(unit: Unit, year: int, *, lock: bool = False) -> Unit:
    """Refuse any write to ``year`` of the grassroots organization of ``unit``
    once it is submitted or approved; returns that organization.

    ``lock`` (inside a transaction): the review row is created if need be and
    locked first, so that a submission cannot pass between this check and the
    write that follows it."""
    organization = grassroots_of(unit, year)
    if organization is None:
        raise ValidationError(NOT_IN_ORGANIZATION.format(year=year))
    if lock:
        _open_review(organization, year)
        return organization
    review = OrganizationReview.objects.filter(
        organization=organization, year=year
    ).first()
    _assert_open_state(review, organization, year)
    return organization


def _open_review(organization: Unit, year: int) -> OrganizationReview:
    """The organization's review of ``year``, created if need be, locked, and
    refused unless open."""
    review = _locked(_ensure_review(organization, year).pk)
    _assert_open_state(review, organization, year)
    return review


def _assert_open_state(
    review: OrganizationReview | None, organization: Unit, year: int
) -> None:
    if review is not None and review.state == ReviewState.APPROVED:
        raise ValidationError(
            REVIEW_LOCKED.format(year=year, organization=organization.name),
            code="locked",
        )
    if review is not None and review.state == ReviewState.SUBMITTED:
        raise ValidationError(
            REVIEW_SUBMITTED.format(year=year, organization=organization.name),
            code="submitted",
        )


def _ensure_review(organization: Unit, year: int) -> OrganizationReview:
    review, _created = OrganizationReview.objects.get_or_create(
        organization=organization, year=year
    )
    return review


def _level(subject: str, year: int, level: ScaleLevel) -> ScaleLevel:
    scale = scale_for(subject, year)
    if scale is None:
        raise ValidationError(NO_SCALE.format(year=year))
    if level.scale_id != scale.pk:
        raise ValidationError(LEVEL_NOT_IN_SCALE.format(year=year))
    return level


def _score(subject: str, year: int, score: Decimal | None) -> Decimal | None:
    if score is None:
        return None
    scale = scale_for(subject, year)
    if scale is None or not scale.uses_score:
        raise ValidationError(SCORE_NOT_USED.format(year=year))
    if not Decimal(0) <= score <= Decimal(100):
        raise ValidationError(SCORE_RANGE)
    return score


@transaction.atomic
def unit_classification_set(
    *,
    user: User | None,
    unit: Unit,
    year: int,
    level: ScaleLevel | None,
    score: Decimal | None = None,
    conditions: Mapping[str, Any] | None = None,
    remarks: str = "",
) -> UnitClassification | None:
    """Classify a cell or a grassroots organization; ``level`` None clears it."""
    organization = review_assert_open(unit, year, lock=True)
    if level is None:
        UnitClassification.objects.filter(unit=unit, year=year).delete()
        return None
    _level(ScaleSubject.ORGANIZATION, year, level)
    score = _score(ScaleSubject.ORGANIZATION, year, score)
    if unit.pk == organization.pk:
        # QĐ 124/366: cells are classified before their organization.
        sheet = review_sheet(organization, year)
        pending = [
            r for r in sheet.unit_rows if not r.is_organization and not r.classification
        ]
        if pending:
            raise ValidationError(
                CELLS_FIRST.format(organization=organization.name, count=len(pending))
            )
    _ensure_review(organization, year)
    obj = UnitClassification.objects.filter(unit=unit, year=year).first()
    obj = obj or UnitClassification(unit=unit, year=year)
    obj.level = level
    obj.score = score
    obj.conditions = dict(conditions or {})
    obj.remarks = remarks
    obj.updated_by = user
    obj.full_clean()
    obj.save()
    return obj


@transaction.atomic
def member_classification_set(
    *,
    user: User | None,
    person: Person,
    cell: Unit,
    year: int,
    level: ScaleLevel | None,
    score: Decimal | None = None,
    conditions: Mapping[str, Any] | None = None,
    remarks: str = "",
) -> MemberClassification | None:
    """Classify a member with the cell of that year; ``level`` None clears it."""
    organization = review_assert_open(cell, year, lock=True)
    existing = MemberClassification.objects.filter(person=person, year=year).first()
    if existing is not None and existing.cell_id != cell.pk:
        # A member transferred during the year is classified by one
        # organization only; a classification moves between cells of the
        # same organization, never across organizations.
        other = review_assert_open(existing.cell, year, lock=True)
        if other.pk != organization.pk:
            raise ValidationError(
                CLASSIFIED_ELSEWHERE.format(
                    name=person.full_name, organization=other.name, year=year
                )
            )
    if level is None:
        if existing is not None:
            existing.delete()
        return None
    _level(ScaleSubject.MEMBER, year, level)
    score = _score(ScaleSubject.MEMBER, year, score)
    _ensure_review(organization, year)
    obj = existing or MemberClassification(person=person, year=year)
    obj.cell = cell
    obj.level = level
    obj.score = score
    obj.conditions = dict(conditions or {})
    obj.remarks = remarks
    obj.updated_by = user
    obj.full_clean()
    obj.save()
    return obj


def _locked(review_pk: int) -> OrganizationReview:
    """The review row, locked until the transaction ends: every transition
    reads the state it checks only after taking the lock, so two officers
    pressing "approve" and "return" at once are served one after the other
    and the second sees the first's state (issue #16)."""
    # of=("self",): only the review row. Without it the joined organization
    # row is locked FOR UPDATE too, after the review: a submission that holds
    # that row (_lock_organization) and waits for the review deadlocks.
    return (
        OrganizationReview.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=review_pk)
    )


def _lock_organization(organization: Unit) -> None:
    """Hold the organization's row against the closed-year check, which
    share-locks it (assessments/closed_years.py): the one transition that
    closes a year may create its review row in the same transaction, a row
    an event's check could neither see nor lock. An event checked first is
    waited for, and the sheet read after it holds the event; one checked
    after waits and sees the year submitted (issue #16). ``no_key``: a row
    only referenced by what is written meanwhile (a classification) is not
    held up."""
    list(
        Unit.objects.select_for_update(no_key=True)
        .filter(pk=organization.pk)
        .values_list("pk", flat=True)
    )


def _transition(
    review: OrganizationReview, to: str, *, user: User | None, reason: str = ""
) -> None:
    ReviewTransition.objects.create(
        review=review, from_state=review.state, to_state=to, reason=reason, by=user
    )
    review.state = to
    review.return_reason = reason if to == ReviewState.RETURNED else ""
    review.full_clean()
    review.save()


def _wrong_state(review: OrganizationReview, action: str) -> ValidationError:
    return ValidationError(
        WRONG_STATE.format(state=review.get_state_display(), action=action),
        code="wrong_state",
    )


@transaction.atomic
def review_submit(*, user: User, organization: Unit, year: int) -> OrganizationReview:
    """Send the year to the level above: only complete and without broken rules."""
    grassroots = grassroots_of(organization, year)
    if grassroots is None:
        raise ValidationError(NOT_IN_ORGANIZATION.format(year=year))
    _lock_organization(grassroots)
    review = _open_review(grassroots, year)
    sheet = review_sheet(organization, year)
    errors = []
    missing = sheet.missing()
    if missing:
        errors.append(INCOMPLETE.format(names=", ".join(missing)))
    errors.extend(p.message for p in check_sheet(sheet))
    if errors:
        raise ValidationError(errors)
    _transition(review, ReviewState.SUBMITTED, user=user)
    return review


def _assert_approver(user: User, review: OrganizationReview) -> None:
    if not can_approve_unit(user, review.organization, review.year):
        raise PermissionDenied(NOT_APPROVER)


@transaction.atomic
def review_return(
    *, user: User, review: OrganizationReview, reason: str
) -> OrganizationReview:
    review = _locked(review.pk)
    _assert_approver(user, review)
    if not reason.strip():
        raise ValidationError(REASON_REQUIRED)
    if review.state != ReviewState.SUBMITTED:
        raise _wrong_state(review, "trả lại")
    _transition(review, ReviewState.RETURNED, user=user, reason=reason.strip())
    return review


@transaction.atomic
def review_approve(*, user: User, review: OrganizationReview) -> OrganizationReview:
    """Approve and lock the organization's year."""
    review = _locked(review.pk)
    _assert_approver(user, review)
    if review.state != ReviewState.SUBMITTED:
        raise _wrong_state(review, "duyệt")
    _transition(review, ReviewState.APPROVED, user=user)
    # The year's figures are written once, now that they are final (issue #15).
    year_snapshot_write(organization_id=review.organization_id, year=review.year)
    return review


@transaction.atomic
def review_reopen(
    *, user: User, review: OrganizationReview, reason: str
) -> OrganizationReview:
    """Unlock an approved year; it goes back to the secretary with the reason."""
    review = _locked(review.pk)
    _assert_approver(user, review)
    if not reason.strip():
        raise ValidationError(REASON_REQUIRED)
    if review.state != ReviewState.APPROVED:
        raise _wrong_state(review, "mở lại")
    _transition(review, ReviewState.RETURNED, user=user, reason=reason.strip())
    # Reopened figures are no longer official: the snapshot goes with them.
    year_snapshot_remove(organization_id=review.organization_id, year=review.year)
    return review


@transaction.atomic
def review_bulk_approve(
    *, user: User, reviews: Iterable[OrganizationReview]
) -> list[OrganizationReview]:
    """Approve several submitted reviews at once; others are left as they are
    (their state read under the lock, like a single approval's)."""
    approved = []
    for review in reviews:
        try:
            approved.append(review_approve(user=user, review=review))
        except ValidationError as exc:
            if exc.code != "wrong_state":
                raise
    return approved


@transaction.atomic
def campaign_open(
    *,
    user: User,
    unit: Unit,
    year: int,
    entry_deadline: datetime.date,
    decision_deadline: datetime.date,
) -> ReviewCampaign:
    if not can_approve_unit(user, unit, year):
        raise PermissionDenied(NOT_APPROVER)
    if decision_deadline < entry_deadline:
        raise ValidationError(DEADLINES_ORDER)
    campaign, _created = ReviewCampaign.objects.update_or_create(
        unit=unit,
        year=year,
        defaults={
            "entry_deadline": entry_deadline,
            "decision_deadline": decision_deadline,
            "opened_by": user,
        },
    )
    return campaign
