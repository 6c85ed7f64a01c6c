"""Targets (chỉ tiêu) for the demo province, so the reports show actual
against target. Not run by seed_demo on its own: call ``seed()`` from
assessments/demo.py after the tree exists. Idempotent.
"""

from __future__ import annotations

from decimal import Decimal

from organizations.models import Level, Unit

# (indicator, measure, min, min_exclusive, max, description) — DOMAIN.md §4.
DEMO_TARGETS = [
    (
        "commune_university_cadres",
        "count",
        7,
        False,
        10,
        "Mỗi xã có từ 7 đến 10 cán bộ, công chức trình độ đại học",
    ),
    (
        "civil_servant_intermediate_share",
        "percent",
        85,
        False,
        None,
        "Trên 85% công chức cấp xã có chuyên môn trung cấp trở lên",
    ),
    (
        "village_head_member_share",
        "percent",
        90,
        True,
        None,
        "Trên 90% trưởng thôn, tổ trưởng dân phố là đảng viên",
    ),
    (
        "member_good_share",
        "percent",
        85,
        False,
        None,
        "Hằng năm có 85% đảng viên hoàn thành tốt nhiệm vụ trở lên",
    ),
    (
        "org_weak_share",
        "percent",
        None,
        False,
        1,
        "Không quá 1% tổ chức cơ sở đảng không hoàn thành nhiệm vụ",
    ),
]
TERMS = [
    (2020, 2025, "Nghị quyết Đại hội Đảng bộ tỉnh lần thứ XIX"),
    (2025, 2030, "Nghị quyết Đại hội Đảng bộ tỉnh lần thứ XX"),
]


def seed() -> int:
    from assessments.models import Target

    created = 0
    for province in Unit.objects.filter(level=Level.PROVINCE, closed_on__isnull=True):
        for from_year, to_year, resolution in TERMS:
            for indicator, measure, lo, strict, hi, description in DEMO_TARGETS:
                _target, made = Target.objects.get_or_create(
                    unit=province,
                    indicator=indicator,
                    from_year=from_year,
                    to_year=to_year,
                    defaults={
                        "measure": measure,
                        "min_value": None if lo is None else Decimal(lo),
                        "min_exclusive": strict,
                        "max_value": None if hi is None else Decimal(hi),
                        "description": description,
                        "resolution": resolution,
                    },
                )
                created += made
    return created
