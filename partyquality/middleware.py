"""Project middleware.

Vietnamese first: the interface language is the one the user chose, else Vietnamese.

Django's LocaleMiddleware would follow the browser's Accept-Language, so a
laptop set up in English would get English pages unasked. Issue #2 wants
Vietnamese by default and English only when chosen (the language switch sets
Django's language cookie), so the header is dropped before LocaleMiddleware
reads it.

Text in NFC: every value of a query string or of a form post is put
in the composed form before any form, filter or search reads it
(partyquality/text.py says why); spreadsheets are normalised as they are
read (partyquality/spreadsheet_child.py).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict

from partyquality.text import nfc


class VietnameseFirstMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        response = self.get_response(request)
        # The response does not depend on the header any more.
        if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            response.headers.setdefault("Content-Language", settings.LANGUAGE_CODE)
        return response


def nfc_query(data: QueryDict) -> QueryDict:
    """A copy of ``data`` with every value in NFC; passwords are left as
    typed (one already set must keep matching)."""
    normalised = QueryDict(mutable=True, encoding=data.encoding)
    for key, values in data.lists():
        kept = "password" in key
        normalised.setlist(nfc(key), [v if kept else nfc(v) for v in values])
    normalised._mutable = False
    return normalised


class NfcInputMiddleware:
    """Puts the query string and the fields of a form post in NFC (an
    uploaded file is normalised as it is read). After RequestSizeMiddleware,
    so an oversized upload is refused before its body is parsed here."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.GET = nfc_query(request.GET)
        if request.method == "POST":
            request.POST = nfc_query(request.POST)
        return self.get_response(request)
