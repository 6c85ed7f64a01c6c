"""A review's decisions are history (issue #16): an administrator cannot
delete a submitted or approved review through the admin, one by one or with
the bulk action, nor any review's transitions; only an unused draft goes."""

from __future__ import annotations

import pytest
from django.db.models import ProtectedError
from django.urls import reverse

from assessments import services
from assessments.models import (
    OrganizationReview,
    ReviewTransition,
    UnitClassification,
    UnitYearSnapshot,
)
from tests.assessments.factories import level

YEAR = 2024


def _submitted(tree, secretary):  # type: ignore[no-untyped-def]
    good = level("organization", YEAR, "good")
    for unit in (tree.cell1, tree.cell2, tree.commune):
        services.unit_classification_set(
            user=secretary, unit=unit, year=YEAR, level=good
        )
    return services.review_submit(user=secretary, organization=tree.commune, year=YEAR)


def test_the_admin_cannot_delete_an_approved_review(
    client, tree, secretary, board_officer, admin_user
) -> None:
    review = services.review_approve(
        user=board_officer, review=_submitted(tree, secretary)
    )
    client.force_login(admin_user)
    page = reverse("admin:assessments_organizationreview_change", args=[review.pk])
    assert ">Xóa<" not in client.get(page).content.decode()
    delete = reverse("admin:assessments_organizationreview_delete", args=[review.pk])
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    review.refresh_from_db()
    assert review.state == "approved"
    assert review.transitions.count() == 2
    # The year stays locked: its figures and snapshot are still there.
    assert UnitYearSnapshot.objects.filter(unit=tree.commune, year=YEAR).exists()
    with pytest.raises(Exception, match="đã được duyệt và khóa"):
        services.unit_classification_set(
            user=secretary,
            unit=tree.cell1,
            year=YEAR,
            level=level("organization", YEAR, "excellent"),
        )


def test_the_bulk_delete_refuses_submitted_and_approved_reviews(
    client, tree, secretary, admin_user
) -> None:
    submitted = _submitted(tree, secretary)
    other = OrganizationReview.objects.create(
        organization=tree.other_commune, year=YEAR
    )
    client.force_login(admin_user)
    changelist = reverse("admin:assessments_organizationreview_changelist")
    response = client.post(
        changelist,
        {
            "action": "delete_selected",
            "_selected_action": [submitted.pk, other.pk],
            "post": "yes",
        },
    )
    page = response.content.decode()
    assert "hồ sơ đã trình hoặc đã duyệt không thể xóa" in page
    assert set(OrganizationReview.objects.values_list("pk", flat=True)) == {
        submitted.pk,
        other.pk,
    }
    assert ReviewTransition.objects.filter(review=submitted).count() == 1


def test_a_returned_reviews_transitions_keep_it(
    client, tree, secretary, board_officer, admin_user
) -> None:
    review = services.review_return(
        user=board_officer, review=_submitted(tree, secretary), reason="Thiếu"
    )
    client.force_login(admin_user)
    delete = reverse("admin:assessments_organizationreview_delete", args=[review.pk])
    page = client.post(delete, {"post": "yes"}).content.decode()
    assert "Không thể xóa hồ sơ đánh giá" in page
    assert "chuyển trạng thái" in page.lower()  # listed as what protects it
    assert OrganizationReview.objects.filter(pk=review.pk).exists()
    assert list(review.transitions.values_list("from_state", "to_state")) == [
        ("draft", "submitted"),
        ("submitted", "returned"),
    ]
    with pytest.raises(ProtectedError):
        review.delete()
    # Nor can a transition be deleted from the review's page.
    change = client.get(
        reverse("admin:assessments_organizationreview_change", args=[review.pk])
    ).content.decode()
    assert "transitions-0-DELETE" not in change


def test_an_unused_draft_review_can_be_deleted(client, tree, admin_user) -> None:
    draft = OrganizationReview.objects.create(organization=tree.commune, year=YEAR)
    client.force_login(admin_user)
    delete = reverse("admin:assessments_organizationreview_delete", args=[draft.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not OrganizationReview.objects.exists()
    assert not UnitClassification.objects.exists()
