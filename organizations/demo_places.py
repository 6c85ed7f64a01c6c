"""The places of the demo province: its communes, villages, cells and the
district-level organizations, as data (names from DOMAIN.md §6; villages,
member counts and decision numbers invented). ``organizations.demo`` builds
the tree from them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from organizations.models import Kind, Level, ResidentialKind

D_CELL = datetime.date(1990, 1, 1)
D_SCHOOL = datetime.date(2000, 9, 1)


@dataclass
class Cell:
    suffix: str  # code = <commune code>-<suffix>
    label: str  # "thôn 1", "Trường Tiểu học Thanh Phong"
    kind: str = Kind.VILLAGE
    # Village cells share names across communes, so once communes merge they
    # carry the old commune's name ("Chi bộ thôn 1 Thanh Long").
    needs_place: bool = True


@dataclass
class Village:
    number: int
    cell: str | None  # suffix of the covering cell; None: village without a cell
    members: int
    kind: str = ResidentialKind.VILLAGE


@dataclass
class Commune:
    code: str
    place: str  # "Thanh Phong"
    villages: list[Village]
    extra_cells: list[Cell]
    kind: str = Kind.COMMUNE
    village_word: str = "thôn"
    cells: list[Cell] = field(default_factory=list)

    @property
    def name(self) -> str:
        prefix = "thị trấn" if self.kind == Kind.TOWNSHIP else "xã"
        return f"Đảng bộ {prefix} {self.place}"

    def __post_init__(self) -> None:
        suffixes = sorted({v.cell for v in self.villages if v.cell}, key=_natural)
        for suffix in suffixes:
            numbers = [str(v.number) for v in self.villages if v.cell == suffix]
            word = self.village_word
            label = " – ".join(f"{word} {n}" for n in numbers)  # chi bộ ghép
            self.cells.append(Cell(suffix, label))
        self.cells.extend(self.extra_cells)


def _natural(suffix: str) -> tuple[int, str]:
    digits = "".join(ch for ch in suffix if ch.isdigit())
    return (int(digits) if digits else 0, suffix)


def _villages(count: int, *, shared: tuple[int, int] | None = None, **kw) -> list:
    """Villages 1..count, each with its own cell, except a pair sharing one
    (chi bộ ghép) and ``without`` (a village without a cell)."""
    without = kw.get("without")
    members = kw.get("members", {})
    out = []
    for n in range(1, count + 1):
        if n == without:
            cell = None
        elif shared and n == shared[1]:
            cell = f"T{shared[0]}"
        else:
            cell = f"T{n}"
        out.append(Village(n, cell, members.get(n, 18 + (n * 7) % 23)))
    return out


def _school(place: str, kind: str = "TH") -> Cell:
    names = {"TH": "Trường Tiểu học", "MN": "Trường Mầm non", "CS": "Trường THCS"}
    return Cell(kind, f"{names[kind]} {place}", Kind.SCHOOL, needs_place=False)


def _armed(place: str, kind: str) -> Cell:
    if kind == "QS":
        return Cell("QS", f"Quân sự xã {place}", Kind.ARMY, needs_place=False)
    return Cell("CA", f"Công an xã {place}", Kind.POLICE, needs_place=False)


THANH_CHUONG = [
    Commune(
        "TC-TPH",
        "Thanh Phong",
        _villages(7, shared=(6, 7)),
        [_school("Thanh Phong"), _school("Thanh Phong", "MN")],
    ),
    Commune(
        "TC-TLA",
        "Thanh Lâm",
        _villages(6, without=6, members={6: 2}),
        [_school("Thanh Lâm")],
    ),
    Commune("TC-TLO", "Thanh Long", _villages(5), [_school("Thanh Long")]),
    Commune(
        "TC-TNG",
        "Thanh Ngọc",
        _villages(4),
        [_school("Thanh Ngọc"), _armed("Thanh Ngọc", "CA")],
    ),
    Commune(
        "TC-TLI",
        "Thanh Linh",
        _villages(8, shared=(7, 8)),
        [_school("Thanh Linh"), _armed("Thanh Linh", "QS")],
    ),
]
TAN_KY = [
    Commune(
        "TK-TTK",
        "Tân Kỳ",
        [
            Village(n, f"T{n}", 25 + n * 4, ResidentialKind.RESIDENTIAL_GROUP)
            for n in range(1, 6)
        ],
        [_school("thị trấn Tân Kỳ", "CS")],
        kind=Kind.TOWNSHIP,
        village_word="khối",
    ),
    Commune(
        "TK-HSO",
        "Hương Sơn",
        _villages(6, shared=(5, 6)),
        [_school("Hương Sơn")],
    ),
    Commune(
        "TK-NPH",
        "Nghĩa Phúc",
        _villages(5, without=5, members={5: 0}),
        [_school("Nghĩa Phúc"), _school("Nghĩa Phúc", "MN")],
    ),
    Commune("TK-TAN", "Tân An", _villages(4), [_school("Tân An")]),
]
COMMUNES = {c.code: c for c in THANH_CHUONG + TAN_KY}

# The 2020 merger (NQ of the National Assembly Standing Committee on communes
# of Nghệ An, 2019): Thanh Long and Thanh Ngọc become xã Ngọc Long.
MERGE_2020 = ("TC-NLO", "Đảng bộ xã Ngọc Long", ["TC-TLO", "TC-TNG"])

# (code, name, level, kind, opened, cells [(suffix, name)])
DISTRICT_ORGS = {
    "TC": [
        (
            "TC-THPT1",
            "Đảng bộ Trường THPT Thanh Chương 1",
            Level.GRASSROOTS_COMMITTEE,
            Kind.PUBLIC_SERVICE,
            datetime.date(1995, 1, 1),
            [
                ("TOAN", "Chi bộ Tổ Toán – Tin"),
                ("VAN", "Chi bộ Tổ Ngữ văn"),
                ("KHTN", "Chi bộ Tổ Khoa học tự nhiên"),
            ],
        ),
        (
            "TC-CHE",
            "Chi bộ Công ty Cổ phần Chè Hạnh Lâm",
            Level.GRASSROOTS_CELL,
            Kind.NONSTATE_ENTERPRISE,
            datetime.date(2005, 3, 1),
            [],
        ),
        (
            "TC-DCD",
            "Đảng bộ Cơ quan Dân chính Đảng huyện Thanh Chương",
            Level.GRASSROOTS_COMMITTEE,
            Kind.AGENCY,
            D_CELL,
            [
                ("VP", "Chi bộ Văn phòng Huyện ủy"),
                ("UB", "Chi bộ Văn phòng HĐND – UBND huyện"),
            ],
        ),
    ],
    "TK": [
        (
            "TK-BV",
            "Đảng bộ Bệnh viện Đa khoa huyện Tân Kỳ",
            Level.GRASSROOTS_COMMITTEE,
            Kind.PUBLIC_SERVICE,
            datetime.date(1998, 1, 1),
            [
                ("NOI", "Chi bộ Khối Nội"),
                ("NGOAI", "Chi bộ Khối Ngoại"),
                ("HC", "Chi bộ Hành chính – Cận lâm sàng"),
            ],
        ),
        (
            "TK-THPT",
            "Chi bộ Trường THPT Tân Kỳ",
            Level.GRASSROOTS_CELL,
            Kind.PUBLIC_SERVICE,
            D_SCHOOL,
            [],
        ),
        (
            "TK-HTX",
            "Chi bộ Hợp tác xã Dịch vụ nông nghiệp Nghĩa Phúc",
            Level.GRASSROOTS_CELL,
            Kind.COOPERATIVE,
            datetime.date(2008, 5, 1),
            [],
        ),
    ],
}

# 1 July 2025 (QĐ 294-QĐ/TW pilot; decisions of the provincial standing
# committee): districts abolished, new commune committees directly under the
# province, grassroots organizations of the districts moved under them.
REFORM_2025 = [
    (
        "X-TCH",
        "Đảng bộ xã Thanh Chương",
        "3812-QĐ/TU",
        ["TC-TPH", "TC-TLA", "TC-NLO", "TC-TLI"],
        ["TC-THPT1", "TC-CHE"],
    ),
    (
        "X-TKY",
        "Đảng bộ xã Tân Kỳ",
        "3840-QĐ/TU",
        ["TK-TTK", "TK-TAN"],
        ["TK-BV", "TK-THPT"],
    ),
    ("X-TPU", "Đảng bộ xã Tân Phú", "3841-QĐ/TU", ["TK-HSO", "TK-NPH"], ["TK-HTX"]),
]
DISSOLVED_2025 = ["TC-DCD"]

# Mountainous communes of Tân Kỳ: Decree 33/2023 accepts intermediate degrees
# for civil servants there (DOMAIN.md §4).
DIFFICULT_AREAS = {"TK-HSO", "TK-NPH", "X-TPU"}

FAMILY = ["Nguyễn", "Trần", "Lê", "Phan", "Hồ", "Võ", "Đặng", "Bùi", "Hoàng", "Đinh"]
MIDDLE = ["Văn", "Thị", "Đình", "Hữu", "Xuân", "Công", "Thị Thu", "Quang"]
GIVEN = [
    "Hùng",
    "Lan",
    "Thắng",
    "Hòa",
    "Tâm",
    "Minh",
    "Nga",
    "Sơn",
    "Bình",
    "Hải",
    "Cường",
]


def invented_name(seed: int) -> str:
    return (
        f"{FAMILY[seed % len(FAMILY)]} {MIDDLE[(seed * 3) % len(MIDDLE)]} "
        f"{GIVEN[(seed * 7) % len(GIVEN)]}"
    )
