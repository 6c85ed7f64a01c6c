"""Member and cadre lists: scope for every role, each filter, search, sort,
pages, htmx partials, pinned query counts and the .xlsx export."""

from __future__ import annotations

import datetime
import re
from io import BytesIO

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from members import selectors, services
from members.filters import MemberFilter
from members.models import Membership
from organizations.access import request_scope
from organizations.models import Kind, Level
from partyquality.search import NameSearch, other_matches_share
from tests.factories import make_unit
from tests.members.factories import PersonFactory, make_member, position

D = datetime.date
LIST = reverse("members:member_list")
CADRES = reverse("members:cadre_list")


def _listed_as_common(word: str) -> bool:
    """ANALYZE lists the whole ``word`` among the common words of names."""
    return NameSearch.parse(word + " ").listed_shares()[0] > 0


def names(response) -> list[str]:
    """The names in the list's table, in order."""
    page = response.context["page"]
    return [row.person.full_name for row in page.object_list]


@pytest.fixture
def people(tree):
    """Members on both branches of the tree, with varied attributes."""
    today = timezone.localdate()
    an = make_member(
        tree.cell1,
        full_name="Nguyễn Văn An",
        date_of_birth=D(today.year - 25, 1, 1),
        admitted_on=D(today.year - 3, 1, 10),
    )
    hoa = make_member(
        tree.cell2,
        full_name="Lê Thị Hoa",
        gender="F",
        ethnicity="02",
        date_of_birth=D(1965, 6, 1),
        admitted_on=D(2000, 5, 5),
    )
    binh = make_member(
        tree.cell2,
        full_name="Trần Đức Bình",
        date_of_birth=D(1982, 2, 2),
        admitted_on=D(2024, 9, 2),
        full=False,
    )
    other = make_member(
        tree.other_cell, full_name="Phạm Văn Xa", admitted_on=D(2001, 1, 1)
    )
    services.qualification_add(
        person=hoa.person, dimension="professional", level="university"
    )
    services.qualification_add(
        person=hoa.person, dimension="political", level="pol_intermediate"
    )
    services.qualification_add(
        person=an.person, dimension="professional", level="intermediate"
    )
    services.qualification_add(
        person=an.person,
        dimension="professional",
        level="university",
        status="studying",
        expected_year=2027,
    )
    services.holding_start(
        person=hoa.person,
        unit=tree.commune,
        position=position("party_secretary"),
        valid_from=D(2020, 10, 1),
        origin="rotated_down",
    )
    services.holding_start(
        person=other.person,
        unit=tree.other_commune,
        position=position("ubnd_chair"),
        valid_from=D(2021, 6, 1),
    )
    return {"an": an, "hoa": hoa, "binh": binh, "other": other}


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("admin_user", {"Nguyễn Văn An", "Lê Thị Hoa", "Trần Đức Bình", "Phạm Văn Xa"}),
        (
            "province_officer",
            {"Nguyễn Văn An", "Lê Thị Hoa", "Trần Đức Bình", "Phạm Văn Xa"},
        ),
        ("reader", {"Nguyễn Văn An", "Lê Thị Hoa", "Trần Đức Bình", "Phạm Văn Xa"}),
        ("board_officer", {"Nguyễn Văn An", "Lê Thị Hoa", "Trần Đức Bình"}),
        ("secretary", {"Nguyễn Văn An", "Lê Thị Hoa", "Trần Đức Bình"}),
        ("outsider", {"Phạm Văn Xa"}),
        ("unassigned", set()),
    ],
)
def test_member_list_shows_the_users_subtree(
    client, people, request, role, expected
) -> None:
    client.force_login(request.getfixturevalue(role))
    response = client.get(LIST)
    assert response.status_code == 200
    assert set(names(response)) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=probationary", ["Trần Đức Bình"]),
        ("status=active", ["Lê Thị Hoa", "Nguyễn Văn An", "Trần Đức Bình"]),
        ("gender=F", ["Lê Thị Hoa"]),
        ("ethnicity=minority", ["Lê Thị Hoa"]),
        ("ethnicity=01", ["Nguyễn Văn An", "Trần Đức Bình"]),
        ("age=lt30", ["Nguyễn Văn An"]),
        ("age=40_49", ["Trần Đức Bình"]),
        ("age=60plus", ["Lê Thị Hoa"]),
        ("years=lt5", ["Nguyễn Văn An", "Trần Đức Bình"]),
        ("years=20_29", ["Lê Thị Hoa"]),
        ("professional=university", ["Lê Thị Hoa"]),
        ("professional=intermediate", ["Nguyễn Văn An"]),
        ("political=pol_intermediate", ["Lê Thị Hoa"]),
        ("studying=yes", ["Nguyễn Văn An"]),
        ("studying=no", ["Lê Thị Hoa", "Trần Đức Bình"]),
        ("origin=rotated_down", ["Lê Thị Hoa"]),
        ("q=nguyen+van+an", ["Nguyễn Văn An"]),
        ("q=TRAN+binh", ["Trần Đức Bình"]),
        ("q=le+thi+hoa&gender=M", []),
    ],
)
def test_each_member_filter_narrows_the_list(
    client, secretary, people, query, expected
) -> None:
    client.force_login(secretary)
    response = client.get(f"{LIST}?{query}")
    assert sorted(names(response)) == expected


def test_a_qualification_filter_takes_each_persons_highest_completed_level(
    client, secretary, tree
) -> None:
    """The top level of a dimension ("cao cấp", advanced political theory)
    needs no test for a higher one; a lower level does; a level still being
    studied does not count."""
    people = {}
    for name, levels in [
        ("Cao Văn Một", [("pol_advanced", "completed")]),
        (
            "Cao Văn Hai",
            [("pol_intermediate", "completed"), ("pol_advanced", "studying")],
        ),
        (
            "Cao Văn Ba",
            [("pol_intermediate", "completed"), ("pol_advanced", "completed")],
        ),
    ]:
        people[name] = make_member(tree.cell1, full_name=name)
        for level, status in levels:
            services.qualification_add(
                person=people[name].person,
                dimension="political",
                level=level,
                status=status,
                expected_year=2027 if status == "studying" else None,
            )
    client.force_login(secretary)
    assert names(client.get(LIST, {"political": "pol_advanced"})) == [
        "Cao Văn Ba",
        "Cao Văn Một",
    ]
    assert names(client.get(LIST, {"political": "pol_intermediate"})) == ["Cao Văn Hai"]


@pytest.mark.parametrize("user", ["secretary", "province_officer", "admin_user"])
def test_a_level_held_by_many_is_tested_row_by_row_for_a_part_of_the_country(
    client, tree, request, user
) -> None:
    """ANALYZE counts the holders of each level: one held by many (university
    here, 15 % of people) is tested row by row by a secretary or
    a province officer (a subquery, never a join reading the level's index
    in person order); a level held by few (master), and every level for an
    administrator, is found from the level index. Each lists the highest
    completed level, as the export does."""
    from members.filters import PROBED_LEVEL_SHARE, level_shares

    PersonFactory.create_batch(30)  # people without a qualification
    levels = ["university"] * 6 + ["college"] * 3 + ["master"]
    for i, level in enumerate(levels):
        member = make_member(tree.cell1, full_name=f"Đỗ Văn {chr(65 + i)}")
        services.qualification_add(
            person=member.person, dimension="professional", level=level
        )
        if i in (0, 9):  # a university and the master's degree
            services.qualification_add(
                person=member.person, dimension="political", level="pol_intermediate"
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE members_qualification")
        cursor.execute("ANALYZE members_person")
    shares = level_shares()
    assert shares["university"] >= PROBED_LEVEL_SHARE > shares.get("master", 0.0)
    # 5 % each, but seldom together if held independently: joined.
    assert shares["pol_intermediate"] >= PROBED_LEVEL_SHARE
    assert shares["university"] * shares["pol_intermediate"] < PROBED_LEVEL_SHARE
    client.force_login(request.getfixturevalue(user))
    for query, expected, tested_level in [
        (
            {"professional": "university"},
            [f"Đỗ Văn {chr(65 + i)}" for i in range(6)],
            "university",
        ),
        ({"professional": "master"}, ["Đỗ Văn J"], None),
        (
            {"professional": "university", "political": "pol_intermediate"},
            ["Đỗ Văn A"],
            None,
        ),
    ]:
        with CaptureQueriesContext(connection) as ctx:
            assert names(client.get(LIST, query)) == expected
        sql = "\n".join(q["sql"] for q in ctx.captured_queries)
        tested = "LIMIT 1) IS NOT NULL" in sql
        assert tested == (tested_level is not None and user != "admin_user"), query
        rows = _sheet(client.get(reverse("members:member_export"), query))
        assert [row[0] for row in rows[1:]] == expected


def test_filter_by_position_held_today(client, secretary, people) -> None:
    client.force_login(secretary)
    pk = position("party_secretary").pk
    assert names(client.get(f"{LIST}?position={pk}")) == ["Lê Thị Hoa"]


def test_unit_filter_takes_the_units_subtree(
    client, province_officer, people, tree
) -> None:
    client.force_login(province_officer)
    assert names(client.get(f"{LIST}?unit={tree.cell1.pk}")) == ["Nguyễn Văn An"]
    assert sorted(names(client.get(f"{LIST}?unit={tree.district.pk}"))) == [
        "Lê Thị Hoa",
        "Nguyễn Văn An",
        "Trần Đức Bình",
    ]


def test_unit_select_offers_only_visible_units(client, secretary, people, tree) -> None:
    client.force_login(secretary)
    body = client.get(LIST).content.decode()
    assert f'value="{tree.cell1.pk}"' in body
    assert tree.other_commune.name not in body
    # An outside unit in the URL is ignored, the list stays scoped.
    response = client.get(f"{LIST}?unit={tree.other_commune.pk}")
    assert "Phạm Văn Xa" not in names(response)


def test_a_transferred_member_is_listed_under_the_new_cell(
    client, secretary, people, tree
) -> None:
    services.member_transfer(
        membership=people["an"],
        to_cell=tree.cell2,
        date=D(2025, 9, 1),
        decision_number="1",
    )
    client.force_login(secretary)
    assert "Nguyễn Văn An" in names(client.get(f"{LIST}?unit={tree.cell2.pk}"))
    assert "Nguyễn Văn An" not in names(client.get(f"{LIST}?unit={tree.cell1.pk}"))


def test_members_are_sorted_by_the_chosen_column(client, secretary, people) -> None:
    client.force_login(secretary)
    assert names(client.get(f"{LIST}?o=-name")) == [
        "Trần Đức Bình",
        "Nguyễn Văn An",
        "Lê Thị Hoa",
    ]
    assert names(client.get(f"{LIST}?o=admitted"))[0] == "Lê Thị Hoa"
    body = client.get(f"{LIST}?o=name&gender=M").content.decode()
    assert "?o=-name&amp;gender=M" in body or "?gender=M&amp;o=-name" in body


@pytest.mark.parametrize("user", ["secretary", "admin_user"])
def test_every_sort_lists_the_rows_in_its_order(client, request, people, user) -> None:
    """Each sort of the member list walks its own index (members/0018,
    organizations/0005); what it lists is the same order."""
    client.force_login(request.getfixturevalue(user))
    mine = {"Nguyễn Văn An", "Lê Thị Hoa", "Trần Đức Bình"}

    def order(sort: str) -> list[str]:
        return [n for n in names(client.get(LIST, {"o": sort})) if n in mine]

    # An 2001, Bình 1982, Hoa 1965 (born); Hoa 2000, An three years ago,
    # Bình 2024 (admitted); cells: "Chi bộ thôn 1" (An), "Chi bộ thôn 2".
    assert order("dob") == ["Lê Thị Hoa", "Trần Đức Bình", "Nguyễn Văn An"]
    assert order("-dob") == ["Nguyễn Văn An", "Trần Đức Bình", "Lê Thị Hoa"]
    assert order("admitted")[0] == "Lê Thị Hoa"
    assert order("-admitted")[-1] == "Lê Thị Hoa"
    assert order("cell")[0] == "Nguyễn Văn An"
    assert order("-cell")[-1] == "Nguyễn Văn An"
    # Full members, then probationary ("full" < "probationary").
    assert order("status")[-1] == "Trần Đức Bình"


@pytest.mark.parametrize("user", ["province_officer", "admin_user"])
def test_the_member_list_sorted_by_cell_reads_the_membership_copy(
    client, request, people, user
) -> None:
    """Sorted by the membership's copy of its cell's name (members/0022),
    walked in its own index: no join to the cells (an outer join sorted the
    whole country, 1.9 s; an inner one walked 320,000 cells). A membership
    without a current cell, which the column allows, comes last."""
    Membership.objects.filter(pk=people["binh"].pk).update(current_cell=None)
    client.force_login(request.getfixturevalue(user))
    with CaptureQueriesContext(connection) as ctx:
        listed = names(client.get(LIST, {"o": "cell"}))
    ids_query = next(
        q["sql"]
        for q in ctx.captured_queries
        if 'AS "pk"' in q["sql"] and "ORDER BY" in q["sql"]
    )
    assert 'ORDER BY "members_membership"."cell_name" ASC' in ids_query
    assert '"organizations_unit"' not in ids_query.split(" WHERE ")[0]
    assert listed[0] == "Nguyễn Văn An"  # "Chi bộ thôn 1"
    if user == "admin_user":
        assert listed[-1] == "Trần Đức Bình"  # no cell
        assert names(client.get(LIST, {"o": "-cell"}))[0] == "Trần Đức Bình"
    else:  # no cell: in no one's reach but the whole country's
        assert "Trần Đức Bình" not in listed


def test_the_cadre_list_sorted_by_unit_sorts_its_holdings(
    client, admin_user, people, tree
) -> None:
    """Cadres sorted by unit name, both ways, found first then sorted
    (never by walking the country's units in name order)."""
    services.holding_start(
        person=people["an"].person,
        unit=tree.district,
        position=position("party_secretary"),
        valid_from=D(2021, 1, 1),
    )
    client.force_login(admin_user)
    units = [row.unit.name for row in client.get(CADRES, {"o": "unit"}).context["page"]]
    assert units == sorted(units)
    assert len(set(units)) == 3
    back = [row.unit.name for row in client.get(CADRES, {"o": "-unit"}).context["page"]]
    assert back == units[::-1]


def test_htmx_requests_get_only_the_results(client, secretary, people) -> None:
    client.force_login(secretary)
    response = client.get(f"{LIST}?q=hoa", headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "<html" not in body
    assert "Lê Thị Hoa" in body
    assert response["HX-Push-Url"] == f"{LIST}?q=hoa"
    # Empty fields of the form stay out of the shareable URL.
    response = client.get(
        f"{LIST}?q=hoa&gender=&status=", headers={"HX-Request": "true"}
    )
    assert response["HX-Push-Url"] == f"{LIST}?q=hoa"
    full = client.get(f"{LIST}?q=hoa").content.decode()
    assert 'hx-trigger="change, keyup delay:300ms"' in full
    assert 'hx-push-url="true"' in full


def test_the_list_is_paginated(client, secretary, tree) -> None:
    for i in range(55):
        make_member(tree.cell1, full_name=f"Đảng viên {i:02d}")
    client.force_login(secretary)
    first = client.get(LIST)
    assert len(names(first)) == 50
    assert "Trang 1/2" in first.content.decode()
    assert len(names(client.get(f"{LIST}?page=2"))) == 5


def test_search_results_are_in_name_order_across_pages(client, secretary, tree) -> None:
    # Created out of order; with a search the matches are sorted rather than
    # read off the name index, and each page is read as ids, then rows.
    for i in reversed(range(53)):
        make_member(tree.cell1, full_name=f"Nguyễn Thị Mẫu {i:02d}")
    make_member(tree.cell1, full_name="Trần Văn Khác")
    client.force_login(secretary)
    first = names(client.get(f"{LIST}?q=nguyen+mau"))
    second = names(client.get(f"{LIST}?q=nguyen+mau&page=2"))
    assert first == [f"Nguyễn Thị Mẫu {i:02d}" for i in range(50)]
    assert second == ["Nguyễn Thị Mẫu 50", "Nguyễn Thị Mẫu 51", "Nguyễn Thị Mẫu 52"]
    assert names(client.get(f"{LIST}?q=nguyen+mau&o=-name"))[0] == "Nguyễn Thị Mẫu 52"


def test_name_search_matches_words_and_the_start_of_the_last_one(
    client, secretary, tree
) -> None:
    make_member(tree.cell1, full_name="Nguyễn Thị Hương")
    make_member(tree.cell1, full_name="Nguyễn Thịnh An")
    make_member(tree.cell1, full_name="Trần Nguyên Hưng")
    client.force_login(secretary)

    def found(q: str) -> list[str]:
        return names(client.get(LIST, {"q": q}))

    # The last word is still being typed: it may be the start of a word.
    assert found("nguyen thi") == ["Nguyễn Thị Hương", "Nguyễn Thịnh An"]
    # A space after it: a whole word.
    assert found("nguyen thi ") == ["Nguyễn Thị Hương"]
    # Words before the last are whole words, in any order, without accents.
    assert found("HUONG nguyễn") == ["Nguyễn Thị Hương"]
    assert found("nguy huong") == []
    assert found("nguyen") == [
        "Nguyễn Thị Hương",
        "Nguyễn Thịnh An",
        "Trần Nguyên Hưng",
    ]
    # Operators of the search syntax are only separators.
    assert found("nguyen & !thi:* | (") == ["Nguyễn Thị Hương", "Nguyễn Thịnh An"]
    assert found("&&&") == []


def test_names_starting_with_the_words_come_first(client, secretary, tree) -> None:
    for name in [
        "Bùi Thị Lan",
        "Lan Văn Bình",
        "Lê Thị Lan",
        "Lan Thị Hà",
        "Đỗ Lan Anh",
        "Trần Văn Hùng",
        "Phạm Thị Lành",
    ]:
        make_member(tree.cell1, full_name=name)
    client.force_login(secretary)
    # Names starting with "lan" in name order, then the people named Lan
    # (the given name comes last), then the other names with the word.
    assert names(client.get(LIST, {"q": "lan"})) == [
        "Lan Thị Hà",
        "Lan Văn Bình",
        "Bùi Thị Lan",
        "Lê Thị Lan",
        "Đỗ Lan Anh",
        "Phạm Thị Lành",  # a longer given name, while "lan" may be unfinished
    ]
    # Words in any order: after the names starting with them, the others.
    assert names(client.get(LIST, {"q": "lan thi"})) == [
        "Lan Thị Hà",
        "Bùi Thị Lan",
        "Lê Thị Lan",
    ]
    assert names(client.get(LIST, {"q": "thi lan "})) == [
        "Bùi Thị Lan",
        "Lê Thị Lan",
        "Lan Thị Hà",
    ]
    # The export lists the same matches in the same order.
    rows = _sheet(client.get(reverse("members:member_export"), {"q": "lan"}))
    assert [row[0] for row in rows[1:]] == names(client.get(LIST, {"q": "lan"}))
    # The count covers both groups; a chosen sort applies to all matches.
    assert client.get(LIST, {"q": "lan"}).context["page"].paginator.count == 6
    assert names(client.get(LIST, {"q": "lan", "o": "-name"})) == [
        "Phạm Thị Lành",
        "Lê Thị Lan",
        "Lan Văn Bình",
        "Lan Thị Hà",
        "Đỗ Lan Anh",
        "Bùi Thị Lan",
    ]


def test_a_word_inside_a_given_name_of_several_words_is_found(
    client, secretary, tree
) -> None:
    """Ê Đê and other names may hold punctuation: "Mai-Anh" is one given name
    but two words ("mai", "anh") to the word index."""
    make_member(tree.cell1, full_name="Nguyễn Thị Mai-Anh")
    make_member(tree.cell1, full_name="H'Hen Niê")
    client.force_login(secretary)
    assert names(client.get(LIST, {"q": "anh"})) == ["Nguyễn Thị Mai-Anh"]
    assert names(client.get(LIST, {"q": "hen"})) == ["H'Hen Niê"]


def test_the_last_group_is_the_same_whether_its_word_is_common_or_rare(
    client, secretary, tree
) -> None:
    """How the last group is read depends on how common the word is among
    family and middle names (ANALYZE's statistics); what it finds does not."""
    people = ["Bùi Thị Hoa", "Trần Thị Lan", "Đỗ Thị Thịnh", "Thị Văn Bảo"]
    people += [f"Lê Văn Thử {i:02d}" for i in range(40)]  # "thi" is not in these
    for name in people:
        make_member(tree.cell1, full_name=name)
    client.force_login(secretary)
    rare = names(client.get(LIST, {"q": "thi"}))
    assert other_matches_share("thi", prefix=True).total == 0  # no statistics yet
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE members_person")
    assert other_matches_share("thi", prefix=True).leading >= 0.01
    assert rare == ["Thị Văn Bảo", "Bùi Thị Hoa", "Đỗ Thị Thịnh", "Trần Thị Lan"]
    assert names(client.get(LIST, {"q": "thi"})) == rare


@pytest.mark.parametrize("user", ["secretary", "admin_user"])
def test_a_half_typed_word_reads_each_longer_given_name_in_name_order(
    client, tree, request, monkeypatch, user
) -> None:
    """After the names starting with "hu" and the people named "Hu", the
    other names with a word starting with it, in name order: those with it
    among family and middle names, and each given name longer than "hu"
    (Hùng, Hưng, Hương, Huy) read off the given-name index and merged; the
    same list, and no name twice, as when they are read together (more
    longer given names than ``MOST_LONGER_GIVEN_NAMES``). A secretary reads
    the memberships' copies of the names, an administrator the person's."""
    from partyquality import search

    for name in [
        "Ngô Thị Lan",  # no word starting with "hu"
        "Trần Văn Hùng",
        "Hứa Văn Tâm",  # starts with "hu"
        "Lê Thị Hương",
        "Phạm Quang Huy",
        "Đỗ Hữu Hưng",  # "huu" a middle name and "hung" a longer given name
        "Bùi Huy Hoàng",
    ]:
        make_member(tree.cell1, full_name=name)
    client.force_login(request.getfixturevalue(user))
    expected = [
        "Hứa Văn Tâm",
        "Bùi Huy Hoàng",
        "Đỗ Hữu Hưng",
        "Lê Thị Hương",
        "Phạm Quang Huy",
        "Trần Văn Hùng",
    ]
    assert search.longer_given_names("hu") == ["hung", "huong", "huy"]
    assert names(client.get(LIST, {"q": "hu"})) == expected
    monkeypatch.setattr(search, "MOST_LONGER_GIVEN_NAMES", 2)
    assert search.longer_given_names("hu") is None
    assert names(client.get(LIST, {"q": "hu"})) == expected


@pytest.mark.parametrize("user", ["secretary", "admin_user"])
def test_names_starting_with_the_words_in_another_order_follow_the_given_name(
    client, tree, request, user
) -> None:
    """ "van nguyen" typed for Nguyễn Văn: after the names starting with
    the words as typed and the people whose given name is the last word,
    the names starting with the words in another order (ranges of the name
    index), then any other name with the words."""
    for name in [
        "Trần Văn Nguyễn Long",
        "Nguyễn Văn Bình",
        "Lê Văn Nguyên",
        "Văn Nguyễn Hà",
        "Nguyễn Văn An",
        "Nguyễn Thị Vân",  # both words, but not starting with both
    ]:
        make_member(tree.cell1, full_name=name)
    client.force_login(request.getfixturevalue(user))
    expected = [
        "Văn Nguyễn Hà",  # the words as typed
        "Lê Văn Nguyên",  # given name "nguyen"
        "Nguyễn Văn An",  # the words in another order
        "Nguyễn Văn Bình",
        "Nguyễn Thị Vân",  # the others
        "Trần Văn Nguyễn Long",
    ]
    assert names(client.get(LIST, {"q": "van nguyen"})) == expected
    rows = _sheet(client.get(reverse("members:member_export"), {"q": "van nguyen"}))
    assert [row[0] for row in rows[1:]] == expected
    assert names(client.get(LIST, {"q": "thi nguyen"})) == ["Nguyễn Thị Vân"]
    # A name made of the words alone is among them too (before the others).
    make_member(tree.cell1, full_name="Bùi An Nguyễn Văn")
    assert names(client.get(LIST, {"q": "an van nguyen"})) == [
        "Nguyễn Văn An",
        "Bùi An Nguyễn Văn",
    ]


@pytest.mark.parametrize("user", ["secretary", "admin_user"])
def test_the_last_group_of_the_whole_country_is_walked_a_share_then_read_by_place(
    client, tree, request, monkeypatch, django_assert_num_queries, user
) -> None:
    """An administrator's last group walks the first ``WALK_SHARE`` of the
    names in order (up to the bound ANALYZE's histogram gives), then reads
    the rest by where the words can be: the given name is a word typed
    before the last ("Nguyễn Hữu Văn"), or a longer given name starting with
    the last ("Trần Văn Hùng"), or an unusual one ("Lê Văn Hu-Ly"), or else
    every word is a family or middle name ("Phạm Văn Huy Hoàng"). The list
    is the one a secretary's walk of the province finds, in the same order."""
    from partyquality import search

    for name in [
        "Âu Văn Huy",  # before the bound: walked
        *(f"Đinh Thị Mai {i:02d}" for i in range(30)),  # neither word
        "Văn Hùng Minh",  # starts with the words
        "Lê Văn Hu-Ly",
        "Lê Văn Huy",
        "Nguyễn Hữu Văn",
        "Phạm Văn Huy Hoàng",
        "Trần Văn Hùng",
        "Trần Thị Hoa",  # neither word
    ]:
        make_member(tree.cell1, full_name=name)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE members_person")
    monkeypatch.setattr(search, "WALK_SHARE", 0.1)
    bound = search.other_matches_share("hu", prefix=True).walk_bound
    assert bound is not None
    assert "au van huy" < bound < "le van hu-ly"
    client.force_login(request.getfixturevalue(user))
    client.get(LIST)  # reads the reach, kept while the tree is unchanged
    expected = [
        "Văn Hùng Minh",
        "Âu Văn Huy",
        "Lê Văn Hu-Ly",
        "Lê Văn Huy",
        "Nguyễn Hữu Văn",
        "Phạm Văn Huy Hoàng",
        "Trần Văn Hùng",
    ]
    # An administrator's: the walk below the bound, then (as the page is not
    # full) the longer given names and one query of the places, in their
    # settings; a secretary's: the walk of the province.
    with django_assert_num_queries(22 if user == "admin_user" else 18):
        assert names(client.get(LIST, {"q": "van hu"})) == expected
    rows = _sheet(client.get(reverse("members:member_export"), {"q": "van hu"}))
    assert [row[0] for row in rows[1:]] == expected


@pytest.mark.parametrize("user", ["secretary", "admin_user"])
@pytest.mark.parametrize("way", ["walked", "found", "walked to the end"])
def test_a_search_in_another_sort_lists_its_matches_in_that_sort(
    client, tree, request, monkeypatch, user, way
) -> None:
    """A name search sorted by date of birth (or any sort but the name):
    the whole country's sort index walked while checking the words, or (a
    walk past its time, a province's rows) the matches found, then sorted,
    or (finding them past its time too) the walk taken up to the end: the
    same rows in the same order as the export's."""
    from partyquality import search

    for i, name in enumerate(
        [
            "Nguyễn Văn An",
            "Lê Thị Nguyệt",
            "Trần Nguyên Bình",
            "Nguyễn Thị Hoa",
            "Lê Văn Tám",
        ]
    ):
        make_member(
            tree.cell1, full_name=name, date_of_birth=D(1990 - 7 * i % 5, 1, 1 + i)
        )
    with connection.cursor() as cursor:  # "nguyen" common: walked, not counted
        cursor.execute("ANALYZE members_person")
    assert _listed_as_common("nguyen")
    if way != "walked":
        monkeypatch.setattr(search, "walking_for_at_most", lambda *args: None)
    if way == "walked to the end":
        monkeypatch.setattr(search, "found_for_at_most", lambda *args: None)
    client.force_login(request.getfixturevalue(user))
    for sort in ["dob", "-dob", "-name", "admitted", "-status", "cell"]:
        listed = names(client.get(LIST, {"q": "nguyen", "o": sort}))
        rows = _sheet(
            client.get(reverse("members:member_export"), {"q": "nguyen", "o": sort})
        )
        assert listed == [row[0] for row in rows[1:]], sort
        assert set(listed) == {"Nguyễn Văn An", "Trần Nguyên Bình", "Nguyễn Thị Hoa"}
    by_birth = names(client.get(LIST, {"q": "nguyen", "o": "dob"}))
    # Born 1986, 1989, 1990 ("Lê Thị Nguyệt" is not "nguyen").
    assert by_birth == ["Trần Nguyên Bình", "Nguyễn Thị Hoa", "Nguyễn Văn An"]


@pytest.mark.parametrize(
    "way", ["walked", "found, then sorted", "counted", "too rare together to walk"]
)
def test_a_search_of_several_words_in_another_sort_may_count_its_matches_apart(
    client, admin_user, tree, monkeypatch, way
) -> None:
    """An administrator's search of several common words in another sort:
    walked for all the list counts briefly; past it, found unsorted through
    the word index — fewer than the cap are then sorted by id (the words not
    looked up again), more are counted and only the page's rows walked for,
    a later page's when it is opened. Words too rare together, even if each
    were held independently of the others, are not walked at all. Each way
    lists the export's rows."""
    from members import views
    from partyquality import search

    for i, name in enumerate(
        [
            "Nguyễn Văn An",
            "Lê Văn Nguyên",
            "Nguyễn Thị Hoa",
            "Nguyễn Văn Bình",
            "Trần Văn Nguyễn Long",
            "Nguyễn Văn Cường",
            "Phạm Văn Tám",
        ]
    ):
        make_member(tree.cell1, full_name=name, date_of_birth=D(1980 + 3 * i % 7, 1, 1))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE members_person")
    assert _listed_as_common("nguyen")
    assert _listed_as_common("van")
    walk = search.walking_for_at_most
    if way == "too rare together to walk":  # as if the index were walked slowly
        monkeypatch.setattr(search, "COUNT_WALKED_ENTRIES", 1)
    elif way != "walked":  # the walk for the count runs out of time
        monkeypatch.setattr(
            search,
            "walking_for_at_most",
            lambda ms, *args: None if ms == search.COUNT_WALK_MS else walk(ms, *args),
        )
    if way == "counted":  # more matches than the cap, two to a page
        monkeypatch.setattr(views.CappedPaginator, "CAP", 3)
        monkeypatch.setattr(views, "PAGE_SIZE", 2)
    query = {"q": "nguyen van", "o": "dob"}
    client.force_login(admin_user)
    rows = _sheet(client.get(reverse("members:member_export"), query))
    expected = [row[0] for row in rows[1:]]
    assert expected == [  # born 1980 to 1985 ("Nguyễn Thị Hoa": no "van")
        "Nguyễn Văn An",
        "Nguyễn Văn Cường",
        "Nguyễn Văn Bình",
        "Lê Văn Nguyên",
        "Trần Văn Nguyễn Long",
    ]
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(LIST, query)
    sqls = [q["sql"] for q in ctx.captured_queries]
    if way == "counted":
        assert names(response) == expected[:2]
        assert "Hơn 3 đảng viên" in response.content.decode()
        # Counted up to the cap + 1 unsorted; the page's 2 rows walked for.
        assert any(sql.endswith("LIMIT 4") and "to_tsvector" in sql for sql in sqls)
        assert any(sql.endswith("LIMIT 2") and "LIKE" in sql for sql in sqls)
        assert names(client.get(LIST, {**query, "page": 2})) == expected[2:4]
        return
    assert names(response) == expected
    briefly_walked = any(
        f"statement_timeout = {search.COUNT_WALK_MS}" in sql for sql in sqls
    )
    if way in ("walked", "too rare together to walk"):  # (the others patch it)
        assert briefly_walked == (way == "walked")
    by_id = [  # the ids of the matches found, sorted (not the page's rows)
        sql
        for sql in sqls
        if sql.startswith('SELECT "members_membership"."id" AS "pk"')
        and '"members_membership"."id" = ANY(' in sql
    ]
    if way != "walked":
        assert by_id
        assert "to_tsvector" not in by_id[0].split(" WHERE ")[1]
    else:
        assert not by_id


@pytest.mark.parametrize("words", ["nguyen", "huong"])
def test_a_whole_provinces_search_in_another_sort_walks_its_range_for_common_words(
    client, tree, province_officer, words
) -> None:
    """An officer of a whole province searching a word many people hold
    ("nguyen") in another sort walks the province's range of that sort's
    index in order (members/0026), checking the words on the name beside the
    key; a word few hold ("huong") is found and sorted at once. Either way the
    list is the export's, in each sort."""
    PersonFactory.create_batch(30)  # "Nguyễn Văn Thử …", members of nothing
    for i, name in enumerate(
        [
            "Nguyễn Văn An",
            "Lê Thị Hương",
            "Trần Nguyên Bình",
            "Nguyễn Thị Hoa",
            "Nguyễn Văn Tám",
            "Lê Văn Hùng",
        ]
    ):
        make_member(
            tree.cell1 if i % 2 else tree.cell2,
            full_name=name,
            date_of_birth=D(1990 - 7 * i % 5, 1, 1 + i),
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE members_person")
    client.force_login(province_officer)
    for sort in ["dob", "-name", "admitted", "-status", "cell"]:
        query = {"q": words, "o": sort}
        with CaptureQueriesContext(connection) as ctx:
            listed = names(client.get(LIST, query))
        sqls = [q["sql"] for q in ctx.captured_queries]
        rows = _sheet(client.get(reverse("members:member_export"), query))
        assert listed == [row[0] for row in rows[1:]], sort
        walked = any("enable_sort = off" in sql for sql in sqls)
        assert walked == (words == "nguyen"), sort
    # Born 1986, 1987, 1989, 1990.
    assert names(client.get(LIST, {"q": "nguyen", "o": "dob"})) == [
        "Trần Nguyên Bình",
        "Nguyễn Văn Tám",
        "Nguyễn Thị Hoa",
        "Nguyễn Văn An",
    ]


def test_several_words_counted_apart_are_not_walked_again_in_vain(
    client, admin_user, tree, monkeypatch
) -> None:
    """Counted through the word index, if even the page's rows cannot be
    walked in time, the matches are found and sorted: the walk, which just
    failed for fewer rows, is not tried again for all of them."""
    from members import views
    from partyquality import search

    for i, name in enumerate(
        ["Nguyễn Văn An", "Nguyễn Văn Bình", "Lê Văn Nguyên", "Nguyễn Văn Cường"]
    ):
        make_member(tree.cell1, full_name=name, date_of_birth=D(1980 + i, 1, 1))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE members_person")
    walks: list[int] = []

    def never_in_time(milliseconds, queryset, limit):
        walks.append(limit)

    monkeypatch.setattr(search, "walking_for_at_most", never_in_time)
    monkeypatch.setattr(views.CappedPaginator, "CAP", 2)
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    client.force_login(admin_user)
    response = client.get(LIST, {"q": "nguyen van", "o": "dob"})
    assert names(response) == ["Nguyễn Văn An", "Nguyễn Văn Bình"]
    assert "Hơn 2 đảng viên" in response.content.decode()
    assert walks == [3, 2]  # the count's brief walk, then the page's


@pytest.mark.parametrize(
    ("sort", "table"),
    [
        ("status", "members_membership"),
        ("-admitted", "members_membership"),
        ("dob", "members_person"),
    ],
)
def test_an_administrators_search_in_another_sort_checks_the_name_in_its_index(
    client, admin_user, tree, sort, table
) -> None:
    """Walking the status, admission or birth-date index, the words are
    checked on the folded name that index holds beside its key (members/0020):
    the membership's copy for its own columns, the person's for the date of
    birth; so the walk reads no row of another table."""
    for name in ["Nguyễn Văn An", "Lê Thị Hoa", "Nguyễn Thị Hương"]:
        make_member(tree.cell1, full_name=name)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE members_person")
    client.force_login(admin_user)
    with CaptureQueriesContext(connection) as ctx:
        listed = names(client.get(LIST, {"q": "nguyen", "o": sort}))
    assert sorted(listed) == ["Nguyễn Thị Hương", "Nguyễn Văn An"]
    sqls = [q["sql"] for q in ctx.captured_queries]
    timed = next(i for i, sql in enumerate(sqls) if "statement_timeout = " in sql)
    walk = sqls[timed + 1]
    assert f'"{table}"."search_name"::text LIKE' in walk
    assert "CONCAT(" + f'"{table}"."search_name"' in walk
    if table == "members_membership":
        assert "members_person" not in walk.split(" WHERE ")[0]


def test_a_walk_that_joins_rows_to_their_names_is_never_taken_to_the_end(
    client, admin_user, tree, monkeypatch
) -> None:
    """A sort whose index holds no name beside its key (none of the member
    list's now; the cell sort before members/0022) walks by joining each row
    to its person: past both time limits its matches are found and sorted,
    not walked to the end (23 s for the cells)."""
    from members.filters import MemberFilter
    from partyquality import search

    for name in ["Nguyễn Văn An", "Lê Thị Hoa", "Nguyễn Thị Hương"]:
        make_member(tree.cell1, full_name=name)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE members_person")
    monkeypatch.setattr(MemberFilter, "NAMES_BESIDE", {})
    monkeypatch.setattr(search, "walking_for_at_most", lambda *args: None)
    monkeypatch.setattr(search, "found_for_at_most", lambda *args: None)
    client.force_login(admin_user)
    with CaptureQueriesContext(connection) as ctx:
        listed = names(client.get(LIST, {"q": "nguyen", "o": "status"}))
    assert sorted(listed) == ["Nguyễn Thị Hương", "Nguyễn Văn An"]
    # Found through the word index and sorted: no walk with sorting priced out.
    assert not any("enable_sort = off" in q["sql"] for q in ctx.captured_queries)


def test_a_rare_word_in_another_sort_is_found_without_a_walk(
    client, admin_user, tree
) -> None:
    """A word that few people hold (not among ANALYZE's common words, and
    counted under ``FOUND_AT_ONCE``) is found through the word index and
    sorted at once: no walk of the country's sort index to its time limit."""
    from partyquality import search

    for name in ["Nguyễn Văn An", "Lê Thị Hoa", "Nguyễn Thị Lan"]:
        make_member(tree.cell1, full_name=name)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE members_person")
    make_member(tree.cell1, full_name="H'Mai Niê", date_of_birth=D(1990, 1, 1))
    make_member(tree.cell1, full_name="Y Mai Niê", date_of_birth=D(1980, 1, 1))
    assert not _listed_as_common("nie")
    assert search.NameSearch.parse("nie").held_by_few()
    assert not search.NameSearch.parse("nguyen").held_by_few()
    client.force_login(admin_user)
    with CaptureQueriesContext(connection) as ctx:
        listed = names(client.get(LIST, {"q": "nie", "o": "dob"}))
    assert listed == ["Y Mai Niê", "H'Mai Niê"]
    assert not any("statement_timeout" in q["sql"] for q in ctx.captured_queries)


def test_the_other_orders_of_the_words_are_whole_words_but_a_half_typed_last() -> None:
    from partyquality.search import NameSearch

    assert NameSearch.parse("van nguyen").reordered_starts() == ["nguyen van "]
    assert NameSearch.parse("Văn Nguyễn ").reordered_starts() == ["nguyen van "]
    # "huon" may still become "huong": kept last, it stays a start.
    assert NameSearch.parse("nguyen thi huon").reordered_starts() == [
        "huon nguyen thi ",
        "huon thi nguyen ",
        "nguyen huon thi ",
        "thi huon nguyen ",
        "thi nguyen huon",
    ]
    assert NameSearch.parse("huong").reordered_starts() == []
    assert NameSearch.parse("a b c d").reordered_starts() == []  # four words: none
    assert NameSearch.parse("van van").reordered_starts() == []


def test_every_sort_of_the_member_list_ends_with_the_person_and_the_membership(
    client, admin_user, tree
) -> None:
    """Equal names, statuses or dates (thousands of "Nguyễn Văn An") keep
    one order from page to page."""
    client.force_login(admin_user)
    for sort in ["", "name", "-status", "dob"]:
        page = client.get(LIST, {"o": sort} if sort else {}).context["page"]
        assert page.paginator.object_list.query.order_by[-2:] == ("person_id", "id")


def test_names_starting_with_the_words_alone_can_fill_the_cap(
    secretary, tree, django_assert_num_queries
) -> None:
    """The other matches are not searched when the names starting with the
    words already reach the page's cap (the "nguyen thi" of a province):
    one query then, and at most five, whatever the number of people."""
    for name in ["Lan Thị Hà", "Lan Văn Bình", "Lan Anh", "Bùi Thị Lan"]:
        make_member(tree.cell1, full_name=name)
    request = RequestFactory().get(LIST, {"q": "lan"})
    request.user = secretary
    members = selectors.member_list(user=secretary)
    starting = [
        m.pk
        for m in Membership.objects.filter(
            person__full_name__in=["Lan Anh", "Lan Thị Hà", "Lan Văn Bình"]
        ).order_by("person__search_name")
    ]
    with request_scope():
        search = MemberFilter(request.GET, queryset=members, request=request)
        search.qs  # noqa: B018 — applies the filters
        with django_assert_num_queries(1):
            assert search.first_ids(3) == starting
        # Then the people named Lan, then (after reading how common the
        # word is and which longer given names start with it) any other
        # name with the word.
        with django_assert_num_queries(2):
            assert len(search.first_ids(4)) == 4
        with django_assert_num_queries(5):
            assert len(search.first_ids(5)) == 4


def test_unit_select_keeps_the_chosen_unit_and_escapes_names(
    client, secretary, people, tree
) -> None:
    tree.cell2.name = 'Chi bộ "Bắc" <1>'
    tree.cell2.save()
    client.force_login(secretary)
    body = client.get(f"{LIST}?unit={tree.cell1.pk}").content.decode()
    # Indented one level under the secretary's commune.
    assert (
        f'<option value="{tree.cell1.pk}" selected>\u2003Chi bộ thôn 1</option>' in body
    )
    assert "Chi bộ &quot;Bắc&quot; &lt;1&gt;" in body
    assert '<select id="id_unit" name="unit">' in body  # the label's for= still works


def unit_options(response) -> list[tuple[str, int]]:
    """The unit select's options as (name, depth) — depth from the indent."""
    select = response.content.decode().split('name="unit">', 1)[1]
    select = select.split("</select>", 1)[0]
    options = []
    for label in re.findall(r"<option [^>]*>([^<]*)</option>", select)[1:]:
        name = label.lstrip("\u2003")
        options.append((name, len(label) - len(name)))
    return options


def test_unit_select_opens_the_tree_down_to_the_chosen_unit(
    client, admin_user, tree
) -> None:
    """Not thousands of units at once: the provinces, then the path down to
    the chosen unit with the children of each unit on it."""
    other = make_unit(
        None, code="HT", name="Tỉnh Hà Tĩnh", level=Level.PROVINCE, kind=Kind.PROVINCE
    )
    make_unit(other, code="HT-1", name="Đảng bộ xã Kỳ Anh", level=Level.SUPERIOR)
    client.force_login(admin_user)
    assert unit_options(client.get(LIST)) == [("Tỉnh Hà Tĩnh", 0), ("Tỉnh Nghệ An", 0)]
    assert unit_options(client.get(f"{LIST}?unit={tree.commune.pk}")) == [
        ("Tỉnh Hà Tĩnh", 0),
        ("Tỉnh Nghệ An", 0),
        ("Huyện Tân Kỳ", 1),
        ("Huyện Thanh Chương", 1),
        ("Đảng bộ xã Thanh Phong", 2),
        ("Chi bộ thôn 1", 3),
        ("Chi bộ thôn 2", 3),
    ]


def test_unit_select_starts_at_the_users_own_units(
    client, board_officer, secretary, tree
) -> None:
    client.force_login(board_officer)
    assert unit_options(client.get(LIST)) == [
        ("Huyện Thanh Chương", 0),
        ("Đảng bộ xã Thanh Phong", 1),
    ]
    # Nothing above the user's unit, even on the way to the chosen cell.
    assert unit_options(client.get(f"{LIST}?unit={tree.cell2.pk}")) == [
        ("Huyện Thanh Chương", 0),
        ("Đảng bộ xã Thanh Phong", 1),
        ("Chi bộ thôn 1", 2),
        ("Chi bộ thôn 2", 2),
    ]
    client.force_login(secretary)
    assert unit_options(client.get(f"{LIST}?unit={tree.other_cell.pk}")) == [
        ("Đảng bộ xã Thanh Phong", 0),
        ("Chi bộ thôn 1", 1),
        ("Chi bộ thôn 2", 1),
    ]


@pytest.mark.parametrize("unit", ["99999999999999999999", "²", "-1", "abc"])
def test_a_unit_in_the_url_that_is_no_id_is_ignored(
    client, secretary, people, unit
) -> None:
    client.force_login(secretary)
    response = client.get(LIST, {"unit": unit})
    assert response.status_code == 200
    assert "Phạm Văn Xa" not in names(response)


def test_unit_select_keeps_a_chosen_unit_closed_since(
    client, secretary, people, tree
) -> None:
    """A closed cell is no longer in today's tree but its past stays readable."""
    tree.cell2.closed_on = D(2025, 1, 1)
    tree.cell2.save()
    client.force_login(secretary)
    options = unit_options(client.get(f"{LIST}?unit={tree.cell2.pk}"))
    assert options[-1] == ("Chi bộ thôn 2", 0)
    assert ("Chi bộ thôn 2", 1) not in options


def _count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("query", "queries"),
    [
        ("", 11),
        # A name search reads the ids of its matches once for count and page:
        # the names starting with the words, then (as they do not fill the
        # cap here) those with the word as given name, then how common it is
        # among other names, the longer given names starting with it, then
        # the others; and how many hold the level (``level_shares``).
        ("?q=van&status=active&professional=university&age=40_49", 15),
        # Three words: also the names starting with them in another order
        # (five orders, one query, walked in order: two more to set it).
        ("?q=an+van+nguyen", 16),
    ],
)
def test_member_list_query_count_does_not_grow_with_members(
    client, secretary, tree, django_assert_num_queries, query, queries
) -> None:
    client.force_login(secretary)
    for i in range(5):
        m = make_member(tree.cell1, full_name=f"Nguyễn Văn {i}")
        services.qualification_add(
            person=m.person, dimension="professional", level="university"
        )
    client.get(LIST)  # reads the reach, kept while the tree is unchanged
    small = _count_queries(client, LIST + query)
    for i in range(45):
        m = make_member(tree.cell2, full_name=f"Trần Văn {i}")
        services.qualification_add(
            person=m.person, dimension="professional", level="university"
        )
    assert _count_queries(client, LIST + query) == small
    # session, user, assignments (with the tree's version), unit choices,
    # count, page ids, page rows, positions, and BEGIN, SET LOCAL, COMMIT
    with django_assert_num_queries(queries):
        client.get(LIST + query)


def test_cadre_list_query_count_does_not_grow_with_cadres(
    client, secretary, tree, django_assert_num_queries
) -> None:
    client.force_login(secretary)
    codes = ["party_secretary", "ubnd_chair", "hdnd_chair", "mttq_chair", "women_chair"]
    for i, code in enumerate(codes):
        services.holding_start(
            person=PersonFactory(),
            unit=tree.commune,
            position=position(code),
            valid_from=D(2020, 1, 1 + i),
        )
    client.get(CADRES)  # reads the reach, kept while the tree is unchanged
    small = _count_queries(client, CADRES)
    for _i in range(45):
        services.holding_start(
            person=PersonFactory(),
            unit=tree.commune,
            position=position("village_head"),
            valid_from=D(2021, 1, 1),
        )
    assert _count_queries(client, CADRES) == small
    # As the member list, plus the units of the reach that hold positions.
    with django_assert_num_queries(12):
        client.get(CADRES)


def test_cadre_list_filters(client, secretary, people, tree) -> None:
    head = PersonFactory(full_name="Võ Văn Trưởng")
    services.holding_start(
        person=head,
        unit=tree.commune,
        position=position("village_head"),
        valid_from=D(2022, 1, 1),
        origin="local",
    )
    client.force_login(secretary)
    assert set(names(client.get(CADRES))) == {"Lê Thị Hoa", "Võ Văn Trưởng"}
    assert names(client.get(f"{CADRES}?member=no")) == ["Võ Văn Trưởng"]
    assert names(client.get(f"{CADRES}?member=yes")) == ["Lê Thị Hoa"]
    assert names(client.get(f"{CADRES}?origin=rotated_down")) == ["Lê Thị Hoa"]
    assert names(client.get(f"{CADRES}?group=village")) == ["Võ Văn Trưởng"]
    pk = position("village_head").pk
    assert names(client.get(f"{CADRES}?position={pk}")) == ["Võ Văn Trưởng"]
    assert names(client.get(f"{CADRES}?professional=university")) == ["Lê Thị Hoa"]


@pytest.mark.parametrize("user", ["secretary", "admin_user"])
def test_the_cadre_list_filters_and_sorts_on_the_holdings_copies(
    client, tree, request, user
) -> None:
    """Age, gender, ethnicity and the birth-date sort read the holding's
    copies of its person's (members/0023), never the people's table, for a
    secretary and for the whole country; a corrected birth date is
    followed, and the export lists the same rows."""
    today = timezone.localdate()
    cadres = {}
    for name, gender, ethnicity, age in [
        ("Lò Thị Én", "F", "03", 25),
        ("Lò Văn Pọm", "M", "03", 45),
        ("Nguyễn Thị Hoa", "F", "01", 35),
    ]:
        cadres[name] = services.holding_start(
            person=PersonFactory(
                full_name=name,
                gender=gender,
                ethnicity=ethnicity,
                date_of_birth=D(today.year - age, 1, 1),
            ),
            unit=tree.commune,
            position=position("village_head"),
            valid_from=D(2022, 1, 1),
        )
    client.force_login(request.getfixturevalue(user))
    with CaptureQueriesContext(connection) as ctx:
        assert names(client.get(CADRES, {"gender": "F", "age": "lt30"})) == [
            "Lò Thị Én"
        ]
    sql = "\n".join(q["sql"] for q in ctx.captured_queries)
    assert '"members_positionholding"."gender" =' in sql
    assert '"members_positionholding"."date_of_birth" >' in sql
    assert '"members_person"."gender" =' not in sql
    assert '"members_person"."date_of_birth" >' not in sql
    assert names(client.get(CADRES, {"ethnicity": "minority"})) == [
        "Lò Thị Én",
        "Lò Văn Pọm",
    ]
    assert names(client.get(CADRES, {"ethnicity": "03", "age": "40_49"})) == [
        "Lò Văn Pọm"
    ]
    by_birth = ["Lò Văn Pọm", "Nguyễn Thị Hoa", "Lò Thị Én"]
    assert names(client.get(CADRES, {"o": "dob"})) == by_birth
    assert names(client.get(CADRES, {"o": "-dob", "q": "lo"})) == [
        "Lò Thị Én",
        "Lò Văn Pọm",
    ]
    rows = _sheet(client.get(reverse("members:cadre_export"), {"o": "dob"}))
    assert [row[0] for row in rows[1:]] == by_birth
    services.person_update(
        person=cadres["Lò Thị Én"].person, date_of_birth=D(today.year - 55, 1, 1)
    )
    assert names(client.get(CADRES, {"gender": "F", "age": "lt30"})) == []
    assert names(client.get(CADRES, {"o": "dob"}))[0] == "Lò Thị Én"


@pytest.mark.parametrize("user", ["secretary", "admin_user"])
def test_a_cadre_search_lists_the_same_groups_however_it_is_read(
    client, tree, request, user
) -> None:
    """A secretary's cadres and the whole country's (an administrator) are
    found through the holdings' own word index and sorted in one query,
    groups included, however common the words are (ANALYZE): the people's
    names are never searched."""
    for i, name in enumerate(
        [
            "Trần Văn Nguyễn Long",
            "Nguyễn Văn Bình",
            "Lê Văn Nguyên",
            "Văn Nguyễn Hà",
            "Nguyễn Thị Vân",
        ]
    ):
        services.holding_start(
            person=PersonFactory(full_name=name),
            unit=tree.commune,
            position=position("village_head"),
            valid_from=D(2022, 1, 1 + i),
        )
    client.force_login(request.getfixturevalue(user))
    expected = [
        "Văn Nguyễn Hà",
        "Lê Văn Nguyên",
        "Nguyễn Văn Bình",
        "Nguyễn Thị Vân",
        "Trần Văn Nguyễn Long",
    ]
    with CaptureQueriesContext(connection) as ctx:
        assert names(client.get(CADRES, {"q": "van nguyen"})) == expected
    sql = "\n".join(q["sql"] for q in ctx.captured_queries)
    assert 'COALESCE("members_positionholding"."search_name"' in sql
    assert 'COALESCE("members_person"."search_name"' not in sql
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE members_person")
        cursor.execute("ANALYZE members_positionholding")
    assert other_matches_share("nguyen", prefix=True).leading >= 0.01
    assert names(client.get(CADRES, {"q": "van nguyen"})) == expected
    rows = _sheet(client.get(reverse("members:cadre_export"), {"q": "van nguyen"}))
    assert [row[0] for row in rows[1:]] == expected


def test_ended_positions_leave_the_cadre_list(client, secretary, tree) -> None:
    holding = services.holding_start(
        person=PersonFactory(full_name="Đặng Văn Cũ"),
        unit=tree.commune,
        position=position("ubnd_vice_chair"),
        valid_from=D(2016, 1, 1),
    )
    services.holding_end(holding=holding, valid_to=D(2021, 1, 1))
    client.force_login(secretary)
    assert names(client.get(CADRES)) == []


def _sheet(response):
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    workbook = load_workbook(
        BytesIO(
            b"".join(response.streaming_content)
            if response.streaming
            else response.content
        )
    )
    return [[c.value for c in row] for row in workbook.active.iter_rows()]


def test_member_export_is_the_filtered_scoped_list(
    client, secretary, people, tree
) -> None:
    make_member(tree.cell1, full_name='=HYPERLINK("http://x") Lê')
    client.force_login(secretary)
    rows = _sheet(client.get(reverse("members:member_export") + "?status=active"))
    assert rows[0][:3] == ["Họ và tên", "Giới tính", "Ngày sinh"]
    exported = {row[0] for row in rows[1:]}
    assert exported == {
        "Lê Thị Hoa",
        "Nguyễn Văn An",
        "Trần Đức Bình",
        '\'=HYPERLINK("http://x") Lê',
    }
    hoa = next(row for row in rows if row[0] == "Lê Thị Hoa")
    assert hoa[3:7] == ["Tày", None, "Chi bộ thôn 2", "Chính thức"]
    assert (hoa[7].date(), hoa[8].date()) == (D(2000, 5, 5), D(2001, 5, 5))
    assert hoa[9:11] == ["Đại học", "Trung cấp lý luận chính trị"]
    only_women = _sheet(client.get(reverse("members:member_export") + "?gender=F"))
    assert [row[0] for row in only_women[1:]] == ["Lê Thị Hoa"]


def test_export_never_leaves_the_users_subtree(client, outsider, people) -> None:
    client.force_login(outsider)
    rows = _sheet(client.get(reverse("members:member_export")))
    assert [row[0] for row in rows[1:]] == ["Phạm Văn Xa"]
    cadres = _sheet(client.get(reverse("members:cadre_export")))
    assert [row[0] for row in cadres[1:]] == ["Phạm Văn Xa"]


def test_cadre_export_lists_positions(client, secretary, people) -> None:
    client.force_login(secretary)
    rows = _sheet(client.get(reverse("members:cadre_export")))
    assert rows[1][0] == "Lê Thị Hoa"
    assert rows[1][4:6] == ["Bí thư Đảng ủy", "Đảng bộ xã Thanh Phong"]
    assert rows[1][8:10] == ["Luân chuyển từ cấp trên về", "Có"]


def test_empty_choices_read_all(client, secretary, tree) -> None:
    client.force_login(secretary)
    body = client.get(LIST).content.decode()
    assert "---------" not in body
    assert '<option value="" selected>Tất cả</option>' in body


def test_very_long_lists_say_more_than_the_cap(
    client, secretary, tree, monkeypatch
) -> None:
    from members.views import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "CAP", 3)
    for i in range(5):
        make_member(tree.cell1, full_name=f"Lê Văn {i}")
    client.force_login(secretary)
    body = client.get(LIST).content.decode()
    assert "Hơn 3 đảng viên — hãy lọc thêm để thu hẹp danh sách" in body
    assert len(names(client.get(LIST))) == 4  # counted up to the cap + 1


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("admin_user", {"Nguyễn Văn An", "Lê Thị Hoa", "Trần Đức Bình", "Phạm Văn Xa"}),
        (
            "province_officer",
            {"Nguyễn Văn An", "Lê Thị Hoa", "Trần Đức Bình", "Phạm Văn Xa"},
        ),
        ("reader", {"Nguyễn Văn An", "Lê Thị Hoa", "Trần Đức Bình", "Phạm Văn Xa"}),
        ("board_officer", {"Nguyễn Văn An", "Lê Thị Hoa", "Trần Đức Bình"}),
        ("secretary", {"Nguyễn Văn An", "Lê Thị Hoa", "Trần Đức Bình"}),
        ("outsider", {"Phạm Văn Xa"}),
        ("unassigned", set()),
    ],
)
def test_member_export_follows_the_users_subtree(
    client, people, request, role, expected
) -> None:
    client.force_login(request.getfixturevalue(role))
    rows = _sheet(client.get(reverse("members:member_export")))
    assert {row[0] for row in rows[1:]} == expected
