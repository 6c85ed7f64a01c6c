"""Per-commune rollups of the yearly snapshots (issue #15): written once a
commune's every grassroots organization is approved, gone when one is
reopened, rebuilt and proved by ``rebuild_snapshots``; reports of a province
read them and print the same figures as from the rows."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from assessments import snapshot_rebuild
from assessments.models import CommuneYearRollup, UnitYearSnapshot
from assessments.reports import (
    cadre_standardization,
    coverage,
    member_quality,
    organization_quality,
    trends,
)
from assessments.reports.common import Ratio
from members.models import PositionGroup
from organizations.models import Kind, Level
from organizations.services import residential_unit_create
from tests.factories import make_unit
from tests.reports.data import (
    approve,
    cadre,
    classify_member,
    classify_unit,
    member,
    position,
    reopen,
)

D = datetime.date
YEAR = 2025
REPORTS = (
    organization_quality,
    member_quality,
    coverage,
    cadre_standardization,
    trends,
)


@pytest.fixture
def tan_phu(tree):  # type: ignore[no-untyped-def]
    """A commune committee above grassroots since 1 July 2025 (QĐ 294):
    the commune's agency committee with two village cells, a village
    grassroots cell, and the former commune Tân Phú cũ, kept as a
    grassroots committee with one cell (a commune of its own inside the new
    one). Seven members, every unit classified."""
    commune = make_unit(
        tree.province,
        code="TPH",
        name="Đảng bộ xã Tân Phú",
        level=Level.SUPERIOR,
        kind=Kind.COMMUNE,
    )
    agency = make_unit(
        commune,
        code="TPH-CQ",
        name="Đảng bộ Cơ quan xã Tân Phú",
        level=Level.GRASSROOTS_COMMITTEE,
        kind=Kind.AGENCY,
    )
    village1 = make_unit(agency, code="TPH-CQ-1", name="Chi bộ thôn Một")
    village2 = make_unit(agency, code="TPH-CQ-2", name="Chi bộ thôn Hai")
    village3 = make_unit(
        commune, code="TPH-3", name="Chi bộ thôn Ba", level=Level.GRASSROOTS_CELL
    )
    former = make_unit(
        commune,
        code="TPH-CU",
        name="Đảng bộ xã Tân Phú cũ",
        level=Level.GRASSROOTS_COMMITTEE,
        kind=Kind.COMMUNE,
    )
    village4 = make_unit(former, code="TPH-CU-1", name="Chi bộ thôn Bốn")
    for name, cell in (
        ("Thôn Một", village1),
        ("Thôn Hai", village2),
        ("Thôn Năm", None),
    ):
        residential_unit_create(
            code=name,
            name=name,
            kind="village",
            commune=commune,
            covering_cell=cell,
            head_is_party_member=cell is not None,
            member_counts=dict.fromkeys(range(2000, 2031), 0 if cell is None else 3),
            opened_on=D(2000, 1, 1),
        )
    people = [
        (village1, "Lò Văn Một", "excellent"),
        (village1, "Lò Văn Hai", "good"),
        (village2, "Hà Thị Ba", "good"),
        (village3, "Vi Văn Bốn", "completed"),
        (village3, "Vi Văn Năm", "good"),
        (village4, "Lương Văn Sáu", "not_completed"),
        (village4, "Lương Văn Bảy", "good"),
    ]
    for cell, name, code in people:
        classify_member(member(cell, name), YEAR, cell, code)
    member(village4, "Lương Thị Tám", admitted=D(2025, 5, 19))
    for unit, code in (
        (agency, "excellent"),
        (village1, "good"),
        (village2, "good"),
        (village3, "completed"),
        (former, "not_completed"),
        (village4, "good"),
    ):
        classify_unit(unit, YEAR, code)
    cadre(
        "Nguyễn Chủ Tịch",
        commune,
        position("ubnd_chair", PositionGroup.ELECTED, "Chủ tịch UBND"),
        quals=[("general", "upper_secondary"), ("professional", "university")],
    )
    return commune, agency, village3, former


def _figures(report) -> list:  # type: ignore[no-untyped-def]
    """Everything a report prints, but its approval lines."""
    return [(t.key, t.title, t.rows, t.total, t.note) for t in report.tables()]


def _all_reports(root, user) -> dict:  # type: ignore[no-untyped-def]
    return {m.SLUG: _figures(m.build(root=root, year=YEAR, user=user)) for m in REPORTS}


def _without_rollups() -> None:
    """The snapshot as it stood before rollups: rows only."""
    CommuneYearRollup.objects.all().delete()
    UnitYearSnapshot.objects.update(rolled_up=False)


def test_a_commune_is_rolled_up_once_complete_and_no_longer_when_reopened(
    tan_phu, tree
) -> None:
    commune, agency, village3, former = tan_phu
    approve(agency, village3, year=YEAR)
    assert not CommuneYearRollup.objects.exists()
    assert not UnitYearSnapshot.objects.filter(rolled_up=True).exists()

    approve(former, year=YEAR)
    rolled = UnitYearSnapshot.objects.filter(year=YEAR, rolled_up=True)
    # The commune's own row, the agency and its two cells, the village
    # cell, the former commune and its cell.
    assert rolled.count() == 7
    rollup = CommuneYearRollup.objects.filter(year=YEAR, unit=commune)
    assert sum(r.units for r in rollup) == 7
    assert sum(r.members for r in rollup) == 8
    assert {(r.commune_id, r.level) for r in rollup if r.own} == {
        (commune.pk, Level.SUPERIOR),
        (former.pk, Level.GRASSROOTS_COMMITTEE),
    }
    assert all(r.path == [tree.province.pk, commune.pk] for r in rollup)
    written = sorted(
        CommuneYearRollup.objects.filter(year=YEAR).values_list(
            "commune_id", "level", "kind", "own", "units", "members", "unit_tier_4"
        )
    )
    assert snapshot_rebuild.year_snapshots_verify(YEAR) == []

    reopen(village3, year=YEAR)
    assert not CommuneYearRollup.objects.exists()
    assert not UnitYearSnapshot.objects.filter(rolled_up=True).exists()
    assert UnitYearSnapshot.objects.filter(year=YEAR).count() == 5

    approve(village3, year=YEAR)
    assert (
        sorted(
            CommuneYearRollup.objects.filter(year=YEAR).values_list(
                "commune_id", "level", "kind", "own", "units", "members", "unit_tier_4"
            )
        )
        == written
    )


def test_rebuild_rewrites_the_rollups_and_the_proof_finds_one_changed(
    tan_phu,
) -> None:
    commune, agency, village3, former = tan_phu
    approve(agency, village3, former, year=YEAR)
    written = sorted(
        CommuneYearRollup.objects.filter(year=YEAR).values_list(
            "commune_id", "level", "kind", "own", "units", "members", "villages"
        )
    )
    _without_rollups()
    found = [(d.unit_id, d.what) for d in snapshot_rebuild.year_snapshots_verify(YEAR)]
    assert found[0] == (commune.pk, "thiếu tổng hợp xã đã đủ duyệt")
    assert {what for _unit, what in found[1:]} == {"đánh dấu đã tổng hợp sai"}
    assert len(found) == 1 + 7
    out = StringIO()
    call_command("rebuild_snapshots", stdout=out, stderr=StringIO())
    assert "Năm 2025: số liệu chốt khớp với dữ liệu chi tiết" in out.getvalue()
    assert (
        sorted(
            CommuneYearRollup.objects.filter(year=YEAR).values_list(
                "commune_id", "level", "kind", "own", "units", "members", "villages"
            )
        )
        == written
    )
    assert UnitYearSnapshot.objects.filter(rolled_up=True).count() == 7

    # A rollup changed behind the rows' back: the proof names the commune.
    CommuneYearRollup.objects.filter(unit=commune, own=True, commune=commune).update(
        villages=9
    )
    assert [
        (d.unit_id, d.what) for d in snapshot_rebuild.year_snapshots_verify(YEAR)
    ] == [(commune.pk, "tổng hợp xã khác số liệu các đơn vị")]


def test_a_province_report_reads_the_rollup_and_prints_the_figures_of_the_rows(
    tan_phu, tree, province_officer
) -> None:
    _commune, agency, village3, former = tan_phu
    approve(agency, village3, former, year=YEAR)
    assert snapshot_rebuild.year_snapshots_verify(YEAR) == []
    scope_rows = organization_quality.Scope.for_user(tree.province, province_officer)
    assert scope_rows.year(YEAR).rolled

    from_rollups = _all_reports(tree.province, province_officer)
    report = organization_quality.build(
        root=tree.province, year=YEAR, user=province_officer
    )
    # By hand: three grassroots organizations (the agency excellent, the
    # village cell completed, the former commune not completed) and three
    # cells under them, all good.
    grassroots = report.groups["grassroots"]
    assert (grassroots.total, grassroots.classified, grassroots.tiers) == (
        3,
        3,
        {1: 1, 2: 0, 3: 1, 4: 1},
    )
    assert report.groups["cell"].top_two == Ratio(3, 3)
    assert [w.name for w in report.weak_units] == ["Đảng bộ xã Tân Phú cũ"]
    members = member_quality.build(root=tree.province, year=YEAR, user=province_officer)
    assert (members.now.members, members.now.classified, members.admitted) == (8, 7, 1)
    assert members.now.tiers == {1: 1, 2: 4, 3: 1, 4: 1}
    villages = coverage.build(root=tree.province, year=YEAR, user=province_officer)
    # Two communes: the new one (three villages, one without a cell; the
    # agency's two cells and the village cell) and the former one inside it
    # (no villages of its own, one cell).
    assert [
        (c.name, c.villages, c.without_cell, c.cells) for c in villages.communes
    ] == [
        ("Đảng bộ xã Tân Phú", 3, 1, 3),
        ("Đảng bộ xã Tân Phú cũ", 0, 0, 1),
    ]
    cadres = cadre_standardization.build(
        root=tree.province, year=YEAR, user=province_officer
    )
    assert (cadres.total.posts, cadres.total.university) == (1, 1)

    _without_rollups()
    assert _all_reports(tree.province, province_officer) == from_rollups


def test_a_partly_approved_commune_is_read_from_its_rows(
    tan_phu, tree, province_officer
) -> None:
    _commune, agency, village3, former = tan_phu
    approve(agency, village3, former, year=YEAR)
    reopen(former, year=YEAR)
    assert not CommuneYearRollup.objects.exists()

    report = organization_quality.build(
        root=tree.province, year=YEAR, user=province_officer
    )
    grassroots = report.groups["grassroots"]
    assert (grassroots.total, grassroots.tiers) == (2, {1: 1, 2: 0, 3: 1, 4: 0})
    members = member_quality.build(root=tree.province, year=YEAR, user=province_officer)
    assert members.now.members == 5
    assert str(report.approval) == "2/5 tổ chức cơ sở đảng đã được duyệt"
    partial = _all_reports(tree.province, province_officer)

    # Another commune complete beside it: the partly approved one still
    # counts its rows, the complete one its rollup, with the same figures.
    approve(tree.commune, year=YEAR)
    assert CommuneYearRollup.objects.filter(unit=tree.commune).exists()
    both = _all_reports(tree.province, province_officer)
    assert both != partial
    _without_rollups()
    assert _all_reports(tree.province, province_officer) == both


def test_the_approval_count_reads_the_rollups_of_complete_communes(
    tan_phu, tree, province_officer
) -> None:
    """ "n/N" counts a complete commune from its rollup without walking into
    it, and the figure is the same as from walking its tree."""
    _commune, agency, village3, former = tan_phu
    approve(agency, village3, former, tree.commune, year=YEAR)
    scope = organization_quality.Scope.for_user(tree.province, province_officer)
    approval = scope.year(YEAR).approval
    # Grassroots: the three of Tân Phú, Thanh Phong and Hương Sơn (not
    # approved). Communes: Tân Phú, Tân Phú cũ, Thanh Phong, Hương Sơn.
    assert (approval.approved, approval.total) == (4, 5)
    assert (approval.communes_approved, approval.communes) == (3, 4)
    _without_rollups()
    scope = organization_quality.Scope.for_user(tree.province, province_officer)
    assert scope.year(YEAR).approval == approval
