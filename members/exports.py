"""The filtered member and cadre lists as .xlsx (scoped by the caller's
queryset; formula text neutralised by partyquality.xlsx). National ID numbers
are never exported from a list."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from members.ethnicities import ETHNICITIES
from members.models import Membership, PositionHolding
from members.qualifications import LEVEL_CHOICES
from partyquality.xlsx import Sheet, workbook_response

# A spreadsheet is for a unit's list, not for copying the whole country.
EXPORT_LIMIT = 100_000

ETHNICITY_NAMES = dict(ETHNICITIES)
LEVEL_NAMES = {code: str(label) for code, label in LEVEL_CHOICES}


def _level(code: str | None) -> str:
    return LEVEL_NAMES.get(code or "", "")


def member_workbook(rows: QuerySet[Membership]) -> HttpResponse:
    header = [
        _("Họ và tên"),
        _("Giới tính"),
        _("Ngày sinh"),
        _("Dân tộc"),
        _("Số thẻ đảng viên"),
        _("Chi bộ"),
        _("Tình trạng"),
        _("Ngày vào Đảng"),
        _("Ngày chính thức"),
        _("Chuyên môn cao nhất"),
        _("Lý luận chính trị cao nhất"),
    ]
    data = (
        [
            m.person.full_name,
            m.person.get_gender_display(),
            m.person.date_of_birth,
            ETHNICITY_NAMES.get(m.person.ethnicity, ""),
            m.card_number or "",
            m.current_cell.name if m.current_cell else "",
            m.get_status_display(),
            m.admitted_on,
            m.full_member_on,
            _level(getattr(m, "professional_level", None)),
            _level(getattr(m, "political_level", None)),
        ]
        for m in rows[:EXPORT_LIMIT].iterator(chunk_size=2000)
    )
    sheet = Sheet(_("Đảng viên"), header, data)
    return workbook_response([sheet], f"dang-vien-{timezone.localdate():%Y%m%d}.xlsx")


def cadre_workbook(rows: QuerySet[PositionHolding]) -> HttpResponse:
    header = [
        _("Họ và tên"),
        _("Giới tính"),
        _("Ngày sinh"),
        _("Dân tộc"),
        _("Chức vụ"),
        _("Đơn vị"),
        _("Từ ngày"),
        _("Kiêm nhiệm"),
        _("Nguồn"),
        _("Đảng viên"),
        _("Chuyên môn cao nhất"),
        _("Lý luận chính trị cao nhất"),
    ]
    data = (
        [
            h.person.full_name,
            h.person.get_gender_display(),
            h.person.date_of_birth,
            ETHNICITY_NAMES.get(h.person.ethnicity, ""),
            h.position.name,
            h.unit.name,
            h.valid_from,
            _("Có") if h.is_concurrent else "",
            h.get_origin_display(),
            _("Có") if getattr(h, "is_member", False) else _("Không"),
            _level(getattr(h, "professional_level", None)),
            _level(getattr(h, "political_level", None)),
        ]
        for h in rows[:EXPORT_LIMIT].iterator(chunk_size=2000)
    )
    sheet = Sheet(_("Cán bộ"), header, data)
    return workbook_response([sheet], f"can-bo-{timezone.localdate():%Y%m%d}.xlsx")
