"""No English on a Vietnamese page (issue 18, "Done when"): every page of the
project as the administrator, every write page as a reader (the refusal),
an unknown address (404) and every form sent empty (the field errors), each
searched for the English that Django and its widgets write by default
("- Select an option -", "403 Forbidden", "This field is required."...).

The pages are those of the URL sweep (tests/<app>/url_cases.py), so a new
page is checked as soon as it has its access case."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.test_url_access import CASES, URL_NAMES

# Django's and its widgets' own English, as it would show when a string
# escapes the Vietnamese catalogue or a template of ours.
ENGLISH = re.compile(
    r"Select an option|This field is required|Enter a valid|Select a valid choice"
    r"|Ensure this value|Forbidden|Not Found|Page not found|Server Error"
    r"|Bad Request|mm/dd/yyyy|Currently:|Change:|CSRF verification"
    r"|\bPrevious\b|\bNext\b|\bSubmit\b|\bSave\b|\bCancel\b|\bDelete\b|\bSearch\b"
)


def _visible(html: str) -> str:
    """The page's text as read: tags, attribute values, scripts and the
    language switch ("EN") left out."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]*>", " ", html)


def _english(html: str) -> list[str]:
    return sorted(set(ENGLISH.findall(_visible(html))))


@pytest.mark.parametrize("name", URL_NAMES)
def test_every_page_reads_in_vietnamese(client, tree, admin_user, name: str) -> None:
    case = CASES[name](tree)
    url = reverse(name, kwargs=case.kwargs) + case.query
    client.force_login(admin_user)
    response = client.get(url)
    if response.get("Content-Type", "").startswith("text/html"):
        assert _english(response.content.decode()) == [], (name, response.status_code)
    if case.write:
        # The form sent empty: its field errors.
        sent = client.post(url, {})
        if sent.get("Content-Type", "").startswith("text/html"):
            assert _english(sent.content.decode()) == [], (name, sent.status_code)


@pytest.mark.parametrize("name", URL_NAMES)
def test_a_refused_page_reads_in_vietnamese(client, tree, reader, name: str) -> None:
    case = CASES[name](tree)
    if not case.write:
        pytest.skip("read-only URL")
    client.force_login(reader)
    response = client.get(reverse(name, kwargs=case.kwargs) + case.query)
    if response.status_code in (403, 404):
        assert _english(response.content.decode()) == [], (name, response.status_code)


def test_an_unknown_address_reads_in_vietnamese(client, secretary) -> None:
    client.force_login(secretary)
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert _english(response.content.decode()) == []
    assert "Không tìm thấy" in response.content.decode()


def test_the_search_finds_english_when_the_user_chose_english(
    client, admin_user
) -> None:
    """The same search finds Django's English once the user switches: the
    check above can fail."""
    client.force_login(admin_user)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("members:person_create")).content.decode()
    assert "Select an option" in _english(page)
