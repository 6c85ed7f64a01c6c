"""Qualification dimensions and their ordered levels (DOMAIN.md §4).

The rank orders levels within a dimension: reports use a person's highest
completed rank per dimension, and a standard is "rank >= required rank".
Levels marked *(unconfirmed)* in DOMAIN.md (state management, IT, foreign
language) are kept deliberately coarse.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Dimension(models.TextChoices):
    GENERAL = "general", _("Giáo dục phổ thông")
    PROFESSIONAL = "professional", _("Chuyên môn, nghiệp vụ")
    POLITICAL = "political", _("Lý luận chính trị")
    STATE_MANAGEMENT = "state_management", _("Quản lý nhà nước")
    IT = "it", _("Tin học")
    FOREIGN_LANGUAGE = "foreign_language", _("Ngoại ngữ")


# (dimension, code, label, rank)
LEVELS: list[tuple[str, str, str, int]] = [
    (Dimension.GENERAL, "primary", _("Tiểu học"), 1),
    (Dimension.GENERAL, "lower_secondary", _("Trung học cơ sở (9/12)"), 2),
    (Dimension.GENERAL, "upper_secondary", _("Trung học phổ thông (12/12)"), 3),
    (Dimension.PROFESSIONAL, "none", _("Chưa qua đào tạo"), 0),
    (Dimension.PROFESSIONAL, "elementary", _("Sơ cấp"), 1),
    (Dimension.PROFESSIONAL, "intermediate", _("Trung cấp"), 2),
    (Dimension.PROFESSIONAL, "college", _("Cao đẳng"), 3),
    (Dimension.PROFESSIONAL, "university", _("Đại học"), 4),
    (Dimension.PROFESSIONAL, "master", _("Thạc sĩ"), 5),
    (Dimension.PROFESSIONAL, "doctor", _("Tiến sĩ"), 6),
    (Dimension.POLITICAL, "pol_elementary", _("Sơ cấp lý luận chính trị"), 1),
    (Dimension.POLITICAL, "pol_intermediate", _("Trung cấp lý luận chính trị"), 2),
    # Statistics group advanced and bachelor together (DOMAIN.md §4).
    (Dimension.POLITICAL, "pol_advanced", _("Cao cấp lý luận chính trị"), 3),
    (Dimension.POLITICAL, "pol_bachelor", _("Cử nhân chính trị"), 3),
    (Dimension.STATE_MANAGEMENT, "sm_officer", _("Chuyên viên"), 1),
    (Dimension.STATE_MANAGEMENT, "sm_principal", _("Chuyên viên chính"), 2),
    (Dimension.STATE_MANAGEMENT, "sm_senior", _("Chuyên viên cao cấp"), 3),
    (Dimension.IT, "it_basic", _("Cơ bản"), 1),
    (Dimension.IT, "it_advanced", _("Nâng cao"), 2),
    (Dimension.FOREIGN_LANGUAGE, "fl_basic", _("Bậc 1–2"), 1),
    (Dimension.FOREIGN_LANGUAGE, "fl_intermediate", _("Bậc 3–4"), 2),
    (Dimension.FOREIGN_LANGUAGE, "fl_advanced", _("Bậc 5–6"), 3),
]

LEVEL_CHOICES = [(code, label) for _dim, code, label, _rank in LEVELS]
LEVEL_RANK = {code: rank for _dim, code, _label, rank in LEVELS}
LEVEL_DIMENSION = {code: str(dim) for dim, code, _label, _rank in LEVELS}
# The highest rank of each dimension.
TOP_RANK = {
    str(dim): max(rank for d, _code, _label, rank in LEVELS if d == dim)
    for dim, _code, _label, _rank in LEVELS
}


def levels_of(dimension: str) -> list[tuple[str, str]]:
    return [(code, label) for dim, code, label, _rank in LEVELS if dim == dimension]
