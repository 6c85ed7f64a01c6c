"""Vietnamese by default, English when the user switches.

Our own msgids are Vietnamese and their English translations are filled in
centrally (locale/en), so the English checks rely on ``lang="en"`` and on
strings Django itself translates, not on our catalogue.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation


def test_pages_are_vietnamese_by_default(client, secretary) -> None:
    client.force_login(secretary)
    page = client.get(reverse("organizations:tree")).content.decode()
    assert '<html lang="vi">' in page
    assert "Cây tổ chức" in page
    assert "Danh sách tổ chức" in page
    form = client.get(reverse("password_change")).content.decode()
    assert "Mật khẩu cũ" in form  # Django's own Vietnamese catalogue


def test_login_page_is_vietnamese_for_anonymous_users(client) -> None:
    page = client.get(reverse("login")).content.decode()
    assert '<html lang="vi">' in page
    assert "Tên đăng nhập" in page


def test_switching_to_english_changes_the_page_language(client, secretary) -> None:
    client.force_login(secretary)
    response = client.post(
        reverse("set_language"),
        {"language": "en", "next": reverse("password_change")},
    )
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert '<html lang="en">' in page
    assert "Old password" in page
    assert "Mật khẩu cũ" not in page
    client.post(reverse("set_language"), {"language": "vi", "next": "/"})
    assert '<html lang="vi">' in client.get(reverse("home")).content.decode()


def test_base_layout_renders_english_under_translation_override(
    rf: RequestFactory,
) -> None:
    request = rf.get("/")
    request.user = AnonymousUser()
    with translation.override("en"):
        html = render_to_string("base.html", request=request)
    assert '<html lang="en">' in html


def test_large_counts_are_grouped_in_each_language() -> None:
    """30.000 in Vietnamese ("Hơn 2.000 đảng viên"), 30,000 in English."""
    from django.template import Context, Template
    from django.utils import translation

    template = Template('{{ n|floatformat:"0g" }}')
    with translation.override("vi"):
        assert template.render(Context({"n": 30000})) == "30.000"
    with translation.override("en"):
        assert template.render(Context({"n": 30000})) == "30,000"
