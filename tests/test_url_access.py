"""The URL sweep: every URL of the project, every role, deny by default.

For each URL pattern: anonymous users are sent to login; the secretary of
Thanh Phong (conftest) asking for a record of Hương Sơn gets 404 and never
sees Hương Sơn's names on list pages; a read-only standing-committee member
posting to a write URL gets 403 (or 404 when the record is outside). A URL
that no ``tests/<app>/url_cases.py`` describes fails the sweep.
"""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests
from tests.url_cases import CaseBuilder

# Served by Django or for everyone by design (login page, language switch).
PUBLIC_OR_THIRD_PARTY = {
    "login",
    "logout",
    "set_language",
    "password_change",
    "password_change_done",
    "health",  # for monitors, no login; names no data (tests/production)
}


def _all_url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list, namespace: str | None) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.app_name == "admin" or p.namespace == "admin":
                    continue
                ns = p.namespace or namespace
                walk(p.url_patterns, ns)
            elif isinstance(p, URLPattern) and p.name:
                names.add(f"{namespace}:{p.name}" if namespace else p.name)

    walk(get_resolver().url_patterns, None)
    return names - PUBLIC_OR_THIRD_PARTY


def _all_cases() -> dict[str, CaseBuilder]:
    cases: dict[str, CaseBuilder] = {}
    for mod in pkgutil.iter_modules(tests.__path__):
        if not mod.ispkg:
            continue
        try:
            module = importlib.import_module(f"tests.{mod.name}.url_cases")
        except ModuleNotFoundError:
            continue
        cases.update(module.URL_CASES)
    return cases


URL_NAMES = sorted(_all_url_names())
CASES = _all_cases()


def test_every_url_has_an_access_case() -> None:
    missing = sorted(set(URL_NAMES) - set(CASES))
    assert missing == [], (
        f"URLs without an access case in tests/<app>/url_cases.py: {missing}"
    )


@pytest.mark.parametrize("name", URL_NAMES)
def test_anonymous_is_sent_to_login(client, tree, name: str) -> None:
    case = CASES[name](tree)
    url = reverse(name, kwargs=case.kwargs)
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        assert response.status_code in (302, 405), (name, method, response.status_code)
        if response.status_code == 302:
            assert response.url.startswith(reverse("login")), (name, response.url)


@pytest.mark.parametrize("name", URL_NAMES)
def test_outsider_cannot_read_another_branch(
    client, tree, secretary, name: str
) -> None:
    case = CASES[name](tree)
    url = reverse(name, kwargs=case.kwargs) + case.query
    client.force_login(secretary)
    response = client.get(url)
    if case.kwargs:
        assert response.status_code in (404, 405), (name, response.status_code)
    else:
        assert response.status_code in (200, 302, 404, 405), (
            name,
            response.status_code,
        )
        if case.hidden_text and response.status_code == 200:
            body = response.content.decode()
            assert case.hidden_text not in body, (name, case.hidden_text)


@pytest.mark.parametrize("name", URL_NAMES)
def test_outsider_cannot_change_another_branch(
    client, tree, secretary, name: str
) -> None:
    case = CASES[name](tree)
    if not case.write:
        pytest.skip("read-only URL")
    client.force_login(secretary)
    response = client.post(reverse(name, kwargs=case.kwargs) + case.query, {})
    assert response.status_code in (403, 404), (name, response.status_code)


@pytest.mark.parametrize("name", URL_NAMES)
def test_reader_cannot_change_anything(client, tree, reader, name: str) -> None:
    case = CASES[name](tree)
    if not case.write:
        pytest.skip("read-only URL")
    client.force_login(reader)
    response = client.post(reverse(name, kwargs=case.kwargs) + case.query, {})
    assert response.status_code == 403, (name, response.status_code)


def test_admin_site_refuses_non_administrators(client, province_officer) -> None:
    province_officer.is_staff = True
    province_officer.save()
    client.force_login(province_officer)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response.url
