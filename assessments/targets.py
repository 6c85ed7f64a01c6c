"""Targets (chỉ tiêu): the indicators a target may name, and actual against target.

A congress resolution sets targets for a unit and a term — "7–10 university
graduates per commune", "≥ 85% of commune civil servants at intermediate level
or higher", "> 90% of village heads are party members" (DOMAIN.md §4). They are
``Target`` rows; a report shows each one that applies to its root (set by the
root or a unit above it, for a term covering the year) with the gap.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _

from organizations.tree import ANCESTORS_ON_DAY_SQL


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    measure: str  # "count" or "percent"
    report: str
    # Counted for each commune-level unit (e.g. university graduates per commune).
    per_commune: bool = False


INDICATORS: dict[str, Indicator] = {
    i.code: i
    for i in [
        Indicator(
            "org_top_share",
            _("Tỷ lệ tổ chức cơ sở đảng hoàn thành xuất sắc nhiệm vụ"),
            "percent",
            "organization_quality",
        ),
        Indicator(
            "org_weak_share",
            _("Tỷ lệ tổ chức cơ sở đảng không hoàn thành nhiệm vụ"),
            "percent",
            "organization_quality",
        ),
        Indicator(
            "member_good_share",
            _("Tỷ lệ đảng viên hoàn thành tốt nhiệm vụ trở lên"),
            "percent",
            "member_quality",
        ),
        Indicator("admitted", _("Số đảng viên kết nạp"), "count", "member_quality"),
        Indicator(
            "village_head_member_share",
            _("Tỷ lệ trưởng thôn, tổ trưởng dân phố là đảng viên"),
            "percent",
            "coverage",
        ),
        Indicator(
            "villages_without_cell",
            _("Số thôn, tổ dân phố chưa có chi bộ"),
            "count",
            "coverage",
        ),
        Indicator(
            "villages_without_member",
            _("Số thôn, tổ dân phố chưa có đảng viên"),
            "count",
            "coverage",
        ),
        Indicator(
            "commune_university_cadres",
            _("Số cán bộ, công chức có trình độ đại học trở lên mỗi xã"),
            "count",
            "cadre_standardization",
            per_commune=True,
        ),
        Indicator(
            "cadre_university_share",
            _("Tỷ lệ cán bộ, công chức cấp xã có trình độ đại học trở lên"),
            "percent",
            "cadre_standardization",
        ),
        Indicator(
            "civil_servant_intermediate_share",
            _("Tỷ lệ công chức cấp xã có chuyên môn trung cấp trở lên"),
            "percent",
            "cadre_standardization",
        ),
        Indicator(
            "cadre_political_share",
            _("Tỷ lệ cán bộ cấp xã có lý luận chính trị trung cấp trở lên"),
            "percent",
            "cadre_standardization",
        ),
    ]
}
INDICATOR_CHOICES = [(code, i.label) for code, i in INDICATORS.items()]


def _num(value: Decimal | float | None) -> float | None:
    return None if value is None else float(value)


def bound_text(
    *,
    min_value: Decimal | float | None,
    max_value: Decimal | float | None,
    min_exclusive: bool,
    measure: str,
    max_exclusive: bool = False,
) -> str:
    """ "7–10", "≥ 85%", "> 90%", "≤ 1%", "< 1%" — the target as people write it."""
    suffix = "%" if measure == "percent" else ""
    lo, hi = _num(min_value), _num(max_value)

    def fmt(v: float) -> str:
        return (f"{v:g}").replace(".", ",")

    if lo is not None and hi is not None:
        if not min_exclusive and not max_exclusive:
            return f"{fmt(lo)}–{fmt(hi)}{suffix}"
        return (
            f"{'>' if min_exclusive else '≥'} {fmt(lo)}{suffix}, "
            f"{'<' if max_exclusive else '≤'} {fmt(hi)}{suffix}"
        )
    if lo is not None:
        return f"{'>' if min_exclusive else '≥'} {fmt(lo)}{suffix}"
    return f"{'<' if max_exclusive else '≤'} {fmt(hi)}{suffix}"  # type: ignore[arg-type]


MET = "met"
EXCEEDED = "exceeded"
MISSED = "missed"
OUTCOME_LABELS = {MET: _("Đạt"), EXCEEDED: _("Vượt"), MISSED: _("Chưa đạt")}


@dataclass(frozen=True)
class Outcome:
    # MET, EXCEEDED (above the top of a range: met and more) or MISSED.
    status: str
    # Actual minus the bound it passes (negative: short of the minimum;
    # positive: over the maximum); 0 inside the target.
    gap: float

    @property
    def met(self) -> bool:
        return self.status != MISSED

    @property
    def label(self) -> str:
        return str(OUTCOME_LABELS[self.status])


def evaluate(
    actual: float | None,
    *,
    min_value: Decimal | float | None,
    max_value: Decimal | float | None,
    min_exclusive: bool = False,
    max_exclusive: bool = False,
) -> Outcome | None:
    """Actual against target. A range ("7–10 graduates per commune") is met
    inside it and exceeded above it; a ceiling alone ("≤ 1% weak") is missed
    above it. Each bound is strict or not as the target is written ("trên
    90%" is > 90, "từ 85% trở lên" is ≥ 85)."""
    if actual is None:
        return None
    lo, hi = _num(min_value), _num(max_value)
    if lo is not None and (actual <= lo if min_exclusive else actual < lo):
        return Outcome(MISSED, actual - lo)
    if hi is not None and (actual >= hi if max_exclusive else actual > hi):
        return Outcome(EXCEEDED if lo is not None else MISSED, actual - hi)
    return Outcome(MET, 0.0)


def targets_for(*, root_id: int, year: int, report: str) -> list:
    """The targets set by the root or a unit above it for a term covering ``year``."""
    from assessments.models import Target

    day = datetime.date(year, 12, 31)
    codes = [c for c, i in INDICATORS.items() if i.report == report]
    return list(
        Target.objects.filter(
            unit_id__in=RawSQL(ANCESTORS_ON_DAY_SQL, (root_id, day, day)),  # noqa: S611 -- constant SQL, values are parameters
            from_year__lte=year,
            to_year__gte=year,
            indicator__in=codes,
        )
        .select_related("unit")
        .order_by("indicator", "id")
    )
