"""Closed years (issue #16): once a year is submitted or approved, events
dated inside it — or earlier, when they still show in it — that would change
its figures are refused, with a message naming the year, the organization
and who can reopen it; through the forms, the services and the imports
(all or nothing)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessments import services as reviews
from assessments.models import OrganizationReview
from members import services
from members.models import CellPeriod, Discipline, Membership, Person
from tests.assessments.factories import level
from tests.members.factories import make_member
from tests.members.import_files import member_row, xlsx
from tests.members.test_import_members import _confirm, _upload

D = datetime.date
LOCKED_2024 = (
    "Năm 2024 của Đảng bộ xã Thanh Phong đã được duyệt và khóa: không ghi được "
    "việc ngày {date} vì sẽ làm thay đổi số liệu năm 2024. Muốn ghi, đề nghị cán "
    "bộ cấp trên (Huyện Thanh Chương) mở lại năm 2024."
)


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def an(tree):  # type: ignore[no-untyped-def]
    """A member of cell 1 since 2010."""
    return make_member(tree.cell1, full_name="Trần Văn An")


@pytest.fixture
def approved_2024(tree, an, secretary, board_officer):  # type: ignore[no-untyped-def]
    """2024 of Thanh Phong classified, submitted and approved (locked)."""
    good = level("organization", 2024, "good")
    for unit in (tree.cell1, tree.cell2):
        reviews.unit_classification_set(
            user=secretary, unit=unit, year=2024, level=good
        )
    reviews.member_classification_set(
        user=secretary,
        person=an.person,
        cell=tree.cell1,
        year=2024,
        level=level("member", 2024, "good"),
    )
    reviews.unit_classification_set(
        user=secretary, unit=tree.commune, year=2024, level=good
    )
    review = reviews.review_submit(user=secretary, organization=tree.commune, year=2024)
    return reviews.review_approve(user=board_officer, review=review)


def _discipline(day: str, form: str = "reprimand") -> dict[str, str]:
    return {
        "form": form,
        "date": day,
        "deciding_body": "Đảng ủy xã",
        "decision_number": "7-QĐ/ĐU",
    }


def test_a_discipline_dated_in_a_locked_year_is_refused_on_the_form(
    client, secretary, an, approved_2024
) -> None:
    client.force_login(secretary)
    url = reverse("members:discipline_record", kwargs={"pk": an.person.pk})
    response = client.post(url, _discipline("2024-05-01"))
    assert response.status_code == 200
    assert LOCKED_2024.format(date="01/05/2024") in response.content.decode()
    assert not Discipline.objects.exists()
    # The year after is open: the same decision dated 2026 is recorded.
    assert client.post(url, _discipline("2026-02-01")).status_code == 302
    assert Discipline.objects.get().date == D(2026, 2, 1)


def test_a_discipline_of_an_organization_in_a_locked_year_is_refused(
    client, secretary, tree, approved_2024
) -> None:
    client.force_login(secretary)
    url = reverse("members:unit_discipline_record", kwargs={"pk": tree.cell2.pk})
    body = client.post(url, _discipline("2024-03-01")).content.decode()
    assert LOCKED_2024.format(date="01/03/2024") in body
    assert not Discipline.objects.exists()


def test_a_transfer_dated_in_a_locked_year_is_refused_and_nothing_moves(
    client, secretary, tree, an, approved_2024
) -> None:
    client.force_login(secretary)
    url = reverse("members:member_transfer", kwargs={"pk": an.person.pk})
    data = {"to_cell": tree.cell2.pk, "date": "2024-03-01", "decision_number": "9"}
    body = client.post(url, data).content.decode()
    assert LOCKED_2024.format(date="01/03/2024") in body
    an.refresh_from_db()
    assert an.current_cell == tree.cell1
    assert list(CellPeriod.objects.values_list("cell", "valid_to")) == [
        (tree.cell1.pk, None)
    ]
    # A transfer dated in 2023 would still move the member in the 2024 sheet.
    body = client.post(url, data | {"date": "2023-06-01"}).content.decode()
    assert LOCKED_2024.format(date="01/06/2023") in body
    # Dated in the open year 2026 it goes through.
    assert client.post(url, data | {"date": "2026-03-01"}).status_code == 302
    an.refresh_from_db()
    assert an.current_cell == tree.cell2


def test_a_transfer_into_a_locked_organization_is_refused(
    tree, secretary, board_officer, outsider
) -> None:
    """From Hương Sơn (open) into Thanh Phong, whose 2025 is approved."""
    newcomer = make_member(tree.other_cell, full_name="Lê Thị Đến")
    OrganizationReview.objects.create(
        organization=tree.commune, year=2025, state="approved"
    )
    with pytest.raises(ValidationError) as exc:
        services.member_transfer(
            membership=newcomer,
            to_cell=tree.cell1,
            date=D(2025, 8, 1),
            decision_number="12",
        )
    assert exc.value.message_dict["date"] == [
        "Năm 2025 của Đảng bộ xã Thanh Phong đã được duyệt và khóa: không ghi được "
        "việc ngày 01/08/2025 vì sẽ làm thay đổi số liệu năm 2025. Muốn ghi, đề nghị "
        "cán bộ cấp trên (Huyện Thanh Chương) mở lại năm 2025."
    ]
    newcomer.refresh_from_db()
    assert newcomer.current_cell == tree.other_cell


def test_an_admission_and_a_death_in_a_locked_year_are_refused(
    client, secretary, tree, an, approved_2024
) -> None:
    client.force_login(secretary)
    person = Person.objects.create(
        full_name="Hồ Văn Mới",
        gender="M",
        date_of_birth=D(1990, 1, 1),
        registered_unit=tree.commune,
    )
    admit = reverse("members:member_admit", kwargs={"pk": person.pk})
    data = {"cell": tree.cell2.pk, "admitted_on": "2024-09-02", "decision_number": "5"}
    body = client.post(admit, data).content.decode()
    assert LOCKED_2024.format(date="02/09/2024") in body
    assert not Membership.objects.filter(person=person).exists()
    assert client.post(admit, data | {"admitted_on": "2026-09-02"}).status_code == 302

    leave = reverse("members:member_leave", kwargs={"pk": an.person.pk})
    body = client.post(leave, {"kind": "death", "date": "2024-12-01"}).content.decode()
    assert LOCKED_2024.format(date="01/12/2024") in body
    body = client.post(
        leave, {"kind": "struck_off", "date": "2024-02-01", "decision_number": "3"}
    ).content.decode()
    assert LOCKED_2024.format(date="01/02/2024") in body
    an.refresh_from_db()
    assert (an.status, an.ended_on) == ("full", None)


def test_a_submitted_year_names_who_can_return_it(tree, an, secretary) -> None:
    OrganizationReview.objects.create(
        organization=tree.commune, year=2025, state="submitted"
    )
    with pytest.raises(ValidationError) as exc:
        services.member_exempt(membership=an, date=D(2025, 4, 1), decision_number="1")
    assert exc.value.messages == [
        "Năm 2025 của Đảng bộ xã Thanh Phong đã trình cấp trên: không ghi được việc "
        "ngày 01/04/2025 vì sẽ làm thay đổi số liệu năm 2025. Muốn ghi, đề nghị cán "
        "bộ cấp trên (Huyện Thanh Chương) trả lại hồ sơ năm 2025."
    ]


def test_a_reopened_year_takes_the_event_and_another_organization_is_untouched(
    tree, an, secretary, board_officer, approved_2024
) -> None:
    other = make_member(tree.other_cell, full_name="Võ Văn Khác")
    discipline = services.DisciplineDecision(
        form="reprimand",
        date=D(2024, 5, 1),
        deciding_body="Đảng ủy xã",
        decision_number="1",
    )
    # Hương Sơn's 2024 is open.
    services.discipline_record(membership=other, decision=discipline)
    with pytest.raises(ValidationError):
        services.discipline_record(membership=an, decision=discipline)
    reviews.review_reopen(
        user=board_officer, review=approved_2024, reason="Bổ sung kỷ luật"
    )
    services.discipline_record(membership=an, decision=discipline)
    assert Discipline.objects.filter(person=an.person).count() == 1


def test_an_import_adding_members_to_a_locked_sheet_writes_nothing(
    client, secretary, tree, approved_2024
) -> None:
    client.force_login(secretary)
    rows = [
        member_row(1, admitted_on=D(2015, 3, 1), full_member_on=D(2016, 3, 1)),
        member_row(2, admitted_on=D(2026, 2, 1), full_member_on=None),
        member_row(3, cell="TC-TP-2", admitted_on=D(2024, 6, 1), full_member_on=None),
    ]
    url, page = _upload(client, xlsx(rows))
    body = page.content.decode()
    assert LOCKED_2024.format(date="01/03/2015") in body
    assert LOCKED_2024.format(date="01/06/2024") in body
    assert "Xác nhận nhập" not in body  # nothing to confirm: all or nothing
    page = _confirm(client, url).content.decode()
    assert "Không ghi: tệp có lỗi" in page
    assert Membership.objects.count() == 1  # the member of the fixture only


def test_the_import_command_refuses_the_same_rows(
    tree, approved_2024, tmp_path
) -> None:
    from django.core.management import CommandError, call_command

    path = tmp_path / "dang-vien.xlsx"
    path.write_bytes(xlsx([member_row(1, admitted_on=D(2020, 1, 5))]))
    with pytest.raises(CommandError):
        call_command("import_people", "members", str(path), "--unit", "TC-TP")
    assert Membership.objects.count() == 1
