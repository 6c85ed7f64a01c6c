"""Sortable column headers that keep the list's other filters."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag(takes_context=True)
def sort_header(context: template.Context, key: str, label: str) -> SafeString:
    params = context["request"].GET.copy()
    current = params.get("o", "")
    params["o"] = f"-{key}" if current == key else key
    params.pop("page", None)
    arrow = "▲" if current == key else "▼" if current == f"-{key}" else ""
    query = params.urlencode()
    return format_html(
        '<a href="?{}" hx-get="?{}" class="sort">{}</a> <span class="sort-mark">{}</span>',
        query,
        query,
        label,
        arrow,
    )


@register.filter
def level_label(code: str | None) -> str:
    """A qualification level code as its label ("university" → "Đại học")."""
    from members.qualifications import LEVEL_CHOICES

    return str(dict(LEVEL_CHOICES).get(code or "", "—"))


@register.filter
def get_item(mapping: dict, key: str) -> object:
    return mapping.get(key)
