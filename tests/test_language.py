from __future__ import annotations

from django.conf import settings


def test_pages_are_vietnamese_even_for_an_english_browser(client, db) -> None:
    response = client.get("/dang-nhap/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    body = response.content.decode()
    assert '<html lang="vi">' in body
    assert "Đăng nhập" in body


def test_the_language_switch_gives_english(client, db) -> None:
    response = client.post("/ngon-ngu/", {"language": "en", "next": "/dang-nhap/"})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    body = client.get("/dang-nhap/").content.decode()
    assert '<html lang="en">' in body
