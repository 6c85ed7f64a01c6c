"""The report's unit is checked against the reader's reach without sending
the reach to the database: an officer of the country reaches 369,000 units,
and filtering the one unit by them cost every report page ~300 ms
(bench/RESULTS-reports.md). The page stays closed outside the reach."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.reports.registry import REPORTS
from organizations.access import scope_unit_ids

pytestmark = pytest.mark.django_db

# Queries of each page for the province's officer, the reach kept.
QUERIES = {
    "organization_quality": 16,
    "member_quality": 15,
    "coverage": 15,
    "cadre_standardization": 18,
    "trends": 32,
}


@pytest.mark.parametrize("slug", sorted(REPORTS))
def test_the_page_reads_its_unit_without_the_reach(
    client, tree, province_officer, django_assert_num_queries, slug
) -> None:
    client.force_login(province_officer)
    url = reverse("reports:report", args=[slug])
    query = {"unit": tree.district.pk, "year": 2025}
    client.get(url, query)  # the reach, kept between requests
    reach = scope_unit_ids(province_officer)
    assert len(reach) == 8
    with (
        django_assert_num_queries(QUERIES[slug]),
        CaptureQueriesContext(connection) as ctx,
    ):
        response = client.get(url, query)
    assert response.status_code == 200
    assert "Huyện Thanh Chương" in response.content.decode()
    assert not [q["sql"] for q in ctx.captured_queries if reach.text in q["sql"]]


@pytest.mark.parametrize("slug", sorted(REPORTS))
def test_a_unit_outside_the_reach_or_missing_is_not_found(
    client, tree, board_officer, slug
) -> None:
    client.force_login(board_officer)
    url = reverse("reports:report", args=[slug])
    for unit in (tree.other_district.pk, tree.other_commune.pk, tree.province.pk):
        assert client.get(url, {"unit": unit, "year": 2025}).status_code == 404
    assert client.get(url, {"unit": 10**9, "year": 2025}).status_code == 404
    assert client.get(url, {"unit": tree.commune.pk, "year": 2025}).status_code == 200
