from __future__ import annotations

import datetime

import pytest

from assessments import standards
from assessments.models import PositionStandard
from assessments.reports import trends
from assessments.reports.common import Ratio
from assessments.targets import bound_text, evaluate
from members.models import Discipline
from organizations.models import Kind, Level, Unit
from organizations.services import NewUnit, organization_merge
from tests.factories import make_unit
from tests.reports.data import approve, classify_member, classify_unit, member

D = datetime.date
ON = D(2025, 12, 31)
CIVIL = standards.Requirement(
    general=3,
    professional=4,
    professional_difficult=2,
    field_required=True,
    fields=("luật", "tư pháp"),
)


def test_decree_33_standards_are_shipped_as_rows(db) -> None:
    chair = PositionStandard.objects.get(position_code="ubnd_chair")
    assert (
        chair.min_general_rank,
        chair.min_professional_rank,
        chair.min_political_rank,
    ) == (3, 4, 2)
    justice = PositionStandard.objects.get(position_code="justice_civil_status")
    assert (justice.min_professional_rank, justice.min_professional_rank_difficult) == (
        4,
        2,
    )
    assert justice.professional_field_required
    assert standards.requirements_on(D(2023, 7, 31)) == {}
    assert standards.requirements_on(ON)["youth_secretary"].political is None


@pytest.mark.parametrize(
    ("held", "difficult", "expected"),
    [
        (
            [standards.Held("professional", 4, field="Luật kinh tế")],
            False,
            standards.MEETS,
        ),
        (
            [standards.Held("professional", 4, field="Kế toán")],
            False,
            standards.MISSING,
        ),
        (
            [standards.Held("professional", 4)],
            False,
            standards.MEETS,
        ),  # field not recorded
        ([standards.Held("professional", 2, field="Luật")], False, standards.MISSING),
        ([standards.Held("professional", 2, field="Luật")], True, standards.MEETS),
        (
            [
                standards.Held(
                    "professional", 4, studying=True, expected_year=2027, field="Luat"
                )
            ],
            False,
            standards.STUDYING,
        ),
        (
            [standards.Held("professional", 4, year=2026, field="Luật")],
            False,
            standards.MISSING,
        ),
    ],
)
def test_professional_standard_by_field_area_and_study(
    held, difficult, expected
) -> None:
    result = standards.check(CIVIL, held, on=ON, difficult_area=difficult)
    assert result["professional"].status == expected
    assert result["political"].status == standards.NOT_REQUIRED
    assert result["general"].status == standards.MISSING


def test_studying_reports_the_earliest_expected_year() -> None:
    held = [
        standards.Held("political", 2, studying=True, expected_year=2027),
        standards.Held("political", 3, studying=True, expected_year=2026),
    ]
    result = standards.check(standards.Requirement(political=2), held, on=ON)
    assert result["political"] == standards.Check(standards.STUDYING, 2026)


@pytest.mark.parametrize(
    ("actual", "lo", "hi", "strict", "label", "gap", "text"),
    [
        (8, 7, 10, False, "Đạt", 0.0, "7–10"),
        (5, 7, 10, False, "Chưa đạt", -2.0, "7–10"),
        # Above a range is more than asked: exceeded, not missed.
        (14, 7, 10, False, "Vượt", 4.0, "7–10"),
        (16, 7, 10, False, "Vượt", 6.0, "7–10"),
        (10, 7, 10, False, "Đạt", 0.0, "7–10"),
        # "Trên 90%": exactly 90 is not over 90.
        (90.0, 90, None, True, "Chưa đạt", 0.0, "> 90%"),
        (90.1, 90, None, True, "Đạt", 0.0, "> 90%"),
        # "Từ 85% trở lên": exactly 85 is enough.
        (85.0, 85, None, False, "Đạt", 0.0, "≥ 85%"),
        (84.5, 85, None, False, "Chưa đạt", -0.5, "≥ 85%"),
    ],
)
def test_targets_are_met_exceeded_or_missed_by_a_gap(
    actual, lo, hi, strict, label, gap, text
) -> None:
    outcome = evaluate(actual, min_value=lo, max_value=hi, min_exclusive=strict)
    assert (outcome.label, outcome.gap) == (label, pytest.approx(gap))
    measure = "count" if text == "7–10" else "percent"
    assert (
        bound_text(min_value=lo, max_value=hi, min_exclusive=strict, measure=measure)
        == text
    )


@pytest.mark.parametrize(
    ("actual", "strict", "label", "text"),
    [
        # "Không quá 1%": 1 % itself is within it.
        (1.0, False, "Đạt", "≤ 1%"),
        (1.2, False, "Chưa đạt", "≤ 1%"),
        # "Dưới 1%": 1 % itself is not under it.
        (1.0, True, "Chưa đạt", "< 1%"),
        (0.5, True, "Đạt", "< 1%"),
    ],
)
def test_a_ceiling_alone_is_missed_above_it_strictly_or_not(
    actual, strict, label, text
) -> None:
    outcome = evaluate(actual, min_value=None, max_value=1, max_exclusive=strict)
    assert outcome.label == label
    assert (
        bound_text(
            min_value=None,
            max_value=1,
            min_exclusive=False,
            max_exclusive=strict,
            measure="percent",
        )
        == text
    )


def test_trend_of_a_merged_commune_carries_its_predecessors_across_the_scale_change(
    tree, board_officer
) -> None:
    a = make_unit(
        tree.district,
        code="A",
        name="Đảng bộ xã A",
        level=Level.GRASSROOTS_COMMITTEE,
        kind=Kind.COMMUNE,
    )
    b = make_unit(
        tree.district,
        code="B",
        name="Đảng bộ xã B",
        level=Level.GRASSROOTS_COMMITTEE,
        kind=Kind.COMMUNE,
    )
    a_cell = make_unit(a, code="A1", name="Chi bộ thôn A1")
    b_cell = make_unit(b, code="B1", name="Chi bộ thôn B1")
    m_a = member(a_cell, "Đảng viên A")
    m_b = member(b_cell, "Đảng viên B")
    classify_unit(a, 2024, "excellent")  # org_2018 scale
    classify_unit(b, 2024, "good")
    classify_member(m_a, 2024, a_cell, "good")
    classify_member(m_b, 2024, b_cell, "not_completed")
    organization_merge(
        units=[a, b],
        date=D(2025, 7, 1),
        decision_number="45-QĐ/TU",
        new=NewUnit(
            code="AB",
            name="Đảng bộ xã An Bình",
            level=Level.GRASSROOTS_COMMITTEE,
            kind=Kind.COMMUNE,
        ),
    )
    ab = Unit.objects.get(code="AB", closed_on__isnull=True)
    classify_unit(ab, 2025, "excellent")  # org_2025 scale, same tier 1
    classify_member(m_a, 2025, a_cell, "excellent")
    classify_member(m_b, 2025, b_cell, "good")
    Discipline.objects.create(
        person=m_b.person,
        unit=b_cell,
        form="reprimand",
        date=D(2025, 3, 1),
        deciding_body="Đảng ủy",
        decision_number="02-QĐ/ĐU",
    )
    approve(a, b, year=2024)
    approve(ab, year=2025)
    report = trends.build(root=ab, year=2025, base_year=2024, user=board_officer)
    y2024, y2025 = report.years
    assert (y2024.organizations, y2024.top, y2024.top_two) == (
        2,
        Ratio(1, 2),
        Ratio(2, 2),
    )
    assert (y2025.organizations, y2025.top) == (1, Ratio(1, 1))
    assert (y2024.members, y2024.member_good, y2024.member_weak) == (
        2,
        Ratio(1, 2),
        Ratio(1, 2),
    )
    assert (y2025.members, y2025.member_good) == (2, Ratio(2, 2))
    # Discipline in the trends (issue #19 §6): one member of two in 2025.
    assert (y2024.disciplined, y2025.disciplined) == (Ratio(0, 2), Ratio(1, 2))
    assert report.tables()[0].columns[-1].label == "ĐV bị kỷ luật"
    assert "QĐ 132" in y2024.scale
    assert "QĐ 366" in y2025.scale
    assert report.notes == [
        "Số liệu năm 2024 của Đảng bộ xã An Bình gồm số liệu của các đơn vị tiền thân: Đảng bộ xã A, Đảng bộ xã B."
    ]


def test_demo_targets_are_seeded_once_per_province(tree) -> None:
    from assessments.models import Target
    from assessments.reports import demo

    assert demo.seed() == 10
    assert demo.seed() == 0
    assert Target.objects.filter(unit=tree.province).count() == 10


def test_a_target_indicator_is_a_choice_so_a_mistyped_code_is_refused(tree) -> None:
    """Issue #19: a target with a mistyped code was saved and never shown."""
    from django.core.exceptions import ValidationError

    from assessments.models import Target

    target = Target(
        unit=tree.province,
        from_year=2021,
        to_year=2025,
        indicator="village_head_member_shar",
        measure="percent",
        min_value=90,
        description="Trên 90% trưởng thôn là đảng viên",
    )
    with pytest.raises(ValidationError) as refused:
        target.full_clean()
    assert "indicator" in refused.value.message_dict
    target.indicator = "village_head_member_share"
    target.full_clean()
