"""Subtree scoping of units for every role."""

from __future__ import annotations

from organizations.models import Role, Unit
from tests.factories import EPOCH, assign, make_unit


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
    from organizations.access import request_scope

    with request_scope():
        # The first scoped queryset reads the assignments and the reach...
        with django_assert_num_queries(3):
            assert codes(secretary) == {"TC-TP", "TC-TP-1", "TC-TP-2"}
        # ...the next ones of the same request only run themselves.
        with django_assert_num_queries(1):
            assert Unit.objects.visible_to(secretary).count() == 3


def test_a_reach_is_kept_between_requests_until_the_tree_changes(
    secretary, tree, django_assert_num_queries
) -> None:
    """Kept by the tree's version (organizations/0004): a later request
    reads only the assignments; a new unit, a new link or a merger gives a
    new version, and the next request reads the reach again."""
    from django.db import transaction

    from organizations.access import request_scope, scope_unit_ids
    from organizations.services import NewUnit, organization_establish

    with request_scope():
        assert codes(secretary) == {"TC-TP", "TC-TP-1", "TC-TP-2"}
    with request_scope(), django_assert_num_queries(2):  # assignments, the query
        assert codes(secretary) == {"TC-TP", "TC-TP-1", "TC-TP-2"}
    new = NewUnit(code="TC-TP-3", name="Chi bộ thôn 3", level="cell", kind="village")
    organization_establish(
        new=new, parent=tree.commune, date=EPOCH, decision_number="9-QĐ/HU"
    )
    with request_scope():
        assert "TC-TP-3" in codes(secretary)
    # A change rolled back: its version number is never given again, so the
    # reach read inside it is not taken for the next change's.
    with transaction.atomic():
        gone = make_unit(tree.commune, code="TC-TP-4", name="Chi bộ thôn 4")
        with request_scope():
            assert gone.pk in scope_unit_ids(secretary)
        transaction.set_rollback(True)
    later = make_unit(tree.commune, code="TC-TP-5", name="Chi bộ thôn 5")
    with request_scope():
        reach = scope_unit_ids(secretary)
    assert later.pk in reach
    assert gone.pk not in reach


def test_outside_a_request_a_new_assignment_counts_at_once(secretary, tree) -> None:
    assert "TK-HS" not in codes(secretary)
    assign(secretary, tree.other_commune, Role.SECRETARY)
    assert {"TK-HS", "TK-HS-1"} <= codes(secretary)
