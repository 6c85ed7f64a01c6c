"""Closed years: a year whose review is submitted or approved is not changed
behind its back (issue #16).

Once a grassroots organization's year is submitted to the level above or
approved (QĐ 124-QĐ/TW, QĐ 366-QĐ/TW: the level above decides the year's
classification), an event dated inside that year — or earlier, when it would
still show in that year, like an admission or a transfer — that would change
the year's figures (a discipline, a transfer between cells, an admission, a
leaving, struck off or death, an imported member, a change of the tree
touching its units, a post held or ended there, a completed qualification
of someone there, a village's coverage) is refused, with a message
naming the year, the organization and who can reopen it: the officers of the
level above (``assessments.services.review_reopen`` / ``review_return``).
We refuse rather than freeze: the approved sheet is the record the level
above signed, and an event it does not know would make the sheet and the
member's file disagree (CONTRIBUTING.md, "Closed years").

The reviews live in ``assessments``, above this layer: the assessments app
registers the function that finds closed years (``register``) in its
``AppConfig.ready``; members and organizations only call ``assert_open`` or
``closed_years``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Collection
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_noop


@dataclass(frozen=True)
class ClosedYear:
    year: int
    organization: str
    approved: bool  # approved (locked); otherwise submitted, awaiting decision
    # The unit above the organization that year: its officers reopen/return.
    above: str


# (unit ids, first year) → for each unit among them with a closed year from
# that year on, its closed years in order.
Finder = Callable[[Collection[int], int], dict[int, list[ClosedYear]]]
_finder: Finder | None = None


def register(finder: Finder) -> None:
    global _finder  # one finder: the app that keeps the reviews
    _finder = finder


CLOSED_APPROVED = gettext_noop(
    "Năm {year} của {organization} đã được duyệt và khóa: không ghi được việc "
    "ngày {date} vì sẽ làm thay đổi số liệu năm {year}. Muốn ghi, đề nghị cán bộ "
    "cấp trên ({above}) mở lại năm {year}."
)
CLOSED_SUBMITTED = gettext_noop(
    "Năm {year} của {organization} đã trình cấp trên: không ghi được việc ngày "
    "{date} vì sẽ làm thay đổi số liệu năm {year}. Muốn ghi, đề nghị cán bộ cấp "
    "trên ({above}) trả lại hồ sơ năm {year}."
)


def closed_years(
    unit_ids: Collection[int], *, since: int
) -> dict[int, list[ClosedYear]]:
    """The closed years from ``since`` on of the organization of each unit
    (a cell's grassroots organization, or the unit itself)."""
    ids = sorted({int(i) for i in unit_ids if i is not None})
    if _finder is None or not ids:
        return {}
    return _finder(ids, since)


def first_closed(
    unit_ids: Collection[int], day: datetime.date, *, only_that_year: bool = False
) -> ClosedYear | None:
    """The earliest closed year an event on ``day`` at these units would
    change: that year's, and (unless ``only_that_year``, for an event that
    counts in its own year only, like a discipline) every later year's."""
    found = [
        closed
        for years in closed_years(unit_ids, since=day.year).values()
        for closed in years
        if not only_that_year or closed.year == day.year
    ]
    return min(found, key=lambda c: (c.year, c.organization)) if found else None


def closed_message(closed: ClosedYear, day: datetime.date) -> str:
    template = CLOSED_APPROVED if closed.approved else CLOSED_SUBMITTED
    return gettext(template).format(
        year=closed.year,
        organization=closed.organization,
        above=closed.above,
        date=day.strftime("%d/%m/%Y"),
    )


def assert_open(
    unit_ids: Collection[int],
    day: datetime.date,
    *,
    field: str | None = "date",
    only_that_year: bool = False,
) -> None:
    """Refuse an event on ``day`` at these units that would change a closed
    year (``field``: the form field the message belongs to)."""
    closed = first_closed(unit_ids, day, only_that_year=only_that_year)
    if closed is None:
        return
    message = closed_message(closed, day)
    raise ValidationError({field: message} if field else message, code="closed_year")
