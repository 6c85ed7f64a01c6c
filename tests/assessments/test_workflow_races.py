"""Two officers acting on one review at the same moment (issue #16).

Each race runs the services in real threads, each on its own connection to
the real database. A third connection holds the review row locked until both
threads wait on it, so both have started before either can read the state:
without the lock taken first, each read "submitted" and logged its own
transition. Exactly one valid transition must be logged, and the final state
must be the one that transition names."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction

from assessments import services
from assessments.models import OrganizationReview, UnitYearSnapshot
from organizations.models import Unit
from tests.assessments.factories import classify_all_good, level

YEAR = 2024

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _waiting_on_locks() -> int:
    with connection.cursor() as cursor:
        # The activity view is read once per transaction unless cleared.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def _race(review_pk: int, *actions: Callable[[], object]) -> list[str]:
    """Run ``actions`` at once in threads while the review row is held;
    return what each answered: "ok" or its error messages."""
    results: list[str] = [""] * len(actions)

    def run(i: int, action: Callable[[], object]) -> None:
        try:
            action()
            results[i] = "ok"
        except ValidationError as exc:
            results[i] = " ".join(exc.messages)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    with transaction.atomic():
        OrganizationReview.objects.select_for_update().get(pk=review_pk)
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 30
        while _waiting_on_locks() < len(actions):
            assert time.monotonic() < deadline, "the threads never met the lock"
            time.sleep(0.05)
    for thread in threads:
        thread.join(timeout=60)
    return results


def _log(review: OrganizationReview) -> list[tuple[str, str]]:
    return list(review.transitions.values_list("from_state", "to_state"))


def test_approve_and_return_at_once_log_one_of_them(
    tree, secretary, board_officer
) -> None:
    classify_all_good(tree, YEAR, secretary)
    review = services.review_submit(
        user=secretary, organization=tree.commune, year=YEAR
    )
    results = _race(
        review.pk,
        lambda: services.review_approve(user=board_officer, review=review),
        lambda: services.review_return(
            user=board_officer, review=review, reason="Thiếu nhận xét"
        ),
    )
    assert sorted(results)[-1] == "ok"
    assert results.count("ok") == 1
    review.refresh_from_db()
    log = _log(review)
    assert log[:1] == [("draft", "submitted")]
    assert len(log) == 2
    assert log[1] == ("submitted", review.state)
    snapshot = UnitYearSnapshot.objects.filter(unit=tree.commune, year=YEAR)
    if review.state == "approved":
        assert results[1] == ("Hồ sơ đang ở trạng thái “Đã duyệt”, không thể trả lại.")
        assert snapshot.exists()
    else:
        assert review.state == "returned"
        assert review.return_reason == "Thiếu nhận xét"
        assert results[0] == ("Hồ sơ đang ở trạng thái “Bị trả lại”, không thể duyệt.")
        assert not snapshot.exists()


def test_two_approvals_at_once_log_one_approval(
    tree, secretary, board_officer, province_officer
) -> None:
    classify_all_good(tree, YEAR, secretary)
    review = services.review_submit(
        user=secretary, organization=tree.commune, year=YEAR
    )
    results = _race(
        review.pk,
        lambda: services.review_approve(user=board_officer, review=review),
        lambda: services.review_approve(user=province_officer, review=review),
    )
    assert sorted(results) == [
        "Hồ sơ đang ở trạng thái “Đã duyệt”, không thể duyệt.",
        "ok",
    ]
    review.refresh_from_db()
    assert review.state == "approved"
    assert _log(review) == [("draft", "submitted"), ("submitted", "approved")]
    assert UnitYearSnapshot.objects.filter(unit=tree.commune, year=YEAR).count() == 1


def test_three_submissions_at_once_log_one_submission(tree, secretary) -> None:
    classify_all_good(tree, YEAR, secretary)
    review = OrganizationReview.objects.get(organization=tree.commune, year=YEAR)

    def submit() -> object:
        return services.review_submit(
            user=secretary, organization=tree.commune, year=YEAR
        )

    results = _race(review.pk, submit, submit, submit)
    refused = (
        "Năm 2024 của Đảng bộ xã Thanh Phong đã trình cấp trên; chờ duyệt hoặc trả lại."
    )
    assert sorted(results) == [refused, refused, "ok"]
    review.refresh_from_db()
    assert review.state == "submitted"
    assert _log(review) == [("draft", "submitted")]


def test_a_classification_waits_for_a_submission_and_is_then_refused(
    tree, secretary
) -> None:
    """The sheet cannot change between the submission's check and its state:
    a write that met the submission's lock is refused once it is submitted."""
    classify_all_good(tree, YEAR, secretary)
    review = OrganizationReview.objects.get(organization=tree.commune, year=YEAR)
    excellent = level("organization", YEAR, "excellent")
    results = _race(
        review.pk,
        lambda: services.review_submit(
            user=secretary, organization=tree.commune, year=YEAR
        ),
        lambda: services.unit_classification_set(
            user=secretary, unit=tree.cell1, year=YEAR, level=excellent
        ),
    )
    assert "ok" in results
    review.refresh_from_db()
    cell1 = tree.cell1.classifications.get(year=YEAR).level.code
    assert review.state == "submitted"
    if results[1] == "ok":  # changed first, then submitted with the change
        assert results == ["ok", "ok"]
        assert cell1 == "excellent"
    else:  # submitted first: the change was refused
        assert results[0] == "ok"
        assert cell1 == "good"
        assert results[1].endswith("đã trình cấp trên; chờ duyệt hoặc trả lại.")


def test_a_write_holding_the_review_leaves_its_organization_row_free(
    tree, secretary
) -> None:
    """A classification write locks the review only: the submission takes the
    organization's row first and the review second, so a write that held
    both, in the other order, deadlocked with it (seen in the full suite)."""
    OrganizationReview.objects.create(organization=tree.commune, year=YEAR)
    answers: list[str] = []

    def lock_the_organization() -> None:
        try:
            with transaction.atomic():
                list(
                    Unit.objects.select_for_update(no_key=True, nowait=True)
                    .filter(pk=tree.commune.pk)
                    .values_list("pk", flat=True)
                )
            answers.append("free")
        except DatabaseError:
            answers.append("held")
        finally:
            connection.close()

    with transaction.atomic():
        services.review_assert_open(tree.cell1, YEAR, lock=True)
        other = threading.Thread(target=lock_the_organization)
        other.start()
        other.join(timeout=30)
    assert answers == ["free"]
