"""The imports follow today's tree (issue #16, dated access): Chi bộ thôn 2
moves from Đảng bộ xã Thanh Phong (A) to Đảng bộ xã Hương Sơn (B) on
1 July 2025, and Chi bộ Hương Sơn 2 is to move from B to A next month. A
file naming a unit or a person the secretary reached only in the past, or
will reach only later, is refused like any other out of reach; a member who
left before the move stays with A, whose cell they left.

The organizations' imports (tree, villages, the board's classifications)
are tried on Đảng bộ xã Thanh Phong moved from Huyện Thanh Chương to Huyện
Tân Kỳ on the same day: the tree and villages by today's tree, the
classifications by the tree of their year, as the review pages read it."""

from __future__ import annotations

import datetime
from io import BytesIO
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from members import services
from organizations.services import organization_move
from partyquality import importing
from tests.assessments.test_board_import import row as board_row
from tests.assessments.test_board_import import xlsx as board_xlsx
from tests.factories import make_unit
from tests.members.factories import make_member
from tests.members.import_files import member_row, xlsx
from tests.organizations.test_tree_import import row as tree_row
from tests.organizations.test_tree_import import xlsx as tree_xlsx
from tests.organizations.test_village_import import row as village_row
from tests.organizations.test_village_import import xlsx as village_xlsx

MOVED = datetime.date(2025, 7, 1)
NOT_USABLE = (
    "Không nhập được số này trong phạm vi bạn được cập nhật. Hãy kiểm tra lại số; "
    "nếu số đúng, hãy đề nghị cấp ủy cấp trên xử lý."
)


def _errors(result: importing.ImportResult) -> list[str]:
    return [f"{r.number}|{h}|{m}" for r in result.error_rows for h, m in r.errors]


def _dry_run(kind: str, content: bytes, user: Any) -> list[str]:
    return _errors(
        importing.import_file(kind, BytesIO(content), commit=False, user=user)
    )


@pytest.fixture
def cell_moved(tree):  # type: ignore[no-untyped-def]
    left = make_member(tree.cell2, full_name="Nguyễn Văn Cũ", card_number="40.900001")
    services.member_leave(
        membership=left,
        kind="resignation",
        date=datetime.date(2025, 3, 1),
        decision_number="3-QĐ/ĐU",
    )
    stayed = make_member(
        tree.cell2, full_name="Trần Thị Ở Lại", card_number="40.900002"
    )
    organization_move(
        unit=tree.cell2,
        new_parent=tree.other_commune,
        date=MOVED,
        decision_number="15-QĐ/HU",
    )
    coming = make_unit(tree.other_commune, code="TK-HS-2", name="Chi bộ Hương Sơn 2")
    organization_move(
        unit=coming,
        new_parent=tree.commune,
        date=timezone.localdate() + datetime.timedelta(days=30),
        decision_number="16-QĐ/HU",
    )
    tree.left, tree.stayed = left, stayed
    return tree


def _member_file(tree) -> bytes:  # type: ignore[no-untyped-def]
    def same(membership, n: int) -> list[Any]:  # type: ignore[no-untyped-def]
        return member_row(
            n,
            cell="TC-TP-2",
            card_number=membership.card_number,
            national_id=membership.person.national_id,
            admitted_on=membership.admitted_on,
            full_member_on=membership.full_member_on,
        )

    return xlsx(
        [
            member_row(1, cell="TC-TP-2"),  # a new member of the moved cell
            member_row(2, cell="TK-HS-2"),  # a new member of the cell coming
            same(tree.stayed, 3),  # a member of the moved cell, there today
            same(tree.left, 4),  # left the moved cell before it moved
        ]
    )


def test_the_former_commune_cannot_import_into_a_cell_moved_away_or_still_to_come(
    cell_moved, secretary
) -> None:
    errors = _dry_run("members", _member_file(cell_moved), secretary)
    assert "2|Mã chi bộ|Đơn vị “TC-TP-2” nằm ngoài phạm vi bạn được cập nhật." in errors
    assert "3|Mã chi bộ|Đơn vị “TK-HS-2” nằm ngoài phạm vi bạn được cập nhật." in errors
    assert f"4|Số thẻ đảng viên|{NOT_USABLE}" in errors
    # The member who left the cell while it was A's is still A's file: the
    # row reaches the rules for a member who left, not "out of reach".
    assert not [e for e in errors if e.startswith("5|") and NOT_USABLE in e]
    assert any(e.startswith("5|") for e in errors), errors


def test_the_new_commune_imports_into_the_cell_moved_in_and_the_one_leaving_later(
    cell_moved, outsider
) -> None:
    errors = _dry_run("members", _member_file(cell_moved), outsider)
    assert not [e for e in errors if e.startswith(("2|", "3|", "4|"))], errors
    assert errors == [f"5|Số thẻ đảng viên|{NOT_USABLE}"]


def test_a_discipline_file_names_people_and_cells_by_today_s_tree(
    cell_moved, secretary, outsider
) -> None:
    from members.spreadsheet_templates import SPECS

    def discipline(key: str = "", unit: str = "") -> list[Any]:
        values = {
            "person_key": key,
            "unit_code": unit,
            "date": datetime.date(2025, 5, 1),
            "form": "Khiển trách",
            "deciding_body": "Đảng ủy xã",
            "decision_number": "9-QĐ/ĐU",
            "reason": None,
        }
        return [values.get(c.key) for c in SPECS["discipline"].columns]

    content = xlsx(
        [discipline(key="40.900002"), discipline(unit="TC-TP-2")], kind="discipline"
    )
    former = _dry_run("discipline", content, secretary)
    assert any(e.startswith("2|") and "40.900002" in e for e in former), former
    assert (
        "3|Mã tổ chức bị kỷ luật|Đơn vị “TC-TP-2” nằm ngoài phạm vi bạn được cập nhật."
        in (former)
    )
    assert _dry_run("discipline", content, outsider) == []


def test_a_tree_file_opens_units_only_under_today_s_subtree(
    client, commune_moved, board_officer, new_officer
) -> None:
    content = tree_xlsx(
        [
            tree_row(
                "TC-TP-9",
                "Chi bộ thôn 9",
                "Chi bộ trực thuộc",
                "Thôn, bản, ấp",
                "TC-TP",
                opened_on="01/01/2026",
            )
        ]
    )
    assert _dry_run("tree", content, board_officer) == [
        "2|Mã tổ chức cấp trên|Tổ chức “TC-TP” nằm ngoài phạm vi bạn được cập nhật."
    ]
    assert _dry_run("tree", content, new_officer) == []
    # Nor is the page to import under the commune offered to the former board.
    page = reverse("organizations:unit_tree_import", args=[commune_moved.commune.pk])
    client.force_login(board_officer)
    assert client.get(page).status_code == 403
    client.force_login(new_officer)
    assert client.get(page).status_code == 200


def test_a_villages_file_names_communes_by_today_s_tree(
    commune_moved, board_officer, new_officer
) -> None:
    content = village_xlsx([village_row("TC-TP-V1", "Thôn Phong Lai")])
    assert _dry_run("villages", content, board_officer) == [
        "2|Mã đơn vị cấp xã|Đơn vị “TC-TP” nằm ngoài phạm vi bạn được cập nhật."
    ]
    assert _dry_run("villages", content, new_officer) == []


def test_the_board_s_classifications_follow_the_tree_of_their_year(
    commune_moved, board_officer, new_officer
) -> None:
    outside = "2|Mã tổ chức cơ sở|Tổ chức “TC-TP” nằm ngoài phạm vi bạn được cập nhật."

    def file(year: int) -> bytes:
        return board_xlsx(
            [board_row("TC-TP", "TC-TP-1", level="Hoàn thành nhiệm vụ", year=year)]
        )

    # 2024: Thanh Chương's year; 2025 ends under Tân Kỳ (its tree of 31 December).
    assert outside not in _dry_run("classifications", file(2024), board_officer)
    assert outside in _dry_run("classifications", file(2024), new_officer)
    assert outside in _dry_run("classifications", file(2025), board_officer)
    assert outside not in _dry_run("classifications", file(2025), new_officer)
