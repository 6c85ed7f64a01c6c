"""The one request type our views take."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class AuthedRequest(HttpRequest):
    """A request that passed ``@login_required``: ``user`` is a real user."""

    user: User
    htmx: HtmxDetails
