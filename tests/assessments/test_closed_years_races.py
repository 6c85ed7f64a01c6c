"""A backdated event and the closing of its year at the same moment (issue
#16): the closed-year check share-locks the year's review row, which every
transition locks for update first, so one waits for the other. Either the
event is refused because the year closed, or it is in before the year
closes — never an event inside a year closed without it. Real threads, each
on its own connection to the real database."""

from __future__ import annotations

import datetime
import threading
import time
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from assessments import services
from assessments.models import OrganizationReview
from members.models import Discipline
from members.services import DisciplineDecision, discipline_record
from tests.assessments.factories import level
from tests.assessments.test_workflow_races import _waiting_on_locks
from tests.members.factories import make_member

YEAR = 2024

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _filled(tree, user):  # type: ignore[no-untyped-def]
    member = make_member(tree.cell1, full_name="Trần Văn An")
    good = level("organization", YEAR, "good")
    for unit in (tree.cell1, tree.cell2, tree.commune):
        services.unit_classification_set(user=user, unit=unit, year=YEAR, level=good)
    services.member_classification_set(
        user=user,
        person=member.person,
        cell=tree.cell1,
        year=YEAR,
        level=level("member", YEAR, "good"),
    )
    return member


def _discipline(membership) -> Callable[[], object]:  # type: ignore[no-untyped-def]
    def run() -> object:
        return discipline_record(
            decision=DisciplineDecision(
                form="reprimand",
                date=datetime.date(YEAR, 5, 1),
                deciding_body="Đảng ủy xã",
                decision_number="7-QĐ/ĐU",
            ),
            membership=membership,
        )

    return run


def _while_held(first: Callable[[], object], second: Callable[[], object]) -> str:
    """Run ``first`` in a transaction on this connection; start ``second`` in
    a thread, wait until it waits on a lock, then commit ``first``. Return
    what ``second`` answered: "ok" or its messages."""
    result = [""]

    def run() -> None:
        try:
            second()
            result[0] = "ok"
        except ValidationError as exc:
            result[0] = " ".join(exc.messages)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    with transaction.atomic():
        first()
        thread.start()
        deadline = time.monotonic() + 30
        while _waiting_on_locks() < 1:
            assert time.monotonic() < deadline, "the second never waited on a lock"
            time.sleep(0.05)
    thread.join(timeout=60)
    return result[0]


def test_an_event_checked_during_a_submission_waits_and_is_refused(
    tree, secretary
) -> None:
    member = _filled(tree, secretary)
    answer = _while_held(
        lambda: services.review_submit(
            user=secretary, organization=tree.commune, year=YEAR
        ),
        _discipline(member),
    )
    assert answer == (
        "Năm 2024 của Đảng bộ xã Thanh Phong đã trình cấp trên: không ghi được "
        "việc ngày 01/05/2024 vì sẽ làm thay đổi số liệu năm 2024. Muốn ghi, đề "
        "nghị cán bộ cấp trên (Huyện Thanh Chương) trả lại hồ sơ năm 2024."
    )
    assert not Discipline.objects.exists()
    review = OrganizationReview.objects.get(organization=tree.commune, year=YEAR)
    assert review.state == "submitted"


def test_an_approval_during_a_backdated_event_waits_for_it(
    tree, secretary, board_officer
) -> None:
    member = _filled(tree, secretary)
    review = services.review_submit(
        user=secretary, organization=tree.commune, year=YEAR
    )
    services.review_return(user=board_officer, review=review, reason="Xem lại")
    # The event holds the year's review share-locked until it commits; the
    # submission, waiting on it, then reads a sheet with the discipline in.
    answer = _while_held(
        _discipline(member),
        lambda: services.review_submit(
            user=secretary, organization=tree.commune, year=YEAR
        ),
    )
    assert Discipline.objects.count() == 1
    review.refresh_from_db()
    # Submitted after the event, or refused by the sheet's rules because of
    # it (a disciplined member rated "good"): either way, not closed without it.
    if answer == "ok":
        assert review.state == "submitted"
    else:
        assert review.state == "returned"
        assert "Trần Văn An" in answer


def _without_review(tree, secretary):  # type: ignore[no-untyped-def]
    """The year filled in and complete, but with no review row yet (rows
    normally exist from the first classification or the campaign's opening;
    a year entered by other means may have none): nothing to share-lock."""
    member = _filled(tree, secretary)
    OrganizationReview.objects.filter(organization=tree.commune, year=YEAR).delete()
    return member


def test_an_event_checked_while_a_new_review_is_submitted_waits_and_is_refused(
    tree, secretary
) -> None:
    """The submission creates the year's review row and submits it in one
    transaction: the event's check cannot share-lock a row it does not see
    yet, so it share-locks the organization's own row, which the submission
    holds first (the gap docs/access.md named)."""
    member = _without_review(tree, secretary)
    answer = _while_held(
        lambda: services.review_submit(
            user=secretary, organization=tree.commune, year=YEAR
        ),
        _discipline(member),
    )
    assert "Năm 2024 của Đảng bộ xã Thanh Phong đã trình cấp trên" in answer
    assert not Discipline.objects.exists()
    review = OrganizationReview.objects.get(organization=tree.commune, year=YEAR)
    assert review.state == "submitted"


def test_a_first_submission_during_a_backdated_event_waits_for_it(
    tree, secretary
) -> None:
    """The event is checked (no review: the year is open) and not committed;
    the submission that creates the review waits for it, then reads a sheet
    with the discipline in."""
    member = _without_review(tree, secretary)
    answer = _while_held(
        _discipline(member),
        lambda: services.review_submit(
            user=secretary, organization=tree.commune, year=YEAR
        ),
    )
    assert Discipline.objects.count() == 1
    review = OrganizationReview.objects.filter(
        organization=tree.commune, year=YEAR
    ).first()
    if answer == "ok":
        assert review is not None
        assert review.state == "submitted"
    else:
        # Refused by the sheet's rules (a disciplined member rated "good"),
        # the review it created rolled back with it.
        assert review is None
        assert "Trần Văn An" in answer
