"""The row of each person's highest levels (members/highest_levels.py) is
what their qualifications say after every add, change and delete through the
services and after an import, checked against a reference computed in Python
and against values worked out by hand."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.core.exceptions import ValidationError

from members import highest_levels, selectors, services
from members.models import HighestLevels, Qualification
from partyquality import importing
from tests.members.factories import (
    PersonFactory,
    highest_levels_kept,
    highest_levels_reference,
)
from tests.members.import_files import member_row, xlsx


def levels(person) -> tuple:
    row = HighestLevels.objects.filter(person=person).first()
    if row is None:
        return None
    return (row.professional, row.political, row.foreign_language, row.studying)


def test_add_change_and_delete_keep_the_row(db) -> None:
    person, other = PersonFactory(), PersonFactory()
    services.qualification_add(
        person=other, dimension="general", level="upper_secondary"
    )
    assert levels(person) is None  # no qualifications, no row

    university = services.qualification_add(
        person=person, dimension="professional", level="university", year=2010
    )
    assert levels(person) == ("university", None, None, False)
    master = services.qualification_add(
        person=person,
        dimension="professional",
        level="master",
        status="studying",
        expected_year=2027,
    )
    # Studying a master's degree: still a university graduate, studying.
    assert levels(person) == ("university", None, None, True)
    services.qualification_update(qualification=master, status="completed", year=2025)
    assert levels(person) == ("master", None, None, False)

    # Advanced political theory and a bachelor's in politics share a rank:
    # the later one counts, then the one recorded last.
    advanced = services.qualification_add(
        person=person, dimension="political", level="pol_advanced", year=2015
    )
    bachelor = services.qualification_add(
        person=person, dimension="political", level="pol_bachelor", year=2018
    )
    assert levels(person) == ("master", "pol_bachelor", None, False)
    services.qualification_update(qualification=advanced, year=2020)
    assert levels(person) == ("master", "pol_advanced", None, False)
    services.qualification_update(qualification=advanced, year=2018)
    assert levels(person) == ("master", "pol_bachelor", None, False)
    # The person page names the same highest level.
    highest = selectors.highest_qualifications(person.qualifications.all())
    assert highest["political"].level == "pol_bachelor"

    # A level moved to another dimension leaves the first one empty.
    services.qualification_update(
        qualification=university, dimension="foreign_language", level="fl_basic"
    )
    assert levels(person) == ("master", "pol_bachelor", "fl_basic", False)
    services.qualification_delete(qualification=bachelor)
    assert levels(person) == ("master", "pol_advanced", "fl_basic", False)
    assert highest_levels_kept() == highest_levels_reference()

    for qualification in list(person.qualifications.all()):
        services.qualification_delete(qualification=qualification)
    assert levels(person) is None
    assert highest_levels_kept() == highest_levels_reference()
    assert set(highest_levels_kept()) == {other.pk}


def test_a_refused_change_leaves_the_row_as_it_was(db) -> None:
    person = PersonFactory()
    degree = services.qualification_add(
        person=person, dimension="professional", level="university", year=2010
    )
    with pytest.raises(ValidationError):  # a level of another dimension
        services.qualification_update(qualification=degree, level="pol_advanced")
    assert levels(person) == ("university", None, None, False)


def test_deleting_the_person_deletes_the_row(db) -> None:
    person = PersonFactory()
    services.qualification_add(person=person, dimension="it", level="it_basic")
    person.delete()
    assert not HighestLevels.objects.exists()


def test_refresh_fills_what_a_plain_reference_computes(db) -> None:
    """Many people and levels at once, with ties of rank and of year."""
    people = [PersonFactory() for _ in range(6)]
    rows = [
        (0, "professional", "college", "completed", 2001),
        (0, "professional", "university", "completed", None),
        (1, "political", "pol_bachelor", "completed", 2010),
        (1, "political", "pol_advanced", "completed", 2010),
        (2, "political", "pol_advanced", "completed", None),
        (2, "political", "pol_bachelor", "completed", 2000),
        (3, "state_management", "sm_senior", "studying", None),
        (3, "state_management", "sm_officer", "completed", 2019),
        (4, "general", "lower_secondary", "completed", None),
        (4, "it", "it_advanced", "completed", 2021),
        (4, "foreign_language", "fl_intermediate", "completed", 2022),
    ]
    Qualification.objects.bulk_create(
        Qualification(
            person=people[i],
            dimension=dimension,
            level=level,
            rank={"college": 3, "university": 4, "sm_senior": 3, "sm_officer": 1}.get(
                level, 3 if level.startswith("pol_") else 2
            ),
            status=status,
            expected_year=2030 if status == "studying" else None,
            year=year,
        )
        for i, dimension, level, status, year in rows
    )
    for q in Qualification.objects.all():
        q.save()  # the rank from the level
    highest_levels.refresh(p.pk for p in people)
    kept = highest_levels_kept()
    assert kept == highest_levels_reference()
    # By hand: a year beats none; equal years, the one recorded last.
    assert kept[people[0].pk]["professional"] == "university"
    assert kept[people[1].pk]["political"] == "pol_advanced"
    assert kept[people[2].pk]["political"] == "pol_bachelor"
    assert kept[people[3].pk]["state_management"] == "sm_officer"
    assert kept[people[3].pk]["studying"] is True
    assert kept[people[4].pk]["it"] == "it_advanced"
    assert people[5].pk not in kept


def test_the_fill_of_the_migration_is_the_refresh(db) -> None:
    """members/0036 filled the rows with a copy of ``fill_sql``."""
    from importlib import import_module

    migration = import_module("members.migrations.0036_highest_levels")
    assert migration.FILL.strip() == highest_levels.fill_sql().strip()


@pytest.fixture
def members(secretary, tree) -> None:
    rows = [member_row(1), member_row(2, card_number=None)]
    importing.import_file("members", BytesIO(xlsx(rows)), commit=True)


def _qualification_rows(year: int) -> list[list]:
    return [
        ["40.000001", "Chuyên môn, nghiệp vụ", "Đại học", "Đã có", None, "", "", 2004],
        ["40.000001", "Chuyên môn, nghiệp vụ", "Thạc sĩ", "Đã có", None, "", "", year],
        [
            "40.000001",
            "Lý luận chính trị",
            "Cử nhân chính trị",
            "Đã có",
            None,
            "",
            "",
            2012,
        ],
        [
            "40.000001",
            "Lý luận chính trị",
            "Cao cấp lý luận chính trị",
            "Đã có",
            None,
            "",
            "",
            year,
        ],
        [
            "040000000002",
            "Lý luận chính trị",
            "Trung cấp lý luận chính trị",
            "Đang học",
            2027,
            "",
            "",
            None,
        ],
    ]


def test_the_import_keeps_the_row(members, secretary) -> None:
    def imported(year: int) -> None:
        result = importing.import_file(
            "qualifications",
            BytesIO(xlsx(_qualification_rows(year), kind="qualifications")),
            commit=True,
            user=secretary,
        )
        assert not result.has_errors, result

    imported(2010)
    kept = highest_levels_kept()
    assert kept == highest_levels_reference()
    card = Qualification.objects.get(level="master").person_id
    national = Qualification.objects.get(level="pol_intermediate").person_id
    assert (kept[card]["professional"], kept[card]["political"]) == (
        "master",
        "pol_bachelor",  # 2012, after the advanced course of 2010
    )
    assert kept[national]["studying"] is True
    assert kept[national]["political"] is None
    # The same file with the years changed: the advanced course now later.
    imported(2015)
    kept = highest_levels_kept()
    assert kept == highest_levels_reference()
    assert kept[card]["political"] == "pol_advanced"
