"""What the generator draws from: names (DOMAIN.md §6), places, unit kinds and
commune posts."""

from __future__ import annotations

from members.models import PositionGroup
from organizations.models import Kind

SURNAMES = (
    ["Nguyễn"] * 38
    + ["Trần"] * 11
    + ["Lê"] * 9
    + ["Phạm"] * 7
    + ["Hoàng"] * 5
    + ["Huỳnh"] * 4
    + ["Phan"] * 4
    + ["Vũ"] * 4
    + ["Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Lương", "Đinh"] * 2
)
MIDDLE_M = ["Văn", "Văn", "Văn", "Hữu", "Đức", "Minh", "Quang", "Công", "Xuân", "Đình"]
MIDDLE_F = [
    "Thị",
    "Thị",
    "Thị",
    "Ngọc",
    "Thu",
    "Thanh",
    "Kim",
    "Hồng",
    "Minh",
    "Phương",
]
GIVEN_M = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Đạt",
    "Hải",
    "Hùng",
    "Huy",
    "Khánh",
    "Long",
    "Mạnh",
    "Nam",
    "Phong",
    "Quân",
    "Sơn",
    "Thắng",
    "Tâm",
    "Trung",
    "Tuấn",
    "Việt",
    "Vinh",
    "Hiếu",
    "Lâm",
    "Lộc",
]
GIVEN_F = [
    "Anh",
    "Chi",
    "Dung",
    "Giang",
    "Hà",
    "Hạnh",
    "Hằng",
    "Hoa",
    "Hương",
    "Lan",
    "Liên",
    "Linh",
    "Loan",
    "Mai",
    "Nga",
    "Nhung",
    "Oanh",
    "Phượng",
    "Quỳnh",
    "Thảo",
    "Trang",
    "Tuyết",
    "Vân",
    "Yến",
]
MINORITIES = ["02", "03", "06", "07", "08", "05", "09", "04", "10", "12"]
RELIGIONS = ["Phật giáo", "Công giáo", "Tin Lành", "Cao Đài", "Hòa Hảo"]
PLACES = [
    "Thanh Chương, Nghệ An",
    "Tân Kỳ, Nghệ An",
    "Quỳ Hợp, Nghệ An",
    "Nghi Lộc, Nghệ An",
    "Nam Đàn, Nghệ An",
    "Bố Trạch, Quảng Bình",
    "Minh Hóa, Quảng Bình",
    "Hương Sơn, Hà Tĩnh",
]
GRASSROOTS_KINDS = [
    (Kind.COMMUNE, "Đảng bộ xã"),
    (Kind.WARD, "Đảng bộ phường"),
    (Kind.AGENCY, "Đảng bộ cơ quan"),
    (Kind.SCHOOL, "Chi bộ trường"),
    (Kind.PUBLIC_SERVICE, "Đảng bộ trung tâm"),
    (Kind.NONSTATE_ENTERPRISE, "Chi bộ công ty"),
    (Kind.POLICE, "Đảng bộ công an"),
]
CELL_KINDS = [
    (Kind.VILLAGE, "Chi bộ thôn"),
    (Kind.RESIDENTIAL_GROUP, "Chi bộ tổ dân phố"),
]
POSITIONS = [
    ("party_secretary", "Bí thư Đảng ủy", PositionGroup.ELECTED),
    ("party_deputy_secretary", "Phó Bí thư Đảng ủy", PositionGroup.ELECTED),
    ("ubnd_chair", "Chủ tịch Ủy ban nhân dân", PositionGroup.ELECTED),
    ("ubnd_vice_chair", "Phó Chủ tịch Ủy ban nhân dân", PositionGroup.ELECTED),
    ("mttq_chair", "Chủ tịch Ủy ban MTTQ", PositionGroup.ELECTED),
    (
        "office_statistics",
        "Công chức Văn phòng – Thống kê",
        PositionGroup.CIVIL_SERVANT,
    ),
    (
        "finance_accounting",
        "Công chức Tài chính – Kế toán",
        PositionGroup.CIVIL_SERVANT,
    ),
    ("village_head", "Trưởng thôn", PositionGroup.VILLAGE),
]
