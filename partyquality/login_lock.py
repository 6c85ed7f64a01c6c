"""The page a locked-out login gets (django-axes, settings ``AXES_*``).

After ``AXES_FAILURE_LIMIT`` wrong passwords in a row for one user name, that
name cannot log in for ``AXES_COOLOFF_TIME``, even with the right password; an
administrator unlocks it earlier from the admin ("Access attempts": delete the
name's row) or with ``manage.py axes_reset_username NAME``.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

# Too Many Requests: what a client or a proxy's log should read.
LOCKED_OUT_STATUS = 429


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict | None = None,
) -> HttpResponse:
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    cooloff = settings.AXES_COOLOFF_TIME
    return render(
        request,
        "registration/locked_out.html",
        {
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "username": username,
            "minutes": int(cooloff.total_seconds() // 60) if cooloff else None,
        },
        status=LOCKED_OUT_STATUS,
    )
