"""A person's page shows a user who reaches the person only through the past
the records dated while the person was in their subtree (issue #16, dated
access); whoever keeps the person today sees the whole file.

Hồ Văn Chuyển was in Chi bộ thôn 1 (Đảng bộ xã Thanh Phong) from 2010 and
its secretary from 2015, and was transferred to Chi bộ thôn Hương Sơn 1
(Đảng bộ xã Hương Sơn) on 1 March 2022, where he became its secretary."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from assessments.models import MemberClassification
from members import career_services, services
from members.models import Discipline, Qualification
from organizations.models import Role
from organizations.services import organization_move
from tests.assessments.factories import level
from tests.factories import UserFactory, assign
from tests.members.factories import make_member, position

D = datetime.date
TRANSFERRED = D(2022, 3, 1)


def _reader(name: str, unit):  # type: ignore[no-untyped-def]
    user = UserFactory(username=name)
    assign(user, unit, Role.READER)
    return user


def _discipline(person, unit, day: datetime.date, reason: str) -> None:  # type: ignore[no-untyped-def]
    Discipline.objects.create(
        person=person,
        unit=unit,
        form="reprimand",
        date=day,
        deciding_body="Đảng ủy",
        decision_number=f"{day.year}-QĐ/ĐU",
        reason=reason,
    )


def _qualification(person, year: int | None, institution: str, **more) -> None:  # type: ignore[no-untyped-def]
    Qualification.objects.create(
        person=person,
        dimension="professional",
        level=more.pop("level", "university"),
        year=year,
        institution=institution,
        **more,
    )


@pytest.fixture
def moved_on(tree):  # type: ignore[no-untyped-def]
    membership = make_member(tree.cell1, full_name="Hồ Văn Chuyển")
    person = membership.person
    first_post = career_services.holding_start(
        person=person,
        unit=tree.cell1,
        position=position("party_secretary"),
        valid_from=D(2015, 1, 1),
    )
    career_services.holding_end(holding=first_post, valid_to=TRANSFERRED)
    services.member_transfer(
        membership=membership,
        to_cell=tree.other_cell,
        date=TRANSFERRED,
        decision_number="22-QĐ/ĐU",
    )
    career_services.holding_start(
        person=person,
        unit=tree.other_cell,
        position=position("party_deputy_secretary"),
        valid_from=D(2023, 1, 1),
    )
    _discipline(person, tree.cell1, D(2020, 5, 4), "Vắng họp năm 2020")
    _discipline(person, tree.other_cell, D(2024, 6, 1), "Vắng họp năm 2024")
    _qualification(person, 2005, "Đại học Vinh")
    _qualification(person, 2024, "Học viện Chính trị", level="master")
    _qualification(
        person,
        None,
        "Đại học Luật",
        level="doctor",
        status="studying",
        expected_year=2027,
    )
    for year, cell in ((2021, tree.cell1), (2023, tree.other_cell)):
        MemberClassification.objects.create(
            person=person, year=year, cell=cell, level=level("member", year, "good")
        )
    tree.person = person
    return tree


def _page(client, user, tree) -> str:  # type: ignore[no-untyped-def]
    client.force_login(user)
    response = client.get(reverse("members:person_detail", args=[tree.person.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _section(body: str, title: str) -> str:
    return body.split(f"<h2>{title}</h2>", 1)[1].split("</section>", 1)[0]


def test_the_commune_he_left_sees_only_his_years_there(
    client, moved_on, django_assert_num_queries
) -> None:
    former = _reader("doc_thanhphong", moved_on.commune)
    body = _page(client, former, moved_on)
    periods = _section(body, "Quá trình sinh hoạt đảng")
    assert "01/03/2022" in periods  # the period ends, the transfer is theirs
    assert "Chi bộ thôn 1" in periods
    assert "01/03/2022 – nay" not in periods  # not where he is now
    posts = _section(body, "Chức vụ")
    assert "Bí thư" in posts
    assert "Phó Bí thư" not in posts
    discipline = _section(body, "Kỷ luật")
    assert "Vắng họp năm 2020" in discipline
    assert "Vắng họp năm 2024" not in discipline
    classifications = _section(body, "Xếp loại chất lượng hằng năm")
    assert "2021" in classifications
    assert "2023" not in classifications
    qualifications = _section(body, "Trình độ")
    assert "Đại học Vinh" in qualifications
    assert "Học viện Chính trị" not in qualifications
    assert "Đại học Luật" not in qualifications
    facts = _section(body, "Thông tin cá nhân")
    assert "Chi bộ thôn Hương Sơn 1" not in facts  # today's cell
    client.force_login(former)
    with django_assert_num_queries(14):
        client.get(reverse("members:person_detail", args=[moved_on.person.pk]))


def test_the_commune_that_keeps_him_sees_the_whole_file(client, moved_on) -> None:
    body = _page(client, _reader("doc_huongson", moved_on.other_commune), moved_on)
    assert "Vắng họp năm 2020" in body
    assert "Vắng họp năm 2024" in body
    assert "Bí thư" in body
    assert "Phó Bí thư" in body
    for institution in ("Đại học Vinh", "Học viện Chính trị", "Đại học Luật"):
        assert institution in body
    classifications = _section(body, "Xếp loại chất lượng hằng năm")
    assert "2021" in classifications
    assert "2023" in classifications
    assert "Chi bộ thôn Hương Sơn 1" in _section(body, "Thông tin cá nhân")


def test_a_board_a_commune_moved_away_from_sees_his_file_up_to_the_move(
    client, tree
) -> None:
    """Đảng bộ xã Thanh Phong moves from Huyện Thanh Chương to Huyện Tân Kỳ
    on 1 January 2025: Thanh Chương's reader sees the member's 2024
    discipline, not the 2025 one; Tân Kỳ's both, as he is theirs today."""
    membership = make_member(tree.cell1, full_name="Đặng Văn Ở Lại")
    organization_move(
        unit=tree.commune,
        new_parent=tree.other_district,
        date=D(2025, 1, 1),
        decision_number="15-QĐ/TU",
    )
    for day in (D(2024, 4, 1), D(2025, 4, 1)):
        _discipline(membership.person, tree.cell1, day, f"Vi phạm {day.year}")
    url = reverse("members:person_detail", args=[membership.person.pk])
    client.force_login(_reader("doc_thanhchuong", tree.district))
    former = _section(client.get(url).content.decode(), "Kỷ luật")
    assert "Vi phạm 2024" in former
    assert "Vi phạm 2025" not in former
    client.force_login(_reader("doc_tanky", tree.other_district))
    new = _section(client.get(url).content.decode(), "Kỷ luật")
    assert "Vi phạm 2024" in new
    assert "Vi phạm 2025" in new
