"""The audit log read as its users need it (issue 18 item 6, first part): the
page a change was made on in words, filters by kind of record and author,
a page at a time; the export follows the filters."""

from __future__ import annotations

import re

from django.urls import reverse
from openpyxl import load_workbook

from assessments import services
from tests.assessments.factories import level, make_member

YEAR = 2024


def _save(client, tree, key, value):  # type: ignore[no-untyped-def]
    url = reverse("assessments:review_save_row", args=[tree.commune.pk, YEAR])
    client.post(url, {"row": key, f"{key}-level": value}, HTTP_HX_REQUEST="true")


def test_entries_name_the_page_filter_by_kind_and_author(
    client, tree, secretary, board_officer
) -> None:
    person = make_member(tree.cell1, "Lê Thị Mai")
    client.force_login(secretary)
    _save(client, tree, f"unit-{tree.cell1.pk}", level("organization", YEAR, "good").pk)
    _save(client, tree, f"person-{person.pk}", level("member", YEAR, "good").pk)
    client.force_login(board_officer)
    url = reverse("assessments:audit_list")
    body = client.get(url).content.decode()
    assert "tại trang đánh giá, xếp loại" in body
    assert "/danh-gia/" not in re.sub(r'="[^"]*"', "", body)
    assert "Chi bộ thôn 1" in body
    assert "Lê Thị Mai" in body
    units = client.get(f"{url}?kind=assessments.unitclassification").content.decode()
    assert "Chi bộ thôn 1" in units
    assert "Lê Thị Mai" not in units
    by_secretary = client.get(f"{url}?author={secretary.username}").content.decode()
    assert "Lê Thị Mai" in by_secretary
    nobody = client.get(f"{url}?author={board_officer.username}").content.decode()
    assert "Lê Thị Mai" not in nobody
    export = client.get(
        reverse("assessments:audit_export") + "?kind=assessments.memberclassification"
    )
    rows = list(
        load_workbook(filename=__import__("io").BytesIO(export.content)).active.values
    )
    assert any("Lê Thị Mai" in str(r) for r in rows)
    assert not any("Chi bộ thôn 1 " in str(r[4]) for r in rows[1:])


def test_the_log_comes_a_page_at_a_time(client, tree, secretary, board_officer) -> None:
    good = level("organization", YEAR, "good")
    for n in range(55):
        services.unit_classification_set(
            user=secretary, unit=tree.cell1, year=YEAR, level=good, remarks=f"lần {n}"
        )
    client.force_login(board_officer)
    url = reverse("assessments:audit_list")
    first = client.get(url).content.decode()
    assert first.count('class="when"') == 50
    assert 'id="audit-next"' in first
    second = client.get(f"{url}?page=2").content.decode()
    # The rest: the cell's changes and its review's creation, none twice.
    assert 0 < second.count('class="when"') < 50
    assert "lần 54" in first
    assert "lần 0" in second
    assert 'id="audit-next"' not in second


def test_a_field_ending_in_id_keeps_its_vietnamese_name() -> None:
    from members.models import Person
    from partyquality.audit import _field_label

    assert _field_label(Person, "national_id") == str(
        Person._meta.get_field("national_id").verbose_name
    )
    assert "ational" not in _field_label(Person, "national_id")


def test_a_cell_period_change_reads_in_vietnamese(client, tree, board_officer) -> None:
    """A member's cell period names its fields in Vietnamese in the history
    ("Membership" and "Cell" were English in the Vietnamese log)."""
    from members.models import CellPeriod

    make_member(tree.cell1, "Lê Thị Mai")
    CellPeriod.objects.update(cell=tree.cell2)
    client.force_login(board_officer)
    body = client.get(reverse("assessments:audit_list")).content.decode()
    changes = body.split("<main", 1)[1]
    assert "chi bộ" in changes.lower()
    assert not re.search(r"\b(Cell|Membership)\b", changes)


def test_the_log_filters_by_unit_and_person_and_names_no_empty_place(
    client, tree, secretary, board_officer
) -> None:
    # Written outside any page or command (as a shell would): no "tại —".
    mai = make_member(tree.cell1, "Lê Thị Mai")
    make_member(tree.cell2, "Phan Văn Tú")
    client.force_login(secretary)
    _save(client, tree, f"person-{mai.pk}", level("member", YEAR, "good").pk)
    client.force_login(board_officer)
    url = reverse("assessments:audit_list")
    body = client.get(url).content.decode()
    assert "Phan Văn Tú" in body
    assert "tại —" not in body
    assert "tại trang đánh giá, xếp loại" in body
    # Reached by clicking from the unit's page and the person's page.
    hub = client.get(reverse("organizations:unit_detail", args=[tree.commune.pk]))
    assert f"?unit={tree.commune.pk}" in hub.content.decode()
    person_page = client.get(reverse("members:person_detail", args=[mai.pk]))
    assert f"?person={mai.pk}" in person_page.content.decode()
    cell1 = client.get(f"{url}?unit={tree.cell1.pk}").content.decode()
    assert "Đơn vị: Chi bộ thôn 1" in cell1
    assert "Lê Thị Mai" in cell1
    assert "Phan Văn Tú" not in cell1
    commune = client.get(f"{url}?unit={tree.commune.pk}").content.decode()
    assert "Lê Thị Mai" in commune
    assert "Phan Văn Tú" in commune
    about_mai = client.get(f"{url}?person={mai.pk}").content.decode()
    assert "Người: Lê Thị Mai" in about_mai
    assert "Phan Văn Tú" not in about_mai
    # Her classification, made on the review page, is among her entries.
    assert re.search(r"xếp loại đảng viên\s*<em>Lê Thị Mai 2024", about_mai)
    # A unit outside the officer's district finds nothing and is not named.
    outside = client.get(f"{url}?unit={tree.other_cell.pk}").content.decode()
    assert "Đơn vị: không tìm thấy" in outside
    assert outside.count('class="when"') == 0
    assert tree.other_cell.name not in outside
    # The export follows the same filters.
    export = client.get(reverse("assessments:audit_export") + f"?unit={tree.cell2.pk}")
    rows = list(
        load_workbook(filename=__import__("io").BytesIO(export.content)).active.values
    )
    assert any("Phan Văn Tú" in str(r) for r in rows)
    assert not any("Lê Thị Mai" in str(r) for r in rows)


def test_posts_memberships_and_events_read_in_vietnamese_with_names(
    client, tree, board_officer
) -> None:
    """Every field of the tracked tables has a Vietnamese name and ids read
    as names ("Person", "Unit", "Position" and bare ids showed)."""
    import datetime

    from members.cadre_models import PositionHolding
    from partyquality.audit import SKIPPED_FIELDS, TRACKED
    from tests.reports.data import position

    for tracked, entry in TRACKED.items():
        kept = {f.attname for f in entry.event_model._meta.concrete_fields}
        for f in tracked._meta.concrete_fields:
            if f.attname in kept and f.attname not in SKIPPED_FIELDS:
                assert str(f.verbose_name) != f.name.replace("_", " "), (
                    tracked._meta.label,
                    f.name,
                )
    mai = make_member(tree.cell1, "Lê Thị Mai")
    PositionHolding.objects.create(
        person=mai,
        unit=tree.commune,
        position=position("CTUB", "elected", "Chủ tịch UBND"),
        valid_from=datetime.date(2021, 1, 1),
    )
    client.force_login(board_officer)
    body = client.get(reverse("assessments:audit_list")).content.decode()
    changes = re.sub(r"\s+", " ", body.split("<main", 1)[1])
    assert "Chức vụ: — → Chủ tịch UBND" in changes
    assert "Người: — → Lê Thị Mai" in changes
    assert "Đảng viên: — → Lê Thị Mai" in changes
    assert not re.search(r"\b(Person|Unit|Position)\b", changes)
