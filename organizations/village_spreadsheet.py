"""The villages workbook (issue #19 §2): one row per village and period of
its coverage — which cell covers it and who heads it from when to when —
with, optionally, the members living there in a year as the commune reported
them. A village with several periods has several rows."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext_lazy as _

from organizations.models import ResidentialKind
from partyquality.spreadsheet_specs import Column, Spec, labelled

VILLAGES = "villages"
VILLAGES_LABEL = _("Thôn, tổ dân phố và chi bộ phụ trách")
YES_NO = (("1", "Có"), ("0", "Không"))

VILLAGE_SPEC = Spec(
    VILLAGES,
    "Thôn, tổ dân phố",
    (
        Column("code", _("Mã thôn"), required=True, max_length=40, example="TC-TP-V1"),
        Column(
            "name",
            _("Tên thôn, tổ dân phố"),
            required=True,
            max_length=200,
            example="Thôn 1",
            width=24,
        ),
        Column(
            "kind",
            _("Loại"),
            "choice",
            True,
            str(ResidentialKind.VILLAGE.label),
            labelled(ResidentialKind.choices),
            width=14,
        ),
        Column(
            "commune_code",
            _("Mã đơn vị cấp xã"),
            required=True,
            max_length=40,
            example="TC-TP",
        ),
        Column(
            "opened_on",
            _("Ngày thành lập"),
            "date",
            True,
            datetime.date(1990, 1, 1),
            width=14,
        ),
        Column("closed_on", _("Ngày kết thúc"), "date", width=14),
        Column("cell_code", _("Mã chi bộ phụ trách"), max_length=40, example="TC-TP-1"),
        Column(
            "head_name",
            _("Trưởng thôn, tổ trưởng"),
            max_length=200,
            example="Lê Văn Bình",
            width=24,
        ),
        Column(
            "head_is_member",
            _("Trưởng thôn là đảng viên"),
            "bool",
            False,
            "Có",
            YES_NO,
            width=14,
        ),
        Column(
            "valid_from",
            _("Phụ trách từ ngày"),
            "date",
            True,
            datetime.date(1990, 1, 1),
            width=14,
        ),
        Column("valid_to", _("Phụ trách đến ngày"), "date", width=14),
        Column("figure_year", _("Năm số liệu"), "year", example=2024, width=10),
        Column(
            "party_members",
            _("Số đảng viên cư trú"),
            "count",
            example=12,
            width=12,
        ),
    ),
)
