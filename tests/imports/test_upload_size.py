"""An upload over the limit is refused before its body is read (by its
Content-Length), and a file's bytes past the limit are never kept."""

from __future__ import annotations

import http.client
import io
import socket
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from members.models import UploadCheck
from partyquality.uploads import TooLargeUpload

MB = 1024 * 1024


class _Body(io.RawIOBase):
    """A request body of ``size`` bytes that records how much was read."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        n = min(len(buffer), self.size - self.read_bytes)
        buffer[:n] = b"\0" * n
        self.read_bytes += n
        return n


def test_a_body_declared_over_the_limit_is_answered_413_unread(
    client, secretary, settings
) -> None:
    settings.IMPORT_MAX_BYTES = 2 * MB
    client.force_login(secretary)
    body = _Body(50 * MB)
    response = client.generic(
        "POST",
        reverse("imports:upload"),
        b"-",
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(50 * MB),
        **{"wsgi.input": body},
    )
    assert response.status_code == 413
    assert "Tệp lớn quá giới hạn 2 MB." in response.content.decode()
    assert body.read_bytes == 0
    assert not UploadCheck.objects.exists()


# serialized_rollback: the flush after a transactional test would otherwise
# drop the reference data the migrations loaded (as tests/members/test_browser).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_live_server_answers_413_before_the_body_is_sent(
    live_server, settings
) -> None:
    settings.IMPORT_MAX_BYTES = 2 * MB
    host = urlsplit(live_server.url)
    with socket.create_connection((host.hostname, host.port), timeout=10) as sock:
        sock.sendall(
            b"POST /dang-vien/nhap/ HTTP/1.1\r\nHost: localhost\r\n"
            b"Content-Type: multipart/form-data; boundary=xyz\r\n"
            b"Content-Length: 104857600\r\n\r\n" + b"\0" * 1024
        )
        # Only 1 KB of the declared 100 MB was sent: the answer comes anyway.
        response = http.client.HTTPResponse(sock)
        response.begin()
        assert response.status == 413
        assert "Tệp lớn quá giới hạn 2 MB." in response.read().decode()


def test_a_file_past_the_limit_is_not_kept_and_the_form_says_so(
    client, secretary, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    settings.IMPORT_MAX_BYTES = 1 * MB
    client.force_login(secretary)
    # Within the request's margin, so the middleware lets it through.
    content = b"PK\x03\x04" + b"\0" * MB
    response = client.post(
        reverse("imports:upload"),
        {"kind": "members", "file": SimpleUploadedFile("lon.xlsx", content)},
    )
    assert response.status_code == 200
    assert "Tệp lớn quá giới hạn 1 MB." in response.content.decode()
    file = response.wsgi_request.FILES["file"]
    # A stand-in of the file's size: its bytes past the limit went nowhere.
    assert isinstance(file, TooLargeUpload)
    assert file.size == len(content)
    assert not (tmp_path / "imports").exists() or not any(
        (tmp_path / "imports").iterdir()
    )


@pytest.mark.parametrize("size", [1 * MB, 1 * MB + 1])
def test_the_classification_import_refuses_a_file_over_the_limit(
    client, secretary, tree, settings, size
) -> None:
    settings.IMPORT_MAX_BYTES = 1 * MB
    client.force_login(secretary)
    url = reverse("assessments:classification_import", args=[tree.commune.pk, 2024])
    response = client.post(
        url, {"file": SimpleUploadedFile("x.xlsx", b"\0" * size), "dry_run": "1"}
    )
    page = response.content.decode()
    assert ("Tệp lớn quá giới hạn 1 MB." in page) == (size > MB)
