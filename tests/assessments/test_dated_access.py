"""Dated access for a unit's years (issue #16): Đảng bộ xã Thanh Phong moves
from Huyện Thanh Chương (A) to Huyện Tân Kỳ (B) on 1 January 2026. A's
reader still reads its 2024 review and report, not its 2026 ones; B's reader
the opposite. A commune merged into another keeps its past years with the
commune it became."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from assessments.models import OrganizationReview
from organizations.models import Kind, Level, Role
from organizations.services import NewUnit, organization_merge, organization_move
from tests.factories import UserFactory, assign, make_unit

MOVED = datetime.date(2026, 1, 1)


@pytest.fixture
def moved(tree):  # type: ignore[no-untyped-def]
    organization_move(
        unit=tree.commune,
        new_parent=tree.other_district,
        date=MOVED,
        decision_number="15-QĐ/TU",
    )
    for year in (2024, 2026):
        OrganizationReview.objects.create(organization=tree.commune, year=year)
    return tree


def _reader(name: str, unit):  # type: ignore[no-untyped-def]
    user = UserFactory(username=name)
    assign(user, unit, Role.READER)
    return user


def _review(client, tree, year: int) -> int:  # type: ignore[no-untyped-def]
    url = reverse("assessments:review_entry", args=[tree.commune.pk, year])
    return client.get(url).status_code


def _report(client, tree, year: int) -> int:  # type: ignore[no-untyped-def]
    url = reverse("reports:report", args=["organization_quality"])
    return client.get(url + f"?unit={tree.commune.pk}&year={year}").status_code


def test_the_former_parent_reads_only_the_years_before_the_move(client, moved) -> None:
    client.force_login(_reader("doc_thanhchuong", moved.district))
    assert _review(client, moved, 2024) == 200
    assert _report(client, moved, 2024) == 200
    assert _review(client, moved, 2026) == 404
    assert _report(client, moved, 2026) == 404


def test_the_new_parent_reads_only_the_years_since_the_move(client, moved) -> None:
    client.force_login(_reader("doc_tanky", moved.other_district))
    assert _review(client, moved, 2024) == 404
    assert _report(client, moved, 2024) == 404
    assert _review(client, moved, 2026) == 200
    assert _report(client, moved, 2026) == 200


def test_the_province_and_the_commune_itself_read_every_year(
    client, moved, reader, secretary
) -> None:
    for user in (reader, secretary):
        client.force_login(user)
        for year in (2024, 2026):
            assert _review(client, moved, year) == 200, (user, year)


def test_the_former_officer_decides_only_the_years_before_the_move(
    client, moved, board_officer
) -> None:
    """Huyện Thanh Chương's officer returns the 2024 review, not the 2026 one."""
    OrganizationReview.objects.filter(organization=moved.commune).update(
        state="submitted"
    )
    client.force_login(board_officer)
    args = [moved.commune.pk]
    returned = client.post(
        reverse("assessments:review_return", args=[*args, 2024]), {"reason": "Sai"}
    )
    assert returned.status_code == 302
    denied = client.post(
        reverse("assessments:review_return", args=[*args, 2026]), {"reason": "Sai"}
    )
    assert denied.status_code == 404
    states = dict(
        OrganizationReview.objects.filter(organization=moved.commune).values_list(
            "year", "state"
        )
    )
    assert states == {2024: "returned", 2026: "submitted"}


def test_a_merged_commune_keeps_its_past_years_with_the_commune_it_became(
    client, tree
) -> None:
    organization_merge(
        units=[tree.commune, tree.other_commune],
        date=datetime.date(2025, 7, 1),
        decision_number="1-NQ/TU",
        new=NewUnit(
            code="XA-MOI",
            name="Đảng bộ xã Mới",
            level=Level.GRASSROOTS_COMMITTEE,
            kind=Kind.COMMUNE,
        ),
        parent=tree.province,
    )
    OrganizationReview.objects.create(organization=tree.commune, year=2024)
    new_commune = tree.commune.ended_by_events.get().successors.get()
    client.force_login(_reader("doc_xamoi", new_commune))
    assert _review(client, tree, 2024) == 200
    # An unrelated commune's reader does not.
    elsewhere = make_unit(
        tree.province,
        code="XA-KHAC",
        name="Đảng bộ xã Khác",
        level=Level.GRASSROOTS_COMMITTEE,
        kind=Kind.COMMUNE,
    )
    client.force_login(_reader("doc_xakhac", elsewhere))
    assert _review(client, tree, 2024) == 404
