"""Votes of confidence and model-criteria checklists entered where the work
is done (issue 18 item 8): the officer records the votes of the cadres of
their subtree, the secretary the year's checklists; the review entry page
shows the checklist beside the level and the votes QĐ 96-QĐ/TW flags."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from assessments.models import (
    ConfidenceVote,
    CriteriaCheck,
    CriteriaItem,
    CriteriaResult,
    CriteriaSet,
    OrganizationReview,
)
from assessments.yearly import criteria_achieved, criteria_years
from members.cadre_models import PositionHolding
from partyquality.audit import history_for, history_matching
from tests.assessments.factories import make_member
from tests.reports.data import position

YEAR = 2024


def _row(page: str, key: str) -> str:
    found = re.search(rf'id="row-{key}".*?</tr>', page, re.S)
    assert found, key
    return re.sub(r"\s+", " ", found.group(0))


@pytest.fixture
def five_good(tree):  # type: ignore[no-untyped-def]
    """Quảng Bình-like "5 tốt" set, here issued by the conftest province."""
    criteria_set = CriteriaSet.objects.create(
        code="5T", name="Chi bộ 5 tốt", province=tree.province, valid_from_year=2020
    )
    for i, text in enumerate(
        ["Chính trị tư tưởng tốt", "Đoàn kết tốt", "Sinh hoạt tốt"], start=1
    ):
        CriteriaItem.objects.create(criteria_set=criteria_set, order=i, text=text)
    return criteria_set


@pytest.fixture
def cadre(tree):  # type: ignore[no-untyped-def]
    """A member of cell 1 who is the commune's deputy secretary."""
    person = make_member(tree.cell1, "Trần Thị Hoa")
    PositionHolding.objects.create(
        person=person,
        unit=tree.commune,
        position=position("PBT", "elected", "Phó Bí thư Đảng ủy"),
        valid_from=datetime.date(2020, 6, 1),
    )
    return person


# --- Checklists ------------------------------------------------------------


def test_secretary_records_a_checklist_and_sees_it_on_the_entry_page(
    client, tree, secretary, five_good
) -> None:
    url = reverse("assessments:checklists", args=[tree.commune.pk, YEAR])
    client.force_login(secretary)
    page = client.get(url).content.decode()
    assert 'id="checklist-form"' in page
    assert "Đoàn kết tốt" in page
    items = list(five_good.items.order_by("order"))
    prefix = f"set-{five_good.pk}"
    response = client.post(
        url,
        {
            "unit": tree.cell1.pk,
            f"{prefix}-items": [items[0].pk, items[1].pk],
            f"{prefix}-remarks": "Sinh hoạt chưa đều",
        },
    )
    assert response.status_code == 302
    result = CriteriaResult.objects.get(unit=tree.cell1, year=YEAR)
    # The yearly figures read it: two of three items, the model not reached.
    assert not criteria_achieved(result)
    assert [
        (c.met, c.total, c.achieved)
        for c in criteria_years([tree.cell1.pk], YEAR)[tree.cell1.pk]
    ] == [(2, 3, False)]
    entry = client.get(
        reverse("assessments:review_entry", args=[tree.commune.pk, YEAR])
    ).content.decode()
    assert "Chi bộ 5 tốt: chưa đạt (2/3 tiêu chí)" in _row(
        entry, f"unit-{tree.cell1.pk}"
    )
    # Every item met: the model is reached, and the entry page says so.
    client.post(url, {"unit": tree.cell1.pk, f"{prefix}-items": [i.pk for i in items]})
    assert criteria_achieved(CriteriaResult.objects.get(unit=tree.cell1, year=YEAR))
    entry = client.get(
        reverse("assessments:review_entry", args=[tree.commune.pk, YEAR])
    ).content.decode()
    assert "Chi bộ 5 tốt: đạt mô hình (3/3 tiêu chí)" in _row(
        entry, f"unit-{tree.cell1.pk}"
    )
    # Who wrote it is on the record's history, its fields in Vietnamese.
    entry = history_for(CriteriaResult.objects.get())[0]
    assert entry.who == secretary.username
    created = {c.field: c.after for c in entry.changes}
    assert created["bộ tiêu chí"] == "Chi bộ 5 tốt"
    assert created["tổ chức, chi bộ"] == "Chi bộ thôn 1"
    # Each item ticked, then unticked, is on the trail with who and which.
    client.post(url, {"unit": tree.cell1.pk, f"{prefix}-items": [items[0].pk]})
    result = CriteriaResult.objects.get()
    ticks = history_matching(CriteriaCheck, criteriaresult_id=result.pk)
    assert [(e.action, e.record.rsplit(" — ", 1)[-1]) for e in ticks] == [
        ("Tạo mới", "Chính trị tư tưởng tốt"),
        ("Tạo mới", "Đoàn kết tốt"),
        ("Tạo mới", "Sinh hoạt tốt"),
        ("Xóa", "Đoàn kết tốt"),
        ("Xóa", "Sinh hoạt tốt"),
    ]
    assert {e.who for e in ticks} == {secretary.username}
    assert ticks[0].record.startswith("Chi bộ 5 tốt — Chi bộ thôn 1 2024")


def test_a_closed_year_takes_no_checklist(client, tree, secretary, five_good) -> None:
    OrganizationReview.objects.create(
        organization=tree.commune, year=YEAR, state="submitted"
    )
    url = reverse("assessments:checklists", args=[tree.commune.pk, YEAR])
    client.force_login(secretary)
    assert 'id="checklist-form"' not in client.get(url).content.decode()
    client.post(url, {"unit": tree.commune.pk})
    assert not CriteriaResult.objects.exists()


def test_checklists_outside_the_subtree_are_refused(
    client, tree, secretary, outsider, reader, five_good
) -> None:
    url = reverse("assessments:checklists", args=[tree.commune.pk, YEAR])
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert client.post(url, {"unit": tree.commune.pk}).status_code == 404
    client.force_login(reader)
    assert 'id="checklist-form"' not in client.get(url).content.decode()
    assert client.post(url, {"unit": tree.commune.pk}).status_code == 403
    # A unit of another organization named in the query is not found.
    client.force_login(secretary)
    assert client.get(f"{url}?unit={tree.other_cell.pk}").status_code == 404
    assert client.post(url, {"unit": tree.other_cell.pk}).status_code == 404
    assert not CriteriaResult.objects.exists()


# --- Votes of confidence ---------------------------------------------------


def test_officer_records_a_vote_and_the_entry_page_flags_it(
    client, tree, board_officer, secretary, cadre
) -> None:
    url = reverse("assessments:confidence_votes", args=[tree.commune.pk, YEAR])
    client.force_login(board_officer)
    # Reached by clicking from the unit's page.
    hub = client.get(reverse("organizations:unit_detail", args=[tree.commune.pk]))
    assert 'id="hub-votes"' in hub.content.decode()
    page = client.get(url).content.decode()
    assert "Trần Thị Hoa — Phó Bí thư Đảng ủy" in page
    holding = PositionHolding.objects.get(person=cadre)
    vote = {"holding": holding.pk, "voters": 30, "high": 5, "confidence": 9}
    response = client.post(url, {**vote, "low": 16})
    assert response.status_code == 302
    saved = ConfidenceVote.objects.get()
    assert (saved.person, saved.unit, saved.position) == (
        cadre,
        tree.commune,
        "Phó Bí thư Đảng ủy",
    )
    # 16 of 30 low: over half, out of the planning (QĐ 96-QĐ/TW).
    assert saved.out_of_planning
    assert not saved.dismissal
    page = re.sub(r"\s+", " ", client.get(url).content.decode())
    assert "Quá 1/2 tín nhiệm thấp: đưa ra khỏi quy hoạch" in page
    client.force_login(secretary)
    entry = client.get(
        reverse("assessments:review_entry", args=[tree.commune.pk, YEAR])
    ).content.decode()
    assert (
        "Tín nhiệm thấp 16/30 (Phó Bí thư Đảng ủy): quá 1/2, đưa ra khỏi quy hoạch"
        in _row(entry, f"person-{cadre.pk}")
    )
    # Entered again, the vote is corrected, not counted twice; audited.
    client.force_login(board_officer)
    client.post(url, {**vote, "confidence": 20, "low": 5})
    assert ConfidenceVote.objects.get().low == 5
    history = history_for(ConfidenceVote.objects.get())
    assert [e.who for e in history] == [board_officer.username] * 2
    # Its fields read in Vietnamese, ids as names.
    created = {c.field: c.after for c in history[0].changes}
    assert created["cán bộ"] == "Trần Thị Hoa"
    assert created["đơn vị"] == tree.commune.name
    client.force_login(secretary)
    entry = client.get(
        reverse("assessments:review_entry", args=[tree.commune.pk, YEAR])
    ).content.decode()
    assert "Tín nhiệm thấp" not in _row(entry, f"person-{cadre.pk}")


def test_more_votes_than_voters_is_refused_with_a_message(
    client, tree, board_officer, cadre
) -> None:
    url = reverse("assessments:confidence_votes", args=[tree.commune.pk, YEAR])
    client.force_login(board_officer)
    holding = PositionHolding.objects.get(person=cadre)
    response = client.post(
        url, {"holding": holding.pk, "voters": 10, "high": 5, "confidence": 5, "low": 1}
    )
    assert "Tổng số phiếu (11) vượt số người được lấy phiếu (10)." in (
        response.content.decode()
    )
    assert not ConfidenceVote.objects.exists()


def test_votes_outside_the_subtree_or_by_a_non_officer_are_refused(
    client, tree, board_officer, secretary, outsider, reader, cadre
) -> None:
    holding = PositionHolding.objects.get(person=cadre)
    vote = {"holding": holding.pk, "voters": 10, "high": 5, "confidence": 5, "low": 0}
    url = reverse("assessments:confidence_votes", args=[tree.commune.pk, YEAR])
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert client.post(url, vote).status_code == 404
    # The secretary and the reader see the page, but votes are the officers'.
    for user in (secretary, reader):
        client.force_login(user)
        assert 'id="vote-form"' not in client.get(url).content.decode()
        assert client.post(url, vote).status_code == 403
    # The district officer does not reach the other district's communes.
    client.force_login(board_officer)
    other = reverse("assessments:confidence_votes", args=[tree.other_commune.pk, YEAR])
    assert client.get(other).status_code == 404
    # A post held elsewhere is not a choice here.
    response = client.post(
        reverse("assessments:confidence_votes", args=[tree.district.pk, YEAR]), vote
    )
    assert response.status_code == 200
    assert not ConfidenceVote.objects.exists()


def test_the_new_pages_are_vietnamese_then_english(
    client, tree, board_officer, secretary, cadre, five_good
) -> None:
    votes = reverse("assessments:confidence_votes", args=[tree.commune.pk, YEAR])
    checklists = reverse("assessments:checklists", args=[tree.commune.pk, YEAR])
    for user, url, vietnamese, english in (
        (board_officer, votes, "Ghi kết quả lấy phiếu", "Record a vote of confidence"),
        (secretary, checklists, "Tiêu chí mô hình", "Model criteria"),
    ):
        client.force_login(user)
        client.cookies.pop("django_language", None)
        page = client.get(url).content.decode()
        assert vietnamese in page
        assert english not in page
        client.post(reverse("set_language"), {"language": "en", "next": url})
        page = client.get(url).content.decode()
        assert english in page
        assert vietnamese not in page
