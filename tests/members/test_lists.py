"""Member and cadre lists against a plain reference: every filter, sort and
search gives the same rows in the same order as a reference computed in
Python from hand-built data, on the page and in the export, for a commune
secretary, a province officer and the administrator. Also: the outsider,
the count fragment, pages and pinned query counts."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from members import services
from members.filters import AGE_BANDS, MEMBERSHIP_YEAR_BANDS, years_before
from members.models import ACTIVE_STATUSES, Membership, PositionHolding
from members.qualifications import LEVEL_CHOICES, Dimension
from partyquality.search import fold
from tests.members.factories import make_member, position

D = datetime.date
LIST = reverse("members:member_list")
CADRES = reverse("members:cadre_list")
USERS = ["secretary", "province_officer", "admin_user"]


@dataclass
class Data:
    members: list[Membership]
    cells: dict[str, set[int]]  # the cells each user sees


@pytest.fixture
def data(tree) -> Data:
    """Members of three cells, two of them the secretary's, with equal names
    (the tie-breaker), every status, bands, levels and positions."""
    today = timezone.localdate()
    rows = [
        # name, cell, gender, ethnicity, born, admitted
        (
            "Nguyễn Văn An",
            tree.cell1,
            "M",
            "01",
            D(today.year - 25, 1, 1),
            D(2023, 1, 10),
        ),
        ("Nguyễn Văn An", tree.cell2, "M", "01", D(1970, 3, 3), D(2003, 2, 2)),
        ("Lê Thị Hoa", tree.cell2, "F", "02", D(1965, 6, 1), D(2000, 5, 5)),
        ("Trần Đức Bình", tree.cell2, "M", "01", D(1982, 2, 2), D(2024, 9, 2)),
        ("Nguyễn Thị Hương", tree.cell1, "F", "01", D(1990, 7, 7), D(2015, 4, 4)),
        ("Lê Hương Giang", tree.cell1, "F", "04", D(1999, 9, 9), D(2020, 3, 3)),
        ("Đặng Văn Hưng", tree.cell2, "M", "01", D(1958, 1, 1), D(2002, 1, 1)),
        ("Phạm Văn Xa", tree.other_cell, "M", "01", D(1975, 5, 5), D(2001, 1, 1)),
        ("Võ Thị Hương", tree.other_cell, "F", "01", D(1988, 8, 8), D(2010, 6, 6)),
    ]
    members = []
    for name, cell, gender, ethnicity, born, admitted in rows:
        members.append(
            make_member(
                cell,
                full_name=name,
                gender=gender,
                ethnicity=ethnicity,
                date_of_birth=born,
                admitted_on=admitted,
                full=admitted.year < 2024,
            )
        )
    an, an2, hoa, _binh, huong, giang, hung, xa, _vo = members
    services.member_exempt(membership=an2, date=D(2025, 1, 1), decision_number="3")
    services.member_leave(
        membership=hung, kind="resignation", date=D(2025, 2, 1), decision_number="4"
    )
    added = {}
    for person, dimension, level, status, year in [
        (hoa, "professional", "university", "completed", None),
        (hoa, "political", "pol_intermediate", "completed", None),
        (an, "professional", "intermediate", "completed", 2010),
        (an, "professional", "university", "studying", None),
        (an, "professional", "college", "completed", 2012),  # deleted below
        (an, "general", "lower_secondary", "completed", None),
        (huong, "professional", "university", "completed", 2012),
        (huong, "professional", "master", "completed", 2016),
        (huong, "state_management", "sm_principal", "completed", 2020),
        (huong, "it", "it_basic", "completed", None),
        (huong, "foreign_language", "fl_intermediate", "completed", 2018),
        # Equal ranks: the later year is the highest (bachelor, 2010).
        (giang, "political", "pol_advanced", "completed", None),
        (giang, "political", "pol_bachelor", "completed", 2010),
        (xa, "professional", "university", "completed", None),
        (xa, "general", "primary", "completed", None),
        (_binh, "general", "upper_secondary", "completed", None),
        (_binh, "foreign_language", "fl_basic", "completed", 2019),  # changed below
    ]:
        added[person.pk, level] = services.qualification_add(
            person=person.person,
            dimension=dimension,
            level=level,
            status=status,
            expected_year=2027 if status == "studying" else None,
            year=year,
        )
    services.qualification_delete(qualification=added[an.pk, "college"])
    services.qualification_update(
        qualification=added[_binh.pk, "fl_basic"], level="fl_advanced"
    )
    for member, unit, code, origin in [
        (hoa, tree.commune, "party_secretary", "rotated_down"),
        (huong, tree.commune, "ubnd_chair", "local"),
        (xa, tree.other_commune, "ubnd_chair", "local"),
    ]:
        services.holding_start(
            person=member.person,
            unit=unit,
            position=position(code),
            valid_from=D(2021, 6, 1),
            origin=origin,
        )
    mine = {tree.cell1.pk, tree.cell2.pk, tree.commune.pk}
    everyone = mine | {tree.other_cell.pk, tree.other_commune.pk}
    return Data(
        members=members,
        cells={"secretary": mine, "province_officer": everyone, "admin_user": everyone},
    )


# --- The reference: plain Python over the rows --------------------------------


def _in_band(day: datetime.date, bands: list, code: str) -> bool:
    today = timezone.localdate()
    (low, high) = next((lo, hi) for c, _l, lo, hi in bands if c == code)
    return day <= years_before(today, low) and (
        high is None or day > years_before(today, high)
    )


def _highest(person, dimension: str) -> str | None:
    """Greatest rank, then latest year (none is earliest), then last recorded."""
    done = [
        q
        for q in person.qualifications.all()
        if q.dimension == dimension and q.status == "completed"
    ]
    best = max(done, key=lambda q: (q.rank, q.year or 0, q.pk), default=None)
    return best.level if best else None


def _open_holdings(person) -> list[PositionHolding]:
    today = timezone.localdate()
    return [
        h
        for h in person.holdings.all()
        if h.valid_from <= today and (h.valid_to is None or h.valid_to > today)
    ]


def _name_matches(name: str, typed: str) -> bool:
    words, names = fold(typed).split(), fold(name).replace("'", " ").split()
    whole = words if typed.endswith(" ") else words[:-1]
    last_ok = typed.endswith(" ") or any(n.startswith(words[-1]) for n in names)
    return all(w in names for w in whole) and last_ok


def person_matches(person, key: str, value: str) -> bool:
    """Whether ``person`` passes the person filter ``key=value``."""
    if key == "q":
        return _name_matches(person.full_name, value)
    if key == "gender":
        return person.gender == value
    if key == "ethnicity":
        return (
            person.ethnicity != "01"
            if value == "minority"
            else person.ethnicity == value
        )
    if key == "age":
        return _in_band(person.date_of_birth, AGE_BANDS, value)
    if key in Dimension.values:
        return _highest(person, key) == value
    if key == "studying":
        studying = any(q.status == "studying" for q in person.qualifications.all())
        return studying == (value == "yes")
    if key == "position":
        return any(str(h.position_id) == value for h in _open_holdings(person))
    if key == "origin":
        return any(h.origin == value for h in _open_holdings(person))
    raise AssertionError(key)


def member_reference(
    cells: set[int], query: dict[str, str], unit_cells=None
) -> list[int]:
    rows = Membership.objects.select_related("person", "current_cell").filter(
        current_cell_id__in=cells
    )
    kept = []
    for m in rows.prefetch_related("person__qualifications", "person__holdings"):
        status = query.get("status", "")
        if status in ("", "active") and m.status not in ACTIVE_STATUSES:
            continue
        if status not in ("", "active", "all") and m.status != status:
            continue
        if "years" in query and not _in_band(
            m.admitted_on, MEMBERSHIP_YEAR_BANDS, query["years"]
        ):
            continue
        if unit_cells is not None and m.current_cell_id not in unit_cells:
            continue
        others = {
            k: v for k, v in query.items() if k not in {"status", "years", "o", "unit"}
        }
        if all(person_matches(m.person, k, v) for k, v in others.items()):
            kept.append(m)
    sort = query.get("o", "name")
    keys = {
        "name": lambda m: m.person.sort_name,
        "dob": lambda m: m.person.date_of_birth,
        "admitted": lambda m: m.admitted_on,
        "cell": lambda m: m.current_cell.sort_name,
        "status": lambda m: m.status,
    }
    return _sorted(kept, keys[sort.lstrip("-")], sort.startswith("-"))


def _sorted(rows: list, key, descending: bool) -> list[int]:
    """By the key, then by id (always ascending), as ORDER BY key, id."""
    by_id = sorted(rows, key=lambda r: r.pk)
    return [r.pk for r in sorted(by_id, key=key, reverse=descending)]


def listed_ids(response) -> list[int]:
    assert response.status_code == 200
    return [row.pk for row in response.context["page"].object_list]


def exported_names(client, url: str, query: dict[str, str]) -> list[str]:
    response = client.get(url, query)
    sheet = load_workbook(BytesIO(response.content)).active
    return [row[0] for row in sheet.iter_rows(min_row=2, values_only=True) if row[0]]


MEMBER_CASES = [
    {},
    {"status": "all"},
    {"status": "active"},
    {"status": "probationary"},
    {"status": "exempted"},
    {"status": "resigned"},
    {"gender": "F"},
    {"ethnicity": "minority"},
    {"ethnicity": "01"},
    {"age": "lt30"},
    {"age": "30_39"},
    {"age": "60plus"},
    {"years": "lt5"},
    {"years": "20_29"},
    {"years": "20_29", "status": "all"},
    {"years": "10_19"},
    {"professional": "university"},
    {"professional": "master"},
    {"professional": "intermediate"},
    {"professional": "college"},
    {"political": "pol_intermediate"},
    {"political": "pol_advanced"},
    {"political": "pol_bachelor"},
    {"general": "primary"},
    {"general": "lower_secondary", "professional": "intermediate"},
    {"general": "upper_secondary", "o": "-dob"},
    {"state_management": "sm_principal"},
    {"it": "it_basic"},
    {"foreign_language": "fl_basic"},
    {"foreign_language": "fl_advanced"},
    {"foreign_language": "fl_intermediate", "q": "huong"},
    {"studying": "yes"},
    {"studying": "no"},
    {"origin": "rotated_down"},
    {"q": "nguyen van an"},
    {"q": "NGUYỄN văn"},
    {"q": "huong"},
    {"q": "huon"},
    {"q": "hương "},
    {"q": "thi huong"},
    {"q": "van an", "o": "-dob"},
    {"q": "le thi hoa", "gender": "M"},
    {"gender": "F", "age": "30_39", "professional": "master"},
    *({"o": key} for key in ["name", "-name", "dob", "-dob", "admitted", "-admitted"]),
    *({"o": key, "status": "all"} for key in ["cell", "-cell", "status", "-status"]),
]


@pytest.mark.parametrize("user", USERS)
def test_member_list_and_export_match_the_reference(
    client, data, request, user
) -> None:
    """Every case on one set of data (built once per user: it is slow)."""
    client.force_login(request.getfixturevalue(user))
    names = dict(Membership.objects.values_list("pk", "person__full_name"))
    for query in MEMBER_CASES:
        expected = member_reference(data.cells[user], query)
        assert listed_ids(client.get(LIST, query)) == expected, query
        exported = exported_names(client, reverse("members:member_export"), query)
        assert exported == [names[pk] for pk in expected], query


@pytest.mark.parametrize("user", USERS)
def test_the_position_and_unit_filters_match_the_reference(
    client, data, tree, request, user
) -> None:
    client.force_login(request.getfixturevalue(user))
    chair = str(position("ubnd_chair").pk)
    assert listed_ids(client.get(LIST, {"position": chair})) == member_reference(
        data.cells[user], {"position": chair}
    )
    cell2 = {tree.cell2.pk}
    query = {"unit": str(tree.cell2.pk), "status": "all"}
    assert listed_ids(client.get(LIST, query)) == member_reference(
        data.cells[user], {"status": "all"}, unit_cells=cell2
    )


def cadre_reference(units: set[int], query: dict[str, str]) -> list[int]:
    today = timezone.localdate()
    rows = PositionHolding.objects.select_related("person", "position", "unit").filter(
        unit_id__in=units, valid_from__lte=today, valid_to=None
    )
    kept = []
    for h in rows.prefetch_related("person__qualifications", "person__holdings"):
        if "group" in query and h.position.group != query["group"]:
            continue
        if "member" in query:
            member = h.person.memberships.filter(ended_on=None).exists()
            if member != (query["member"] == "yes"):
                continue
        if "origin" in query and h.origin != query["origin"]:
            continue
        if "position" in query and str(h.position_id) != query["position"]:
            continue
        others = {
            k: v
            for k, v in query.items()
            if k not in {"group", "member", "o", "origin", "position"}
        }
        if all(person_matches(h.person, k, v) for k, v in others.items()):
            kept.append(h)
    sort = query.get("o")
    if sort is None:  # the selector's order: name, then position
        by_id = sorted(kept, key=lambda h: h.pk)
        return [
            h.pk
            for h in sorted(by_id, key=lambda h: (h.person.sort_name, h.position.order))
        ]
    keys = {
        "name": lambda h: h.person.sort_name,
        "dob": lambda h: h.person.date_of_birth,
        "position": lambda h: h.position.order,
        "unit": lambda h: h.unit.sort_name,
        "since": lambda h: h.valid_from,
    }
    return _sorted(kept, keys[sort.lstrip("-")], sort.startswith("-"))


CADRE_CASES = [
    {},
    {"member": "yes"},
    {"member": "no"},
    {"origin": "rotated_down"},
    {"group": "elected"},
    {"group": "village"},
    {"gender": "F"},
    {"q": "huong"},
    {"q": "xa "},
    {"professional": "master"},
    {"political": "pol_intermediate"},
    {"state_management": "sm_principal"},
    {"studying": "no"},
    *({"o": key} for key in ["name", "-name", "dob", "position", "-unit", "since"]),
]


@pytest.mark.parametrize("user", USERS)
def test_cadre_list_and_export_match_the_reference(client, data, request, user) -> None:
    client.force_login(request.getfixturevalue(user))
    names = dict(PositionHolding.objects.values_list("pk", "person__full_name"))
    for query in CADRE_CASES:
        expected = cadre_reference(data.cells[user], query)
        assert listed_ids(client.get(CADRES, query)) == expected, query
        exported = exported_names(client, reverse("members:cadre_export"), query)
        assert exported == [names[pk] for pk in expected], query


@pytest.mark.parametrize(
    ("url", "export", "columns"),
    [
        (LIST, "members:member_export", (9, 10)),
        (CADRES, "members:cadre_export", (10, 11)),
    ],
)
def test_the_highest_levels_shown_are_the_reference(
    client, data, province_officer, url, export, columns
) -> None:
    """The page's and the workbook's highest professional and political
    levels, and the page's "studying", are those of the qualifications."""
    client.force_login(province_officer)
    labels = {code: str(label) for code, label in LEVEL_CHOICES}
    rows = client.get(url, {"status": "all"}).context["page"].object_list
    assert rows
    expected = []
    for row in rows:
        person = row.person
        levels = (row.professional_level, row.political_level)
        assert levels == (
            _highest(person, "professional"),
            _highest(person, "political"),
        ), person
        studying = any(q.status == "studying" for q in person.qualifications.all())
        assert row.studying is studying
        expected.append(tuple(labels.get(level or "", "") for level in levels))
    sheet = load_workbook(
        BytesIO(client.get(reverse(export), {"status": "all"}).content)
    ).active
    shown = [
        tuple(r[c] or "" for c in columns)
        for r in sheet.iter_rows(min_row=2, values_only=True)
    ]
    assert shown == expected
    assert ("Thạc sĩ", "") in shown  # Nguyễn Thị Hương, by hand


def test_a_member_who_left_is_listed_only_when_asked_for(
    client, data, secretary
) -> None:
    client.force_login(secretary)
    left = data.members[6].pk  # Đặng Văn Hưng, resigned
    assert left not in listed_ids(client.get(LIST))
    assert left in listed_ids(client.get(LIST, {"status": "all"}))
    assert listed_ids(client.get(LIST, {"status": "resigned"})) == [left]


@pytest.mark.parametrize("url", [LIST, CADRES, reverse("members:member_count")])
def test_the_outsider_sees_nothing_of_another_commune(
    client, data, outsider, url
) -> None:
    client.force_login(outsider)
    body = client.get(url, {"status": "all", "q": "nguyen"}).content.decode()
    assert "Nguyễn Văn An" not in body
    body = client.get(url, {"status": "all"}).content.decode()
    assert "Lê Thị Hoa" not in body


def test_the_outsider_exports_nothing_of_another_commune(
    client, data, outsider
) -> None:
    client.force_login(outsider)
    names = exported_names(client, reverse("members:member_export"), {"status": "all"})
    assert set(names) == {"Phạm Văn Xa", "Võ Thị Hương"}


@pytest.mark.parametrize(
    ("url", "query", "text"),
    [
        ("members:member_count", {}, "6 đảng viên"),
        ("members:member_count", {"status": "all"}, "7 đảng viên"),
        ("members:member_count", {"q": "huong"}, "2 đảng viên"),
        ("members:cadre_count", {}, "2 chức vụ đang đảm nhiệm"),
    ],
)
def test_the_count_arrives_as_its_own_fragment(
    client, data, secretary, url, query, text
) -> None:
    client.force_login(secretary)
    response = client.get(reverse(url), query)
    assert response.content.decode().strip() == text


def test_the_page_asks_for_the_count_with_its_filters_and_never_counts_itself(
    client, data, secretary, django_assert_max_num_queries
) -> None:
    client.force_login(secretary)
    with django_assert_max_num_queries(8):
        body = client.get(LIST, {"q": "huong", "page": "1"}).content.decode()
    assert f'hx-get="{reverse("members:member_count")}?q=huong"' in body


def test_pages_follow_one_another_without_a_count(client, tree, secretary) -> None:
    for n in range(53):
        make_member(tree.cell1, full_name=f"Ngô Văn Số {n:02d}")
    client.force_login(secretary)
    first = client.get(LIST)
    second = client.get(LIST, {"page": "2"})
    assert len(listed_ids(first)) == 50
    assert first.context["page"].has_next
    assert not second.context["page"].has_next
    everyone = member_reference({tree.cell1.pk}, {})
    assert listed_ids(first) + listed_ids(second) == everyone
    assert "Trang sau" in first.content.decode()


@pytest.mark.parametrize("user", USERS)
@pytest.mark.parametrize("url", [LIST, CADRES])
def test_a_list_page_runs_a_fixed_number_of_queries(
    client, data, request, user, url, django_assert_max_num_queries
) -> None:
    """Session, user, assignments, the unit select's outline, the rows: the
    same whatever the filters, and no count."""
    client.force_login(request.getfixturevalue(user))
    query = {"q": "nguyen", "gender": "M", "professional": "university", "o": "-dob"}
    with django_assert_max_num_queries(8):
        assert client.get(url, query).status_code == 200


def test_the_htmx_request_gets_the_results_partial(client, data, secretary) -> None:
    client.force_login(secretary)
    response = client.get(LIST, {"q": "hoa"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "Lê Thị Hoa" in body
    assert "<form" not in body
    assert response.headers["HX-Push-Url"] == f"{LIST}?q=hoa"
