"""The unit select of the lists' filters: an outline of the tree, not
thousands of options."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.access import is_admin, root_unit_ids
from organizations.models import Unit
from organizations.tree import ancestor_ids, outline
from partyquality.widgets import LongSelect


def unit_choices(user: object, selected: int | None) -> list[tuple[str, str]]:
    """The units offered in the unit select, as an outline of today's tree.

    A province has ~12,000 units and the country ~360,000: the select shows
    the user's own units (every province for an administrator) and opens the
    path down to the chosen unit, with the children of each unit on it, so
    that choosing a unit offers the next level (about 150 options at most)
    instead of thousands. A chosen unit outside that path (closed, or reached
    through a merger) is added at the end; ``filter_unit`` scopes it anyway.
    """
    today = timezone.localdate()
    admin = is_admin(user)  # type: ignore[arg-type]
    tops = [] if admin else root_unit_ids(user)  # type: ignore[arg-type]
    expanded = list(tops)
    if selected is not None:
        path = ancestor_ids(selected, today)
        # The path from the user's own unit (the province for an administrator).
        starts = [0] if admin else [i for i, pk in enumerate(path) if pk in tops]
        if starts:
            expanded += path[starts[0] :]
    units = outline(tops=tops, all_provinces=admin, expanded=expanded, day=today)
    return [(str(pk), "\u2003" * depth + name) for pk, name, depth in units]


def _unit_id(value: str | None) -> int | None:
    """A unit id from the URL, or None for anything else ("²", 10**20)."""
    if value and value.isascii() and value.isdigit() and int(value) < 2**63:
        return int(value)
    return None


def visible_units(request: object) -> QuerySet[Unit]:
    user = getattr(request, "user", None)
    # Today's tree (issue #16): a unit that moved away is no longer offered
    # to its former parent, nor kept when named in the URL.
    return Unit.objects.visible_now(user)  # type: ignore[arg-type]


def unit_select(request: object, selected: str | None, *, attrs: Any) -> LongSelect:
    """The select of ``unit_choices``, with the chosen unit if it lies
    outside the outline (closed, or reached through a merger)."""
    selected_id = _unit_id(selected)
    choices = [
        ("", str(_("Tất cả đơn vị"))),
        *unit_choices(getattr(request, "user", None), selected_id),
    ]
    if selected_id and selected not in {value for value, _label in choices}:
        unit = visible_units(request).filter(pk=selected_id).first()
        if unit is not None:
            choices.append((str(unit.pk), unit.name))
    return LongSelect(attrs=attrs, choices=choices)
