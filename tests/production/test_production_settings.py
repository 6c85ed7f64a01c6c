"""What production (DEBUG off, hashed static files) must still do: PDFs with
their stylesheet and fonts, Vietnamese error pages, JSON log lines."""

from __future__ import annotations

import datetime
import io
import json
import logging
import subprocess

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from assessments.reports import organization_quality, rendering
from partyquality.logs import JsonFormatter
from tests.reports.data import classify_unit

TODAY = datetime.date(2026, 1, 15)

# Production compresses too (whitenoise.storage.CompressedManifestStaticFilesStorage,
# checked by the deploy script in .ci/run); the hashed names, which the PDFs
# must find, are the same without compressing every file for minutes here.
MANIFEST = "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"


@pytest.fixture(scope="module")
def static_root(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("staticfiles")
    with override_settings(
        STATIC_ROOT=root,
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": MANIFEST},
        },
    ):
        call_command("collectstatic", "--noinput", verbosity=0)
    return root


@pytest.fixture
def production(settings, static_root):  # type: ignore[no-untyped-def]
    settings.DEBUG = False
    settings.STATIC_ROOT = static_root
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": MANIFEST},
    }
    return settings


@pytest.fixture
def classified(tree):  # type: ignore[no-untyped-def]
    classify_unit(tree.commune, 2024, "excellent")
    classify_unit(tree.commune, 2025, "good")
    classify_unit(tree.cell1, 2025, "excellent")
    classify_unit(tree.cell2, 2025, "completed")


def _run(*args: str) -> str:
    return subprocess.run(args, capture_output=True, check=True, text=True).stdout  # noqa: S603


def test_a_pdf_rendered_with_hashed_static_files_has_its_stylesheet_and_fonts(
    production,
    classified,
    tree,
    tmp_path,
) -> None:
    report = organization_quality.build(
        root=tree.district, year=2025, compare_year=2024
    )
    html = rendering.document_html(report, today=TODAY)
    assert "/static/css/pdf." in html  # hashed...
    assert "/static/css/pdf.css" not in html
    path = tmp_path / "report.pdf"
    path.write_bytes(rendering.pdf(report, today=TODAY))
    fonts = _run("pdffonts", str(path)).splitlines()[2:]
    # The shipped DejaVu fonts of pdf.css's @font-face, every one embedded;
    # without the stylesheet WeasyPrint falls back to a system font.
    assert any("PQ-Serif" in line for line in fonts), fonts
    assert all(" yes " in line for line in fonts)
    # pdf.css's A4 page (595 × 842 pt) and its layout: the two-column
    # heading puts the issuer and the Party's motto on one line.
    info = _run("pdfinfo", str(path))
    assert "595.276 x 841.89 pts (A4)" in info
    layout = _run("pdftotext", "-layout", "-f", "1", "-l", "1", str(path), "-")
    heading = next(
        line for line in layout.splitlines() if "ĐẢNG CỘNG SẢN VIỆT NAM" in line
    )
    assert "HUYỆN" in heading or "TỈNH" in heading  # side by side, not stacked


def test_pages_and_the_login_page_are_served_with_hashed_static_names(
    production, client
) -> None:
    page = client.get(reverse("login"), headers={"host": "127.0.0.1"})
    assert page.status_code == 200
    assert "/static/css/app." in page.content.decode()
    assert "/static/css/app.css" not in page.content.decode()


def test_a_reader_who_opens_a_write_page_gets_a_vietnamese_403(
    production, client, tree, reader
) -> None:
    client.force_login(reader)  # standing committee: reads the whole province
    url = reverse("organizations:unit_rename", kwargs={"pk": tree.commune.pk})
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 403
        text = response.content.decode()
        assert "Không có quyền thực hiện việc này" in text
        assert "Forbidden" not in text
        assert 'href="/"' in text  # a way back home


def test_unknown_pages_and_server_errors_answer_in_vietnamese(
    production, client, tree, secretary
) -> None:
    client.force_login(secretary)
    missing = client.get("/khong-co-trang-nay/")
    assert missing.status_code == 404
    assert "Không tìm thấy trang" in missing.content.decode()
    assert "Not Found" not in missing.content.decode()

    from django.views.defaults import server_error

    error = server_error(missing.wsgi_request)
    assert error.status_code == 500
    assert "Máy chủ gặp lỗi" in error.content.decode()
    assert "Server Error" not in error.content.decode()


def test_a_stale_form_gets_a_vietnamese_csrf_page(production, tree, secretary) -> None:
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(secretary)
    response = client.post(reverse("logout"))
    assert response.status_code == 403
    assert "Trang đã cũ, xin gửi lại" in response.content.decode()


def test_log_lines_are_json_objects_with_the_request_status_and_path() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("tests.production.json")
    logger.addHandler(handler)
    logger.propagate = False
    try:

        class Request:
            path = "/dang-vien/"

        logger.error(
            "Lỗi: %s", "đĩa đầy", extra={"status_code": 500, "request": Request()}
        )
        try:
            raise ValueError("hỏng")
        except ValueError:
            logger.exception("worker failed")
        access = logging.LogRecord(
            "gunicorn.access",
            logging.INFO,
            "",
            0,
            "%(r)s",
            (
                {
                    "m": "GET",
                    "U": "/healthz/",
                    "s": "200",
                    "B": "58",
                    "M": "3",
                    "h": "127.0.0.1",
                },
            ),
            None,
        )
        stream.write(handler.format(access) + "\n")
    finally:
        logger.removeHandler(handler)
    first, second, third = (json.loads(line) for line in stream.getvalue().splitlines())
    assert (first["level"], first["message"], first["status"], first["path"]) == (
        "ERROR",
        "Lỗi: đĩa đầy",
        500,
        "/dang-vien/",
    )
    assert "ValueError: hỏng" in second["exception"]
    assert (third["method"], third["path"], third["status"], third["duration_ms"]) == (
        "GET",
        "/healthz/",
        200,
        3,
    )
