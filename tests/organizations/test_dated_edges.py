"""The last edges of dated access (issue #16) on ``commune_moved``: Đảng bộ
xã Thanh Phong moved from Huyện Thanh Chương to Huyện Tân Kỳ on 1 July 2025.
The audit log's unit filter follows the tree of each event's day, the
tree's roots are those of the day shown, and a transfer today goes to
today's cells (docs/access.md)."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from assessments.audit_models import UnitHistory
from members.models import Membership
from organizations.models import Kind, Level, Role, Unit
from organizations.selectors import tree_roots
from tests.factories import UserFactory, assign, make_unit
from tests.members.factories import make_member

LOG = reverse("assessments:audit_list")


def _between(body: str, start: str, end: str) -> str:
    return body[body.index(start) : body.index(end, body.index(start))]


def _renamed(unit: Unit, name: str, day: datetime.date) -> None:
    """An event of the unit, recorded on ``day`` (its row redated: the
    trigger writes the time of the statement)."""
    unit.name = name
    unit.save()
    event = UnitHistory.objects.filter(pgh_obj_id=unit.pk).latest("pgh_id")
    recorded = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
    UnitHistory.objects.filter(pk=event.pk).update(pgh_created_at=recorded)


@pytest.fixture
def renamed(commune_moved):  # type: ignore[no-untyped-def]
    """Thanh Phong and its cell renamed in June 2025 (under Thanh Chương) and
    in August 2025 (under Tân Kỳ); Hương Sơn, which never moved, in both."""
    t = commune_moved
    _renamed(t.commune, "Xã Thanh Phong tháng sáu", datetime.date(2025, 6, 15))
    _renamed(t.cell1, "Thôn 1 tháng sáu", datetime.date(2025, 6, 16))
    _renamed(t.commune, "Xã Thanh Phong tháng tám", datetime.date(2025, 8, 15))
    _renamed(t.cell1, "Thôn 1 tháng tám", datetime.date(2025, 8, 16))
    _renamed(t.other_commune, "Xã Hương Sơn tháng sáu", datetime.date(2025, 6, 17))
    _renamed(t.other_commune, "Xã Hương Sơn tháng tám", datetime.date(2025, 8, 17))
    return t


JUNE = ("Xã Thanh Phong tháng sáu", "Thôn 1 tháng sáu")
AUGUST = ("Xã Thanh Phong tháng tám", "Thôn 1 tháng tám")


def _log(client, user, unit: Unit) -> str:  # type: ignore[no-untyped-def]
    client.force_login(user)
    url = f"{LOG}?start=01/01/2025&end=31/12/2025&unit={unit.pk}"
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    return body.split('class="filters"', 1)[1].split("</form>", 1)[1]  # entries


def test_the_former_parent_filters_the_log_by_the_unit_for_its_time_with_them(
    client, renamed, board_officer
) -> None:
    for unit in (renamed.commune, renamed.district):
        page = _log(client, board_officer, unit)
        assert all(name in page for name in JUNE), unit
        assert not any(name in page for name in AUGUST), unit
    # The filter names the unit: it is still theirs for its past.
    client.force_login(board_officer)
    named = client.get(f"{LOG}?unit={renamed.commune.pk}").content.decode()
    assert "Đơn vị: Xã Thanh Phong tháng tám" in named


def test_the_new_parent_filters_the_log_by_the_unit_from_the_move_on(
    client, renamed, new_officer
) -> None:
    for unit in (renamed.commune, renamed.other_district):
        page = _log(client, new_officer, unit)
        assert all(name in page for name in AUGUST), unit
        assert not any(name in page for name in JUNE), unit
    hs = _log(client, new_officer, renamed.other_district)
    assert "Xã Hương Sơn tháng sáu" in hs
    assert "Xã Hương Sơn tháng tám" in hs


def test_a_district_filter_holds_the_units_under_it_on_each_events_day(
    client, renamed, province_officer
) -> None:
    """The province reaches both districts every day: the filter by a
    district is what decides. Before, it took every unit ever under it, and
    Thanh Chương's log showed the commune's events under Tân Kỳ."""
    former = _log(client, province_officer, renamed.district)
    assert all(name in former for name in JUNE)
    assert not any(name in former for name in AUGUST)
    assert "Hương Sơn" not in former
    new = _log(client, province_officer, renamed.other_district)
    assert all(name in new for name in AUGUST)
    assert not any(name in new for name in JUNE)
    assert "Xã Hương Sơn tháng sáu" in new
    assert "Xã Hương Sơn tháng tám" in new
    # The export reads the same filter.
    export = reverse("assessments:audit_export")
    response = client.get(
        f"{export}?start=01/01/2025&end=31/12/2025&unit={renamed.district.pk}"
    )
    rows = str(list(load_workbook(io.BytesIO(response.content)).active.values))
    assert all(name in rows for name in JUNE)
    assert not any(name in rows for name in AUGUST)
    # The unit itself: its whole history, whoever was above it.
    whole = _log(client, province_officer, renamed.commune)
    assert all(name in whole for name in (*JUNE, *AUGUST))


BEFORE = datetime.date(2025, 6, 30)


def _root_names(user, day: datetime.date) -> list[str]:  # type: ignore[no-untyped-def]
    return [unit.name for unit in tree_roots(user=user, day=day)]


def test_a_root_is_a_unit_whose_parent_that_day_is_not_reached_that_day(
    client, commune_moved
) -> None:
    """A root is hidden when its parent of the day is shown that day. The
    officer of Thanh Chương who is also secretary of Chi bộ thôn 1: today
    the cell's parent, Thanh Phong, is Tân Kỳ's, not theirs, so the cell is
    a root of its own; before the move it sat under Thanh Chương. Before,
    the parent was asked of "ever reached": Thanh Phong was (until the
    move), so today the cell was no root and under no root — gone."""
    t = commune_moved
    both = UserFactory(username="bantochuc_bithu")
    assign(both, t.district, Role.OFFICER)
    assign(both, t.cell1, Role.SECRETARY)
    today = timezone.localdate()
    assert _root_names(both, today) == ["Huyện Thanh Chương", "Chi bộ thôn 1"]
    assert _root_names(both, BEFORE) == ["Huyện Thanh Chương"]
    client.force_login(both)
    page = client.get(reverse("organizations:tree")).content.decode()
    assert "Chi bộ thôn 1" in page
    # Tân Kỳ's officer who is also secretary of that cell: before the move
    # the cell is a root (Thanh Phong was not Tân Kỳ's that day), after it
    # sits under Tân Kỳ; Hương Sơn, which never moved, is never a root.
    new = UserFactory(username="bantochuc_tanky_bithu")
    assign(new, t.other_district, Role.OFFICER)
    assign(new, t.cell1, Role.SECRETARY)
    assert _root_names(new, BEFORE) == ["Huyện Tân Kỳ", "Chi bộ thôn 1"]
    assert _root_names(new, today) == ["Huyện Tân Kỳ"]
    # Thanh Chương's officer alone: the district, before and after.
    officer = UserFactory(username="bantochuc_tc")
    assign(officer, t.district, Role.OFFICER)
    assert _root_names(officer, today) == ["Huyện Thanh Chương"]
    assert _root_names(officer, BEFORE) == ["Huyện Thanh Chương"]


def _transfer(client, user, membership: Membership, cell: Unit):  # type: ignore[no-untyped-def]
    """The transfer form's cells (its options) and the answer to a transfer
    to ``cell`` today."""
    client.force_login(user)
    url = reverse("members:member_transfer", args=[membership.person_id])
    form = client.get(url).content.decode()
    options = _between(form, 'name="to_cell"', "</select>")
    answer = client.post(
        url,
        {
            "to_cell": cell.pk,
            "date": timezone.localdate().strftime("%d/%m/%Y"),
            "decision_number": "30-QĐ/HU",
        },
    )
    return options, answer


def test_a_transfer_today_goes_to_todays_cells(client, commune_moved) -> None:
    """Thanh Chương's secretary (the former parent) no longer offers Thanh
    Phong's cells, and a transfer there is refused by the form; Tân Kỳ's
    secretary offers them with Hương Sơn's, which never moved."""
    t = commune_moved
    thanh_ha = make_unit(
        t.district,
        code="TC-TH",
        name="Đảng bộ xã Thanh Hà",
        level=Level.GRASSROOTS_COMMITTEE,
        kind=Kind.COMMUNE,
    )
    thanh_ha_cell = make_unit(thanh_ha, code="TC-TH-1", name="Chi bộ thôn Thanh Hà")
    former = UserFactory(username="bithu_thanhchuong")
    assign(former, t.district, Role.SECRETARY)
    ba = make_member(thanh_ha_cell, full_name="Phan Văn Ba")
    options, answer = _transfer(client, former, ba, t.cell1)
    assert "Chi bộ thôn Thanh Hà" in options
    assert "Chi bộ thôn 1" not in options
    assert "Chi bộ thôn 2" not in options
    assert answer.status_code == 200  # the form again, with its error
    ba.refresh_from_db()
    assert ba.current_cell == thanh_ha_cell

    new = UserFactory(username="bithu_tanky")
    assign(new, t.other_district, Role.SECRETARY)
    bon = make_member(t.other_cell, full_name="Lê Văn Bốn")
    options, answer = _transfer(client, new, bon, t.cell1)
    for name in ("Chi bộ thôn 1", "Chi bộ thôn 2", "Chi bộ thôn Hương Sơn 1"):
        assert name in options
    assert "Chi bộ thôn Thanh Hà" not in options
    assert answer.status_code == 302
    bon.refresh_from_db()
    assert bon.current_cell == t.cell1
