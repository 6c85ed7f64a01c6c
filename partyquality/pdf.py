"""PDF documents with WeasyPrint, from HTML our templates render.

Static files (CSS, fonts, images) are read from disk, never over HTTP: the
PDF renders the same on a closed network and a template cannot make the server
fetch an outside URL. In production ``{% static %}`` writes hashed names
(``css/pdf.d4906aec9af3.css``, ManifestStaticFilesStorage) that only
``collectstatic``'s STATIC_ROOT holds, so they are read from there; while
developing, from the static finders (the source files). Fonts are the ones in
static/fonts (DejaVu Serif and Sans, which cover Vietnamese), declared with
@font-face in static/css/pdf.css, so every machine draws the same glyphs.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

# Relative URLs in the HTML resolve against this base; only its /static/
# paths are served, from disk.
BASE_URL = "https://partyquality.invalid/"


class StaticFileFetcher(URLFetcher):
    """Serve ``/static/...`` from disk (``static_file``); refuse everything else."""

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
        path = static_file(relative)
        if path is None:
            raise ValueError(f"No static file {relative}")
        mime, _encoding = mimetypes.guess_type(path)
        with open(path, "rb") as handle:
            body = handle.read()
        return URLFetcherResponse(
            url, body, headers={"Content-Type": mime or "application/octet-stream"}
        )


def static_file(relative: str) -> Path | None:
    """The file on disk behind a static URL's path, or None."""
    if ".." in relative.split("/"):
        return None
    if isinstance(staticfiles_storage, ManifestFilesMixin):
        root = Path(settings.STATIC_ROOT).resolve()
        path = (root / relative).resolve()
        return path if path.is_relative_to(root) and path.is_file() else None
    found = finders.find(relative)
    return Path(found) if found else None


def html_to_pdf(html: str) -> bytes:
    return HTML(
        string=html, base_url=BASE_URL, url_fetcher=StaticFileFetcher()
    ).write_pdf()
