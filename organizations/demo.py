"""The demo province: Nghệ An before and after 1 July 2025, and one user per role.

Everything is built through ``organizations.services`` so the tree's history
(events, lineage, dated links) is the same as an administrator would record
it. Place names come from DOMAIN.md §6; villages, heads and decision numbers
are invented. Idempotent: each unit, event and row is only created when it is
missing, so running ``seed()`` twice changes nothing.

Stable unit codes (codes are never reused, so ``Unit.objects.get(code=...)``
always finds one unit; other demo modules may rely on them):

    NA                      Đảng bộ tỉnh Nghệ An (province, 1930 →)

    Until 30 June 2025 (closed 2025-07-01):
    TC, TK                  Đảng bộ huyện Thanh Chương / Tân Kỳ (superior, kind district)
    TC-TPH TC-TLA TC-TLI    Đảng bộ xã Thanh Phong / Thanh Lâm / Thanh Linh
    TC-TLO TC-TNG           Đảng bộ xã Thanh Long / Thanh Ngọc (closed 2020-01-01,
                            merged into TC-NLO Đảng bộ xã Ngọc Long, 2020 → 2025)
    TK-TTK TK-HSO TK-NPH TK-TAN   thị trấn Tân Kỳ, xã Hương Sơn / Nghĩa Phúc / Tân An
        each commune (grassroots committee, kind commune/township) has cells
        <commune>-T<n> (village cells, "Chi bộ thôn n"; in TK-TTK "Chi bộ khối n")
        and <commune>-TH (primary school), sometimes -MN (kindergarten),
        -QS (military), -CA (police). Villages: residential units <commune>-V<n>.
    TC-DCD                  Đảng bộ Cơ quan Dân chính Đảng huyện Thanh Chương
                            (grassroots committee, dissolved 2025-07-01) with cells
                            TC-DCD-VP, TC-DCD-UB

    Both before and after 1 July 2025 (moved to the new commune committees):
    TC-THPT1                Đảng bộ Trường THPT Thanh Chương 1 (grassroots committee)
                            with cells TC-THPT1-TOAN, TC-THPT1-VAN, TC-THPT1-KHTN
    TC-CHE                  Chi bộ Công ty Cổ phần Chè Hạnh Lâm (grassroots cell)
    TK-BV                   Đảng bộ Bệnh viện Đa khoa huyện Tân Kỳ (grassroots
                            committee) with cells TK-BV-NOI, TK-BV-NGOAI, TK-BV-HC
    TK-THPT                 Chi bộ Trường THPT Tân Kỳ (grassroots cell)
    TK-HTX                  Chi bộ Hợp tác xã Dịch vụ nông nghiệp Nghĩa Phúc

    From 1 July 2025 (superior, kind commune):
    X-TCH                   Đảng bộ xã Thanh Chương ← TC-TPH, TC-TLA, TC-NLO, TC-TLI
    X-TKY                   Đảng bộ xã Tân Kỳ ← TK-TTK, TK-TAN
    X-TPU                   Đảng bộ xã Tân Phú ← TK-HSO, TK-NPH
    (TK-HSO, TK-NPH and X-TPU are difficult areas: ``is_difficult_area``.)
        each old cell <old cell code> became the grassroots cell
        X-<old cell code> (e.g. TC-TPH-T1 → X-TC-TPH-T1), lineage recorded
        by a "reorganize" event; villages re-attached with the same codes.

``KEY_UNITS`` names the codes other demo modules are most likely to need.
The places themselves (communes, villages, cells, district organizations)
are data in ``organizations.demo_places``.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.models import User
from django.db.models import Q

from organizations import services
from organizations.demo_places import (
    COMMUNES,
    D_CELL,
    D_SCHOOL,
    DIFFICULT_AREAS,
    DISSOLVED_2025,
    DISTRICT_ORGS,
    MERGE_2020,
    REFORM_2025,
    TAN_KY,
    THANH_CHUONG,
    Cell,
    Commune,
    Village,
    invented_name,
)
from organizations.models import (
    Assignment,
    Kind,
    Level,
    ResidentialCoverage,
    ResidentialKind,
    ResidentialMemberCount,
    ResidentialUnit,
    Role,
    Unit,
)
from organizations.services import NewUnit

DEMO_PASSWORD = "demo12345"  # noqa: S105 - printed for the newcomer on purpose

KEY_UNITS = {
    "province": "NA",
    "district_2024": "TC",
    "other_district_2024": "TK",
    "commune_2024": "TC-TPH",
    "merged_commune_2020": "TC-NLO",
    "village_cell_2024": "TC-TPH-T1",
    "school_cell_2024": "TC-TPH-TH",
    "school_committee": "TC-THPT1",  # open 2024 and 2026, moved 2025
    "school_committee_cell": "TC-THPT1-TOAN",
    "enterprise_cell": "TC-CHE",
    "hospital_committee": "TK-BV",
    "commune_2026": "X-TCH",
    "other_commune_2026": "X-TKY",
    "village_grassroots_cell_2026": "X-TC-TPH-T1",
}

# (username, role, unit code, description)
DEMO_USERS = [
    ("quantri", Role.ADMIN, "NA", "toàn tỉnh, quản trị cây tổ chức"),
    ("bantochuc_tinh", Role.OFFICER, "NA", "Ban Tổ chức Tỉnh ủy, toàn tỉnh"),
    ("bantochuc_xa", Role.OFFICER, "X-TCH", "Đảng ủy xã Thanh Chương (từ 1/7/2025)"),
    ("bithu", Role.SECRETARY, "TC-THPT1", "Bí thư Đảng ủy Trường THPT Thanh Chương 1"),
    ("thuongvu", Role.READER, "NA", "Ủy viên Ban Thường vụ Tỉnh ủy, chỉ xem"),
]

D_PROVINCE = datetime.date(1930, 1, 1)
D_DISTRICT = datetime.date(1960, 1, 1)
D_COMMUNE = datetime.date(1975, 1, 1)
D_RENAME_2018 = datetime.date(2018, 6, 1)
D_MERGE_2020 = datetime.date(2020, 1, 1)
D_REFORM_2025 = datetime.date(2025, 7, 1)
# The years of the villages' yearly member figures (the demo classifies
# 2023 onwards, assessments/demo.py).
DEMO_FIRST_FIGURE_YEAR = 2020
DEMO_LAST_YEAR = 2026

DEC_MERGE_2020 = "1851-QĐ/TU"
DEC_RENAME_2018 = "245-QĐ/HU"


def _unit(code: str) -> Unit | None:
    return Unit.objects.filter(code=code).first()


def _establish(
    code: str,
    name: str,
    level: str,
    kind: str,
    *,
    parent: Unit | None,
    on: datetime.date,
    decision: str,
) -> Unit:
    existing = _unit(code)
    if existing is not None:
        return existing
    return services.organization_establish(
        new=NewUnit(
            code=code,
            name=name,
            level=level,
            kind=kind,
            is_difficult_area=code in DIFFICULT_AREAS,
        ),
        parent=parent,
        date=on,
        decision_number=decision,
    )


def _cell_name(cell: Cell, place: str, *, with_place: bool) -> str:
    name = f"Chi bộ {cell.label}"
    return f"{name} {place}" if with_place and cell.needs_place else name


def _build_commune(commune: Commune, district: Unit, number: int) -> None:
    opened = D_COMMUNE if commune.kind == Kind.COMMUNE else datetime.date(1985, 1, 1)
    unit = _establish(
        commune.code,
        commune.name,
        Level.GRASSROOTS_COMMITTEE,
        commune.kind,
        parent=district,
        on=opened,
        decision=f"{100 + number}-QĐ/HU",
    )
    for cell in commune.cells:
        # Thanh Phong's cells were still "xóm" cells until 2018.
        old_label = (
            cell.label.replace("thôn", "xóm") if commune.code == "TC-TPH" else None
        )
        first_name = _cell_name(
            Cell(cell.suffix, old_label or cell.label), "", with_place=False
        )
        _establish(
            f"{commune.code}-{cell.suffix}",
            first_name,
            Level.CELL,
            cell.kind,
            parent=unit,
            on=D_SCHOOL if cell.kind == Kind.SCHOOL else D_CELL,
            decision=f"{200 + number}-QĐ/ĐU",
        )
    for village in commune.villages:
        _village(commune, village, unit, since=opened, with_place=False)


def _village(
    commune: Commune,
    village: Village,
    unit: Unit,
    *,
    since: datetime.date,
    with_place: bool,
    cell_code: str | None = None,
) -> ResidentialUnit:
    code = f"{commune.code}-V{village.number}"
    existing = ResidentialUnit.objects.filter(code=code, commune=unit).first()
    if existing is not None:
        return existing
    ResidentialCoverage.objects.filter(
        residential_unit__code=code,
        residential_unit__closed_on__isnull=True,
        valid_to__isnull=True,
    ).update(valid_to=since)
    ResidentialUnit.objects.filter(code=code, closed_on__isnull=True).update(
        closed_on=since
    )
    word = "Khối" if village.kind == ResidentialKind.RESIDENTIAL_GROUP else "Thôn"
    name = f"{word} {village.number}" + (f" {commune.place}" if with_place else "")
    if cell_code is None and village.cell:
        cell_code = f"{commune.code}-{village.cell}"
    seed = sum(map(ord, code))
    row = ResidentialUnit(code=code, name=name, kind=village.kind, commune=unit)
    row.opened_on = since
    row.full_clean()
    row.save()
    ResidentialCoverage.objects.create(
        residential_unit=row,
        covering_cell=Unit.objects.get(code=cell_code) if cell_code else None,
        head_name=invented_name(seed),
        # Most heads are members (DOMAIN.md §6: 80–95%); some are not.
        head_is_party_member=seed % 6 != 1,
        valid_from=since,
    )
    # The commune's yearly figure of members living there (no residences
    # are recorded in the demo), for the years the demo classifies.
    ResidentialMemberCount.objects.bulk_create(
        ResidentialMemberCount(
            residential_unit=row, year=year, party_members=village.members
        )
        for year in range(max(since.year, DEMO_FIRST_FIGURE_YEAR), DEMO_LAST_YEAR + 1)
    )
    return row


def _rename_thanh_phong_cells() -> None:
    for cell in COMMUNES["TC-TPH"].cells:
        unit = Unit.objects.get(code=f"TC-TPH-{cell.suffix}")
        target = _cell_name(cell, "", with_place=False)
        if unit.name != target:
            services.organization_rename(
                unit=unit,
                new_name=target,
                date=D_RENAME_2018,
                decision_number=DEC_RENAME_2018,
                note="Đổi tên xóm thành thôn.",
            )


def _merge_2020() -> None:
    code, name, old_codes = MERGE_2020
    if _unit(code) is None:
        services.organization_merge(
            units=[Unit.objects.get(code=c) for c in old_codes],
            new=NewUnit(
                code=code,
                name=name,
                level=Level.GRASSROOTS_COMMITTEE,
                kind=Kind.COMMUNE,
            ),
            date=D_MERGE_2020,
            decision_number=DEC_MERGE_2020,
            note="Sáp nhập xã Thanh Long và xã Thanh Ngọc thành xã Ngọc Long.",
        )
    merged = Unit.objects.get(code=code)
    for old_code in old_codes:
        commune = COMMUNES[old_code]
        for cell in commune.cells:
            unit = Unit.objects.get(code=f"{old_code}-{cell.suffix}")
            target = _cell_name(cell, commune.place, with_place=True)
            if unit.name != target:
                services.organization_rename(
                    unit=unit,
                    new_name=target,
                    date=D_MERGE_2020,
                    decision_number=DEC_MERGE_2020,
                )
        for village in commune.villages:
            _village(commune, village, merged, since=D_MERGE_2020, with_place=True)


def _reform_2025(province: Unit) -> None:
    for code, name, decision, old_codes, moved in REFORM_2025:
        if _unit(code) is None:
            services.organization_merge(
                units=[Unit.objects.get(code=c) for c in old_codes],
                new=NewUnit(
                    code=code,
                    name=name,
                    level=Level.SUPERIOR,
                    kind=Kind.COMMUNE,
                    is_difficult_area=code in DIFFICULT_AREAS,
                ),
                parent=province,
                date=D_REFORM_2025,
                decision_number=decision,
                note="Sắp xếp đơn vị hành chính cấp xã, không tổ chức cấp huyện.",
            )
        new_commune = Unit.objects.get(code=code)
        # The merged communes' cells came along as cells; each becomes a chi
        # bộ cơ sở directly under the new commune committee.
        for old_code in old_codes:
            for commune in _original_communes(old_code):
                for cell in commune.cells:
                    _cell_to_grassroots(commune, cell, decision)
                for village in commune.villages:
                    new_cell = (
                        f"X-{commune.code}-{village.cell}" if village.cell else None
                    )
                    _village(
                        commune,
                        village,
                        new_commune,
                        since=D_REFORM_2025,
                        with_place=True,
                        cell_code=new_cell,
                    )
        for moved_code in moved:
            unit = Unit.objects.get(code=moved_code)
            link = services.current_link(unit, D_REFORM_2025)
            if link is None or link.parent_id != new_commune.pk:
                services.organization_move(
                    unit=unit,
                    new_parent=new_commune,
                    date=D_REFORM_2025,
                    decision_number=decision,
                )


def _original_communes(code: str) -> list[Commune]:
    if code == MERGE_2020[0]:
        return [COMMUNES[c] for c in MERGE_2020[2]]
    return [COMMUNES[code]]


def _cell_to_grassroots(commune: Commune, cell: Cell, decision: str) -> None:
    old_code = f"{commune.code}-{cell.suffix}"
    if _unit(f"X-{old_code}") is not None:
        return
    services.organization_reorganize(
        unit=Unit.objects.get(code=old_code),
        new=NewUnit(
            code=f"X-{old_code}",
            name=_cell_name(cell, commune.place, with_place=True),
            level=Level.GRASSROOTS_CELL,
            kind=cell.kind,
        ),
        date=D_REFORM_2025,
        decision_number=decision,
    )


def _dissolve_2025() -> None:
    for code in DISSOLVED_2025:
        unit = Unit.objects.get(code=code)
        cells = Unit.objects.filter(code__startswith=f"{code}-").order_by("code")
        for cell in [*cells, unit]:
            if cell.closed_on is None:
                services.organization_dissolve(
                    unit=cell, date=D_REFORM_2025, decision_number="3800-QĐ/TU"
                )
    for district in Unit.objects.filter(code__in=["TC", "TK"], closed_on__isnull=True):
        services.organization_dissolve(
            unit=district,
            date=D_REFORM_2025,
            decision_number="3799-QĐ/TU",
            note="Kết thúc hoạt động của đảng bộ cấp huyện.",
        )


def build_tree() -> None:
    province = _establish(
        "NA",
        "Đảng bộ tỉnh Nghệ An",
        Level.PROVINCE,
        Kind.PROVINCE,
        parent=None,
        on=D_PROVINCE,
        decision="01-QĐ/TW",
    )
    districts = {
        code: _establish(
            code,
            name,
            Level.SUPERIOR,
            Kind.DISTRICT,
            parent=province,
            on=D_DISTRICT,
            decision=f"{n}-QĐ/TU",
        )
        for n, (code, name) in enumerate(
            [("TC", "Đảng bộ huyện Thanh Chương"), ("TK", "Đảng bộ huyện Tân Kỳ")], 1
        )
    }
    for n, commune in enumerate(THANH_CHUONG + TAN_KY):
        _build_commune(commune, districts[commune.code[:2]], n)
    for district_code, orgs in DISTRICT_ORGS.items():
        for n, (code, name, level, kind, opened, cells) in enumerate(orgs):
            org = _establish(
                code,
                name,
                level,
                kind,
                parent=districts[district_code],
                on=opened,
                decision=f"{50 + n}-QĐ/HU",
            )
            for suffix, cell_name in cells:
                _establish(
                    f"{code}-{suffix}",
                    cell_name,
                    Level.CELL,
                    Kind.DEPARTMENT,
                    parent=org,
                    on=opened,
                    decision=f"{60 + n}-QĐ/ĐU",
                )
    _rename_thanh_phong_cells()
    _merge_2020()
    _reform_2025(province)
    _dissolve_2025()


def seed_users() -> None:
    for username, role, code, _desc in DEMO_USERS:
        user, created = User.objects.get_or_create(username=username)
        if created:
            user.set_password(DEMO_PASSWORD)
            user.is_staff = user.is_superuser = role == Role.ADMIN
            user.save()
        unit = Unit.objects.get(code=code)
        if not Assignment.objects.filter(Q(user=user) & Q(unit=unit)).exists():
            Assignment.objects.create(
                user=user,
                unit=unit,
                role=role,
                valid_from=max(unit.opened_on, datetime.date(2020, 1, 1)),
            )


def seed() -> None:
    build_tree()
    seed_users()
