"""Sections that upper apps add to pages of lower ones.

The home page (partyquality) and a unit's page (organizations) sit below the
apps that know members and reviews, and the layers point down: those apps
register what they show here from their ``AppConfig.ready``, and the lower
page renders whatever is registered, in order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True)
class Section:
    """A template to include and its context; ``order`` places it on the page."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 50


HomeSection = Callable[[HttpRequest], Section | None]
UnitSection = Callable[[HttpRequest, Any], Section | None]

_home: list[HomeSection] = []
_unit: list[UnitSection] = []


def register_home(builder: HomeSection) -> HomeSection:
    if builder not in _home:
        _home.append(builder)
    return builder


def register_unit(builder: UnitSection) -> UnitSection:
    if builder not in _unit:
        _unit.append(builder)
    return builder


def home_sections(request: HttpRequest) -> list[Section]:
    found = [s for s in (b(request) for b in _home) if s is not None]
    return sorted(found, key=lambda s: s.order)


def unit_sections(request: HttpRequest, unit: Any) -> list[Section]:
    found = [s for s in (b(request, unit) for b in _unit) if s is not None]
    return sorted(found, key=lambda s: s.order)
