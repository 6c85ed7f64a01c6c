"""The tree workbook: one row per unit, for import and export alike (issue #19 §1).

A unit is named by its code; its parent by the parent's code, among the units
open on the unit's opening date (codes are unique among open units only: a
closed unit's code may be used again). A closed unit gives its closing date,
the decision closing it and the code of the unit that took it over, if any.
"""

from __future__ import annotations

import datetime

from django.utils.translation import gettext_lazy as _

from organizations.models import Kind, Level
from partyquality.spreadsheet_specs import Column, Spec, labelled

TREE = "tree"
TREE_LABEL = _("Hệ thống tổ chức đảng")

LEVELS = labelled(Level.choices)
KINDS = labelled(Kind.choices)
YES_NO = (("1", "Có"), ("0", "Không"))

TREE_SPEC = Spec(
    TREE,
    "Tổ chức đảng",
    (
        Column("code", _("Mã"), required=True, max_length=40, example="TC-TP"),
        Column(
            "name",
            _("Tên"),
            required=True,
            max_length=200,
            example="Đảng bộ xã Thanh Phong",
            width=34,
        ),
        Column(
            "level",
            _("Cấp"),
            "choice",
            True,
            str(Level.GRASSROOTS_COMMITTEE.label),
            LEVELS,
            width=24,
        ),
        Column("kind", _("Loại hình"), "choice", True, str(Kind.COMMUNE.label), KINDS),
        Column(
            "parent_code",
            _("Mã tổ chức cấp trên"),
            max_length=40,
            example="TC",
            width=20,
        ),
        Column(
            "opened_on",
            _("Ngày thành lập"),
            "date",
            True,
            datetime.date(1976, 3, 1),
            width=14,
        ),
        Column(
            "decision_number",
            _("Số quyết định thành lập"),
            required=True,
            max_length=80,
            example="15-QĐ/HU",
            width=20,
        ),
        Column("closed_on", _("Ngày kết thúc"), "date", width=14),
        Column(
            "closing_decision",
            _("Số quyết định kết thúc"),
            max_length=80,
            width=20,
        ),
        Column("successor_code", _("Mã tổ chức kế tục"), max_length=40, width=20),
        Column(
            "is_difficult_area",
            _("Vùng khó khăn"),
            "bool",
            False,
            "Không",
            YES_NO,
            width=12,
        ),
    ),
)
