"""The review's audit trail: who viewed, changed or cleared what, read in
plain language and scoped to the viewer's subtree (split from test_workflow.py)."""

from __future__ import annotations

import datetime

from django.urls import reverse

from assessments import services
from assessments.audit_models import (
    PersonHistory,
)
from assessments.models import (
    UnitClassification,
)
from members.models import Person
from partyquality.models import RecordAccess
from tests.assessments.factories import classify_all_good, level, make_member

YEAR = 2024


def test_viewing_the_entry_page_is_logged(client, tree, secretary) -> None:
    person = make_member(tree.cell1)
    client.force_login(secretary)
    url = reverse("assessments:review_entry", args=[tree.commune.pk, YEAR])
    client.get(url)
    access = RecordAccess.objects.get()
    assert (
        access.user,
        access.action,
        access.model,
        access.object_ids,
        access.path,
    ) == (secretary, "view", "members.Person", [str(person.pk)], url)


def test_bulk_writes_of_people_are_recorded_by_the_triggers(db) -> None:
    import pghistory

    with pghistory.context(command="nhap_dang_vien"):
        Person.objects.bulk_create(
            [
                Person(
                    full_name=f"Người {i}",
                    gender="F",
                    date_of_birth=datetime.date(1990, 1, 1),
                )
                for i in range(3)
            ]
        )
        Person.objects.filter(full_name__startswith="Người").update(religion="Không")
    events = PersonHistory.objects.select_related("pgh_context").order_by("pgh_id")
    assert [e.pgh_label for e in events] == ["insert"] * 3 + ["update"] * 3
    assert events[0].pgh_context.metadata == {"command": "nhap_dang_vien"}


def test_history_reads_in_plain_language(client, tree, secretary) -> None:
    client.force_login(secretary)
    key = f"unit-{tree.cell1.pk}"
    url = reverse("assessments:review_save_row", args=[tree.commune.pk, YEAR])
    for code in ("good", "excellent"):
        client.post(
            url,
            {"row": key, f"{key}-level": level("organization", YEAR, code).pk},
            HTTP_HX_REQUEST="true",
        )
    body = client.get(
        reverse("assessments:review_history", args=[tree.commune.pk, YEAR])
    ).content.decode()
    assert (
        "Mức xếp loại: Hoàn thành tốt nhiệm vụ → Hoàn thành xuất sắc nhiệm vụ" in body
    )
    assert "bithu_thanhphong" in body


def test_audit_list_is_scoped_and_exports(
    client, tree, secretary, outsider, board_officer
) -> None:
    import pghistory

    with pghistory.context(user=outsider.pk, url="/x"):
        services.unit_classification_set(
            user=outsider,
            unit=tree.other_cell,
            year=YEAR,
            level=level("organization", YEAR, "good"),
        )
    classify_all_good(tree, YEAR, secretary)
    client.force_login(board_officer)
    body = client.get(reverse("assessments:audit_list")).content.decode()
    assert "Chi bộ thôn 1" in body
    assert "Hương Sơn" not in body
    response = client.get(reverse("assessments:audit_export"))
    assert response["Content-Type"].startswith("application/vnd.openxml")
    assert RecordAccess.objects.filter(action="export", user=board_officer).count() == 1


def test_clearing_a_level_shows_as_a_deletion_in_the_history(
    client, tree, secretary
) -> None:
    client.force_login(secretary)
    key = f"unit-{tree.cell1.pk}"
    url = reverse("assessments:review_save_row", args=[tree.commune.pk, YEAR])
    good = level("organization", YEAR, "good")
    client.post(url, {"row": key, f"{key}-level": good.pk}, HTTP_HX_REQUEST="true")
    client.post(url, {"row": key, f"{key}-level": ""}, HTTP_HX_REQUEST="true")
    assert not UnitClassification.objects.exists()
    history = reverse("assessments:review_history", args=[tree.commune.pk, YEAR])
    body = client.get(history).content.decode()
    assert "xóa xếp loại tổ chức" in body
    assert "tạo mới xếp loại tổ chức" in body


def test_member_history_names_the_member_not_an_id(client, tree, secretary) -> None:
    person = make_member(tree.cell1, "Hoàng Thị Lan")
    client.force_login(secretary)
    key = f"person-{person.pk}"
    url = reverse("assessments:review_save_row", args=[tree.commune.pk, YEAR])
    client.post(
        url,
        {"row": key, f"{key}-level": level("member", YEAR, "good").pk},
        HTTP_HX_REQUEST="true",
    )
    history = reverse("assessments:review_history", args=[tree.commune.pk, YEAR])
    body = client.get(history).content.decode()
    assert "xếp loại đảng viên <em>Hoàng Thị Lan 2024</em>" in body
    assert "Đảng viên: — → Hoàng Thị Lan" in body
