"""The three people import spreadsheets: their columns and coded lists
(``partyquality/spreadsheet_specs.py`` reads headers and builds templates)."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext_lazy as _

from members.ethnicities import ETHNICITIES
from members.models import (
    CARD_NUMBER_PATTERN,
    ERR_CARD_NUMBER_FORMAT,
    ERR_NATIONAL_ID_FORMAT,
    DisciplineForm,
    Gender,
    Origin,
    QualificationStatus,
)
from members.qualifications import LEVELS, Dimension
from partyquality.spreadsheet_specs import Column, Spec, labelled

MEMBERS = "members"
QUALIFICATIONS = "qualifications"
HOLDINGS = "holdings"
DISCIPLINE = "discipline"
RESIDENCES = "residences"

KIND_LABELS = {
    MEMBERS: _("Đảng viên"),
    QUALIFICATIONS: _("Trình độ"),
    HOLDINGS: _("Chức vụ đảm nhiệm"),
    DISCIPLINE: _("Kỷ luật"),
    RESIDENCES: _("Nơi cư trú (thôn, tổ dân phố)"),
}

GENDERS = labelled(Gender.choices)
ETHNICITY_CHOICES = labelled(ETHNICITIES)  # type: ignore[arg-type]
DIMENSIONS = labelled(Dimension.choices)
LEVEL_CHOICES = tuple((code, str(label)) for _d, code, label, _r in LEVELS)
STATUSES = labelled(QualificationStatus.choices)
ORIGINS = labelled(Origin.choices)
FORMS = labelled(DisciplineForm.choices)
YES_NO = (("1", "Có"), ("0", "Không"))

KEY_HEADER = _("Số thẻ đảng viên hoặc CCCD")

SPECS: dict[str, Spec] = {
    MEMBERS: Spec(
        MEMBERS,
        "Đảng viên",
        (
            Column(
                "full_name",
                _("Họ và tên"),
                required=True,
                max_length=120,
                example="Nguyễn Văn An",
                width=28,
            ),
            Column("gender", _("Giới tính"), "choice", True, "Nam", GENDERS, width=10),
            Column(
                "date_of_birth",
                _("Ngày sinh"),
                "date",
                True,
                datetime.date(1980, 5, 17),
                width=12,
            ),
            Column(
                "ethnicity", _("Dân tộc"), "choice", True, "Kinh", ETHNICITY_CHOICES
            ),
            Column("religion", _("Tôn giáo"), max_length=60, example="Không"),
            Column(
                "home_village",
                _("Quê quán"),
                max_length=200,
                example="Thanh Phong, Thanh Chương, Nghệ An",
                width=30,
            ),
            Column(
                "national_id",
                _("Số CCCD"),
                "id",
                example="040080001234",
                pattern_message=ERR_NATIONAL_ID_FORMAT,
            ),
            Column(
                "card_number",
                _("Số thẻ đảng viên"),
                "card",
                example="40.012345",
                max_length=20,
                pattern=CARD_NUMBER_PATTERN,
                pattern_message=ERR_CARD_NUMBER_FORMAT,
            ),
            Column(
                "admitted_on",
                _("Ngày vào Đảng"),
                "date",
                True,
                datetime.date(2005, 3, 3),
                width=14,
            ),
            Column(
                "full_member_on",
                _("Ngày chính thức"),
                "date",
                example=datetime.date(2006, 3, 3),
                width=14,
            ),
            Column(
                "cell_code",
                _("Mã chi bộ"),
                required=True,
                max_length=40,
                example="TC-TP-1",
            ),
        ),
    ),
    QUALIFICATIONS: Spec(
        QUALIFICATIONS,
        "Trình độ",
        (
            Column("person_key", KEY_HEADER, "card", True, "40.012345", width=24),
            Column(
                "dimension",
                _("Lĩnh vực"),
                "choice",
                True,
                str(Dimension.PROFESSIONAL.label),
                DIMENSIONS,
                width=24,
            ),
            Column(
                "level",
                _("Trình độ"),
                "choice",
                True,
                "Đại học",
                LEVEL_CHOICES,
                width=24,
            ),
            Column(
                "status", _("Trạng thái"), "choice", False, "Đã có", STATUSES, width=12
            ),
            Column("expected_year", _("Năm dự kiến xong"), "year", width=12),
            Column("field", _("Chuyên ngành"), max_length=120, example="Luật"),
            Column(
                "institution",
                _("Cơ sở đào tạo"),
                max_length=200,
                example="Đại học Vinh",
                width=24,
            ),
            Column("year", _("Năm tốt nghiệp"), "year", example=2004, width=12),
        ),
    ),
    HOLDINGS: Spec(
        HOLDINGS,
        "Chức vụ",
        (
            Column("person_key", KEY_HEADER, "card", True, "40.012345", width=24),
            Column(
                "unit_code",
                _("Mã đơn vị"),
                required=True,
                max_length=40,
                example="TC-TP",
            ),
            Column(
                "position_code",
                _("Mã chức vụ"),
                required=True,
                max_length=40,
                example="party_secretary",
                width=20,
            ),
            Column(
                "valid_from",
                _("Từ ngày"),
                "date",
                True,
                datetime.date(2020, 10, 1),
                width=12,
            ),
            Column("valid_to", _("Đến ngày"), "date", width=12),
            Column("is_concurrent", _("Kiêm nhiệm"), "bool", False, "Không", YES_NO),
            Column("origin", _("Nguồn"), "choice", False, "Tại chỗ", ORIGINS, width=30),
            # For someone not on file yet (a cadre or village head who is not
            # a party member): created from these, keyed by the CCCD.
            Column(
                "full_name",
                _("Họ và tên (người chưa có hồ sơ)"),
                max_length=120,
                width=28,
            ),
            Column("gender", _("Giới tính"), "choice", False, None, GENDERS, width=10),
            Column("date_of_birth", _("Ngày sinh"), "date", width=12),
            Column("ethnicity", _("Dân tộc"), "choice", False, None, ETHNICITY_CHOICES),
        ),
    ),
    DISCIPLINE: Spec(
        DISCIPLINE,
        "Kỷ luật",
        (
            Column("person_key", KEY_HEADER, "card", False, "40.012345", width=24),
            Column(
                "unit_code",
                _("Mã tổ chức bị kỷ luật"),
                max_length=40,
                width=20,
            ),
            Column(
                "form", _("Hình thức"), "choice", True, "Khiển trách", FORMS, width=14
            ),
            Column(
                "date",
                _("Ngày quyết định"),
                "date",
                True,
                datetime.date(2024, 6, 10),
                width=14,
            ),
            Column(
                "deciding_body",
                _("Cơ quan quyết định"),
                required=True,
                max_length=200,
                example="Ủy ban Kiểm tra Huyện ủy",
                width=28,
            ),
            Column(
                "decision_number",
                _("Số quyết định"),
                required=True,
                max_length=80,
                example="25-QĐ/UBKT",
                width=16,
            ),
            Column("reason", _("Lý do"), max_length=2000, width=40),
        ),
    ),
    # Where members live (issue #19 §2): "villages without a party member"
    # are counted from these where a commune records them.
    RESIDENCES: Spec(
        RESIDENCES,
        "Nơi cư trú",
        (
            Column("person_key", KEY_HEADER, "card", True, "40.012345", width=24),
            Column(
                "village_code",
                _("Mã thôn, tổ dân phố"),
                required=True,
                max_length=40,
                example="TC-TP-V1",
            ),
            Column(
                "valid_from",
                _("Từ ngày"),
                "date",
                True,
                datetime.date(2010, 1, 1),
                width=12,
            ),
            Column("valid_to", _("Đến ngày"), "date", width=12),
        ),
    ),
}
