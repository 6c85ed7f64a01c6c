from __future__ import annotations

import pytest
from django.urls import reverse

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


def test_years_before_2008_have_a_scale_shipped_as_data_and_say_what_is_unconfirmed(
    db,
) -> None:
    """DOMAIN.md §3: the 2001 figures use "Trong sạch, vững mạnh" and "Yếu
    kém"; the middle levels' wording is unconfirmed, so the scale is rows an
    administrator edits and its name says so."""
    scale = scale_for("organization", 2001)
    assert scale.code == "org_pre2008"
    assert "chưa xác nhận" in scale.name
    levels = [(lv.label, lv.tier) for lv in scale.levels.order_by("order")]
    assert levels[0] == ("Trong sạch, vững mạnh", 1)
    assert levels[-1] == ("Yếu kém", 4)
    # Compared through the tiers with the scales after it.
    later = scale_for("organization", 2023).levels
    assert later.get(tier=1).label == "Hoàn thành xuất sắc nhiệm vụ"
    assert later.get(tier=4).label == "Không hoàn thành nhiệm vụ"
    assert scale_for("member", 2001).code == "member_pre2008"
    assert scale_for("organization", 1989) is None


def test_an_administrator_edits_the_unconfirmed_wording(client, admin_user) -> None:
    scale = scale_for("organization", 2001)
    client.force_login(admin_user)
    url = reverse("admin:assessments_scale_change", args=[scale.pk])
    assert client.get(url).status_code == 200
