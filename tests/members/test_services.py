"""The membership rules, each with the exact message a user reads."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from members import selectors, services
from members.models import (
    CellPeriod,
    MemberEventKind,
    Membership,
    MembershipStatus,
    Origin,
    Person,
    Qualification,
)
from organizations.models import Kind, Level
from organizations.services import organization_dissolve
from tests.factories import make_unit
from tests.members.factories import (
    PersonFactory,
    assert_cache_matches_events,
    make_member,
    position,
)

D = datetime.date


def messages(exc: pytest.ExceptionInfo[ValidationError]) -> list[str]:
    return exc.value.messages


def test_admission_opens_a_probationary_membership_in_the_cell(tree) -> None:
    person = PersonFactory(full_name="Lê Thị Hoa")
    membership = services.member_admit(
        person=person,
        cell=tree.cell1,
        admitted_on=D(2024, 5, 19),
        decision_number="15-QĐ/ĐU",
        card_number="47.012345",
    )
    assert membership.status == MembershipStatus.PROBATIONARY
    assert membership.current_cell == tree.cell1
    period = membership.cell_periods.get()
    assert (period.cell, period.valid_from, period.valid_to) == (
        tree.cell1,
        D(2024, 5, 19),
        None,
    )
    assert list(membership.events.values_list("kind", flat=True)) == ["admission"]
    assert_cache_matches_events(membership)


def test_full_member_date_must_be_after_admission(tree) -> None:
    membership = make_member(tree.cell1, admitted_on=D(2024, 5, 19), full=False)
    with pytest.raises(ValidationError) as exc:
        services.member_make_full(
            membership=membership, full_member_on=D(2024, 5, 19), decision_number="1"
        )
    assert messages(exc) == ["Ngày chính thức phải sau ngày vào Đảng."]


def test_full_member_only_after_twelve_months_of_probation(tree) -> None:
    membership = make_member(tree.cell1, admitted_on=D(2024, 5, 19), full=False)
    with pytest.raises(ValidationError) as exc:
        services.member_make_full(
            membership=membership, full_member_on=D(2025, 1, 5), decision_number="1"
        )
    assert messages(exc) == [
        "Thời kỳ dự bị là 12 tháng (Điều lệ Đảng, Điều 5): "
        "chỉ công nhận chính thức từ ngày 19/05/2025."
    ]
    services.member_make_full(
        membership=membership, full_member_on=D(2025, 5, 19), decision_number="1"
    )
    assert membership.status == MembershipStatus.FULL
    assert_cache_matches_events(membership)


def test_a_person_cannot_hold_two_memberships_at_once(tree) -> None:
    membership = make_member(tree.cell1)
    with pytest.raises(ValidationError) as exc:
        services.member_admit(
            person=membership.person,
            cell=tree.cell2,
            admitted_on=D(2020, 1, 1),
            decision_number="9",
        )
    assert messages(exc) == ["Người này đã là đảng viên trong khoảng thời gian đó."]


def test_dates_in_the_future_are_refused(tree) -> None:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        services.member_admit(
            person=PersonFactory(),
            cell=tree.cell1,
            admitted_on=tomorrow,
            decision_number="9",
        )
    assert messages(exc) == [
        f"Ngày {tomorrow:%d/%m/%Y} ở tương lai; chỉ ghi những việc đã xảy ra."
    ]


def test_admission_needs_a_decision_number(tree) -> None:
    with pytest.raises(ValidationError) as exc:
        services.member_admit(
            person=PersonFactory(),
            cell=tree.cell1,
            admitted_on=D(2024, 1, 1),
            decision_number=" ",
        )
    assert messages(exc) == ["Cần nhập số quyết định."]


def test_members_belong_to_cells_not_to_committees(tree) -> None:
    with pytest.raises(ValidationError) as exc:
        services.member_admit(
            person=PersonFactory(),
            cell=tree.commune,
            admitted_on=D(2024, 1, 1),
            decision_number="9",
        )
    assert messages(exc) == [
        "Đảng bộ xã Thanh Phong không phải là chi bộ (chi bộ trực thuộc hoặc chi bộ cơ sở)."
    ]


def test_a_grassroots_cell_takes_members_directly(tree) -> None:
    grassroots_cell = make_unit(
        tree.district,
        name="Chi bộ Trường Tiểu học",
        level=Level.GRASSROOTS_CELL,
        kind=Kind.SCHOOL,
    )
    membership = make_member(grassroots_cell)
    assert membership.current_cell == grassroots_cell


def test_transfer_to_a_closed_cell_is_refused(tree) -> None:
    membership = make_member(tree.cell1)
    organization_dissolve(unit=tree.cell2, date=D(2023, 1, 1), decision_number="5")
    with pytest.raises(ValidationError) as exc:
        services.member_transfer(
            membership=membership,
            to_cell=tree.cell2,
            date=D(2024, 2, 1),
            decision_number="7",
        )
    assert messages(exc) == [
        "Chi bộ Chi bộ thôn 2 không hoạt động vào ngày 01/02/2024."
    ]


def test_official_transfer_keeps_last_years_cell_in_the_history(tree) -> None:
    membership = make_member(tree.cell1, admitted_on=D(2015, 3, 2))
    services.member_transfer(
        membership=membership,
        to_cell=tree.other_cell,
        date=D(2025, 9, 1),
        decision_number="88-QĐ/ĐU",
    )
    assert selectors.membership_cell_on(membership, D(2024, 6, 1)) == tree.cell1
    assert selectors.membership_cell_on(membership, D(2025, 9, 1)) == tree.other_cell
    periods = list(
        CellPeriod.objects.filter(membership=membership)
        .order_by("valid_from")
        .values_list("cell__code", "valid_from", "valid_to")
    )
    assert periods == [
        ("TC-TP-1", D(2015, 3, 2), D(2025, 9, 1)),
        ("TK-HS-1", D(2025, 9, 1), None),
    ]
    event = membership.events.get(kind=MemberEventKind.TRANSFER_OFFICIAL)
    assert (event.from_cell, event.to_cell) == (tree.cell1, tree.other_cell)
    assert_cache_matches_events(membership)
    assert membership.current_cell == tree.other_cell


def test_temporary_transfer_keeps_the_official_cell(tree) -> None:
    membership = make_member(tree.cell1)
    services.member_transfer(
        membership=membership,
        to_cell=tree.cell2,
        date=D(2025, 2, 1),
        until=D(2025, 8, 1),
        temporary=True,
        decision_number="3",
    )
    assert membership.current_cell == tree.cell1
    assert selectors.membership_cell_on(membership, D(2025, 3, 1)) == tree.cell1
    assert membership.cell_periods.filter(is_temporary=True, cell=tree.cell2).exists()
    assert_cache_matches_events(membership)


def test_transfer_to_the_same_cell_is_refused(tree) -> None:
    membership = make_member(tree.cell1)
    with pytest.raises(ValidationError) as exc:
        services.member_transfer(
            membership=membership,
            to_cell=tree.cell1,
            date=D(2025, 2, 1),
            decision_number="3",
        )
    assert messages(exc) == ["Đảng viên đang sinh hoạt chính thức tại Chi bộ thôn 1."]


def test_an_event_cannot_be_dated_before_the_last_one(tree) -> None:
    membership = make_member(tree.cell1)
    services.member_transfer(
        membership=membership,
        to_cell=tree.cell2,
        date=D(2024, 2, 1),
        decision_number="3",
    )
    with pytest.raises(ValidationError) as exc:
        services.member_transfer(
            membership=membership,
            to_cell=tree.cell1,
            date=D(2023, 2, 1),
            decision_number="4",
        )
    assert messages(exc) == [
        "Ngày 01/02/2023 trước sự kiện gần nhất "
        "(Chuyển sinh hoạt chính thức 01/02/2024); không sửa lại lịch sử."
    ]


def test_exemption_and_its_end_follow_the_events(tree) -> None:
    membership = make_member(tree.cell1)
    services.member_exempt(
        membership=membership, date=D(2024, 1, 10), decision_number="5"
    )
    assert membership.status == MembershipStatus.EXEMPTED
    assert_cache_matches_events(membership)
    with pytest.raises(ValidationError) as exc:
        services.member_exempt(
            membership=membership, date=D(2024, 2, 10), decision_number="6"
        )
    assert messages(exc) == ["Đảng viên đang được miễn sinh hoạt."]
    services.member_end_exemption(
        membership=membership, date=D(2025, 1, 10), decision_number="7"
    )
    assert membership.status == MembershipStatus.FULL
    assert selectors.membership_status_on(membership, D(2024, 6, 1)) == "exempted"
    assert_cache_matches_events(membership)


def test_ending_an_exemption_that_does_not_exist_is_refused(tree) -> None:
    membership = make_member(tree.cell1)
    with pytest.raises(ValidationError) as exc:
        services.member_end_exemption(
            membership=membership, date=D(2025, 1, 10), decision_number="7"
        )
    assert messages(exc) == ["Đảng viên không ở trong thời gian miễn sinh hoạt."]


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        ("resignation", "resigned"),
        ("struck_off", "struck_off"),
        ("expulsion", "expelled"),
        ("death", "deceased"),
    ],
)
def test_leaving_closes_the_period_and_sets_the_status(tree, kind, status) -> None:
    membership = make_member(tree.cell1)
    services.member_leave(
        membership=membership, kind=kind, date=D(2025, 4, 30), decision_number="12"
    )
    membership.refresh_from_db()
    assert (membership.status, membership.ended_on) == (status, D(2025, 4, 30))
    assert membership.cell_periods.get().valid_to == D(2025, 4, 30)
    assert membership.current_cell == tree.cell1
    assert selectors.membership_status_on(membership, D(2025, 4, 29)) == "full"
    assert_cache_matches_events(membership)


def test_no_event_after_leaving(tree) -> None:
    membership = make_member(tree.cell1)
    services.member_leave(
        membership=membership,
        kind="resignation",
        date=D(2025, 4, 30),
        decision_number="1",
    )
    with pytest.raises(ValidationError) as exc:
        services.member_transfer(
            membership=membership,
            to_cell=tree.cell2,
            date=D(2025, 6, 1),
            decision_number="2",
        )
    assert messages(exc) == [
        "Đảng viên đã ra khỏi Đảng ngày 30/04/2025; không thể ghi thêm sự kiện."
    ]


def test_no_event_after_death(tree) -> None:
    membership = make_member(tree.cell1)
    services.member_leave(membership=membership, kind="death", date=D(2025, 4, 30))
    with pytest.raises(ValidationError) as exc:
        services.member_exempt(
            membership=membership, date=D(2025, 6, 1), decision_number="2"
        )
    assert messages(exc) == [
        "Người này đã từ trần ngày 30/04/2025; không thể ghi thêm."
    ]
    with pytest.raises(ValidationError) as exc:
        services.member_admit(
            person=membership.person,
            cell=tree.cell2,
            admitted_on=D(2025, 6, 1),
            decision_number="3",
        )
    assert messages(exc) == [
        "Người này đã từ trần ngày 30/04/2025; không thể ghi thêm."
    ]
    with pytest.raises(ValidationError) as exc:
        services.holding_start(
            person=membership.person,
            unit=tree.commune,
            position=position("village_head"),
            valid_from=D(2025, 6, 1),
        )
    assert messages(exc) == [
        "Người này đã từ trần ngày 30/04/2025; không thể ghi thêm."
    ]


def test_readmission_after_resignation_is_a_new_membership(tree) -> None:
    first = make_member(tree.cell1, admitted_on=D(2005, 1, 1))
    services.member_leave(
        membership=first, kind="resignation", date=D(2015, 1, 1), decision_number="1"
    )
    second = services.member_admit(
        person=first.person,
        cell=tree.cell2,
        admitted_on=D(2020, 1, 1),
        decision_number="2",
    )
    assert Membership.objects.filter(person=first.person).count() == 2
    assert second.status == MembershipStatus.PROBATIONARY


def test_national_id_must_have_twelve_digits(db) -> None:
    with pytest.raises(ValidationError) as exc:
        services.person_create(
            full_name="Phạm Văn Nam",
            gender="M",
            date_of_birth=D(1990, 1, 1),
            national_id="04012345",
        )
    assert messages(exc) == ["Số căn cước phải gồm đúng 12 chữ số."]
    person = services.person_create(
        full_name="  Phạm   Văn Nam ",
        gender="M",
        date_of_birth=D(1990, 1, 1),
        national_id="040 123 456 789",
    )
    assert (person.full_name, person.national_id) == ("Phạm Văn Nam", "040123456789")


def test_national_id_is_unique_when_present(db) -> None:
    services.person_create(
        full_name="A",
        gender="M",
        date_of_birth=D(1990, 1, 1),
        national_id="040123456789",
    )
    services.person_create(full_name="B", gender="F", date_of_birth=D(1990, 1, 1))
    services.person_create(full_name="C", gender="F", date_of_birth=D(1990, 1, 1))
    with pytest.raises(ValidationError) as exc:
        services.person_create(
            full_name="D",
            gender="M",
            date_of_birth=D(1990, 1, 1),
            national_id="040123456789",
        )
    assert "national_id" in exc.value.message_dict


def test_card_number_format(tree) -> None:
    with pytest.raises(ValidationError) as exc:
        services.member_admit(
            person=PersonFactory(),
            cell=tree.cell1,
            admitted_on=D(2024, 1, 1),
            decision_number="1",
            card_number="AB-12",
        )
    assert messages(exc) == [
        "Số thẻ đảng viên chỉ gồm chữ số (có thể có dấu chấm), từ 6 đến 20 ký tự."
    ]


def test_person_update_changes_identity(db) -> None:
    person = services.person_create(
        full_name="Võ Thị Lan", gender="F", date_of_birth=D(1990, 1, 1)
    )
    services.person_update(person=person, home_village="Thanh Phong", national_id="")
    person.refresh_from_db()
    assert (person.home_village, person.national_id) == ("Thanh Phong", None)


def test_highest_qualification_per_dimension(db) -> None:
    person = PersonFactory()
    services.qualification_add(
        person=person, dimension="professional", level="intermediate", year=2005
    )
    services.qualification_add(
        person=person, dimension="professional", level="university", year=2012
    )
    services.qualification_add(
        person=person,
        dimension="professional",
        level="master",
        status="studying",
        expected_year=2027,
    )
    services.qualification_add(
        person=person, dimension="political", level="pol_elementary"
    )
    best = selectors.highest_qualifications(person.qualifications.all())
    assert {d: q.level for d, q in best.items()} == {
        "professional": "university",
        "political": "pol_elementary",
    }


def test_a_level_must_belong_to_its_dimension(db) -> None:
    with pytest.raises(ValidationError) as exc:
        services.qualification_add(
            person=PersonFactory(), dimension="political", level="university"
        )
    assert messages(exc) == ["Trình độ này không thuộc lĩnh vực đã chọn."]


def test_studying_needs_an_expected_year(db) -> None:
    with pytest.raises(ValidationError) as exc:
        services.qualification_add(
            person=PersonFactory(),
            dimension="political",
            level="pol_advanced",
            status="studying",
        )
    assert messages(exc) == ["Đang học thì cần năm dự kiến hoàn thành."]


def test_qualification_update_moves_studying_to_completed(db) -> None:
    q = services.qualification_add(
        person=PersonFactory(),
        dimension="political",
        level="pol_advanced",
        status="studying",
        expected_year=2026,
    )
    services.qualification_update(qualification=q, status="completed", year=2026)
    q.refresh_from_db()
    assert (q.status, q.expected_year, q.year, q.rank) == ("completed", None, 2026, 3)
    assert Qualification.objects.count() == 1


def test_positions_can_be_held_concurrently_and_ended(tree) -> None:
    person = PersonFactory()
    secretary = services.holding_start(
        person=person,
        unit=tree.commune,
        position=position("party_secretary"),
        valid_from=D(2020, 10, 1),
        origin=Origin.ROTATED_DOWN,
    )
    chair = services.holding_start(
        person=person,
        unit=tree.commune,
        position=position("hdnd_chair"),
        valid_from=D(2021, 6, 1),
        is_concurrent=True,
    )
    with pytest.raises(ValidationError) as exc:
        services.holding_start(
            person=person,
            unit=tree.commune,
            position=position("party_secretary"),
            valid_from=D(2022, 1, 1),
        )
    assert messages(exc) == ["Người này đã giữ chức vụ này trong khoảng thời gian đó."]
    with pytest.raises(ValidationError) as exc:
        services.holding_end(holding=chair, valid_to=D(2021, 6, 1))
    assert messages(exc) == [
        "Ngày thôi giữ chức vụ phải sau ngày bắt đầu (01/06/2021)."
    ]
    services.holding_end(holding=chair, valid_to=D(2025, 7, 1))
    with pytest.raises(ValidationError) as exc:
        services.holding_end(holding=chair, valid_to=D(2025, 8, 1))
    assert messages(exc) == ["Chức vụ này đã thôi giữ từ ngày 01/07/2025."]
    assert secretary.origin == "rotated_down"


def test_status_is_derived_from_events_on_any_day(tree) -> None:
    membership = make_member(tree.cell1, admitted_on=D(2018, 4, 1))
    services.member_exempt(
        membership=membership, date=D(2023, 1, 1), decision_number="1"
    )
    services.member_leave(membership=membership, kind="death", date=D(2025, 2, 2))
    on = selectors.membership_status_on
    assert on(membership, D(2018, 3, 31)) is None
    assert on(membership, D(2018, 4, 1)) == "probationary"
    assert on(membership, D(2019, 4, 1)) == "full"
    assert on(membership, D(2024, 1, 1)) == "exempted"
    assert on(membership, D(2025, 2, 2)) == "deceased"
    assert_cache_matches_events(membership)


def test_people_are_kept_even_when_they_only_hold_a_village_post(tree) -> None:
    person = services.person_create(
        full_name="Hoàng Văn Bình",
        gender="M",
        date_of_birth=D(1970, 1, 1),
        registered_unit=tree.commune,
    )
    services.holding_start(
        person=person,
        unit=tree.commune,
        position=position("village_head"),
        valid_from=D(2022, 1, 1),
    )
    assert Person.objects.count() == 1
    assert not person.memberships.exists()
