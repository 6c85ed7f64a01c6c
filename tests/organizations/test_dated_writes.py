"""Writes follow today's tree (issue #16, dated access): Chi bộ thôn 2 moves
from Đảng bộ xã Thanh Phong (A) to Đảng bộ xã Hương Sơn (B) on 1 July 2025.
A's secretary can no longer write to it — its discipline, a new file kept by
it, admitting a member into it, its meetings and votes — while B's can; A
still reads the cell and the years it had it."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from assessments.models import CellMeeting, ConfidenceVote
from members.models import Discipline, Person
from members.selectors import writable_cells
from organizations.models import Role, Unit
from organizations.services import organization_move
from tests.factories import UserFactory, assign

MOVED = datetime.date(2025, 7, 1)
DISCIPLINE = {
    "form": "warning",
    "date": "2025-09-01",
    "deciding_body": "Ban Thường vụ Đảng ủy",
    "decision_number": "15-QĐ/ĐU",
    "reason": "Không sinh hoạt định kỳ",
}
MEETING = {
    "date": "12/09/2025",
    "preparation": "18",
    "attendance": "9",
    "conduct": "40",
    "rules": "14",
    "conclusions": "8",
}


@pytest.fixture
def moved(tree):  # type: ignore[no-untyped-def]
    organization_move(
        unit=tree.cell2,
        new_parent=tree.other_commune,
        date=MOVED,
        decision_number="7-QĐ/ĐU",
    )
    tree.cell2.refresh_from_db()
    return tree


def _user(name: str, unit: Unit, role: str):  # type: ignore[no-untyped-def]
    user = UserFactory(username=name)
    assign(user, unit, role)
    return user


def test_the_units_written_are_todays(moved, secretary, outsider) -> None:
    """A's secretary writes to cell 1 only; B's to its own cell and cell 2."""
    tree = moved
    assert set(Unit.objects.writable_by(secretary)) == {tree.commune, tree.cell1}
    assert set(Unit.objects.writable_by(outsider)) == {
        tree.other_commune,
        tree.other_cell,
        tree.cell2,
    }
    # Reading stays "ever under": A still opens the cell it had.
    assert tree.cell2 in Unit.objects.visible_to(secretary)
    day = datetime.date(2026, 1, 5)
    assert list(writable_cells(secretary, day)) == [tree.cell1]


def test_the_former_parent_cannot_discipline_the_cell(
    client, moved, secretary, outsider
) -> None:
    url = reverse("members:unit_discipline_record", kwargs={"pk": moved.cell2.pk})
    client.force_login(secretary)
    assert client.get(url).status_code == 403
    assert client.post(url, DISCIPLINE).status_code == 403
    assert not Discipline.objects.exists()
    client.force_login(outsider)
    assert client.post(url, DISCIPLINE).status_code == 302
    assert Discipline.objects.get().unit == moved.cell2


def test_the_former_parent_cannot_register_a_file_with_the_cell(
    client, moved, secretary, outsider
) -> None:
    url = reverse("members:person_create")
    client.force_login(secretary)
    assert client.get(url + f"?unit={moved.cell2.pk}").status_code == 403
    data = {"full_name": "Nguyễn Văn Mới", "registered_unit": moved.cell2.pk}
    page = client.post(url, data)
    assert page.status_code == 200  # the form again: cell 2 is not a choice
    assert ">Chi bộ thôn 2</option>" not in page.content.decode()
    assert not Person.objects.exists()
    client.force_login(outsider)
    page = client.get(url + f"?unit={moved.cell2.pk}").content.decode()
    assert f'<option value="{moved.cell2.pk}" selected>Chi bộ thôn 2</option>' in page


def test_the_former_parent_no_longer_records_the_cells_meetings(
    client, moved, secretary, outsider
) -> None:
    """2025's meetings belong to the tree of 2025 (its last day): B's."""
    mine = reverse("assessments:cell_meetings", args=[moved.commune.pk, 2025])
    client.force_login(secretary)
    page = client.post(mine, {**MEETING, "cell": moved.cell2.pk})
    assert page.status_code == 200  # refused by the form: not one of A's cells
    assert not CellMeeting.objects.exists()
    theirs = reverse("assessments:cell_meetings", args=[moved.other_commune.pk, 2025])
    assert client.post(theirs, {**MEETING, "cell": moved.cell2.pk}).status_code == 404
    client.force_login(outsider)
    assert client.post(theirs, {**MEETING, "cell": moved.cell2.pk}).status_code == 302
    assert CellMeeting.objects.get().cell == moved.cell2


def test_the_cells_votes_follow_each_years_tree(client, moved) -> None:
    """The vote form is a year's page like the review's (issue #16): 2025's
    tree (its last day) puts cell 2 under B, whose board reads and records
    it, while A's board finds no 2025 page for it; 2024 is A's to record,
    not B's. Before, the form asked today's tree for every year: A read
    2025 and B recorded 2024."""
    board_a = _user("uy_ban_a", moved.commune, Role.OFFICER)
    board_b = _user("uy_ban_b", moved.other_commune, Role.OFFICER)
    in_2025 = reverse("assessments:confidence_votes", args=[moved.cell2.pk, 2025])
    in_2024 = reverse("assessments:confidence_votes", args=[moved.cell2.pk, 2024])
    client.force_login(board_a)
    assert client.get(in_2025).status_code == 404
    assert client.post(in_2025, {}).status_code == 404
    assert client.get(in_2024).status_code == 200
    assert client.post(in_2024, {}).status_code == 200  # the form, nothing to vote on
    client.force_login(board_b)
    assert client.get(in_2025).status_code == 200
    assert client.post(in_2025, {}).status_code == 200
    assert client.get(in_2024).status_code == 404
    assert client.post(in_2024, {}).status_code == 404
    assert not ConfidenceVote.objects.exists()


def test_the_former_parent_still_reads_the_cell_and_its_past_years(
    client, moved, secretary
) -> None:
    """The cell's page as it was on its last day with A; A's 2024 review
    lists it, as docs/access.md says."""
    client.force_login(secretary)
    page = client.get(reverse("organizations:unit_detail", args=[moved.cell2.pk]))
    assert page.status_code == 200
    assert "Đảng bộ xã Thanh Phong" in page.content.decode()
    review = client.get(
        reverse("assessments:review_entry", args=[moved.commune.pk, 2024])
    )
    assert review.status_code == 200
    assert "Chi bộ thôn 2" in review.content.decode()


def test_the_former_parent_still_records_the_year_it_had_the_cell(
    client, moved, secretary, outsider
) -> None:
    """A year's pages follow that year's tree: 2024's meetings of cell 2
    are A's to record, not B's."""
    mine = reverse("assessments:cell_meetings", args=[moved.commune.pk, 2024])
    data = {**MEETING, "date": "12/03/2024", "cell": moved.cell2.pk}
    client.force_login(outsider)
    assert client.post(mine, data).status_code == 404
    client.force_login(secretary)
    assert client.post(mine, data).status_code == 302
    assert CellMeeting.objects.get().cell == moved.cell2
