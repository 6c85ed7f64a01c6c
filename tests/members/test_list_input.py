"""What is typed into the lists' search box: any Unicode form of a Vietnamese
name finds the same people, and no character makes the page fail."""

from __future__ import annotations

import datetime
import unicodedata

import pytest
from django.urls import reverse

from tests.members.factories import make_member, position

LIST = reverse("members:member_list")
CADRES = reverse("members:cadre_list")


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def listed(response) -> list[str]:
    return [row.person.full_name for row in response.context["page"].object_list]


@pytest.fixture
def huong(tree):
    from members import services

    people = [
        make_member(tree.cell1, full_name="Nguyễn Thị Hương"),
        make_member(tree.cell2, full_name="Lê Hương Giang"),
        make_member(tree.cell2, full_name="Trần Văn Hưng"),
        make_member(tree.cell1, full_name="H\u02bcMai Niê"),
    ]
    services.holding_start(
        person=people[0].person,
        unit=tree.commune,
        position=position("party_secretary"),
        valid_from=datetime.date(2020, 10, 1),
    )
    return people


@pytest.mark.parametrize("typed", ["Hương", "Hương ", "Nguyễn Thị Hương"])
def test_a_name_typed_decomposed_finds_the_same_people_as_composed(
    client, secretary, huong, typed
) -> None:
    """Unikey's "Unicode tổ hợp" writes "Hương" as letters plus combining
    marks: the list must not read it as three words."""
    client.force_login(secretary)
    composed = listed(client.get(LIST, {"q": typed}))
    assert composed  # the case finds someone
    assert listed(client.get(LIST, {"q": nfd(typed)})) == composed


def test_a_decomposed_name_finds_the_cadre_too(client, secretary, huong) -> None:
    client.force_login(secretary)
    response = client.get(CADRES, {"q": nfd("Nguyễn Thị Hương")})
    assert listed(response) == ["Nguyễn Thị Hương"]


@pytest.mark.parametrize("url", [LIST, CADRES])
@pytest.mark.parametrize(
    "typed", ["\u02bc", "\u02bb", "\u0149", "h\u02bc", "\u0149 ", "a\u02bbb", "¼", "²"]
)
def test_apostrophes_and_odd_letters_give_a_page_not_an_error(
    client, secretary, huong, url, typed
) -> None:
    """ʼ (U+02BC), ʻ (U+02BB) and ŉ become an apostrophe once unaccented,
    which the full-text query syntax refused (HTTP 500)."""
    client.force_login(secretary)
    response = client.get(url, {"q": typed})
    assert response.status_code == 200


def test_an_ede_name_with_a_modifier_apostrophe_is_found(
    client, secretary, huong
) -> None:
    client.force_login(secretary)
    assert listed(client.get(LIST, {"q": "h\u02bcmai"})) == ["H\u02bcMai Niê"]
    assert listed(client.get(LIST, {"q": "H'Mai"})) == ["H\u02bcMai Niê"]


def test_a_name_posted_decomposed_is_stored_composed(client, secretary, tree) -> None:
    from members.models import Person

    client.force_login(secretary)
    url = reverse("members:person_create") + f"?unit={tree.commune.pk}"
    client.post(
        url,
        {
            "full_name": nfd("Phan Thị Hương"),
            "gender": "F",
            "date_of_birth": "1992-04-30",
            "ethnicity": "01",
            "national_id": "040192000123",
            "registered_unit": tree.commune.pk,
        },
    )
    assert Person.objects.get().full_name == "Phan Thị Hương"
