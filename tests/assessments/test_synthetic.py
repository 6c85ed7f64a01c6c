"""generate_synthetic on its tiny scale: a consistent tree, people and classifications."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection
from django.db.models import Count, F, Q

from assessments.models import MemberClassification, UnitClassification
from assessments.synthetic import PEOPLE_TABLES
from members.models import (
    CellPeriod,
    Membership,
    MembershipStatus,
    Person,
    PositionHolding,
    Qualification,
)
from organizations.models import Level, Unit, UnitLink
from organizations.tree import place_in_provinces
from tests.members.factories import highest_levels_kept, highest_levels_reference


def _generate(seed: int = 3, *extra: str) -> str:
    out = StringIO()
    call_command(
        "generate_synthetic",
        "--scale",
        "tiny",
        "--seed",
        str(seed),
        *extra,
        stdout=out,
        stderr=StringIO(),
    )
    return out.getvalue()


def _index_names() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = ANY(%s)",
            [PEOPLE_TABLES],
        )
        return {row[0] for row in cursor.fetchall()}


def test_the_tiny_scale_builds_a_consistent_tree_of_people(db) -> None:
    output = _generate()
    assert output.startswith("SYN1: ")
    units = Unit.objects.filter(code__startswith="SYN1-")
    assert units.filter(level=Level.PROVINCE).count() == 1
    assert units.filter(level=Level.SUPERIOR).count() == 2
    # Every unit but the province hangs under a parent.
    assert UnitLink.objects.filter(child__in=units).count() == units.count() - 1

    members = Membership.objects.all()
    assert members.count() > 50
    assert members.count() == Person.objects.count()
    active = members.filter(ended_on__isnull=True)
    # Each active member has exactly one open official period, in the current cell.
    open_periods = CellPeriod.objects.filter(valid_to__isnull=True, is_temporary=False)
    assert open_periods.count() == active.count()
    assert not active.exclude(
        cell_periods__valid_to__isnull=True, cell_periods__cell=F("current_cell")
    ).exists()
    assert all(
        m.current_cell.level in (Level.CELL, Level.GRASSROOTS_CELL)
        for m in members.select_related("current_cell")
    )
    # Status agrees with dates.
    assert not members.filter(
        status=MembershipStatus.FULL, full_member_on__isnull=True
    ).exists()
    assert not members.filter(
        ended_on__isnull=False, status__in=["full", "probationary"]
    ).exists()
    # Every member has an admission event; transferred members have two periods.
    assert (
        members.annotate(n=Count("events", filter=Q(events__kind="admission")))
        .filter(n=1)
        .count()
        == members.count()
    )
    assert Qualification.objects.filter(dimension="general").count() == members.count()
    assert PositionHolding.objects.exists()
    women = Person.objects.filter(gender="F").count() / Person.objects.count()
    assert 0.15 < women < 0.5
    assert Person.objects.filter(ethnicity="01").count() > Person.objects.count() / 2

    for year in (2024, 2025):
        assert MemberClassification.objects.filter(year=year).exists()
        assert (
            UnitClassification.objects.filter(year=year).count()
            == units.filter(
                level__in=[
                    Level.GRASSROOTS_COMMITTEE,
                    Level.GRASSROOTS_CELL,
                    Level.CELL,
                ]
            ).count()
        )
    scored = MemberClassification.objects.filter(year=2025)
    assert not scored.filter(score__isnull=True).exists()
    # Everyone has qualifications (general education at least) and a row of
    # highest levels, the one the qualification services would write.
    assert set(highest_levels_kept()) == set(
        Person.objects.values_list("pk", flat=True)
    )
    assert highest_levels_kept() == highest_levels_reference()


def test_the_same_seed_gives_the_same_people_under_new_codes(db) -> None:
    _generate(7)
    first = list(
        Person.objects.order_by("id").values_list(
            "full_name", "date_of_birth", "gender"
        )
    )
    output = _generate(7)
    assert output.startswith("SYN2: ")
    both = list(
        Person.objects.order_by("id").values_list(
            "full_name", "date_of_birth", "gender"
        )
    )
    assert both[len(first) :] == first
    assert (
        not Unit.objects.filter(code__startswith="SYN2-")
        .filter(code__in=Unit.objects.filter(code__startswith="SYN1-").values("code"))
        .exists()
    )


def test_a_bulk_load_rebuilds_every_index_and_constraint(db) -> None:
    before = _index_names()
    _generate(5, "--rebuild-indexes")
    assert _index_names() == before
    assert Membership.objects.count() > 50


def _misplaced_memberships() -> int:
    """Memberships whose province differs from their cell's (members/0031)."""
    return Membership.objects.exclude(
        province_id=F("current_cell__province_id")
    ).count()


def _misplaced_holdings() -> int:
    """Position holdings whose province differs from their unit's."""
    return PositionHolding.objects.exclude(province_id=F("unit__province_id")).count()


def test_a_bulk_load_writes_the_copies_the_triggers_would(db) -> None:
    """Triggers are off while a big load runs: the generator writes each
    unit's province and the memberships' and holdings' copy of it itself,
    as the triggers and ``place_in_provinces`` would have."""
    _generate(6, "--rebuild-indexes")
    assert Membership.objects.count() > 50
    assert not Membership.objects.filter(province__isnull=True).exists()
    assert _misplaced_memberships() == 0
    assert PositionHolding.objects.exists()
    assert not PositionHolding.objects.filter(province__isnull=True).exists()
    assert _misplaced_holdings() == 0
    assert place_in_provinces() == 0  # every unit already in its province
    province = Unit.objects.get(level=Level.PROVINCE)
    assert set(Unit.objects.values_list("province_id", flat=True)) == {province.pk}


def test_the_words_folded_in_python_are_folded_as_postgresql_folds_them(db) -> None:
    """The generator writes the memberships' folded names from words folded
    by ``fold``; the person's own is ``pq_unaccent``'s: they must agree."""
    from assessments.synthetic import GIVEN_F, GIVEN_M, MIDDLE_F, MIDDLE_M, SURNAMES
    from partyquality.search import fold

    words = sorted({*SURNAMES, *MIDDLE_M, *MIDDLE_F, *GIVEN_M, *GIVEN_F})
    with connection.cursor() as cursor:
        cursor.execute("SELECT w, pq_unaccent(w) FROM unnest(%s::text[]) AS w", [words])
        folded = dict(cursor.fetchall())
    assert len(folded) == len(words) > 50
    assert {w: fold(w) for w in words} == folded


def _invalid_or_missing_indexes() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT (i.indisvalid AND i.indisready)",
            [PEOPLE_TABLES],
        )
        return [row[0] for row in cursor.fetchall()]


def _tree_version() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT version FROM organizations_tree_version")
        return cursor.fetchone()[0]


# Outside a test's transaction the load is committed and the indexes rebuilt
# on two connections of their own (members.bulk_indexes.SideBySide).
committed = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@committed
def test_a_committed_bulk_load_rebuilds_every_index_on_two_connections() -> None:
    before = _index_names()
    err = StringIO()
    call_command(
        "generate_synthetic",
        *("--scale", "tiny", "--seed", "4", "--rebuild-indexes"),
        stdout=StringIO(),
        stderr=err,
    )
    progress = err.getvalue()
    assert "load committed" in progress
    assert f"rebuilt {len(before) - len(PEOPLE_TABLES)}/" in progress
    assert _index_names() == before
    assert _invalid_or_missing_indexes() == []
    assert Membership.objects.count() > 50
    assert _misplaced_memberships() == 0
    assert highest_levels_kept() == highest_levels_reference()
    assert len(highest_levels_kept()) == Person.objects.count()


@committed
def test_a_rebuild_that_fails_deletes_the_load_and_restores_the_indexes() -> None:
    """The load repeats a card number already in the database: its unique
    constraint cannot be rebuilt, so the loaded rows are deleted again, every
    index is rebuilt for the rows that were there, and the command says so."""
    from tests.factories import make_unit
    from tests.members.factories import PersonFactory, make_member

    cell = make_unit(code="CB-1")
    existing = make_member(cell)
    # The generator's first card number in run SYN1 (synthetic/people.py: '9<run>.<seq>').
    Membership.objects.filter(pk=existing.pk).update(card_number="901.00000000")
    tables = [
        Person,
        Membership,
        CellPeriod,
        Qualification,
        PositionHolding,
        MemberClassification,
        UnitClassification,
        Unit,
        UnitLink,
    ]
    counts = {model: model.objects.count() for model in tables}
    before, version = _index_names(), _tree_version()

    err = StringIO()
    with pytest.raises(CommandError, match="đã xóa dữ liệu SYN1") as failure:
        call_command(
            "generate_synthetic",
            *("--scale", "tiny", "--seed", "4", "--rebuild-indexes"),
            stdout=StringIO(),
            stderr=err,
        )

    assert "card_number" in str(failure.value)
    assert "undoing the load of SYN1" in err.getvalue()
    assert {model: model.objects.count() for model in tables} == counts
    assert _index_names() == before
    assert _invalid_or_missing_indexes() == []
    assert not Unit.objects.filter(code__startswith="SYN").exists()
    assert _tree_version() > version
    # The constraint is back: a second equal card number is refused.
    with pytest.raises(IntegrityError, match="card_number"):
        Membership.objects.create(
            person=PersonFactory(),
            card_number="901.00000000",
            admitted_on=datetime.date(2010, 1, 1),
            current_cell=cell,
        )


def test_cancelling_a_rebuild_stops_its_running_statements(db) -> None:
    """Ctrl-C while indexes are rebuilt side by side: the running statement is
    cancelled at once and reported as not built."""
    import threading

    from members.bulk_load import RunFailed, SideBySide, Statement

    sleeping = Statement("members_person", "sleep", "SELECT pg_sleep(120)")
    rebuild = SideBySide([sleeping], workers=2, verb="rebuilt", say=lambda _m: None)
    interrupt = KeyboardInterrupt()
    threading.Timer(0.5, rebuild.cancel, [interrupt]).start()
    with pytest.raises(RunFailed) as failed:
        rebuild.run()
    assert failed.value.error is interrupt
    assert failed.value.left == [sleeping]
