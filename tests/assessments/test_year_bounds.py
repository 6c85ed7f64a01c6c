"""Every URL that takes a year answers 404 to a year outside 2000–2100,
however large (issue #16: ``POST /danh-gia/71/99999/trinh/`` was a 500,
OverflowError), and to a unit id no database integer holds."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessments.models import OrganizationReview, ReviewTransition

# Who acts on each URL: the secretary enters and submits, the officer above
# decides. The other one is refused (403) before the year is looked at.
APPROVER_URLS = {"review_return", "review_approve", "review_reopen"}
YEAR_URLS = [
    "review_entry",
    "review_save_row",
    "review_submit",
    "review_copy_last_year",
    "review_return",
    "review_approve",
    "review_reopen",
    "classification_import",
    "review_history",
    "cell_meetings",
]
BAD_YEARS = [1999, 2101, 99999, 2**31, 10**30]


@pytest.mark.parametrize("name", YEAR_URLS)
def test_a_year_out_of_range_is_not_found(
    client, tree, secretary, board_officer, name: str
) -> None:
    OrganizationReview.objects.create(
        organization=tree.commune, year=2024, state="submitted"
    )
    client.force_login(board_officer if name in APPROVER_URLS else secretary)
    for year in BAD_YEARS:
        url = reverse(f"assessments:{name}", args=[tree.commune.pk, year])
        for method in ("get", "post"):
            status = getattr(client, method)(url, {"reason": "x"}).status_code
            assert status in (404, 405), (name, year, method, status)
    assert OrganizationReview.objects.count() == 1
    assert not ReviewTransition.objects.exists()


@pytest.mark.parametrize("name", YEAR_URLS)
def test_a_unit_id_out_of_range_is_not_found(
    client, tree, secretary, name: str
) -> None:
    client.force_login(secretary)
    for pk in (2**63, 10**30):
        url = reverse(f"assessments:{name}", args=[pk, 2024])
        for method in ("get", "post"):
            status = getattr(client, method)(url).status_code
            assert status in (404, 405), (name, pk, method, status)


def test_report_years_out_of_range_fall_back_to_the_default(
    client, tree, province_officer
) -> None:
    client.force_login(province_officer)
    for year in BAD_YEARS:
        url = (
            reverse("reports:report", args=["coverage"])
            + f"?unit={tree.province.pk}&year={year}&compare={year}&base={year}"
        )
        assert client.get(url).status_code == 200, year
