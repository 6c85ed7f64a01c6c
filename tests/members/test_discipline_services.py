"""The discipline rules (DOMAIN.md "Discipline": the forms for members, for
probationary members and for organizations), each with the exact message a
user reads."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from members import services
from members.models import Discipline
from members.services import DisciplineDecision
from tests.members.factories import assert_cache_matches_events, make_member

D = datetime.date


def messages(exc: pytest.ExceptionInfo[ValidationError]) -> list[str]:
    return exc.value.messages


DISCIPLINE_DAY = D(2025, 3, 3)


def _decision(form: str, day: D = DISCIPLINE_DAY) -> DisciplineDecision:
    return DisciplineDecision(
        form=form,
        date=day,
        deciding_body="Ban Thường vụ Huyện ủy",
        decision_number="21-QĐ/HU",
        reason="Vi phạm quy định",
    )


def test_probationary_members_may_only_be_reprimanded_or_warned(tree) -> None:
    membership = make_member(tree.cell1, admitted_on=D(2024, 9, 1), full=False)
    for form in ("removal", "expulsion"):
        with pytest.raises(ValidationError) as exc:
            services.discipline_record(membership=membership, decision=_decision(form))
        assert messages(exc) == [
            "Đảng viên dự bị chỉ bị kỷ luật khiển trách hoặc cảnh cáo (Điều lệ Đảng, Điều 35)."
        ]
    discipline = services.discipline_record(
        membership=membership, decision=_decision("warning")
    )
    assert (discipline.person, discipline.unit) == (membership.person, tree.cell1)


def test_dissolution_is_not_a_form_for_members(tree) -> None:
    membership = make_member(tree.cell1)
    with pytest.raises(ValidationError) as exc:
        services.discipline_record(
            membership=membership, decision=_decision("dissolution")
        )
    assert messages(exc) == ["Hình thức kỷ luật này không áp dụng cho đảng viên."]


def test_expelling_a_member_ends_the_membership(tree) -> None:
    membership = make_member(tree.cell1)
    services.discipline_record(membership=membership, decision=_decision("expulsion"))
    membership.refresh_from_db()
    assert (membership.status, membership.ended_on) == ("expelled", D(2025, 3, 3))
    assert Discipline.objects.get().form == "expulsion"
    assert_cache_matches_events(membership)


def test_organizations_are_reprimanded_warned_or_dissolved(tree) -> None:
    with pytest.raises(ValidationError) as exc:
        services.discipline_record(unit=tree.cell2, decision=_decision("expulsion"))
    assert messages(exc) == [
        "Tổ chức đảng chỉ bị kỷ luật khiển trách, cảnh cáo hoặc giải tán."
    ]
    discipline = services.discipline_record(
        unit=tree.cell2, decision=_decision("warning")
    )
    assert discipline.subject_is_unit
    assert discipline.person is None


def test_discipline_needs_the_deciding_body(tree) -> None:
    membership = make_member(tree.cell1)
    decision = DisciplineDecision(
        form="reprimand", date=D(2025, 1, 1), deciding_body="", decision_number="1"
    )
    with pytest.raises(ValidationError) as exc:
        services.discipline_record(membership=membership, decision=decision)
    assert messages(exc) == ["Cần nhập cơ quan quyết định."]


def test_a_discipline_may_be_entered_after_a_later_transfer(tree) -> None:
    membership = make_member(tree.cell1, admitted_on=D(2015, 1, 1))
    services.member_transfer(
        membership=membership,
        to_cell=tree.cell2,
        date=D(2025, 7, 1),
        decision_number="2",
    )
    discipline = services.discipline_record(
        membership=membership, decision=_decision("reprimand", D(2024, 10, 1))
    )
    assert discipline.unit == tree.cell1


def test_no_discipline_before_admission(tree) -> None:
    membership = make_member(tree.cell1, admitted_on=D(2015, 1, 1))
    with pytest.raises(ValidationError) as exc:
        services.discipline_record(
            membership=membership, decision=_decision("warning", D(2014, 1, 1))
        )
    assert messages(exc) == ["Người này không phải đảng viên vào ngày 01/01/2014."]


def test_no_discipline_after_leaving(tree) -> None:
    membership = make_member(tree.cell1, admitted_on=D(2015, 1, 1))
    services.member_leave(
        membership=membership,
        kind="resignation",
        date=D(2024, 1, 1),
        decision_number="1",
    )
    with pytest.raises(ValidationError) as exc:
        services.discipline_record(
            membership=membership, decision=_decision("warning", D(2024, 3, 1))
        )
    assert messages(exc) == [
        "Đảng viên đã ra khỏi Đảng ngày 01/01/2024; không thể ghi thêm sự kiện."
    ]
