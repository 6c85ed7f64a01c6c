"""Form widgets."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


class LongSelect(forms.Select):
    """A ``<select>`` of many plain options, rendered by one string join.

    Django's template-based widget renders each option through a template:
    when the unit filter listed every unit, ~4,000 of them took about 200 ms
    of a list page; a string join takes a few ms. The filter now shows an
    outline of at most a few hundred units, and a page is still built on
    every keystroke of a search. Only flat (value, label) choices, no groups.
    """

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        selected = "" if value is None else str(value)
        final_attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        options = "".join(
            '<option value="{}"{}>{}</option>'.format(
                escape(option_value),
                " selected" if str(option_value) == selected else "",
                escape(label),
            )
            for option_value, label in self.choices
        )
        return mark_safe(f"<select{flatatt(final_attrs)}>{options}</select>")  # noqa: S308 — every part escaped above


DAY_FORMAT = "%d/%m/%Y"


class DayInput(forms.DateInput):
    """A date typed dd/mm/yyyy, as Vietnamese documents write it (DOMAIN.md §8).

    A native date picker shows the browser's order instead (mm/dd/yyyy on an
    English system) beside dates printed dd/mm/yyyy on the same page.
    """

    input_type = "text"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        defaults = {
            "placeholder": "dd/mm/yyyy",
            "inputmode": "numeric",
            "pattern": r"\d{1,2}/\d{1,2}/\d{4}",
            "autocomplete": "off",
            "class": "day",
        }
        super().__init__(attrs={**defaults, **(attrs or {})}, format=DAY_FORMAT)


def parse_day(raw: str) -> datetime.date | None:
    """A day from a query string: dd/mm/yyyy as typed, or ISO as in links."""
    for fmt in (DAY_FORMAT, "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(raw.strip(), fmt).date()  # noqa: DTZ007 — a day, no time
        except ValueError:
            continue
    return None
