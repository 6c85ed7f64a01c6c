"""Project middleware.

Vietnamese first: the interface language is the one the user chose, else Vietnamese.

Django's LocaleMiddleware would follow the browser's Accept-Language, so a
laptop set up in English would get English pages unasked. Issue #2 wants
Vietnamese by default and English only when chosen (the language switch sets
Django's language cookie), so the header is dropped before LocaleMiddleware
reads it.

Access cache: the user's assignments are read once per request, not once
per scoped queryset (partyquality/access.py).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from partyquality.access import request_scope


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


class AccessCacheMiddleware:
    """Reads the user's assignments once per request (partyquality/access.py)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with request_scope():
            return self.get_response(request)
