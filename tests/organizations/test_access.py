"""Subtree scoping of units for every role."""

from __future__ import annotations

from organizations.models import Unit


def codes(user) -> set[str]:
    return set(Unit.objects.visible_to(user).values_list("code", flat=True))


def test_province_officer_sees_the_whole_province(province_officer) -> None:
    assert codes(province_officer) == {
        "NA",
        "TC",
        "TC-TP",
        "TC-TP-1",
        "TC-TP-2",
        "TK",
        "TK-HS",
        "TK-HS-1",
    }


def test_board_officer_sees_only_their_district(board_officer) -> None:
    assert codes(board_officer) == {"TC", "TC-TP", "TC-TP-1", "TC-TP-2"}


def test_secretary_sees_their_organization_and_cells(secretary) -> None:
    assert codes(secretary) == {"TC-TP", "TC-TP-1", "TC-TP-2"}


def test_user_without_assignment_sees_nothing(unassigned) -> None:
    assert codes(unassigned) == set()


def test_reader_cannot_write_anything(reader) -> None:
    assert not Unit.objects.writable_by(reader).exists()
