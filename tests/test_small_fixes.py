"""The smaller items of issue 18: translated blank choices, dd/mm/yyyy
dates, the current page marked in the menu, and a closed year's import page
that offers no upload and says why."""

from __future__ import annotations

import datetime

from django.urls import reverse

from assessments import services
from assessments.models import OrganizationReview, ReviewCampaign
from tests.assessments.factories import level

YEAR = 2024


def test_blank_choice_of_a_select_is_vietnamese_then_english(
    client, tree, secretary
) -> None:
    client.force_login(secretary)
    page = client.get(reverse("members:person_create")).content.decode()
    assert "— Chọn —" in page
    assert "Select an option" not in page
    # The campaign form chooses its unit with a picker now, not a select.
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("members:person_create")).content.decode()
    assert "- Select an option -" in page


def test_dates_are_typed_and_shown_dd_mm_yyyy(client, tree, board_officer) -> None:
    client.force_login(board_officer)
    url = reverse("assessments:campaign_open")
    page = client.get(url).content.decode()
    assert 'placeholder="dd/mm/yyyy"' in page
    assert 'type="date"' not in page
    response = client.post(
        url,
        {
            "unit": tree.district.pk,
            "year": 2025,
            "entry_deadline": "05/01/2026",
            "decision_deadline": "15/02/2026",
        },
    )
    assert response.status_code == 302
    campaign = ReviewCampaign.objects.get()
    # 5 January, not 1 May (Django's default reads mm/dd/yyyy).
    assert campaign.entry_deadline == datetime.date(2026, 1, 5)


def test_tree_takes_a_day_typed_dd_mm_yyyy(client, tree, secretary) -> None:
    client.force_login(secretary)
    page = client.get(reverse("organizations:tree") + "?as_of=31/12/2024")
    body = page.content.decode()
    assert 'value="31/12/2024"' in body
    iso = client.get(reverse("organizations:tree") + "?as_of=2024-12-31")
    assert 'value="31/12/2024"' in iso.content.decode()


def test_menu_marks_the_current_page(client, tree, secretary) -> None:
    client.force_login(secretary)
    page = client.get(reverse("assessments:review_home")).content.decode()
    reviews = reverse("assessments:review_home")
    assert f'<a href="{reviews}" aria-current="page">' in page
    assert page.count('aria-current="page"') == 1


def test_a_reader_is_told_who_opens_campaigns_instead_of_an_empty_form(
    client, tree, reader
) -> None:
    client.force_login(reader)
    page = client.get(reverse("assessments:campaign_open")).content.decode()
    assert 'id="cannot-open"' in page
    assert '<form method="post" class="narrow">' not in page


def _approve(tree, secretary, board_officer) -> OrganizationReview:  # type: ignore[no-untyped-def]
    good = level("organization", YEAR, "good")
    for cell in (tree.cell1, tree.cell2, tree.commune):
        services.unit_classification_set(
            user=secretary, unit=cell, year=YEAR, level=good
        )
    review = services.review_submit(
        user=secretary, organization=tree.commune, year=YEAR
    )
    return services.review_approve(user=board_officer, review=review)


def test_a_locked_years_import_page_offers_no_upload_and_says_why(
    client, tree, secretary, board_officer, outsider
) -> None:
    _approve(tree, secretary, board_officer)
    url = reverse("assessments:classification_import", args=[tree.commune.pk, YEAR])
    client.force_login(secretary)
    page = client.get(url).content.decode()
    assert 'type="file"' not in page
    assert "đã được cấp trên duyệt và khóa: không nhập được" in page
    response = client.post(url, {"commit": "1"}, follow=True)
    assert "đã được cấp trên duyệt và khóa" in response.content.decode()
    open_year = reverse(
        "assessments:classification_import", args=[tree.commune.pk, YEAR + 1]
    )
    assert 'type="file"' in client.get(open_year).content.decode()
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_a_row_that_breaks_a_rule_is_marked_with_the_message(
    client, tree, secretary
) -> None:
    from tests.assessments.factories import make_member

    people = [make_member(tree.cell1) for _ in range(2)]
    client.force_login(secretary)
    url = reverse("assessments:review_save_row", args=[tree.commune.pk, YEAR])
    excellent = level("member", YEAR, "excellent")
    key = f"person-{people[0].pk}"
    response = client.post(
        url, {"row": key, f"{key}-level": excellent.pk}, HTTP_HX_REQUEST="true"
    )
    row = response.content.decode().split("</tr>")[0]
    # One "excellent" and no "good": over the 20% quota (HD 21-HD/BTCTW).
    assert "breaks-rule" in row
    assert "vượt quá 20%" in row
    page = client.get(reverse("assessments:review_entry", args=[tree.commune.pk, YEAR]))
    other = page.content.decode().split(f'id="row-person-{people[1].pk}"')[1]
    assert "breaks-rule" not in other.split("</tr>")[0]


def test_last_years_levels_fill_only_the_empty_rows(
    client, tree, secretary, reader, outsider
) -> None:
    from assessments.models import MemberClassification, UnitClassification
    from tests.assessments.factories import make_member

    hoa = make_member(tree.cell1, "Nguyễn Thị Hoa")
    binh = make_member(tree.cell2, "Trần Văn Bình")
    last = YEAR - 1
    for unit in (tree.cell1, tree.cell2, tree.commune):
        services.unit_classification_set(
            user=secretary,
            unit=unit,
            year=last,
            level=level("organization", last, "excellent"),
        )
    for person, cell in ((hoa, tree.cell1), (binh, tree.cell2)):
        services.member_classification_set(
            user=secretary,
            person=person,
            cell=cell,
            year=last,
            level=level("member", last, "good"),
        )
    # This year Bình is already entered: his row is left as it is.
    services.member_classification_set(
        user=secretary,
        person=binh,
        cell=tree.cell2,
        year=YEAR,
        level=level("member", YEAR, "completed"),
    )
    url = reverse("assessments:review_copy_last_year", args=[tree.commune.pk, YEAR])
    client.force_login(outsider)
    assert client.post(url).status_code == 404
    client.force_login(reader)
    assert client.post(url).status_code == 403
    client.force_login(secretary)
    response = client.post(url, follow=True)
    assert f"Đã chép mức năm {last} cho 4 dòng còn trống" in response.content.decode()
    levels = {
        c.unit_id: c.level.code for c in UnitClassification.objects.filter(year=YEAR)
    }
    assert levels == {
        tree.cell1.pk: "excellent",
        tree.cell2.pk: "excellent",
        tree.commune.pk: "excellent",
    }
    members = {
        c.person_id: (c.level.code, c.score, c.remarks)
        for c in MemberClassification.objects.filter(year=YEAR)
    }
    assert members == {hoa.pk: ("good", None, ""), binh.pk: ("completed", None, "")}
