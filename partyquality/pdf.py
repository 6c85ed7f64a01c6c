"""PDF documents with WeasyPrint, from HTML our templates render.

Static files (CSS, fonts, images) are read from disk through Django's static
finders, never over HTTP: the PDF renders the same on a closed network and a
template cannot make the server fetch an outside URL. Fonts are the ones in
static/fonts (DejaVu Serif and Sans, which cover Vietnamese), declared with
@font-face in static/css/pdf.css, so every machine draws the same glyphs.
"""

from __future__ import annotations

import mimetypes
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

# Relative URLs in the HTML resolve against this base; only its /static/
# paths are served, from disk.
BASE_URL = "https://partyquality.invalid/"


class StaticFileFetcher(URLFetcher):
    """Serve ``/static/...`` from the static finders; refuse everything else."""

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if url.startswith("data:"):
            return super().fetch(url, headers)
        prefix = settings.STATIC_URL
        if parts.netloc != urlsplit(BASE_URL).netloc or not parts.path.startswith(
            prefix
        ):
            raise ValueError(f"PDF may only use static files, not {url}")
        relative = unquote(parts.path[len(prefix) :])
        path = finders.find(relative)
        if not path or ".." in relative.split("/"):
            raise ValueError(f"No static file {relative}")
        mime, _encoding = mimetypes.guess_type(path)
        with open(path, "rb") as handle:
            body = handle.read()
        return URLFetcherResponse(
            url, body, headers={"Content-Type": mime or "application/octet-stream"}
        )


def html_to_pdf(html: str) -> bytes:
    return HTML(
        string=html, base_url=BASE_URL, url_fetcher=StaticFileFetcher()
    ).write_pdf()
