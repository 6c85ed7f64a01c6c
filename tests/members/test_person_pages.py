"""The person page and the forms that change a record, for every role."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from assessments.models import MemberClassification, Scale, ScaleLevel
from assessments.scales import load_scales
from members import services
from members.models import CellPeriod, Discipline, Membership, Person, PositionHolding
from tests.members.factories import PersonFactory, make_member, position

D = datetime.date


@pytest.fixture
def an(tree) -> Membership:
    membership = make_member(
        tree.cell1,
        full_name="Nguyễn Văn An",
        admitted_on=D(2015, 3, 2),
        national_id="040123456789",
        card_number="47.012345",
    )
    services.member_transfer(
        membership=membership,
        to_cell=tree.cell2,
        date=D(2025, 9, 1),
        decision_number="88-QĐ/ĐU",
    )
    services.qualification_add(
        person=membership.person, dimension="professional", level="intermediate"
    )
    services.qualification_add(
        person=membership.person, dimension="professional", level="university"
    )
    services.holding_start(
        person=membership.person,
        unit=tree.commune,
        position=position("youth_secretary"),
        valid_from=D(2022, 1, 1),
        origin="graduates",
    )
    return membership


def detail(person: Person) -> str:
    return reverse("members:person_detail", kwargs={"pk": person.pk})


def test_person_page_shows_identity_timeline_and_records(client, secretary, an) -> None:
    client.force_login(secretary)
    body = client.get(detail(an.person)).content.decode()
    assert "Nguyễn Văn An" in body
    assert "040123456789" in body
    assert "47.012345" in body
    # The timeline keeps the old cell with its dates.
    assert "02/03/2015 – 01/09/2025" in body
    assert "Chi bộ thôn 1 → Chi bộ thôn 2" in body
    assert "Chuyển sinh hoạt chính thức" in body
    assert "Bí thư Đoàn Thanh niên Cộng sản Hồ Chí Minh" in body
    assert "Đề án trí thức trẻ, sinh viên tốt nghiệp" in body
    assert body.count("cao nhất") == 1


@pytest.mark.parametrize("role", ["province_officer", "board_officer", "reader"])
def test_national_id_is_masked_for_those_who_cannot_write(
    client, request, an, role
) -> None:
    client.force_login(request.getfixturevalue(role))
    body = client.get(detail(an.person)).content.decode()
    assert "040123456789" not in body
    assert "•••••••••789" in body
    assert "Sửa thông tin" not in body


def test_outsider_gets_404_on_the_person_page(client, outsider, an) -> None:
    client.force_login(outsider)
    assert client.get(detail(an.person)).status_code == 404


def test_last_years_cell_keeps_seeing_a_member_who_moved_away(
    client, secretary, tree
) -> None:
    membership = make_member(tree.cell1, full_name="Hoàng Văn Đi")
    services.member_transfer(
        membership=membership,
        to_cell=tree.other_cell,
        date=D(2025, 9, 1),
        decision_number="5",
    )
    client.force_login(secretary)
    response = client.get(detail(membership.person))
    assert response.status_code == 200
    assert "Sửa thông tin" not in response.content.decode()
    edit = reverse("members:person_update", kwargs={"pk": membership.person.pk})
    assert client.post(edit, {}).status_code == 403


def test_yearly_classifications_are_listed(client, secretary, an, tree) -> None:
    if not ScaleLevel.objects.exists():  # flushed by a transactional test
        load_scales(Scale, ScaleLevel)
    level = ScaleLevel.objects.get(scale__code="member_2018", order=2)
    MemberClassification.objects.create(
        person=an.person, year=2024, cell=tree.cell1, level=level
    )
    client.force_login(secretary)
    body = client.get(detail(an.person)).content.decode()
    assert "2024" in body
    assert level.label in body


def test_person_page_queries_do_not_grow_with_history(
    client, secretary, an, tree, django_assert_max_num_queries
) -> None:
    client.force_login(secretary)
    # 17 for the file, one for the record's history, one to log the view.
    with django_assert_max_num_queries(19):
        client.get(detail(an.person))


def test_secretary_creates_a_person_in_their_unit(client, secretary, tree) -> None:
    client.force_login(secretary)
    url = reverse("members:person_create") + f"?unit={tree.commune.pk}"
    form = client.get(url).content.decode()
    assert "Đơn vị quản lý hồ sơ" in form
    response = client.post(
        url,
        {
            "full_name": "Phan Thị Mai",
            "gender": "F",
            "date_of_birth": "1992-04-30",
            "ethnicity": "01",
            "national_id": "12345",
            "registered_unit": tree.commune.pk,
        },
    )
    assert "Số căn cước phải gồm đúng 12 chữ số." in response.content.decode()
    assert not Person.objects.exists()
    response = client.post(
        url,
        {
            "full_name": "Phan Thị Mai",
            "gender": "F",
            "date_of_birth": "1992-04-30",
            "ethnicity": "01",
            "national_id": "040192000123",
            "registered_unit": tree.commune.pk,
        },
    )
    person = Person.objects.get()
    assert response.status_code == 302
    assert response.url == detail(person)
    assert person.registered_unit == tree.commune


def test_reader_cannot_open_the_create_form(client, reader) -> None:
    client.force_login(reader)
    assert client.get(reverse("members:person_create")).status_code == 403


def test_secretary_admits_then_the_member_appears_in_the_list(
    client, secretary, tree
) -> None:
    person = services.person_create(
        full_name="Võ Minh Tâm",
        gender="M",
        date_of_birth=D(1998, 1, 1),
        registered_unit=tree.commune,
    )
    client.force_login(secretary)
    url = reverse("members:member_admit", kwargs={"pk": person.pk})
    response = client.post(
        url,
        {
            "cell": tree.cell1.pk,
            "admitted_on": "2025-02-03",
            "decision_number": "12-QĐ/ĐU",
        },
    )
    assert response.status_code == 302
    membership = Membership.objects.get(person=person)
    assert (membership.status, membership.current_cell) == ("probationary", tree.cell1)
    listed = client.get(reverse("members:member_list") + "?q=vo+minh+tam")
    assert [m.person for m in listed.context["page"]] == [person]


def test_transfer_form_shows_the_rule_when_refused(client, secretary, an) -> None:
    client.force_login(secretary)
    url = reverse("members:member_transfer", kwargs={"pk": an.person.pk})
    response = client.post(
        url,
        {
            "to_cell": an.current_cell.pk,
            "date": "2025-10-01",
            "decision_number": "9",
        },
    )
    assert response.status_code == 200
    assert (
        "Đảng viên đang sinh hoạt chính thức tại Chi bộ thôn 2."
        in response.content.decode()
    )


def test_transfer_form_moves_the_member(client, secretary, an, tree) -> None:
    client.force_login(secretary)
    url = reverse("members:member_transfer", kwargs={"pk": an.person.pk})
    response = client.post(
        url, {"to_cell": tree.cell1.pk, "date": "2025-10-01", "decision_number": "9"}
    )
    assert response.status_code == 302
    assert CellPeriod.objects.filter(membership=an).count() == 3
    an.refresh_from_db()
    assert an.current_cell == tree.cell1


def test_make_full_form_refuses_before_twelve_months(client, secretary, tree) -> None:
    membership = make_member(tree.cell1, admitted_on=D(2025, 6, 1), full=False)
    client.force_login(secretary)
    url = reverse("members:member_make_full", kwargs={"pk": membership.person.pk})
    body = client.post(
        url, {"date": "2025-11-01", "decision_number": "3"}
    ).content.decode()
    assert "chỉ công nhận chính thức từ ngày 01/06/2026." in body


def test_exempt_and_end_exemption_forms(client, secretary, an) -> None:
    client.force_login(secretary)
    pk = an.person.pk
    client.post(
        reverse("members:member_exempt", kwargs={"pk": pk}),
        {"date": "2025-10-01", "decision_number": "1"},
    )
    an.refresh_from_db()
    assert an.status == "exempted"
    client.post(
        reverse("members:member_end_exemption", kwargs={"pk": pk}),
        {"date": "2025-11-01", "decision_number": "2"},
    )
    an.refresh_from_db()
    assert an.status == "full"


def test_leave_form_records_a_death(client, secretary, an) -> None:
    client.force_login(secretary)
    url = reverse("members:member_leave", kwargs={"pk": an.person.pk})
    assert client.post(url, {"kind": "death", "date": "2025-10-10"}).status_code == 302
    an.refresh_from_db()
    assert (an.status, an.ended_on) == ("deceased", D(2025, 10, 10))
    # No current membership any more: event forms send the user back.
    response = client.get(reverse("members:member_exempt", kwargs={"pk": an.person.pk}))
    assert response.status_code == 302


def test_discipline_form_applies_the_charter(client, secretary, tree) -> None:
    membership = make_member(tree.cell1, admitted_on=D(2025, 1, 1), full=False)
    client.force_login(secretary)
    url = reverse("members:discipline_record", kwargs={"pk": membership.person.pk})
    data = {
        "form": "expulsion",
        "date": "2025-10-01",
        "deciding_body": "Đảng ủy xã",
        "decision_number": "7",
    }
    body = client.post(url, data).content.decode()
    assert (
        "Đảng viên dự bị chỉ bị kỷ luật khiển trách hoặc cảnh cáo (Điều lệ Đảng, Điều 35)."
        in body
    )
    assert client.post(url, data | {"form": "warning"}).status_code == 302
    assert Discipline.objects.get().form == "warning"


def test_qualification_and_position_forms(client, secretary, an, tree) -> None:
    client.force_login(secretary)
    pk = an.person.pk
    response = client.post(
        reverse("members:qualification_add", kwargs={"pk": pk}),
        {
            "dimension": "political",
            "level": "pol_advanced",
            "status": "studying",
        },
    )
    assert "Đang học thì cần năm dự kiến hoàn thành." in response.content.decode()
    response = client.post(
        reverse("members:qualification_add", kwargs={"pk": pk}),
        {
            "dimension": "political",
            "level": "pol_advanced",
            "status": "studying",
            "expected_year": 2027,
        },
    )
    assert response.status_code == 302
    response = client.post(
        reverse("members:holding_start", kwargs={"pk": pk}),
        {
            "unit": tree.commune.pk,
            "position": position("hdnd_vice_chair").pk,
            "valid_from": "2024-01-01",
            "origin": "local",
            "is_concurrent": "on",
        },
    )
    assert response.status_code == 302
    holding = PositionHolding.objects.get(position__code="hdnd_vice_chair")
    assert holding.is_concurrent
    response = client.post(
        reverse("members:holding_end", kwargs={"pk": holding.pk}),
        {"valid_to": "2025-07-01"},
    )
    assert response.status_code == 302
    holding.refresh_from_db()
    assert holding.valid_to == D(2025, 7, 1)


def test_person_update_form(client, secretary, an) -> None:
    client.force_login(secretary)
    url = reverse("members:person_update", kwargs={"pk": an.person.pk})
    page = client.get(url).content.decode()
    assert 'value="Nguyễn Văn An"' in page
    response = client.post(
        url,
        {
            "full_name": "Nguyễn Văn An",
            "gender": "M",
            "date_of_birth": "1980-05-17",
            "ethnicity": "01",
            "home_village": "Thanh Phong, Thanh Chương",
            "national_id": "040123456789",
        },
    )
    assert response.status_code == 302
    an.person.refresh_from_db()
    assert an.person.home_village == "Thanh Phong, Thanh Chương"


@pytest.mark.parametrize(
    "name", ["member_transfer", "person_update", "qualification_add"]
)
def test_reader_gets_403_on_event_forms(client, reader, an, name) -> None:
    client.force_login(reader)
    url = reverse(f"members:{name}", kwargs={"pk": an.person.pk})
    assert client.get(url).status_code == 403
    assert client.post(url, {}).status_code == 403


def test_a_village_head_who_is_not_a_member_is_kept(client, secretary, tree) -> None:
    head = PersonFactory(full_name="Đặng Văn Trưởng Thôn", registered_unit=tree.commune)
    services.holding_start(
        person=head,
        unit=tree.commune,
        position=position("village_head"),
        valid_from=D(2023, 1, 1),
    )
    client.force_login(secretary)
    body = client.get(detail(head)).content.decode()
    assert "Chưa là đảng viên." in body
    assert "Kết nạp" in body


def test_secretary_disciplines_a_cell_of_their_organization(
    client, secretary, tree
) -> None:
    client.force_login(secretary)
    url = reverse("members:unit_discipline_record", kwargs={"pk": tree.cell2.pk})
    page = client.get(url).content.decode()
    assert "Giải tán" in page
    assert "Khai trừ" not in page
    data = {
        "form": "warning",
        "date": "2025-03-01",
        "deciding_body": "Ban Thường vụ Đảng ủy",
        "decision_number": "15-QĐ/ĐU",
        "reason": "Không sinh hoạt định kỳ",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    discipline = Discipline.objects.get()
    assert (discipline.unit, discipline.subject_is_unit, discipline.person) == (
        tree.cell2,
        True,
        None,
    )
    body = client.post(url, data | {"date": "2099-01-01"}).content.decode()
    assert "Ngày 01/01/2099 ở tương lai; chỉ ghi những việc đã xảy ra." in body


def test_reader_cannot_discipline_an_organization(client, reader, tree) -> None:
    client.force_login(reader)
    url = reverse("members:unit_discipline_record", kwargs={"pk": tree.cell2.pk})
    assert client.post(url, {}).status_code == 403
