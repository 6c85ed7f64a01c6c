"""The home page that leads each role to its work: the user's assignments.
Its own URL module, included from partyquality/urls.py by name (the bottom
layer imports no app)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import path
from django.views.decorators.http import require_GET

from organizations.access import active_assignments, is_admin
from partyquality.http import AuthedRequest
from partyquality.hub import home_sections


@require_GET
@login_required
def home(request: AuthedRequest) -> HttpResponse:
    assignments = active_assignments(request.user).select_related("unit")
    # What each role has to do today, from the apps above (partyquality.hub).
    sections = [
        render_to_string(s.template, s.context, request) for s in home_sections(request)
    ]
    return render(
        request,
        "home.html",
        {
            "assignments": assignments,
            "is_admin": is_admin(request.user),
            "sections": sections,
        },
    )


urlpatterns = [path("", home, name="home")]
