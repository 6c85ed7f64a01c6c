"""Changes to people and their party membership, each a validated, atomic
service that records its event (DOMAIN.md §4).

History is never rewritten: a transfer closes the current ``CellPeriod`` and
opens a new one, so last year's data stays with last year's cell. The cached
``Membership.status`` and ``current_cell`` are written here only, from the
events (``members.selectors.membership_status_on`` derives the same thing).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from members.career_services import (  # noqa: F401 (re-exported: callers use members.services)
    ERR_HOLDING_END_ORDER,
    ERR_HOLDING_ENDED,
    ERR_HOLDING_OVERLAP,
    ERR_QUALIFICATION_LEVEL,
    holding_end,
    holding_start,
    qualification_add,
    qualification_delete,
    qualification_update,
)
from members.models import (
    MEMBER_FORMS,
    ORGANIZATION_FORMS,
    PROBATIONARY_FORMS,
    CellPeriod,
    Discipline,
    DisciplineForm,
    MemberEvent,
    MemberEventKind,
    Membership,
    MembershipStatus,
    Person,
)
from members.service_checks import (  # noqa: F401 (ERR_* re-exported)
    ERR_AFTER_DEATH,
    ERR_FUTURE_DATE,
    ERR_UNIT_CLOSED,
    fmt_day,
    require_alive,
    require_past,
    today,
)
from organizations.closed_years import assert_open
from organizations.models import CELL_LIKE_LEVELS, Unit

ERR_FULL_NOT_AFTER_ADMISSION = "Ngày chính thức phải sau ngày vào Đảng."
# Party Charter art. 5: the probationary period is twelve months.
ERR_FULL_BEFORE_PROBATION_ENDS = (
    "Thời kỳ dự bị là 12 tháng (Điều lệ Đảng, Điều 5): "
    "chỉ công nhận chính thức từ ngày {date}."
)
ERR_NOT_PROBATIONARY = "Chỉ đảng viên dự bị mới được công nhận chính thức."
ERR_OVERLAPPING_MEMBERSHIP = "Người này đã là đảng viên trong khoảng thời gian đó."
ERR_AFTER_LEAVING = "Đảng viên đã ra khỏi Đảng ngày {date}; không thể ghi thêm sự kiện."
ERR_BEFORE_LAST_EVENT = (
    "Ngày {date} trước sự kiện gần nhất ({last}); không sửa lại lịch sử."
)
ERR_NOT_A_CELL = "{unit} không phải là chi bộ (chi bộ trực thuộc hoặc chi bộ cơ sở)."
ERR_CELL_CLOSED = "Chi bộ {unit} không hoạt động vào ngày {date}."
ERR_SAME_CELL = "Đảng viên đang sinh hoạt chính thức tại {unit}."
ERR_TRANSFER_SAME_DAY = (
    "Ngày chuyển phải sau ngày bắt đầu sinh hoạt tại chi bộ hiện tại ({date})."
)
ERR_TEMPORARY_END = "Ngày kết thúc sinh hoạt tạm thời phải sau ngày bắt đầu."
ERR_ALREADY_EXEMPTED = "Đảng viên đang được miễn sinh hoạt."
ERR_NOT_EXEMPTED = "Đảng viên không ở trong thời gian miễn sinh hoạt."
ERR_NOT_A_MEMBER = "Người này không phải đảng viên vào ngày {date}."
ERR_LEAVE_KIND = "Hình thức ra khỏi Đảng không hợp lệ."
ERR_DECISION_REQUIRED = "Cần nhập số quyết định."
ERR_DECIDING_BODY_REQUIRED = "Cần nhập cơ quan quyết định."
# Party Charter art. 35: a probationary member may only be reprimanded or warned.
ERR_PROBATIONARY_DISCIPLINE = (
    "Đảng viên dự bị chỉ bị kỷ luật khiển trách hoặc cảnh cáo (Điều lệ Đảng, Điều 35)."
)
ERR_MEMBER_DISCIPLINE_FORM = "Hình thức kỷ luật này không áp dụng cho đảng viên."
ERR_ORGANIZATION_DISCIPLINE_FORM = (
    "Tổ chức đảng chỉ bị kỷ luật khiển trách, cảnh cáo hoặc giải tán."
)
ERR_BORN_AFTER = "Ngày {date} trước ngày sinh của người này."

LEAVE_STATUS = {
    MemberEventKind.RESIGNATION: MembershipStatus.RESIGNED,
    MemberEventKind.STRUCK_OFF: MembershipStatus.STRUCK_OFF,
    MemberEventKind.EXPULSION: MembershipStatus.EXPELLED,
    MemberEventKind.DEATH: MembershipStatus.DECEASED,
}


def _require_decision(decision_number: str) -> None:
    if not decision_number.strip():
        raise ValidationError({"decision_number": ERR_DECISION_REQUIRED})


def _require_cell(cell: Unit, day: datetime.date, field: str = "cell") -> None:
    if cell.level not in CELL_LIKE_LEVELS:
        raise ValidationError({field: ERR_NOT_A_CELL.format(unit=cell)})
    if not cell.is_open_on(day):
        raise ValidationError(
            {field: ERR_CELL_CLOSED.format(unit=cell, date=fmt_day(day))}
        )


def _require_active(membership: Membership, day: datetime.date) -> None:
    """A new event on ``day``: after admission, not after leaving or death,
    not before the last recorded event."""
    require_past(day)
    if membership.ended_on is not None:
        if membership.status == MembershipStatus.DECEASED:
            raise ValidationError(
                ERR_AFTER_DEATH.format(date=fmt_day(membership.ended_on))
            )
        raise ValidationError(
            ERR_AFTER_LEAVING.format(date=fmt_day(membership.ended_on))
        )
    last = membership.events.order_by("-date", "-id").first()
    if last is not None and day < last.date:
        raise ValidationError(
            {
                "date": ERR_BEFORE_LAST_EVENT.format(
                    date=fmt_day(day),
                    last=f"{last.get_kind_display()} {fmt_day(last.date)}",
                )
            }
        )
    _require_year_open(membership, day)


def _require_year_open(
    membership: Membership, day: datetime.date, *also: Unit, field: str = "date"
) -> None:
    """An event from ``day`` on changes the member's row in the sheets of the
    cells it is official in from then on: refused while one of those years is
    submitted or approved (organizations/closed_years.py)."""
    cells = set(
        membership.cell_periods.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gt=day), is_temporary=False
        ).values_list("cell_id", flat=True)
    )
    assert_open(cells | {unit.pk for unit in also}, day, field=field)


def _official_period(membership: Membership) -> CellPeriod | None:
    return (
        membership.cell_periods.filter(is_temporary=False, valid_to__isnull=True)
        .select_related("cell")
        .first()
    )


def _event(
    membership: Membership,
    kind: str,
    day: datetime.date,
    decision_number: str = "",
    note: str = "",
    from_cell: Unit | None = None,
    to_cell: Unit | None = None,
) -> MemberEvent:
    event = MemberEvent(
        membership=membership,
        kind=kind,
        date=day,
        decision_number=decision_number.strip(),
        note=note,
        from_cell=from_cell,
        to_cell=to_cell,
    )
    event.full_clean()
    event.save()
    return event


def _refresh_cache(membership: Membership) -> Membership:
    """Write the cached status and cell from the events and periods."""
    from members.selectors import membership_current_cell, membership_status_on

    status = membership_status_on(membership, today())
    membership.status = status or MembershipStatus.PROBATIONARY
    membership.current_cell = membership_current_cell(membership)
    membership.save(update_fields=["status", "current_cell"])
    return membership


# People ---------------------------------------------------------------------


def _clean_identity(fields: dict[str, Any]) -> dict[str, Any]:
    national_id = (fields.get("national_id") or "").strip().replace(" ", "")
    fields["national_id"] = national_id or None
    fields["full_name"] = " ".join(str(fields.get("full_name", "")).split())
    return fields


@transaction.atomic
def person_create(
    *,
    full_name: str,
    gender: str,
    date_of_birth: datetime.date,
    ethnicity: str = "01",
    religion: str = "",
    home_village: str = "",
    national_id: str | None = None,
    registered_unit: Unit | None = None,
) -> Person:
    require_past(date_of_birth, "date_of_birth")
    fields = _clean_identity(
        {
            "full_name": full_name,
            "gender": gender,
            "date_of_birth": date_of_birth,
            "ethnicity": ethnicity,
            "religion": religion.strip(),
            "home_village": home_village.strip(),
            "national_id": national_id,
            "registered_unit": registered_unit,
        }
    )
    person = Person(**fields)
    person.full_clean()
    person.save()
    return person


PERSON_FIELDS = (
    "full_name",
    "gender",
    "date_of_birth",
    "ethnicity",
    "religion",
    "home_village",
    "national_id",
    "registered_unit",
)


@transaction.atomic
def person_update(*, person: Person, **changes: Any) -> Person:
    unknown = set(changes) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"person_update got unknown fields {sorted(unknown)}")
    if "date_of_birth" in changes:
        require_past(changes["date_of_birth"], "date_of_birth")
    if "national_id" in changes or "full_name" in changes:
        merged = {
            "national_id": changes.get("national_id", person.national_id),
            "full_name": changes.get("full_name", person.full_name),
        }
        changes.update(_clean_identity(merged))
    for name, value in changes.items():
        setattr(person, name, value)
    person.full_clean()
    person.save()
    return person


# Membership -----------------------------------------------------------------


@transaction.atomic
def member_admit(
    *,
    person: Person,
    cell: Unit,
    admitted_on: datetime.date,
    decision_number: str,
    card_number: str | None = None,
    note: str = "",
) -> Membership:
    """Admission (kết nạp): a probationary membership in ``cell``."""
    require_past(admitted_on, "admitted_on")
    if admitted_on < person.date_of_birth:
        raise ValidationError(
            {"admitted_on": ERR_BORN_AFTER.format(date=fmt_day(admitted_on))}
        )
    _require_decision(decision_number)
    require_alive(person, admitted_on)
    _require_cell(cell, admitted_on)
    # The new member would join the sheets of that year and the next ones.
    assert_open([cell.pk], admitted_on, field="admitted_on")
    overlapping = Membership.objects.filter(person=person).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=admitted_on)
    )
    if overlapping.exists():
        raise ValidationError(ERR_OVERLAPPING_MEMBERSHIP)
    membership = Membership(
        person=person,
        card_number=(card_number or "").strip() or None,
        admitted_on=admitted_on,
        status=MembershipStatus.PROBATIONARY,
        current_cell=cell,
    )
    membership.full_clean()
    membership.save()
    CellPeriod.objects.create(membership=membership, cell=cell, valid_from=admitted_on)
    _event(
        membership,
        MemberEventKind.ADMISSION,
        admitted_on,
        decision_number,
        note,
        to_cell=cell,
    )
    return _refresh_cache(membership)


def probation_ends(admitted_on: datetime.date) -> datetime.date:
    """Twelve months after admission (Party Charter art. 5)."""
    try:
        return admitted_on.replace(year=admitted_on.year + 1)
    except ValueError:  # admitted on 29 February
        return admitted_on.replace(year=admitted_on.year + 1, day=28)


@transaction.atomic
def member_make_full(
    *,
    membership: Membership,
    full_member_on: datetime.date,
    decision_number: str,
    note: str = "",
) -> Membership:
    _require_active(membership, full_member_on)
    if full_member_on <= membership.admitted_on:
        raise ValidationError({"date": ERR_FULL_NOT_AFTER_ADMISSION})
    earliest = probation_ends(membership.admitted_on)
    if full_member_on < earliest:
        raise ValidationError(
            {"date": ERR_FULL_BEFORE_PROBATION_ENDS.format(date=fmt_day(earliest))}
        )
    if membership.full_member_on is not None:
        raise ValidationError(ERR_NOT_PROBATIONARY)
    _require_decision(decision_number)
    membership.full_member_on = full_member_on
    membership.full_clean()
    membership.save(update_fields=["full_member_on"])
    _event(
        membership, MemberEventKind.FULL_MEMBER, full_member_on, decision_number, note
    )
    return _refresh_cache(membership)


@transaction.atomic
def member_transfer(
    *,
    membership: Membership,
    to_cell: Unit,
    date: datetime.date,
    decision_number: str,
    temporary: bool = False,
    until: datetime.date | None = None,
    note: str = "",
) -> Membership:
    """Move a member to another cell (chuyển sinh hoạt).

    Official: the current period ends on ``date`` and a new one starts that
    day; the old period stays, so reports for earlier dates still find the
    old cell. Temporary: the member also attends ``to_cell`` from ``date``
    (until ``until`` if known) while the official cell stays.
    """
    _require_active(membership, date)
    _require_decision(decision_number)
    _require_cell(to_cell, date, "to_cell")
    if not temporary:  # the member joins the new cell's sheets
        assert_open([to_cell.pk], date, field="date")
    current = _official_period(membership)
    if current is not None and current.cell_id == to_cell.pk:
        raise ValidationError({"to_cell": ERR_SAME_CELL.format(unit=current.cell)})
    from_cell = current.cell if current else None
    if temporary:
        if until is not None and until <= date:
            raise ValidationError({"until": ERR_TEMPORARY_END})
        period = CellPeriod(
            membership=membership,
            cell=to_cell,
            valid_from=date,
            valid_to=until,
            is_temporary=True,
        )
        period.full_clean()
        period.save()
        kind = MemberEventKind.TRANSFER_TEMPORARY
    else:
        if current is not None:
            if date <= current.valid_from:
                raise ValidationError(
                    {
                        "date": ERR_TRANSFER_SAME_DAY.format(
                            date=fmt_day(current.valid_from)
                        )
                    }
                )
            current.valid_to = date
            current.save(update_fields=["valid_to"])
        CellPeriod.objects.create(membership=membership, cell=to_cell, valid_from=date)
        kind = MemberEventKind.TRANSFER_OFFICIAL
    _event(
        membership,
        kind,
        date,
        decision_number,
        note,
        from_cell=from_cell,
        to_cell=to_cell,
    )
    return _refresh_cache(membership)


@transaction.atomic
def member_exempt(
    *, membership: Membership, date: datetime.date, decision_number: str, note: str = ""
) -> Membership:
    """Exemption from activities (miễn sinh hoạt), e.g. for age or illness."""
    _require_active(membership, date)
    _require_decision(decision_number)
    if membership.status == MembershipStatus.EXEMPTED:
        raise ValidationError(ERR_ALREADY_EXEMPTED)
    _event(membership, MemberEventKind.EXEMPTION, date, decision_number, note)
    return _refresh_cache(membership)


@transaction.atomic
def member_end_exemption(
    *, membership: Membership, date: datetime.date, decision_number: str, note: str = ""
) -> Membership:
    _require_active(membership, date)
    if membership.status != MembershipStatus.EXEMPTED:
        raise ValidationError(ERR_NOT_EXEMPTED)
    _event(membership, MemberEventKind.EXEMPTION_END, date, decision_number, note)
    return _refresh_cache(membership)


@transaction.atomic
def member_leave(
    *,
    membership: Membership,
    kind: str,
    date: datetime.date,
    decision_number: str = "",
    note: str = "",
) -> Membership:
    """Leaving the party: resignation, struck off, expulsion or death.

    Every open period ends on ``date``; the membership keeps its last cell
    so the cell that kept the file still finds it.
    """
    if kind not in LEAVE_STATUS:
        raise ValidationError({"kind": ERR_LEAVE_KIND})
    _require_active(membership, date)
    if kind != MemberEventKind.DEATH:
        _require_decision(decision_number)
    open_periods = membership.cell_periods.filter(valid_to__isnull=True)
    for period in open_periods:
        if date <= period.valid_from:
            raise ValidationError(
                {"date": ERR_TRANSFER_SAME_DAY.format(date=fmt_day(period.valid_from))}
            )
    membership.cell_periods.filter(valid_to__isnull=True).update(valid_to=date)
    membership.cell_periods.filter(is_temporary=True, valid_to__gt=date).update(
        valid_to=date
    )
    membership.ended_on = date
    membership.full_clean()
    membership.save(update_fields=["ended_on"])
    _event(membership, kind, date, decision_number, note)
    return _refresh_cache(membership)


# Discipline -----------------------------------------------------------------


@dataclass(frozen=True)
class DisciplineDecision:
    form: str
    date: datetime.date
    deciding_body: str
    decision_number: str
    reason: str = ""


def _check_decision(decision: DisciplineDecision) -> None:
    require_past(decision.date)
    _require_decision(decision.decision_number)
    if not decision.deciding_body.strip():
        raise ValidationError({"deciding_body": ERR_DECIDING_BODY_REQUIRED})


@transaction.atomic
def discipline_record(
    *,
    decision: DisciplineDecision,
    membership: Membership | None = None,
    unit: Unit | None = None,
) -> Discipline:
    """Discipline a member (``membership``) or an organization (``unit``).

    Members: reprimand, warning, removal from post, expulsion; probationary
    members only reprimand or warning (Party Charter art. 35). Expulsion also
    ends the membership. Organizations: reprimand, warning, dissolution.
    """
    if (membership is None) == (unit is None):
        raise TypeError("discipline_record needs exactly one of membership or unit")
    _check_decision(decision)
    if unit is not None:
        if decision.form not in ORGANIZATION_FORMS:
            raise ValidationError({"form": ERR_ORGANIZATION_DISCIPLINE_FORM})
        if not unit.is_open_on(decision.date):
            raise ValidationError(
                ERR_UNIT_CLOSED.format(unit=unit, date=fmt_day(decision.date))
            )
        # QĐ 366-QĐ/TW: a disciplined organization is not rated "excellent"
        # that year; the year's sheet must not change once closed.
        assert_open([unit.pk], decision.date, only_that_year=True)
        discipline = Discipline(unit=unit, subject_is_unit=True, **_fields(decision))
        discipline.full_clean()
        discipline.save()
        return discipline
    assert membership is not None  # for the type checker  # noqa: S101
    if decision.form not in MEMBER_FORMS:
        raise ValidationError({"form": ERR_MEMBER_DISCIPLINE_FORM})
    from members.selectors import membership_cell_on, membership_status_on

    # A decision may be entered late: only an expulsion, which ends the
    # membership, must come after the last recorded event.
    if decision.form == DisciplineForm.EXPULSION:
        _require_active(membership, decision.date)
    status = membership_status_on(membership, decision.date)
    if status is None:
        raise ValidationError(ERR_NOT_A_MEMBER.format(date=fmt_day(decision.date)))
    if status in LEAVE_STATUS.values():
        _require_active(membership, decision.date)
    if status == MembershipStatus.PROBATIONARY and decision.form not in (
        PROBATIONARY_FORMS
    ):
        raise ValidationError({"form": ERR_PROBATIONARY_DISCIPLINE})
    cell = membership_cell_on(membership, decision.date) or membership.current_cell
    if cell is not None:
        # QĐ 132/124: the year's rating of a disciplined member is capped.
        assert_open([cell.pk], decision.date, only_that_year=True)
    discipline = Discipline(
        person=membership.person, unit=cell, subject_is_unit=False, **_fields(decision)
    )
    discipline.full_clean()
    discipline.save()
    if decision.form == DisciplineForm.EXPULSION:
        member_leave(
            membership=membership,
            kind=MemberEventKind.EXPULSION,
            date=decision.date,
            decision_number=decision.decision_number,
            note=decision.reason,
        )
    return discipline


def _fields(decision: DisciplineDecision) -> dict[str, Any]:
    return {
        "form": decision.form,
        "date": decision.date,
        "deciding_body": decision.deciding_body.strip(),
        "decision_number": decision.decision_number.strip(),
        "reason": decision.reason.strip(),
    }
