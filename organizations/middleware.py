"""Access cache: the user's assignments are read once per request, not once
per scoped queryset (organizations/access.py)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from organizations.access import request_scope


class AccessCacheMiddleware:
    """Reads the user's assignments once per request (organizations/access.py)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with request_scope():
            return self.get_response(request)
