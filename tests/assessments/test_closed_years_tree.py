"""Closed years (issue #16), the paths the first landing left open: changes
of the tree (event forms, tree import) and posts held (forms, holdings
import) dated inside a submitted or approved year are refused with the
year, the organization and who can reopen it; nothing is written; an open
year still takes them."""

from __future__ import annotations

import datetime
from io import BytesIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.models import OrganizationReview
from members import services as member_services
from members.models import Position, PositionGroup, PositionHolding
from organizations.models import Unit, UnitEvent, UnitLink
from partyquality import importing
from tests.assessments.test_closed_years import LOCKED_2024
from tests.members.factories import make_member
from tests.members.import_files import xlsx as people_xlsx
from tests.members.test_import_members import _confirm, _upload
from tests.organizations.test_tree_import import row as tree_row
from tests.organizations.test_tree_import import xlsx as tree_xlsx

D = datetime.date


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def locked_2024(tree) -> OrganizationReview:  # type: ignore[no-untyped-def]
    """Thanh Phong's 2024 approved (the workflow itself is tested in
    test_closed_years.py; here only the state matters)."""
    return OrganizationReview.objects.create(
        organization=tree.commune, year=2024, state="approved"
    )


@pytest.fixture
def admin_client(client, admin_user):  # type: ignore[no-untyped-def]
    client.force_login(admin_user)
    return client


def _errors(result: importing.ImportResult) -> list[tuple[int, str, str]]:
    """(row, column header, message) of each refused cell."""
    return [(r.number, h, m) for r in result.error_rows for h, m in r.errors]


def _tree_state() -> tuple[int, int, int, int]:
    return (
        Unit.objects.count(),
        Unit.objects.filter(closed_on__isnull=False).count(),
        UnitLink.objects.count(),
        UnitEvent.objects.count(),
    )


def _event_url(name: str, unit: Unit) -> str:
    return reverse(f"organizations:{name}", kwargs={"pk": unit.pk})


def _post_event(client, tree, name: str, day: str) -> Any:  # type: ignore[no-untyped-def]
    decision = {"date": day, "decision_number": "21-QĐ/HU"}
    cases = {
        "move": (tree.cell1, {"new_parent": "TK-HS"}),
        "establish": (
            tree.commune,
            {
                "code": "TC-TP-3",
                "name": "Chi bộ thôn 3",
                "level": "cell",
                "kind": "village",
            },
        ),
        "merge": (tree.cell2, {"into": "TC-TP-1"}),
        "split": (
            tree.cell1,
            {
                "parts": "TC-TP-1A|Chi bộ thôn 1A\nTC-TP-1B|Chi bộ thôn 1B",
                "level": "cell",
                "kind": "village",
            },
        ),
        "dissolve": (tree.cell2, {}),
    }
    unit, data = cases[name]
    return client.post(_event_url(f"unit_{name}", unit), data | decision)


@pytest.mark.parametrize("name", ["move", "establish", "merge", "split", "dissolve"])
def test_a_tree_change_dated_in_a_locked_year_is_refused_on_its_form(
    admin_client, tree, locked_2024, name
) -> None:
    before = _tree_state()
    response = _post_event(admin_client, tree, name, "2024-05-01")
    assert response.status_code == 200
    assert LOCKED_2024.format(date="01/05/2024") in response.content.decode()
    assert _tree_state() == before


def test_a_move_dated_before_a_locked_year_is_refused_too(
    admin_client, tree, locked_2024
) -> None:
    """Moved in 2023, the cell would be missing from the locked 2024 sheet."""
    response = _post_event(admin_client, tree, "move", "2023-06-01")
    assert LOCKED_2024.format(date="01/06/2023") in response.content.decode()
    assert Unit.objects.subtree_of(tree.commune.pk, on=D(2024, 12, 31)).filter(
        pk=tree.cell1.pk
    )


def test_a_move_into_a_locked_organization_is_refused(
    admin_client, tree, locked_2024
) -> None:
    before = _tree_state()
    response = admin_client.post(
        _event_url("unit_move", tree.other_cell),
        {"new_parent": "TC-TP", "date": "2024-08-01", "decision_number": "3"},
    )
    assert LOCKED_2024.format(date="01/08/2024") in response.content.decode()
    assert _tree_state() == before


def test_an_open_year_still_takes_the_tree_change(
    admin_client, tree, locked_2024
) -> None:
    response = _post_event(admin_client, tree, "move", "2026-03-01")
    assert response.status_code == 302
    assert tree.cell1.parent_links.get(valid_to__isnull=True).parent == (
        tree.other_commune
    )
    assert _post_event(admin_client, tree, "dissolve", "2026-04-01").status_code == 302
    tree.cell2.refresh_from_db()
    assert tree.cell2.closed_on == D(2026, 4, 1)


def _tree_file(day: str) -> bytes:
    return tree_xlsx(
        [
            tree_row(
                "TK-HS-2",
                "Chi bộ thôn Hương Sơn 2",
                "Chi bộ trực thuộc",
                "Thôn, bản, ấp",
                "TK-HS",
                opened_on=day,
            ),
            tree_row(
                "TC-TP-3",
                "Chi bộ thôn 3",
                "Chi bộ trực thuộc",
                "Thôn, bản, ấp",
                "TC-TP",
                opened_on=day,
            ),
        ]
    )


def test_a_tree_file_opening_a_cell_in_a_locked_year_is_refused_whole(
    client, tree, province_officer, locked_2024
) -> None:
    client.force_login(province_officer)
    before = _tree_state()
    upload = reverse("organizations:unit_tree_import", args=[tree.province.pk])
    response = client.post(
        upload, {"file": SimpleUploadedFile("cay.xlsx", _tree_file("01/05/2024"))}
    )
    review = client.get(response.url).content.decode()
    assert LOCKED_2024.format(date="01/05/2024") in review
    assert "Xác nhận nhập" not in review  # all or nothing: nothing to confirm
    result = importing.import_file(
        "tree",
        BytesIO(_tree_file("01/05/2024")),
        commit=True,
        user=province_officer,
        within=tree.province,
    )
    assert _errors(result) == [
        (3, "Ngày thành lập", LOCKED_2024.format(date="01/05/2024"))
    ]
    assert not result.written
    assert _tree_state() == before
    # The same cells opened in the open year 2026 are written.
    result = importing.import_file(
        "tree",
        BytesIO(_tree_file("01/02/2026")),
        commit=True,
        user=province_officer,
        within=tree.province,
    )
    assert result.written
    assert Unit.objects.filter(code__in=["TK-HS-2", "TC-TP-3"]).count() == 2


def test_a_tree_file_closing_a_cell_into_a_locked_one_is_refused(
    tree, province_officer, locked_2024
) -> None:
    """A historical cell of Hương Sơn merged into a cell of Thanh Phong in
    2024 would add its members to the locked sheet."""
    content = tree_xlsx(
        [
            tree_row(
                "TK-HS-9",
                "Chi bộ thôn Hương Sơn 9",
                "Chi bộ trực thuộc",
                "Thôn, bản, ấp",
                "TK-HS",
                opened_on="01/01/2026",
            ),
            tree_row(
                "TK-HS-8",
                "Chi bộ thôn Hương Sơn 8",
                "Chi bộ trực thuộc",
                "Thôn, bản, ấp",
                "TK-HS",
                opened_on="01/01/2020",
                closed_on="01/09/2024",
                closing_decision="30-QĐ/ĐU",
                successor_code="TC-TP-1",
            ),
        ]
    )
    before = _tree_state()
    result = importing.import_file(
        "tree",
        BytesIO(content),
        commit=True,
        user=province_officer,
        within=tree.province,
    )
    assert _errors(result) == [
        (3, "Mã tổ chức kế tục", LOCKED_2024.format(date="01/09/2024"))
    ]
    assert not result.written
    assert _tree_state() == before


# --- Posts held -------------------------------------------------------------


@pytest.fixture
def post(db) -> Position:  # type: ignore[no-untyped-def]
    position, _created = Position.objects.get_or_create(
        code="party_secretary",
        defaults={"name": "Bí thư Đảng ủy", "group": PositionGroup.ELECTED},
    )
    return position


@pytest.fixture
def an(tree):  # type: ignore[no-untyped-def]
    return make_member(tree.cell1, full_name="Trần Văn An", card_number="40.000777")


def test_a_post_given_in_a_locked_year_is_refused_on_the_form(
    client, tree, secretary, an, post, locked_2024
) -> None:
    client.force_login(secretary)
    url = reverse("members:holding_start", kwargs={"pk": an.person.pk})
    data = {
        "unit": tree.commune.pk,
        "position": post.pk,
        "valid_from": "2024-02-01",
        "origin": "local",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert LOCKED_2024.format(date="01/02/2024") in response.content.decode()
    assert not PositionHolding.objects.exists()
    # Given in the open year 2026, it is recorded.
    assert client.post(url, data | {"valid_from": "2026-01-15"}).status_code == 302
    assert PositionHolding.objects.get().valid_from == D(2026, 1, 15)


def test_a_post_ended_in_a_locked_year_is_refused_on_the_form(
    client, tree, secretary, an, post
) -> None:
    holding = member_services.holding_start(
        person=an.person, unit=tree.commune, position=post, valid_from=D(2020, 10, 1)
    )
    OrganizationReview.objects.create(
        organization=tree.commune, year=2024, state="submitted"
    )
    client.force_login(secretary)
    url = reverse("members:holding_end", kwargs={"pk": holding.pk})
    body = client.post(url, {"valid_to": "2024-07-01"}).content.decode()
    assert (
        "Năm 2024 của Đảng bộ xã Thanh Phong đã trình cấp trên: không ghi được việc "
        "ngày 01/07/2024 vì sẽ làm thay đổi số liệu năm 2024. Muốn ghi, đề nghị cán "
        "bộ cấp trên (Huyện Thanh Chương) trả lại hồ sơ năm 2024."
    ) in body
    holding.refresh_from_db()
    assert holding.valid_to is None
    assert client.post(url, {"valid_to": "2026-07-01"}).status_code == 302
    holding.refresh_from_db()
    assert holding.valid_to == D(2026, 7, 1)


def _holding(card: str, unit: str, start: str, end: str | None = None) -> list:
    return [card, unit, "party_secretary", start, end, "Không", "Tại chỗ"]


def test_a_holdings_file_with_a_post_in_a_locked_year_writes_nothing(
    client, tree, secretary, an, post, locked_2024
) -> None:
    client.force_login(secretary)
    rows = [
        _holding("40.000777", "TC-TP-1", "01/03/2026"),
        _holding("40.000777", "TC-TP", "01/03/2024"),
    ]
    content = people_xlsx(rows, kind="holdings")
    url, page = _upload(client, content, kind="holdings", name="chuc-vu.xlsx")
    body = page.content.decode()
    assert LOCKED_2024.format(date="01/03/2024") in body
    assert "Xác nhận nhập" not in body
    assert "Không ghi: tệp có lỗi" in _confirm(client, url).content.decode()
    result = importing.import_file(
        "holdings", BytesIO(content), commit=True, user=secretary
    )
    assert _errors(result) == [(3, "Từ ngày", LOCKED_2024.format(date="01/03/2024"))]
    assert not PositionHolding.objects.exists()
    # Dated in 2026 both rows are written.
    rows[1][3] = "01/04/2026"
    result = importing.import_file(
        "holdings",
        BytesIO(people_xlsx(rows, kind="holdings")),
        commit=True,
        user=secretary,
    )
    assert result.written
    assert PositionHolding.objects.count() == 2


def test_a_tree_file_closing_a_cell_on_record_in_a_locked_year_is_refused(
    tree, province_officer, locked_2024
) -> None:
    """Cell 2 of Thanh Phong, on record since the factory's epoch, dissolved
    by the file in 2024, then in the open year 2026."""
    opened = tree.cell2.opened_on.strftime("%d/%m/%Y")

    def closing(day: str) -> bytes:
        return tree_xlsx(
            [
                tree_row(
                    "TC-TP-2",
                    tree.cell2.name,
                    "Chi bộ trực thuộc",
                    "Thôn, bản, ấp",
                    "TC-TP",
                    opened_on=opened,
                    closed_on=day,
                    closing_decision="31-QĐ/ĐU",
                )
            ]
        )

    before = _tree_state()
    result = importing.import_file(
        "tree",
        BytesIO(closing("01/10/2024")),
        commit=True,
        user=province_officer,
        within=tree.province,
    )
    assert _errors(result) == [
        (2, "Ngày kết thúc", LOCKED_2024.format(date="01/10/2024"))
    ]
    assert _tree_state() == before
    result = importing.import_file(
        "tree",
        BytesIO(closing("01/10/2026")),
        commit=True,
        user=province_officer,
        within=tree.province,
    )
    assert result.written, result.error_rows
    tree.cell2.refresh_from_db()
    assert tree.cell2.closed_on == D(2026, 10, 1)


def test_a_holdings_file_ending_a_post_in_a_locked_year_is_refused(
    tree, secretary, an, post
) -> None:
    holding = member_services.holding_start(
        person=an.person, unit=tree.commune, position=post, valid_from=D(2020, 10, 1)
    )
    OrganizationReview.objects.create(
        organization=tree.commune, year=2024, state="approved"
    )
    rows = [_holding("40.000777", "TC-TP", "01/10/2020", "30/06/2024")]
    result = importing.import_file(
        "holdings",
        BytesIO(people_xlsx(rows, kind="holdings")),
        commit=True,
        user=secretary,
    )
    assert _errors(result) == [(2, "Đến ngày", LOCKED_2024.format(date="30/06/2024"))]
    holding.refresh_from_db()
    assert holding.valid_to is None
