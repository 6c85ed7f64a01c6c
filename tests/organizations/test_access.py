"""Subtree scoping of units for every role."""

from __future__ import annotations

from organizations.models import Role, Unit
from tests.factories import assign


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


def test_a_request_reads_assignments_and_reach_once(
    secretary, tree, django_assert_num_queries
) -> None:
    from partyquality.access import request_scope

    with request_scope():
        # The first scoped queryset reads the assignments and the reach...
        with django_assert_num_queries(3):
            assert codes(secretary) == {"TC-TP", "TC-TP-1", "TC-TP-2"}
        # ...the next ones of the same request only run themselves.
        with django_assert_num_queries(1):
            assert Unit.objects.visible_to(secretary).count() == 3


def test_outside_a_request_a_new_assignment_counts_at_once(secretary, tree) -> None:
    assert "TK-HS" not in codes(secretary)
    assign(secretary, tree.other_commune, Role.SECRETARY)
    assert {"TK-HS", "TK-HS-1"} <= codes(secretary)
