"""Cell meetings entered where the work is done (issue 18 item 8, first
part): the secretary records a month's meeting, the yearly figures read it
and the review entry page shows it beside the cell's level."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from django.urls import reverse

from assessments.models import CellMeeting
from assessments.yearly import cell_meeting_year

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
