"""Member files are confidential (DOMAIN.md §7): opening and exporting them is
logged, and a person's page tells the history of their record."""

from __future__ import annotations

import datetime

from django.urls import reverse

from members import services
from members.models import Person
from partyquality.models import RecordAccess


def _member(tree) -> Person:
    person = services.person_create(
        full_name="Trần Thị Lan",
        gender="F",
        date_of_birth=datetime.date(1985, 3, 2),
    )
    services.member_admit(
        person=person,
        cell=tree.cell1,
        admitted_on=datetime.date(2015, 5, 19),
        decision_number="12-QĐ/ĐU",
        card_number="47.000123",
    )
    return person


def test_opening_a_member_file_is_logged(client, tree, secretary) -> None:
    person = _member(tree)
    client.force_login(secretary)
    response = client.get(reverse("members:person_detail", args=[person.pk]))
    assert response.status_code == 200
    log = RecordAccess.objects.get()
    assert (log.user, log.action, log.model, log.object_ids) == (
        secretary,
        "view",
        "members.Person",
        [str(person.pk)],
    )


def test_exporting_the_member_list_is_logged_with_the_people(
    client, tree, secretary
) -> None:
    person = _member(tree)
    client.force_login(secretary)
    response = client.get(reverse("members:member_export"))
    assert response.status_code == 200
    log = RecordAccess.objects.get(action="export")
    assert (log.user, log.count, log.object_ids) == (secretary, 1, [str(person.pk)])


def test_a_person_page_shows_the_history_of_the_record(client, tree, secretary) -> None:
    person = _member(tree)
    person.full_name = "Trần Thị Lan Anh"
    person.save()
    client.force_login(secretary)
    body = client.get(
        reverse("members:person_detail", args=[person.pk])
    ).content.decode()
    assert "Lịch sử thay đổi hồ sơ" in body
    assert "Trần Thị Lan → Trần Thị Lan Anh" in body


def test_writers_find_the_spreadsheet_import_from_the_member_list(
    client, tree, secretary, reader
) -> None:
    client.force_login(secretary)
    body = client.get(reverse("members:member_list")).content.decode()
    assert reverse("imports:upload") in body
    client.force_login(reader)
    body = client.get(reverse("members:member_list")).content.decode()
    assert reverse("imports:upload") not in body
