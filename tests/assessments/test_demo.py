from __future__ import annotations

from assessments import demo
from assessments.models import OrganizationReview, ReviewCampaign, UnitClassification
from tests.assessments.factories import make_member
from tests.factories import make_unit


def test_demo_reviews_are_seeded_idempotently(tree) -> None:
    for i in range(2):
        make_unit(
            tree.district,
            code=f"TC-D{i}",
            name=f"Đảng bộ xã D{i}",
            level="grassroots_committee",
            kind="commune",
        )
    for _ in range(8):
        make_member(tree.cell1)
    demo.seed()
    demo.seed()
    assert ReviewCampaign.objects.filter(unit=tree.province).count() == 3
    states = dict(
        OrganizationReview.objects.filter(year=2024).values_list(
            "organization__code", "state"
        )
    )
    # Sorted by code: TC-D0 returned, then approved, the last not started.
    assert states == {"TC-D0": "returned", "TC-D1": "approved", "TC-TP": "approved"}
    assert UnitClassification.objects.filter(unit=tree.commune, year=2024).exists()
    assert OrganizationReview.objects.filter(year=2025, state="draft").count() == 3
