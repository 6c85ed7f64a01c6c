"""The tree's event services against the real database."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from organizations import services
from organizations.models import EventKind, Kind, Level, Unit, UnitLink
from organizations.services import NewUnit
from organizations.tree import ancestor_ids
from tests.factories import make_unit

D2020 = datetime.date(2020, 2, 1)
D2025 = datetime.date(2025, 7, 1)


def subtree(unit: Unit, day: datetime.date) -> set[str]:
    return set(Unit.objects.subtree_of(unit.pk, on=day).values_list("code", flat=True))


def test_subtree_as_of_date_follows_dated_links(tree) -> None:
    assert subtree(tree.district, datetime.date(2024, 1, 1)) == {
        "TC",
        "TC-TP",
        "TC-TP-1",
        "TC-TP-2",
    }


def test_merge_closes_old_units_and_moves_their_cells_to_the_new_one(tree) -> None:
    event = services.organization_merge(
        units=[tree.commune, tree.other_commune],
        new=NewUnit(
            code="XM", name="Đảng bộ xã Mới", level=Level.SUPERIOR, kind=Kind.COMMUNE
        ),
        parent=tree.province,
        date=D2025,
        decision_number="1234-QĐ/TU",
    )
    new = Unit.objects.get(code="XM")
    tree.commune.refresh_from_db()
    assert tree.commune.closed_on == D2025
    assert event.kind == EventKind.MERGE
    assert set(event.predecessors.values_list("code", flat=True)) == {"TC-TP", "TK-HS"}
    assert list(event.successors.values_list("code", flat=True)) == ["XM"]
    # 2024 tree: cells under their old communes; 2026 tree: under the new one.
    assert subtree(tree.commune, datetime.date(2024, 12, 31)) == {
        "TC-TP",
        "TC-TP-1",
        "TC-TP-2",
    }
    assert subtree(new, datetime.date(2026, 1, 1)) == {
        "XM",
        "TC-TP-1",
        "TC-TP-2",
        "TK-HS-1",
    }
    assert Unit.objects.filter(code="TC-TP").exists(), "nothing is deleted"


def test_merge_may_reuse_the_code_of_a_merged_unit(tree) -> None:
    services.organization_merge(
        units=[tree.commune, tree.other_commune],
        new=NewUnit(
            code="TC-TP",
            name="Đảng bộ xã Thanh Phong mới",
            level=Level.SUPERIOR,
            kind=Kind.COMMUNE,
        ),
        date=D2025,
        decision_number="1",
    )
    assert Unit.objects.filter(code="TC-TP").count() == 2
    assert (
        Unit.objects.open_on(D2025).get(code="TC-TP").name
        == "Đảng bộ xã Thanh Phong mới"
    )


def test_codes_are_unique_among_open_units(tree) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        make_unit(tree.commune, code="TC-TP-1")


def test_move_keeps_the_subtree_and_its_history(tree) -> None:
    services.organization_move(
        unit=tree.commune,
        new_parent=tree.other_district,
        date=D2020,
        decision_number="12-QĐ/TU",
    )
    assert "TC-TP-1" in subtree(tree.other_district, datetime.date(2021, 1, 1))
    assert "TC-TP-1" in subtree(tree.district, datetime.date(2019, 1, 1))
    assert "TC-TP-1" not in subtree(tree.district, datetime.date(2021, 1, 1))


def test_move_under_own_descendant_is_refused(tree) -> None:
    with pytest.raises(ValidationError) as err:
        services.organization_move(
            unit=tree.district, new_parent=tree.cell1, date=D2020, decision_number="1"
        )
    assert err.value.messages == [
        services.ERR_CYCLE.format(unit=tree.district, parent=tree.cell1)
    ]
    assert ancestor_ids(tree.cell1.pk, D2020) == [
        tree.province.pk,
        tree.district.pk,
        tree.commune.pk,
        tree.cell1.pk,
    ]


def test_a_unit_has_one_parent_at_a_time(tree) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        UnitLink.objects.create(
            child=tree.cell1, parent=tree.other_commune, valid_from=D2020
        )


def test_dissolve_refuses_a_unit_with_open_children(tree) -> None:
    with pytest.raises(ValidationError) as err:
        services.organization_dissolve(
            unit=tree.commune, date=D2020, decision_number="9"
        )
    assert err.value.messages == [
        services.ERR_HAS_CHILDREN.format(unit=tree.commune, count=2)
    ]
    services.organization_dissolve(unit=tree.cell2, date=D2020, decision_number="9")
    assert subtree(tree.commune, D2020) == {"TC-TP", "TC-TP-1"}


def test_split_gives_every_child_to_one_part(tree) -> None:
    parts = [
        NewUnit(
            code="A",
            name="A",
            level=Level.GRASSROOTS_COMMITTEE,
            kind=Kind.COMMUNE,
            children=[tree.cell1],
        ),
        NewUnit(
            code="B", name="B", level=Level.GRASSROOTS_COMMITTEE, kind=Kind.COMMUNE
        ),
    ]
    with pytest.raises(ValidationError) as err:
        services.organization_split(
            unit=tree.commune, parts=parts, date=D2020, decision_number="5"
        )
    assert err.value.messages == [
        services.ERR_SPLIT_CHILD_UNASSIGNED.format(child=tree.cell2)
    ]
    parts[1].children = [tree.cell2]
    event = services.organization_split(
        unit=tree.commune, parts=parts, date=D2020, decision_number="5"
    )
    assert sorted(event.successors.values_list("code", flat=True)) == ["A", "B"]
    assert subtree(Unit.objects.get(code="B"), D2020) == {"B", "TC-TP-2"}


def test_rename_keeps_the_former_name(tree) -> None:
    services.organization_rename(
        unit=tree.commune,
        new_name="Đảng bộ xã Thanh Phong A",
        date=D2020,
        decision_number="7",
    )
    tree.commune.refresh_from_db()
    assert tree.commune.name == "Đảng bộ xã Thanh Phong A"
    assert [(n.name, n.valid_to) for n in tree.commune.former_names.all()] == [
        ("Đảng bộ xã Thanh Phong", D2020)
    ]


def test_decision_number_is_required(tree) -> None:
    with pytest.raises(ValidationError) as err:
        services.organization_dissolve(unit=tree.cell1, date=D2020, decision_number=" ")
    assert err.value.message_dict == {
        "decision_number": [services.ERR_DECISION_REQUIRED]
    }


def test_reorganize_turns_a_cell_into_a_grassroots_cell_with_lineage(tree) -> None:
    event = services.organization_reorganize(
        unit=tree.cell1,
        new=NewUnit(
            code="TC-TP-1",
            name="Chi bộ thôn 1",
            level=Level.GRASSROOTS_CELL,
            kind=Kind.VILLAGE,
        ),
        parent=tree.district,
        date=D2025,
        decision_number="3812-QĐ/TU",
    )
    successor = Unit.objects.open_on(D2025).get(code="TC-TP-1")
    assert successor.level == Level.GRASSROOTS_CELL
    assert event.kind == EventKind.REORGANIZE
    assert list(event.predecessors.all()) == [tree.cell1]
    assert list(event.successors.all()) == [successor]
    assert "TC-TP-1" in subtree(tree.district, D2025)
    assert subtree(tree.commune, D2025) == {"TC-TP", "TC-TP-2"}
    assert subtree(tree.commune, datetime.date(2025, 6, 30)) == {
        "TC-TP",
        "TC-TP-1",
        "TC-TP-2",
    }


def test_dissolve_ignores_children_that_moved_away_earlier(tree) -> None:
    services.organization_move(
        unit=tree.cell1, new_parent=tree.other_commune, date=D2020, decision_number="1"
    )
    services.organization_dissolve(unit=tree.cell2, date=D2020, decision_number="2")
    services.organization_dissolve(unit=tree.commune, date=D2025, decision_number="3")
    tree.commune.refresh_from_db()
    assert tree.commune.closed_on == D2025
