from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from assessments.models import (
    CellMeeting,
    ConfidenceVote,
    CriteriaItem,
    CriteriaResult,
    CriteriaSet,
)
from assessments.rules import check_sheet, suggest_level
from assessments.scales import scale_for
from assessments.selectors import review_sheet
from assessments.services import member_classification_set, unit_classification_set
from assessments.yearly import cell_meeting_year, criteria_achieved, meeting_rating
from tests.assessments.factories import discipline, level, make_member

MET = {"tasks_all_done": True, "tasks_exceeded": True}


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        ("100", "excellent"),
        ("90", "excellent"),
        ("89.99", "good"),
        ("70", "good"),
        ("69.99", "completed"),
        ("50", "completed"),
        ("49.99", "not_completed"),
        ("0", "not_completed"),
    ],
)
def test_qd366_score_suggests_the_level_at_the_thresholds(db, score, expected) -> None:
    scale = scale_for("member", 2025)
    assert suggest_level(scale, Decimal(score), MET).code == expected


def test_excellent_needs_every_task_done_and_thirty_percent_exceeded(db) -> None:
    scale = scale_for("organization", 2025)
    assert suggest_level(scale, 95, MET).code == "excellent"
    assert suggest_level(scale, 95, {"tasks_all_done": True}).code == "good"
    assert suggest_level(scale, 95, {"tasks_exceeded": True}).code == "good"
    # Not stated: only the score counts.
    assert suggest_level(scale, 95, None).code == "excellent"


def test_a_disqualifying_condition_gives_the_lowest_level(db) -> None:
    scale = scale_for("member", 2025)
    assert suggest_level(scale, 99, {**MET, "disqualified": True}).code == (
        "not_completed"
    )


def test_scales_without_scores_suggest_nothing(db) -> None:
    assert suggest_level(scale_for("member", 2024), 95, MET) is None


def test_quota_of_excellent_members_is_twenty_percent_of_good(tree) -> None:
    people = [make_member(tree.cell1) for _ in range(6)]
    excellent = level("member", 2024, "excellent")
    good = level("member", 2024, "good")
    for p in people[:4]:
        member_classification_set(
            user=None, person=p, cell=tree.cell1, year=2024, level=good
        )
    # HD 21-HD/BTCTW: 4 good → at most 0.8 excellent: one is already too many.
    member_classification_set(
        user=None, person=people[4], cell=tree.cell1, year=2024, level=excellent
    )
    problems = check_sheet(review_sheet(tree.commune, 2024))
    assert [p.message for p in problems] == [
        "Đảng bộ xã Thanh Phong: 1 đảng viên hoàn thành xuất sắc nhiệm vụ, vượt "
        "quá 20% số đảng viên hoàn thành tốt nhiệm vụ (4 người, tối đa 0)."
    ]
    member_classification_set(
        user=None, person=people[5], cell=tree.cell1, year=2024, level=good
    )
    assert check_sheet(review_sheet(tree.commune, 2024)) == []


def test_a_member_disciplined_in_the_year_cannot_be_rated_above_completed(
    tree,
) -> None:
    person = make_member(tree.cell1, "Trần Thị Kỷ")
    discipline(person, tree.cell1, datetime.date(2024, 5, 1))
    member_classification_set(
        user=None,
        person=person,
        cell=tree.cell1,
        year=2024,
        level=level("member", 2024, "good"),
    )
    problems = check_sheet(review_sheet(tree.commune, 2024))
    assert [p.message for p in problems] == [
        "Trần Thị Kỷ bị kỷ luật trong năm nên không được xếp loại cao hơn mức "
        "“Hoàn thành nhiệm vụ” (đang chọn “Hoàn thành tốt nhiệm vụ”)."
    ]
    assert problems[0].row == f"person-{person.pk}"
    # Disciplined the year before: no problem in 2024.
    person2 = make_member(tree.cell2)
    discipline(person2, tree.cell2, datetime.date(2023, 5, 1))
    member_classification_set(
        user=None,
        person=person2,
        cell=tree.cell2,
        year=2024,
        level=level("member", 2024, "good"),
    )
    assert len(check_sheet(review_sheet(tree.commune, 2024))) == 1


def test_an_excellent_organization_has_no_disciplined_cell(tree) -> None:
    from members.models import Discipline

    Discipline.objects.create(
        unit=tree.cell2,
        subject_is_unit=True,
        form="reprimand",
        date=datetime.date(2024, 3, 1),
        deciding_body="Huyện ủy",
        decision_number="02-QĐ/HU",
    )
    good = level("organization", 2024, "good")
    for cell in (tree.cell1, tree.cell2):
        unit_classification_set(user=None, unit=cell, year=2024, level=good)
    unit_classification_set(
        user=None,
        unit=tree.commune,
        year=2024,
        level=level("organization", 2024, "excellent"),
    )
    problems = check_sheet(review_sheet(tree.commune, 2024))
    assert [p.message for p in problems] == [
        "Đảng bộ xã Thanh Phong được xếp hoàn thành xuất sắc nhiệm vụ nhưng trong "
        "năm có tổ chức hoặc đảng viên bị kỷ luật: Chi bộ thôn 2."
    ]


def test_a_level_above_the_score_suggestion_is_reported(tree) -> None:
    person = make_member(tree.cell1, "Lê Văn Điểm")
    member_classification_set(
        user=None,
        person=person,
        cell=tree.cell1,
        year=2025,
        level=level("member", 2025, "excellent"),
        score=Decimal("85"),
        conditions=MET,
    )
    messages = [p.message for p in check_sheet(review_sheet(tree.commune, 2025))]
    assert (
        "Lê Văn Điểm: mức “Hoàn thành xuất sắc nhiệm vụ” cao hơn mức gợi ý theo "
        "điểm (85.00 điểm → “Hoàn thành tốt nhiệm vụ”)."
    ) in messages


@pytest.mark.parametrize(
    ("voters", "low", "out", "dismiss"),
    [
        (30, 15, False, False),
        (30, 16, True, False),
        (30, 19, True, False),
        (30, 20, True, True),
    ],
)
def test_vote_of_confidence_flags_half_and_two_thirds_low(
    tree, voters, low, out, dismiss
) -> None:
    person = make_member(tree.cell1)
    vote = ConfidenceVote.objects.create(
        person=person,
        unit=tree.commune,
        year=2024,
        voters=voters,
        high=0,
        confidence=voters - low,
        low=low,
    )
    assert (vote.out_of_planning, vote.dismissal) == (out, dismiss)


@pytest.mark.parametrize(
    ("total", "rating"),
    [
        (100, "good"),
        (80, "good"),
        (79.9, "fair"),
        (70, "fair"),
        (69.9, "average"),
        (50, "average"),
        (49.9, "poor"),
    ],
)
def test_cell_meeting_ratings_at_their_thresholds(total, rating) -> None:
    assert meeting_rating(total) == rating


def test_cell_meetings_roll_up_to_the_yearly_average(tree) -> None:
    for day, conduct in (
        (datetime.date(2024, 1, 5), 40),
        (datetime.date(2024, 2, 5), 25),
    ):
        CellMeeting.objects.create(
            cell=tree.cell1,
            date=day,
            preparation=18,
            attendance=9,
            conduct=conduct,
            rules=14,
            conclusions=9,
        )
    CellMeeting.objects.create(
        cell=tree.cell1,
        date=datetime.date(2023, 2, 5),
        preparation=0,
        attendance=0,
        conduct=0,
        rules=0,
        conclusions=0,
    )
    # (90 + 75) / 2 = 82.5 → good
    assert cell_meeting_year(tree.cell1, 2024) == (Decimal("82.50"), "good", 2)


def test_model_criteria_are_met_only_when_every_item_is(tree) -> None:
    criteria = CriteriaSet.objects.create(
        code="qb-5t4k", name="5 tốt, 4 không", valid_from_year=2020
    )
    items = [
        CriteriaItem.objects.create(
            criteria_set=criteria, order=i, text=f"Tiêu chí {i}"
        )
        for i in range(1, 10)
    ]
    result = CriteriaResult.objects.create(
        criteria_set=criteria, unit=tree.commune, year=2024
    )
    result.met_items.set(items[:8])
    assert not criteria_achieved(result)
    result.met_items.add(items[8])
    assert criteria_achieved(result)
