"""The report pages' unit picker: the path up to the user's own unit, one
level down (capped), a search in the user's reach for the report's year —
never a drop-down of every unit (a country's made the page 4–10 MB)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from assessments.reports.unit_picker import CHILDREN_SHOWN, MATCHES_SHOWN
from organizations.models import Kind, Level, UnitLink
from organizations.tree import place_in_provinces
from tests.factories import EPOCH, UnitFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def picker_of(page: str) -> str:
    return re.search(r'<section class="unit-picker".*?</section>', page, re.S)[0]


def links(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<a href="([^"]*)">([^<]*)</a>', html)


def report_page(client, **query) -> str:  # type: ignore[no-untyped-def]
    url = reverse("reports:report", args=["organization_quality"])
    response = client.get(url, query)
    assert response.status_code == 200
    return response.content.decode()


def search(client, text: str, year: int = 2025) -> list[str]:  # type: ignore[no-untyped-def]
    response = client.get(
        reverse("reports:units"),
        {"q": text, "year": year, "report": "coverage"},
        **HTMX,
    )
    assert response.status_code == 200
    return [name for _href, name in links(response.content.decode())]


def test_the_page_has_no_unit_drop_down_but_the_path_and_one_level_down(
    client, tree, board_officer
) -> None:
    client.force_login(board_officer)
    page = report_page(
        client, unit=tree.commune.pk, year=2025, compare=2024, provisional=1
    )
    assert "<option" not in page
    picker = picker_of(page)
    # The path starts at the officer's own district, not at the province.
    assert links(picker) == [
        (
            "/bao-cao/organization_quality/?year=2025&amp;compare=2024"
            f"&amp;provisional=1&amp;unit={tree.district.pk}",
            "Huyện Thanh Chương",
        )
    ]
    assert tree.province.name not in picker
    assert '<strong aria-current="page">Đảng bộ xã Thanh Phong</strong>' in picker
    # A commune's cells are not reported on one by one: nothing below.
    assert "Đơn vị trực thuộc" not in picker


def test_the_province_officer_sees_the_districts_one_level_down(
    client, tree, province_officer
) -> None:
    client.force_login(province_officer)
    picker = picker_of(report_page(client, year=2024))
    assert [name for _href, name in links(picker)] == [
        "Huyện Tân Kỳ",
        "Huyện Thanh Chương",
    ]
    assert f"year=2024&amp;unit={tree.district.pk}" in picker


def test_search_finds_units_without_accents_in_reach_only(
    client, tree, province_officer, secretary
) -> None:
    client.force_login(province_officer)
    assert search(client, "huong son") == ["Đảng bộ xã Hương Sơn"]
    assert search(client, "TK-HS") == ["Đảng bộ xã Hương Sơn"]
    assert search(client, "xa") == ["Đảng bộ xã Hương Sơn", "Đảng bộ xã Thanh Phong"]
    client.force_login(secretary)
    assert search(client, "huong son") == []
    assert search(client, "xa") == ["Đảng bộ xã Thanh Phong"]


def test_a_match_leads_to_the_report_with_its_years(
    client, tree, province_officer
) -> None:
    client.force_login(province_officer)
    response = client.get(
        reverse("reports:units"),
        {"q": "thanh phong", "year": 2024, "compare": 2023, "report": "coverage"},
        **HTMX,
    )
    assert links(response.content.decode()) == [
        (
            f"/bao-cao/coverage/?year=2024&amp;compare=2023&amp;unit={tree.commune.pk}",
            "Đảng bộ xã Thanh Phong",
        )
    ]


def test_search_without_javascript_is_answered_by_the_page(
    client, tree, province_officer
) -> None:
    client.force_login(province_officer)
    page = report_page(client, unit=tree.province.pk, year=2025, q="huong son")
    matches = re.search(r'<div id="unit-matches".*?</div>', page, re.S)[0]
    assert [name for _href, name in links(matches)] == ["Đảng bộ xã Hương Sơn"]


def test_search_follows_the_tree_of_the_reports_year(
    client, commune_moved, board_officer, new_officer
) -> None:
    """Thanh Phong moved from Thanh Chương to Tân Kỳ on 1 July 2025: its
    2024 is Thanh Chương's to report, its 2025 Tân Kỳ's (docs/access.md)."""
    client.force_login(board_officer)
    assert search(client, "thanh phong", year=2024) == ["Đảng bộ xã Thanh Phong"]
    assert search(client, "thanh phong", year=2025) == []
    client.force_login(new_officer)
    assert search(client, "thanh phong", year=2024) == []
    assert search(client, "thanh phong", year=2025) == ["Đảng bộ xã Thanh Phong"]
    picker = picker_of(report_page(client, unit=commune_moved.other_district.pk))
    assert "Đảng bộ xã Thanh Phong" in picker
    picker = picker_of(
        report_page(client, unit=commune_moved.other_district.pk, year=2024)
    )
    assert "Đảng bộ xã Thanh Phong" not in picker


def _communes(parent, count: int, start: int = 0) -> None:  # type: ignore[no-untyped-def]
    units = [
        UnitFactory(
            code=f"TC-X{i:03}",
            name=f"Đảng bộ xã Số {i:03}",
            level=Level.GRASSROOTS_COMMITTEE,
            kind=Kind.COMMUNE,
            opened_on=EPOCH,
        )
        for i in range(start, start + count)
    ]
    UnitLink.objects.bulk_create(
        UnitLink(child=u, parent=parent, valid_from=EPOCH) for u in units
    )
    place_in_provinces()


@pytest.mark.parametrize("slug", ["organization_quality", "coverage", "trends"])
def test_the_page_stays_the_same_size_and_queries_as_the_tree_grows(
    client, tree, board_officer, django_assert_num_queries, slug
) -> None:
    client.force_login(board_officer)
    url = reverse("reports:report", args=[slug])
    query = {"unit": tree.district.pk, "year": 2025}
    client.get(url, query)  # the reach, kept between requests
    with django_assert_num_queries(QUERIES[slug]):
        small = client.get(url, query).content.decode()
    _communes(tree.district, 3 * CHILDREN_SHOWN)
    client.get(url, query)
    with django_assert_num_queries(QUERIES[slug]):
        large = client.get(url, query).content.decode()
    # The district is the officer's own unit: no path above, one commune.
    assert [name for _h, name in links(picker_of(small))] == ["Đảng bộ xã Thanh Phong"]
    children = re.search(r'<div class="unit-children">.*?</div>', large, re.S)[0]
    assert len(links(children)) == CHILDREN_SHOWN
    assert "… và các đơn vị khác: tìm theo tên" in children
    assert "<option" not in large


QUERIES = {"organization_quality": 16, "coverage": 15, "trends": 32}


def test_search_returns_at_most_a_page_of_matches_in_pinned_queries(
    client, tree, board_officer, django_assert_num_queries
) -> None:
    _communes(tree.district, 3 * MATCHES_SHOWN)
    client.force_login(board_officer)
    search(client, "so")
    with django_assert_num_queries(SEARCH_QUERIES):
        found = search(client, "dang bo xa so")
    assert len(found) == MATCHES_SHOWN
    assert found[:2] == ["Đảng bộ xã Số 000", "Đảng bộ xã Số 001"]


SEARCH_QUERIES = 4


def test_a_campaign_is_opened_on_a_unit_chosen_with_the_picker(
    client, tree, province_officer, board_officer
) -> None:
    url = reverse("assessments:campaign_open")
    client.force_login(province_officer)
    page = client.get(url).content.decode()
    assert "<option" not in page.split('id="campaign-unit"')[0]
    assert '<select name="unit"' not in page
    picker = picker_of(page)
    assert [name for _h, name in links(picker)] == [
        "Huyện Tân Kỳ",
        "Huyện Thanh Chương",
    ]
    page = client.get(url, {"unit": tree.district.pk}).content.decode()
    assert links(picker_of(page)) == [
        (f"{url}?unit={tree.province.pk}", "Tỉnh Nghệ An")
    ]
    assert "<strong>Huyện Thanh Chương</strong>" in page
    assert f'name="unit" value="{tree.district.pk}"' in page
    page = client.get(url, {"unit": tree.province.pk, "q": "tan ky"}).content.decode()
    matches = re.search(r'<div id="unit-matches".*?</div>', page, re.S)[0]
    assert [name for _h, name in links(matches)] == ["Huyện Tân Kỳ"]
    # A district's officer: nothing above, nothing of the other district.
    client.force_login(board_officer)
    page = client.get(url, {"q": "tan ky"}).content.decode()
    assert "Tân Kỳ" not in page
    assert "Tỉnh Nghệ An" not in page
    page = client.get(url, {"unit": tree.other_district.pk}).content.decode()
    assert "Tân Kỳ" not in page


def test_every_match_opens_and_a_unit_closed_in_the_year_is_not_offered(
    client, tree, province_officer
) -> None:
    """A report of a year follows the tree of its 31 December; a unit closed
    during the year (a district dissolved on 1 July 2025) has no place in it,
    so the search offers it for the years it ended open, and each link it
    gives opens its report (it offered the district for 2025, whose page
    then answered 404)."""
    tree.district.closed_on = datetime.date(2025, 7, 1)
    tree.district.save(update_fields=["closed_on"])
    client.force_login(province_officer)
    assert tree.district.name not in search(client, "thanh chuong", 2025)
    assert tree.district.name in search(client, "thanh chuong", 2024)
    for year in (2024, 2025):
        response = client.get(
            reverse("reports:units"),
            {"q": "thanh", "year": year, "report": "coverage"},
            **HTMX,
        )
        hrefs = [href for href, _name in links(response.content.decode())]
        assert hrefs
        for href in hrefs:
            assert client.get(href.replace("&amp;", "&")).status_code == 200, href
