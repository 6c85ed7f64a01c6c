"""Upload sizes refused early: by the declared length before the body is read,
and by the bytes received while it is read.

Issue #16: the 20 MB limit was checked only after the whole body had arrived
(a worker busy reading, a temporary file filling, for nothing). Now:

- ``RequestSizeMiddleware`` answers 413 to a request whose Content-Length is
  over the largest upload plus the form around it, without reading its body.
- ``UploadLimitHandler``, the first upload handler, stops passing a file on
  once it is over the limit, whatever the request declared; the form then
  gets a stand-in of the file's real size and says the file is too large, as
  for any other file over the limit (``spreadsheets.check_size``).
"""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

# The multipart wrapping and the other fields of an upload form.
FORM_OVERHEAD_BYTES = 64 * 1024


def request_limit() -> int:
    return settings.IMPORT_MAX_BYTES + FORM_OVERHEAD_BYTES


class RequestSizeMiddleware:
    """413 for a body declared larger than any upload, before it is read.

    Placed after the session, language and user are known (so the page is in
    the user's language) and before any view or CSRF check reads the body.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0  # Django reads no body then
        if declared > request_limit():
            return render(
                request,
                "request_too_large.html",
                {"limit_mb": settings.IMPORT_MAX_BYTES // (1024 * 1024)},
                status=413,
            )
        return self.get_response(request)


class TooLargeUpload(UploadedFile):
    """A file that went over the limit: its name and size, none of its bytes."""

    def __init__(self, name: str, size: int) -> None:
        super().__init__(file=BytesIO(), name=name, size=size)


class UploadLimitHandler(FileUploadHandler):
    """Counts a file's bytes as they arrive; past ``IMPORT_MAX_BYTES`` the
    rest goes nowhere (no memory, no temporary file)."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.over = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if start + len(raw_data) > settings.IMPORT_MAX_BYTES:
            self.over = True
        return None if self.over else raw_data

    def file_complete(self, file_size: int) -> UploadedFile | None:
        if self.over:
            return TooLargeUpload(self.file_name or "", file_size)
        return None  # the next handler (memory or temporary file) has it
