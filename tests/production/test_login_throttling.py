"""Login throttling (django-axes): wrong passwords in a row lock the name,
the page says so in Vietnamese, an administrator unlocks it."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.urls import reverse

LOGIN = "/dang-nhap/"


@pytest.fixture(autouse=True)
def _fast_hashing(settings) -> None:  # type: ignore[no-untyped-def]
    # Dozens of logins: PBKDF2's million rounds each would take minutes.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _login(client, password: str):  # type: ignore[no-untyped-def]
    return client.post(LOGIN, {"username": "bithu_thanhphong", "password": password})


def test_after_five_wrong_passwords_even_the_right_one_is_refused_in_vietnamese(
    client, secretary, settings
) -> None:
    secretary.set_password("dung-mat-khau-1")
    secretary.save()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        page = _login(client, "sai")
        assert page.status_code == 200
        assert "Tên đăng nhập hoặc mật khẩu không đúng." in page.content.decode()
    locked = _login(client, "sai")  # the fifth
    assert locked.status_code == 429
    text = locked.content.decode()
    assert "Tài khoản tạm bị khóa" in text
    assert (
        "Đã nhập sai mật khẩu 5 lần liên tiếp cho tên đăng nhập “bithu_thanhphong”"
        in text
    )
    assert "Hãy thử lại sau 15 phút" in text
    right = _login(client, "dung-mat-khau-1")
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


def test_another_user_is_not_locked_by_someone_elses_mistakes(
    client, secretary, reader
) -> None:
    for _ in range(6):
        _login(client, "sai")
    reader.set_password("mat-khau-doc-2")
    reader.save()
    response = client.post(
        LOGIN, {"username": "thuongvu", "password": "mat-khau-doc-2"}
    )
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_an_administrator_unlocks_a_name_from_the_admin(
    client, secretary, admin_user, settings
) -> None:
    secretary.set_password("dung-mat-khau-1")
    secretary.save()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "sai")
    attempt = AccessAttempt.objects.get(username="bithu_thanhphong")
    assert attempt.failures_since_start == settings.AXES_FAILURE_LIMIT

    admin = client.__class__()
    admin.force_login(admin_user)
    listing = admin.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200
    assert "bithu_thanhphong" in listing.content.decode()
    deleted = admin.post(
        reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"}
    )
    assert deleted.status_code == 302
    assert not AccessAttempt.objects.exists()

    response = _login(client, "dung-mat-khau-1")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(secretary.pk)


def test_an_operator_unlocks_a_name_on_the_command_line(
    client, secretary, settings
) -> None:
    secretary.set_password("dung-mat-khau-1")
    secretary.save()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "sai")
    assert _login(client, "dung-mat-khau-1").status_code == 429
    call_command("axes_reset_username", "bithu_thanhphong", verbosity=0)
    assert _login(client, "dung-mat-khau-1").status_code == 302
