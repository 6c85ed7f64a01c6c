from __future__ import annotations

import pytest

from assessments.scales import scale_for


@pytest.mark.parametrize(
    ("subject", "year", "code", "top_label"),
    [
        ("organization", 2012, "org_2008", "Trong sạch, vững mạnh"),
        ("organization", 2016, "org_2014", "Trong sạch, vững mạnh"),
        ("organization", 2024, "org_2018", "Hoàn thành xuất sắc nhiệm vụ"),
        ("organization", 2026, "org_2025", "Hoàn thành xuất sắc nhiệm vụ"),
        ("member", 2010, "member_2008", "Đủ tư cách, hoàn thành xuất sắc nhiệm vụ"),
        ("member", 2019, "member_2018", "Hoàn thành xuất sắc nhiệm vụ"),
    ],
)
def test_the_scale_in_force_depends_on_the_year(
    db, subject, year, code, top_label
) -> None:
    scale = scale_for(subject, year)
    assert scale.code == code
    top = scale.levels.order_by("order").first()
    assert (top.label, top.tier) == (top_label, 1)


def test_qd366_scale_suggests_levels_from_90_70_50(db) -> None:
    scale = scale_for("organization", 2025)
    assert scale.uses_score
    assert [(lv.code, lv.min_score) for lv in scale.levels.order_by("order")] == [
        ("excellent", 90),
        ("good", 70),
        ("completed", 50),
        ("not_completed", 0),
    ]


def test_no_scale_before_2008(db) -> None:
    assert scale_for("organization", 2005) is None
