"""Cell meetings entered where the work is done (issue 18 item 8, first
part): the secretary records a month's meeting, the yearly figures read it
and the review entry page shows it beside the cell's level."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from django.urls import reverse

from assessments.models import CellMeeting, OrganizationReview
from assessments.yearly import cell_meeting_year
from partyquality.audit import history_matching

YEAR = 2024
MEETING = {
    "date": "12/03/2024",
    "preparation": "18",
    "attendance": "9",
    "conduct": "40",
    "rules": "14",
    "conclusions": "8",
}


def test_secretary_records_a_meeting_and_the_review_page_shows_it(
    client, tree, secretary
) -> None:
    url = reverse("assessments:cell_meetings", args=[tree.commune.pk, YEAR])
    client.force_login(secretary)
    page = client.get(url).content.decode()
    assert 'id="meeting-form"' in page
    response = client.post(url, {**MEETING, "cell": tree.cell1.pk})
    assert response.status_code == 302
    meeting = CellMeeting.objects.get()
    assert (meeting.cell, meeting.date) == (tree.cell1, datetime.date(2024, 3, 12))
    # The yearly figures read it: 89 points, "good" (≥ 80).
    assert cell_meeting_year(tree.cell1, YEAR) == (Decimal("89.00"), "good", 1)
    entry = client.get(
        reverse("assessments:review_entry", args=[tree.commune.pk, YEAR])
    )
    row = re.search(
        rf'id="row-unit-{tree.cell1.pk}".*?</tr>', entry.content.decode(), re.S
    ).group(0)
    assert "Sinh hoạt: 1 buổi, bình quân 89,00 điểm (Tốt)" in re.sub(r"\s+", " ", row)


def test_a_meeting_outside_the_year_or_the_organization_is_refused(
    client, tree, secretary
) -> None:
    url = reverse("assessments:cell_meetings", args=[tree.commune.pk, YEAR])
    client.force_login(secretary)
    response = client.post(
        url, {**MEETING, "cell": tree.cell1.pk, "date": "12/03/2025"}
    )
    assert "Ngày họp phải thuộc năm 2024." in response.content.decode()
    response = client.post(url, {**MEETING, "cell": tree.other_cell.pk})
    assert response.status_code == 200
    assert not CellMeeting.objects.exists()


def test_outsider_and_reader_cannot_record_meetings(
    client, tree, outsider, reader
) -> None:
    url = reverse("assessments:cell_meetings", args=[tree.commune.pk, YEAR])
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert client.post(url, {**MEETING, "cell": tree.cell1.pk}).status_code == 404
    client.force_login(reader)
    assert 'id="meeting-form"' not in client.get(url).content.decode()
    assert client.post(url, {**MEETING, "cell": tree.cell1.pk}).status_code == 403
    assert not CellMeeting.objects.exists()


def _meeting(cell) -> CellMeeting:  # type: ignore[no-untyped-def]
    return CellMeeting.objects.create(
        cell=cell,
        date=datetime.date(YEAR, 3, 12),
        preparation=18,
        attendance=9,
        conduct=40,
        rules=14,
        conclusions=8,
    )


def test_secretary_deletes_a_meeting_and_the_audit_log_keeps_who(
    client, tree, secretary, board_officer
) -> None:
    meeting = _meeting(tree.cell1)
    page_url = reverse("assessments:cell_meetings", args=[tree.commune.pk, YEAR])
    url = reverse(
        "assessments:cell_meeting_delete", args=[tree.commune.pk, YEAR, meeting.pk]
    )
    client.force_login(secretary)
    assert url in client.get(page_url).content.decode()
    # The list's "Xóa" opens a page naming the meeting; nothing is deleted yet.
    confirm = client.get(url).content.decode()
    assert "Xóa buổi sinh hoạt ngày 12/03/2024 của Chi bộ thôn 1" in confirm
    assert "năm 2024;" in confirm
    assert CellMeeting.objects.count() == 1
    response = client.post(url, follow=True)
    assert "Đã xóa buổi sinh hoạt ngày 12/03/2024 của Chi bộ thôn 1." in (
        response.content.decode()
    )
    assert not CellMeeting.objects.exists()
    assert cell_meeting_year(tree.cell1, YEAR) == (None, None, 0)
    history = history_matching(CellMeeting, cell_id=tree.cell1.pk)
    assert [(e.action, e.who) for e in history][-1] == ("Xóa", secretary.username)
    client.force_login(board_officer)
    log = client.get(
        reverse("assessments:audit_list") + "?kind=assessments.cellmeeting"
    ).content.decode()
    assert re.search(
        r"bithu_thanhphong</strong>\s+xóa chất lượng sinh hoạt chi bộ", log
    )


def test_a_meeting_is_deleted_only_in_the_subtree_and_an_open_year(
    client, tree, secretary, outsider, reader
) -> None:
    meeting = _meeting(tree.cell1)
    url = reverse(
        "assessments:cell_meeting_delete", args=[tree.commune.pk, YEAR, meeting.pk]
    )
    client.force_login(outsider)
    assert client.post(url).status_code == 404
    client.force_login(reader)
    assert client.post(url).status_code == 403
    # Another organization's meeting, named under this organization: not found.
    other = _meeting(tree.other_cell)
    client.force_login(secretary)
    wrong = reverse(
        "assessments:cell_meeting_delete", args=[tree.commune.pk, YEAR, other.pk]
    )
    assert client.post(wrong).status_code == 404
    OrganizationReview.objects.create(
        organization=tree.commune, year=YEAR, state="submitted"
    )
    response = client.post(url, follow=True)
    assert "không xóa buổi sinh hoạt" in response.content.decode()
    assert CellMeeting.objects.count() == 2
