"""The audit log's context kept on each event (issue 18: the log at a
province's size): every event records the unit its record belonged to, the
person it is about and its author when it is written, and the log's scope
and filters read those columns. A commune's officer never sees another
commune's events through any filter or the export."""

from __future__ import annotations

import datetime
import io

import pghistory
import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assessments import services
from assessments.audit_models import (
    MemberClassificationHistory,
    MembershipHistory,
    PersonHistory,
    UnitClassificationHistory,
)
from members import services as member_services
from members.models import Person
from partyquality.audit import tracked_kinds
from tests.assessments.factories import level, make_member
from tests.factories import UserFactory, assign

YEAR = 2024


def _save(client, tree, unit, key, value):  # type: ignore[no-untyped-def]
    url = reverse("assessments:review_save_row", args=[unit.pk, YEAR])
    client.post(url, {"row": key, f"{key}-level": value}, HTTP_HX_REQUEST="true")


def test_an_event_records_its_unit_person_and_author(client, tree, secretary) -> None:
    mai = make_member(tree.cell1, "Lê Thị Mai")
    client.force_login(secretary)
    _save(
        client, tree, tree.commune, f"person-{mai.pk}", level("member", YEAR, "good").pk
    )
    _save(
        client,
        tree,
        tree.commune,
        f"unit-{tree.cell1.pk}",
        level("organization", YEAR, "good").pk,
    )
    event = MemberClassificationHistory.objects.get()
    assert (event.pgh_unit_id, event.pgh_person_id, event.pgh_author_id) == (
        tree.cell1.pk,
        mai.pk,
        secretary.pk,
    )
    unit_event = UnitClassificationHistory.objects.get(unit=tree.cell1)
    assert (unit_event.pgh_unit_id, unit_event.pgh_person_id) == (tree.cell1.pk, None)
    assert unit_event.pgh_author_id == secretary.pk
    # A change made by a command names no user; a person's event belongs
    # to the cell of their membership.
    with pghistory.context(command="sua_ho_so"):
        member_services.person_update(person=mai, home_village="Thanh Phong")
    edit = PersonHistory.objects.filter(pgh_label="update").get()
    assert (edit.pgh_unit_id, edit.pgh_person_id, edit.pgh_author_id) == (
        tree.cell1.pk,
        mai.pk,
        None,
    )


def test_a_person_written_before_their_membership_is_shown_by_the_membership(
    client, tree, secretary, outsider, board_officer
) -> None:
    """An import writes people first, memberships after: the person's own
    event has no unit yet and is shown to whoever sees the membership."""
    with pghistory.context(user=secretary.pk):
        person = Person.objects.create(
            full_name="Hồ Thị Xuân", gender="F", date_of_birth=datetime.date(1990, 1, 1)
        )
        member_services.member_admit(
            person=person,
            cell=tree.cell2,
            admitted_on=datetime.date(2023, 3, 1),
            decision_number="12-QĐ/ĐU",
        )
    created = PersonHistory.objects.get(pgh_label="insert")
    assert (created.pgh_unit_id, created.pgh_person_id) == (None, person.pk)
    assert created.pgh_author_id == secretary.pk
    assert MembershipHistory.objects.get().pgh_unit_id == tree.cell2.pk
    url = reverse("assessments:audit_list") + "?kind=members.person"
    for user in (secretary, board_officer):
        client.force_login(user)
        assert "Hồ Thị Xuân" in client.get(url).content.decode()
    client.force_login(outsider)
    assert "Hồ Thị Xuân" not in client.get(url).content.decode()


@pytest.fixture
def two_communes(client, tree, secretary, outsider):  # type: ignore[no-untyped-def]
    """Events in both communes, each written by its own secretary on the
    review page, plus a person's edit and a post."""
    ours = make_member(tree.cell1, "Lê Thị Mai")
    theirs = make_member(tree.other_cell, "Trần Văn Khoa")
    for user, commune, cell, person in (
        (secretary, tree.commune, tree.cell1, ours),
        (outsider, tree.other_commune, tree.other_cell, theirs),
    ):
        client.force_login(user)
        _save(
            client,
            tree,
            commune,
            f"person-{person.pk}",
            level("member", YEAR, "good").pk,
        )
        _save(
            client,
            tree,
            commune,
            f"unit-{cell.pk}",
            level("organization", YEAR, "good").pk,
        )
    with pghistory.context(user=outsider.pk):
        member_services.person_update(person=theirs, home_village="Hương Sơn")
    return ours, theirs


def _entries_of(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode().split("<main", 1)[1]


def _export_rows(response) -> list:  # type: ignore[no-untyped-def, type-arg]
    return list(load_workbook(filename=io.BytesIO(response.content)).active.values)


def test_a_commune_officer_never_sees_another_communes_events(
    client, tree, secretary, outsider, two_communes
) -> None:
    ours, theirs = two_communes
    officer = UserFactory(username="bantochuc_xa_thanhphong")
    assign(officer, tree.commune, "officer")
    foreign = (theirs.full_name, tree.other_cell.name, "Hương Sơn")
    queries = [
        "",
        "start=01/01/2020",
        f"unit={tree.other_commune.pk}",
        f"unit={tree.other_cell.pk}",
        f"unit={tree.province.pk}",
        f"unit={tree.commune.pk}",
        f"person={theirs.pk}",
        f"person={ours.pk}",
        f"author={outsider.username}",
        f"author={outsider.username}&unit={tree.other_commune.pk}",
        f"author={outsider.username}&person={theirs.pk}",
        "page=2",
        *(f"kind={kind}" for kind, _label in tracked_kinds()),
    ]
    for user in (officer, secretary):
        client.force_login(user)
        own = _entries_of(client.get(reverse("assessments:audit_list")))
        assert "Lê Thị Mai" in own
        for query in queries:
            page = _entries_of(
                client.get(f"{reverse('assessments:audit_list')}?{query}")
            )
            export = _export_rows(
                client.get(f"{reverse('assessments:audit_export')}?{query}")
            )
            for name in foreign:
                assert name not in page, (user.username, query, name)
                assert not any(name in str(row) for row in export), (query, name)
    # The other commune's secretary sees their own, by every filter.
    client.force_login(outsider)
    mine = _entries_of(
        client.get(f"{reverse('assessments:audit_list')}?author={outsider.username}")
    )
    assert "Trần Văn Khoa" in mine
    assert "Hương Sơn" in mine
    assert "Lê Thị Mai" not in mine


def test_the_log_page_asks_a_fixed_number_of_queries(
    client, tree, secretary, two_communes, django_assert_num_queries
) -> None:
    """One query per kind of record, whatever the number of events, plus
    the session, the user's reach, and one read of the authors and of each
    kind of name shown for the whole page (not one per kind of record)."""
    client.force_login(secretary)
    url = reverse("assessments:audit_list")
    client.get(url)
    for n in range(30):
        services.unit_classification_set(
            user=secretary,
            unit=tree.cell2,
            year=YEAR,
            level=level("organization", YEAR, "good"),
            remarks=f"lần {n}",
        )
    with django_assert_num_queries(20):
        response = client.get(url)
    assert _entries_of(response).count('class="when"') == 38
    with django_assert_num_queries(22):
        client.get(f"{url}?author={secretary.username}&unit={tree.cell1.pk}")


def test_the_migration_fills_the_events_written_before_it(
    client, tree, secretary
) -> None:
    """Migration 0024's statements give the events written before it the
    unit, person and author the trigger now writes (the unit as it is when
    the migration runs)."""
    import importlib

    from django.db import connection

    from assessments import audit_models

    backfill = importlib.import_module(
        "assessments.migrations.0024_audit_event_context"
    ).BACKFILL
    mai = make_member(tree.cell1, "Lê Thị Mai")
    client.force_login(secretary)
    _save(
        client, tree, tree.commune, f"person-{mai.pk}", level("member", YEAR, "good").pk
    )
    models = [getattr(audit_models, name) for name in audit_models.__all__]
    written = {
        model: sorted(
            model.objects.values_list(
                "pgh_id", "pgh_unit_id", "pgh_person_id", "pgh_author_id"
            )
        )
        for model in models
    }
    assert sum(len(rows) for rows in written.values()) >= 4
    for model in models:
        model.objects.update(pgh_unit=None, pgh_person=None, pgh_author=None)
    with connection.cursor() as cursor:
        for statement in backfill:
            cursor.execute(statement)
    for model in models:
        filled = sorted(
            model.objects.values_list(
                "pgh_id", "pgh_unit_id", "pgh_person_id", "pgh_author_id"
            )
        )
        for (pk, unit, person, author), before in zip(
            filled, written[model], strict=True
        ):
            assert (pk, person, author) == (before[0], before[2], before[3])
            # A person's first event had no unit when written (no membership
            # yet); the migration gives it the one the person has now.
            assert unit == (before[1] or tree.cell1.pk), model.__name__
