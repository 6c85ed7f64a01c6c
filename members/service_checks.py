"""Checks every member service makes before it writes, shared by the
person and membership services (members/services.py) and the career ones
(qualifications and posts, members/career_services.py)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from members.models import MemberEvent, MemberEventKind, Person

ERR_FUTURE_DATE = "Ngày {date} ở tương lai; chỉ ghi những việc đã xảy ra."
ERR_AFTER_DEATH = "Người này đã từ trần ngày {date}; không thể ghi thêm."
ERR_UNIT_CLOSED = "Tổ chức {unit} không hoạt động vào ngày {date}."


def today() -> datetime.date:
    return timezone.localdate()


def fmt_day(day: datetime.date) -> str:
    """A date as users read it in messages: dd/mm/yyyy."""
    return day.strftime("%d/%m/%Y")


def require_past(day: datetime.date, field: str = "date") -> None:
    """Only what has happened is recorded: no date after today."""
    if day > today():
        raise ValidationError({field: ERR_FUTURE_DATE.format(date=fmt_day(day))})


def death_date(person: Person) -> datetime.date | None:
    event = (
        MemberEvent.objects.filter(
            membership__person=person, kind=MemberEventKind.DEATH
        )
        .order_by("date")
        .first()
    )
    return event.date if event else None


def require_alive(person: Person, day: datetime.date) -> None:
    """Nothing is recorded for a person on or after their death."""
    died = death_date(person)
    if died is not None and day >= died:
        raise ValidationError(ERR_AFTER_DEATH.format(date=fmt_day(died)))
