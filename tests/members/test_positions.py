"""The position catalogue is reference data with stable codes."""

from __future__ import annotations

from members.models import Position
from members.positions import load_positions

CODES = [
    "party_secretary",
    "party_deputy_secretary",
    "hdnd_chair",
    "hdnd_vice_chair",
    "ubnd_chair",
    "ubnd_vice_chair",
    "mttq_chair",
    "youth_secretary",
    "women_chair",
    "farmers_chair",
    "veterans_chair",
    "military_commander",
    "office_statistics",
    "land_construction",
    "finance_accounting",
    "justice_civil_status",
    "culture_social",
    "part_time",
    "village_head",
    "village_cell_secretary",
]


def test_the_migration_loads_the_catalogue_in_order(db) -> None:
    if not Position.objects.exists():  # flushed by a transactional test
        load_positions(Position)
    assert list(Position.objects.values_list("code", flat=True)) == CODES


def test_positions_are_grouped_as_decree_33(db) -> None:
    load_positions(Position)
    groups = dict(Position.objects.values_list("code", "group"))
    assert {c for c, g in groups.items() if g == "elected"} == set(CODES[:11])
    assert {c for c, g in groups.items() if g == "civil_servant"} == set(CODES[11:17])
    assert groups["part_time"] == "part_time"
    assert groups["village_head"] == groups["village_cell_secretary"] == "village"
    assert Position.objects.get(code="ubnd_chair").name == "Chủ tịch Ủy ban nhân dân"


def test_reloading_the_catalogue_keeps_rows_and_restores_names(db) -> None:
    load_positions(Position)
    Position.objects.filter(code="hdnd_chair").update(name="Tên sai")
    ids = dict(Position.objects.values_list("code", "id"))
    assert load_positions(Position) == len(CODES)
    assert dict(Position.objects.values_list("code", "id")) == ids
    assert Position.objects.get(code="hdnd_chair").name == "Chủ tịch Hội đồng nhân dân"
